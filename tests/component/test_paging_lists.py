"""The lists people read a page at a time: an application's timeline and messages, the
operators' message log, the public consultations, an assistant's delegations, the citizen's
data use and an agency's ratings.  Walking every page gives the whole list, in order, once;
a cursor works only for the caller and the list it was given for."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from typing import Any

import pytest

from tests.support.flows import delegated, draft, licence_without_payment
from tests.support.inprocess import Aws, HttpUser
from tests.support.lists import exchanged, log_sms, rated
from tests.support.paging import pages, refused_to, with_page

ITEMS = 5
LIMIT = 2
CENTRE = "CDC-OAXACA"


def walked(user: HttpUser, path: str, items: Callable[[Any], list[Any]]) -> list[Any]:
    """Every item of ``path`` two at a time, checked against the list read as one page."""
    found = pages(user, path, LIMIT, items)
    assert all(len(page) <= LIMIT for page in found)
    flat = [item for page in found for item in page]
    whole = user.get(with_page(path, 200))
    assert whole.status_code == 200, whole.body
    assert whole.body["next_cursor"] is None
    assert flat == items(whole.body)  # all of them, in order: no gap, no duplicate
    return flat


def first_cursor(user: HttpUser, path: str) -> str:
    reply = user.get(with_page(path, LIMIT))
    assert reply.status_code == 200, reply.body
    cursor: str = reply.body["next_cursor"]
    assert cursor
    return cursor


def events(body: Any) -> list[Any]:
    return [event["seq"] for event in body["events"]]


def messages(body: Any) -> list[Any]:
    return [message["id"] for message in body["messages"]]


@pytest.fixture(scope="module")
def citizen(aws: Aws) -> HttpUser:
    return aws.user()


@pytest.fixture(scope="module")
def application(citizen: HttpUser) -> str:
    """A draft whose timeline has six events: created, then five changes."""
    application_id = draft(citizen)
    for n in range(ITEMS):
        changed = citizen.patch(f"/applications/{application_id}", {"data": {"domicilio": f"Calle Morelos {n + 1}"}})
        assert changed.status_code == 200, changed.body
    return application_id


# --- an application's timeline --------------------------------------------------------


def test_the_timeline_pages_oldest_first_and_whole(aws: Aws, citizen: HttpUser, application: str) -> None:
    path = f"/applications/{application}/audit"
    seqs = walked(citizen, path, events)
    assert seqs == sorted(seqs) and len(seqs) == ITEMS + 1
    verified = citizen.get(f"{path}/verify").body
    assert (verified["intact"], verified["events"]) == (True, ITEMS + 1)  # the check still covers the whole chain


def test_a_timeline_cursor_is_the_callers_and_the_applications_only(
    aws: Aws, citizen: HttpUser, application: str
) -> None:
    path = f"/applications/{application}/audit"
    cursor = first_cursor(citizen, path)
    other = draft(citizen)
    citizen.patch(f"/applications/{other}", {"data": {"domicilio": "Calle Juárez 3"}})
    refused_to(citizen, f"/applications/{other}/audit", cursor)  # same user, another application
    someone = aws.user()
    refused_to(someone, f"/applications/{draft(someone)}/audit", cursor)  # another citizen, their own timeline


def test_an_altered_cursor_is_refused(citizen: HttpUser, application: str) -> None:
    path = f"/applications/{application}/audit"
    cursor = first_cursor(citizen, path)
    refused_to(citizen, path, cursor[:-2] + ("AA" if not cursor.endswith("AA") else "BB"))


@pytest.mark.parametrize("limit", ["0", "201", "abc", "-1", "2.5"])
def test_a_bad_limit_is_refused_naming_it(citizen: HttpUser, application: str, limit: str) -> None:
    for path in (f"/applications/{application}/audit", f"/applications/{application}/messages", "/me/data-use"):
        reply = citizen.get(f"{path}?limit={limit}")
        assert reply.status_code == 422, (path, reply.body)
        assert reply.body["error"]["code"] == "invalid_limit", (path, reply.body)
        assert reply.body["error"]["details"][0]["field"] == "limit"


# --- the delivery log -------------------------------------------------------------------


def test_an_applications_messages_page_oldest_first(aws: Aws, citizen: HttpUser, application: str) -> None:
    logged = log_sms(application, citizen.phone or "", ITEMS)
    path = f"/applications/{application}/messages"
    assert walked(citizen, path, messages) == logged
    cursor = first_cursor(citizen, path)
    refused_to(aws.user(), f"/applications/{draft(aws.user())}/messages", cursor)
    other = draft(citizen)
    log_sms(other, citizen.phone or "", 3)
    refused_to(citizen, f"/applications/{other}/messages", cursor)


def test_the_operators_log_of_a_phone_pages_newest_first(aws: Aws) -> None:
    owner = aws.user()
    application_id = draft(owner)
    phone = aws.user().phone or ""  # a phone with a log of its own only
    logged = log_sms(application_id, phone, ITEMS)
    admin = aws.user(groups=("admin",))
    by_phone = f"/messages?phone={phone.replace('+', '%2B')}"
    assert walked(admin, by_phone, messages) == logged[::-1]
    by_application = f"/messages?application_id={application_id}"
    assert walked(admin, by_application, messages) == logged
    cursor = first_cursor(admin, by_phone)
    refused_to(aws.user(groups=("admin",)), by_phone, cursor)  # another operator
    refused_to(admin, by_application, cursor)  # the same operator, another filter
    reply = admin.get(f"{by_phone}&limit=201")
    assert (reply.status_code, reply.body["error"]["code"]) == (422, "invalid_limit")


# --- consultations ----------------------------------------------------------------------


def test_the_consultations_page_newest_first_with_one_cursor_for_everyone(aws: Aws) -> None:
    author = aws.user(groups=("admin",))
    code = f"pagina-{secrets.token_hex(3)}"
    definition = licence_without_payment(
        code, "CICLO", {"es": "Licencia paginada", "en": "Paged licence"}, {"es": "Ciclo", "en": "Cycle"}
    )
    assert author.put(f"/procedures/{code}", definition).status_code == 201
    for days in range(ITEMS):
        steps = definition["steps"]
        changed = {**definition, "steps": {**steps, "revision": {**steps["revision"], "deadline_days": 6 + days}}}
        number = author.post(f"/procedures/{code}/drafts", changed).body["number"]
        assert author.post(f"/procedures/{code}/drafts/{number}/consultation", {}).status_code == 200

    anyone = aws.anonymous()
    listed = walked(anyone, "/consultations", lambda body: [(c["code"], c["number"]) for c in body["consultations"]])
    ours = [number for listed_code, number in listed if listed_code == code]
    assert ours == sorted(ours, reverse=True) and len(ours) == ITEMS
    cursor = first_cursor(anyone, "/consultations")
    assert aws.anonymous().get(with_page("/consultations", LIMIT, cursor)).status_code == 200  # any anonymous reader
    # the list is everyone's (and cached so): a signed-in reader goes on with the same cursor
    assert author.get(with_page("/consultations", LIMIT, cursor)).status_code == 200
    reply = anyone.get("/consultations?limit=0")
    assert (reply.status_code, reply.body["error"]["code"]) == (422, "invalid_limit")


# --- an assistant's delegations ---------------------------------------------------------


def test_an_assistants_delegations_page_with_their_applications(aws: Aws) -> None:
    assistant = aws.user(groups=(f"assistant-{CENTRE}",))
    citizens = [aws.user() for _ in range(ITEMS)]
    for person in citizens:
        delegated(aws, assistant, person, CENTRE)
    started = assistant.post(
        "/applications",
        {"procedure": "licencia-conducir", "citizen": citizens[0].username, "data": {"codigo_postal": "03100"}},
    )
    assert started.status_code == 201, started.body

    found = walked(assistant, "/delegations", lambda body: body["delegations"])
    assert sorted(item["curp"] for item in found) == sorted(person.username for person in citizens)
    assert [item["curp"] for item in found] == sorted(item["curp"] for item in found)  # by citizen
    [first] = [item for item in found if item["curp"] == citizens[0].username]
    assert first["applications"] == [started.body["id"]]

    cursor = first_cursor(assistant, "/delegations")
    other = aws.user(groups=(f"assistant-{CENTRE}",))
    delegated(aws, other, aws.user(), CENTRE)
    refused_to(other, "/delegations", cursor)
    reply = assistant.get("/delegations?limit=abc")
    assert (reply.status_code, reply.body["error"]["details"][0]["field"]) == (422, "limit")


# --- the citizen's data use -------------------------------------------------------------


def test_the_data_use_pages_newest_first(aws: Aws) -> None:
    person = aws.user()
    ids = exchanged(person.username, ITEMS)
    found = walked(person, "/me/data-use", lambda body: [item["exchange_id"] for item in body["exchanges"]])
    assert found == ids[::-1]
    cursor = first_cursor(person, "/me/data-use")
    other = aws.user()
    exchanged(other.username, 3)
    refused_to(other, "/me/data-use", cursor)


# --- an agency's ratings ----------------------------------------------------------------


def test_an_agencys_ratings_page_newest_first_and_the_summary_is_the_pages(aws: Aws) -> None:
    agency = f"PAG{secrets.token_hex(2).upper()}"
    scores = (5, 1, 4, 2, 3, 1)
    given = list(zip(rated(agency, scores), scores, strict=True))
    official = aws.official(f"oficial.{agency.lower()}", agency=agency)
    path = f"/agencies/{agency}/ratings"
    found = walked(official, path, lambda body: [item["application_id"] for item in body["ratings"]])
    assert found == [application_id for application_id, _ in reversed(given)]
    first = official.get(with_page(path, LIMIT)).body
    scores = [item["score"] for item in first["ratings"]]
    assert first["summary"] == {"count": 2, "low": sum(score <= 2 for score in scores), "average": sum(scores) / 2}

    low = walked(official, f"{path}?low=true", lambda body: [item["application_id"] for item in body["ratings"]])
    assert low == [application_id for application_id, score in reversed(given) if score <= 2]

    cursor = first_cursor(official, path)
    refused_to(aws.official(f"otra.{agency.lower()}", agency=agency), path, cursor)  # another official
    of_two = aws.user(groups=(f"official-{agency}", "official-SEMOVI"), username=f"dos.{agency.lower()}")
    refused_to(of_two, "/agencies/SEMOVI/ratings", first_cursor(of_two, path))  # the same official, another agency
    refused_to(official, f"{path}?low=true", cursor)  # another filter
    refused_to(official, f"{path}?days=30", cursor)
