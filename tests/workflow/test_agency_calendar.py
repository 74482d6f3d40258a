"""Each authority's calendar over real workflows: days an agency publishes while its
reviews run move their deadlines (and the workflow's timers) by exactly the business days
they cover, with an audit event; another agency's days move nothing."""

from __future__ import annotations

import random
import secrets
import string
from datetime import date
from typing import Any

from chalicelib.core.clock import parse_iso, utcnow
from chalicelib.legal.calendar import add_business_days, end_of_day, legal_date
from tests.support.flows import (
    licence_without_payment,
    open_review,
    ready_licence,
    submit,
    submitted_licence,
    wait_status,
)
from tests.support.inprocess import Aws, HttpUser, changed_settings

HOLY_WEEK = {
    "es": "Acuerdo por el que se declaran inhábiles los días de Semana Santa, Gaceta Oficial",
    "en": "Decree declaring Holy Week non-working, Official Gazette",
}
GAZETTE = "https://gaceta.example.gob.mx/acuerdo-semana-santa"


def next_business_days(after: date, count: int) -> list[date]:
    return [add_business_days(after, n) for n in range(1, count + 1)]


def own_agency_procedure(aws: Aws, prefix: str, **review: Any) -> tuple[str, str]:
    """A licence reviewed by an agency of its own (its calendar is this test's alone)."""
    suffix = "".join(random.choices(string.ascii_uppercase, k=5))
    agency, code = f"{prefix}{suffix}", f"calendario-{suffix.lower()}"
    definition = licence_without_payment(
        code,
        agency,
        {"es": f"Licencia del calendario {suffix}", "en": f"Calendar licence {suffix}"},
        {"es": f"Dependencia {suffix}", "en": f"Agency {suffix}"},
        review=review,
    )
    if review.get("on_deadline", "escalate") != "escalate":
        definition["steps"]["revision"].pop("escalation_days", None)
    admin = aws.user(username=f"admin.{suffix.lower()}", groups=("admin",))
    published = admin.put(f"/procedures/{code}", definition)
    assert published.status_code in (200, 201), published.body
    return agency, code


def in_review(aws: Aws, code: str, agency: str) -> tuple[HttpUser, str, dict[str, Any]]:
    citizen = aws.user()
    application_id = ready_licence(citizen, procedure=code)
    submit(citizen, application_id)
    return citizen, application_id, open_review(aws.official(agency=agency), application_id, agency)


def events(user: HttpUser, application_id: str, action: str) -> list[dict[str, Any]]:
    audit = user.get(f"/applications/{application_id}/audit").body["events"]
    return [event for event in audit if event["action"] == action]


def publish(aws: Aws, agency: str, days: list[date], reference: dict[str, str] = HOLY_WEEK) -> dict[str, Any]:
    supervisor = aws.user(
        groups=(f"supervisor-{agency}",), username=f"supervision.{agency.lower()}.{secrets.token_hex(3)}"
    )
    body = {"days": [day.isoformat() for day in days], "reference": reference, "gazette_url": GAZETTE}
    reply = supervisor.post(f"/agencies/{agency}/non-working-days", body)
    assert reply.status_code == 201, reply.body
    result: dict[str, Any] = reply.body
    return result


def test_holy_week_published_mid_review_moves_the_deadline_by_its_business_days(aws: Aws) -> None:
    agency, code = own_agency_procedure(aws, "SANTA")
    citizen, application_id, review = in_review(aws, code, agency)
    original = legal_date(parse_iso(review["deadline"]))
    holy_week = next_business_days(legal_date(utcnow()), 5)
    assert holy_week[0] <= original  # published while the clock runs, inside its span

    published = publish(aws, agency, holy_week)

    assert published["moved"] == [application_id]
    expected = add_business_days(original, 5)  # exactly the five business days it covers
    queued = open_review(aws.official(agency=agency), application_id, agency)
    assert legal_date(parse_iso(queued["deadline"])) == expected
    assert parse_iso(queued["deadline"]) == end_of_day(expected)
    application = citizen.get(f"/applications/{application_id}").body
    assert application["deadline"] == queued["deadline"]
    (moved,) = events(citizen, application_id, "deadline.moved")
    assert moved["details"]["old_deadline"] == review["deadline"]
    assert moved["details"]["new_deadline"] == queued["deadline"]
    assert moved["details"]["reference"] == HOLY_WEEK and moved["details"]["gazette_url"] == GAZETTE
    assert [day["day"] for day in moved["details"]["days"]] == [day.isoformat() for day in holy_week]
    assert moved["actor"]["kind"] == "supervisor"

    # sending the same publication again moves nothing more
    again = publish(aws, agency, holy_week)
    assert again["moved"] == [] and again["already_published"] == [day.isoformat() for day in holy_week]
    assert len(events(citizen, application_id, "deadline.moved")) == 1


def test_a_municipal_holiday_does_not_move_a_federal_agencys_clock(aws: Aws) -> None:
    citizen = aws.user()
    application_id = submitted_licence(citizen)  # reviewed by SEMOVI
    review = open_review(aws.official(agency="SEMOVI"), application_id)
    municipal_day = next_business_days(legal_date(utcnow()), 1)
    assert municipal_day[0] <= legal_date(parse_iso(review["deadline"]))

    published = publish(aws, "DUMUN", municipal_day, {"es": "Fiesta patronal del municipio", "en": "Town feast"})

    assert application_id not in published["moved"]
    assert open_review(aws.official(agency="SEMOVI"), application_id)["deadline"] == review["deadline"]
    assert events(citizen, application_id, "deadline.moved") == []
    semovi = aws.anonymous().get(f"/agencies/SEMOVI/calendar?year={municipal_day[0].year}").body["days"]
    assert municipal_day[0].isoformat() not in [day["date"] for day in semovi]


def test_a_moved_deadline_holds_when_the_old_timer_fires(aws: Aws) -> None:
    """A legal day lasts a second: the timer armed for the first deadline fires while the
    review runs on to the moved one; the workflow waits again and the law's default applies
    only once the moved deadline has passed."""
    with changed_settings(LEGAL_DAY_SECONDS="1"):
        agency, code = own_agency_procedure(aws, "PLAZO", warn_days=0, on_deadline="negativa_ficta")
        citizen, application_id, review = in_review(aws, code, agency)
        publish(aws, agency, next_business_days(legal_date(utcnow()), 5))
        moved = open_review(aws.official(agency=agency), application_id, agency)["deadline"]
        assert moved > review["deadline"]
        wait_status(citizen, application_id, "rejected", timeout=90)
    (denied,) = events(citizen, application_id, "review.deemed_denied")
    assert denied["details"]["deadline"] == moved
    assert parse_iso(denied["details"]["expired_at"]) >= parse_iso(moved)  # not at the first deadline
    actions = [event["action"] for event in citizen.get(f"/applications/{application_id}/audit").body["events"]]
    assert actions.index("review.opened") < actions.index("deadline.moved") < actions.index("review.deemed_denied")


def test_a_municipalitys_days_move_its_agencies_clocks_and_not_its_states(aws: Aws) -> None:
    """A municipality (a random one of Zacatecas: its calendar is this test's alone)
    publishes a day while its agency's review runs: the deadline moves by that business day,
    with the audit event; the state's own publication moves nothing there."""
    agency, code = own_agency_procedure(aws, "MUNI")
    municipality = f"32{secrets.randbelow(1000):03d}"
    admin = aws.user(groups=("admin",))
    definition = admin.get(f"/procedures/{code}").body["definition"]
    name = {"es": "Municipio de prueba", "en": "Test municipality"}
    local = {
        **definition,
        "jurisdiction": {"level": "municipal", "state": "32", "municipality": municipality, "name": name},
    }
    assert admin.put(f"/procedures/{code}", local).status_code == 201
    citizen, application_id, review = in_review(aws, code, agency)
    original = legal_date(parse_iso(review["deadline"]))
    day = next_business_days(legal_date(utcnow()), 1)
    body = {"days": [day[0].isoformat()], "reference": HOLY_WEEK, "gazette_url": GAZETTE}

    state = aws.user(groups=("admin-32",)).post("/jurisdictions/32/non-working-days", body)
    assert state.status_code == 201 and application_id not in state.body["moved"], state.body
    published = aws.user(groups=(f"admin-{municipality}",)).post(
        f"/jurisdictions/{municipality}/non-working-days", body
    )

    assert published.status_code == 201 and published.body["moved"] == [application_id], published.body
    queued = open_review(aws.official(agency=agency), application_id, agency)
    assert legal_date(parse_iso(queued["deadline"])) == add_business_days(original, 1)
    (moved,) = events(citizen, application_id, "deadline.moved")
    assert moved["details"]["old_deadline"] == review["deadline"]
    assert moved["details"]["days"] == [{"day": day[0].isoformat(), "reference": HOLY_WEEK}]
    assert moved["actor"]["kind"] == "publisher"
