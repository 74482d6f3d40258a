"""Call me back: the holder asks from the web (or a linked caller from the telephone line),
the request waits in the agency's callback queue with its own deadline, an official of that
agency records the call's outcome, and the holder's timeline shows both, the chain intact."""

from __future__ import annotations

from typing import Any

from chalicelib import wiring as composition
from chalicelib.core.clock import parse_iso
from chalicelib.core.errors import NotFound
from chalicelib.legal.retention_schedule import days_of
from tests.support.flows import draft, submitted_licence, wait_status
from tests.support.inprocess import Aws, HttpUser
from tests.support.people import new_phone


def ask(user: HttpUser, application_id: str, body: Any = None) -> Any:
    return user.post(f"/applications/{application_id}/callbacks", body if body is not None else {})


def error(reply: Any) -> tuple[int, str]:
    return reply.status_code, reply.body["error"]["code"]


def fields(reply: Any) -> list[str]:
    return [detail["field"] for detail in reply.body["error"].get("details") or []]


def queued(official: HttpUser, agency: str = "SEMOVI") -> list[dict[str, Any]]:
    reply = official.get(f"/agencies/{agency}/callbacks?limit=200")
    assert reply.status_code == 200, reply.body
    return list(reply.body["callbacks"])


def events(user: HttpUser, application_id: str, action: str) -> list[dict[str, Any]]:
    return [
        event for event in user.get(f"/applications/{application_id}/audit").body["events"] if event["action"] == action
    ]


def test_a_request_waits_in_the_agency_queue_and_its_outcome_reaches_the_timeline(aws: Aws) -> None:
    citizen, official = aws.user(), aws.official("oficial.llamadas")
    application_id = submitted_licence(citizen)
    wait_status(citizen, application_id, "in_review")

    asked = ask(citizen, application_id, {"note": "  No entiendo qué documento me falta.  "})
    assert asked.status_code == 201, asked.body
    callback = asked.body
    assert callback["phone"] == citizen.phone  # the record's phone, none typed
    assert (callback["agency"], callback["status"], callback["channel"]) == ("SEMOVI", "open", "web")
    assert callback["note"] == "No entiendo qué documento me falta."
    assert callback["deadline"] > callback["requested_at"]

    mine = [item for item in queued(official) if item["id"] == callback["id"]]
    assert mine and mine[0]["phone"] == citizen.phone and mine[0]["deadline"] == callback["deadline"]
    (requested,) = events(citizen, application_id, "callback.requested")
    assert requested["details"]["phone"].endswith(citizen.phone[-4:])
    assert citizen.phone not in str(requested)  # the chain keeps it masked
    assert requested["details"]["deadline"] == callback["deadline"]

    done = official.post(
        f"/callbacks/{callback['id']}/outcome", {"outcome": "reached", "note": "Falta el comprobante."}
    )
    assert done.status_code == 200, done.body
    assert (done.body["status"], done.body["outcome"]) == ("done", "reached")
    assert citizen.phone not in done.body["phone"]  # answered: the number is no longer kept
    assert all(item["id"] != callback["id"] for item in queued(official))
    stored = composition.container().store.callbacks.get(callback["id"])
    assert stored is not None and citizen.phone not in stored.phone
    # the request itself goes when the retention schedule says (DynamoDB's TTL)
    assert stored.expiration == int(parse_iso(stored.completed_at).timestamp()) + days_of("callbacks") * 86400
    (completed,) = events(citizen, application_id, "callback.completed")
    assert completed["details"]["outcome"] == "reached"
    assert completed["reason"] == "Falta el comprobante."
    assert completed["actor"]["kind"] == "official"
    assert citizen.phone not in str(completed)
    assert citizen.get(f"/applications/{application_id}/audit/verify").body["intact"] is True
    # the holder's export holds the request, as it holds the application
    exported = citizen.get("/me/export").body["callbacks"]
    assert [(item["id"], item["outcome"]) for item in exported] == [(callback["id"], "reached")]

    again = official.post(f"/callbacks/{callback['id']}/outcome", {"outcome": "no_answer", "note": "Otra vez."})
    assert error(again) == (409, "callback_closed")
    # answered, a new request may be made
    assert ask(citizen, application_id, {"phone": "55 1234 5678"}).body["phone"] == "+525512345678"


def test_another_agency_neither_sees_nor_closes_it(aws: Aws) -> None:
    citizen, other = aws.user(), aws.official("oficial.ajena.llamadas", "SAT")
    application_id = submitted_licence(citizen)
    wait_status(citizen, application_id, "in_review")
    callback = ask(citizen, application_id).body
    assert error(other.get("/agencies/SEMOVI/callbacks")) == (403, "other_agency")
    assert all(item["id"] != callback["id"] for item in queued(other, "SAT"))
    closing = other.post(f"/callbacks/{callback['id']}/outcome", {"outcome": "reached", "note": "Hablamos."})
    assert error(closing) == (403, "other_agency")
    assert error(citizen.get("/agencies/SEMOVI/callbacks")) == (403, "forbidden")
    assert error(aws.user().post(f"/applications/{application_id}/callbacks", {})) == (404, "unknown_application")


def test_bad_phone_and_outcome_are_refused_naming_the_field(aws: Aws) -> None:
    citizen, official = aws.user(), aws.official("oficial.campos.llamadas")
    application_id = submitted_licence(citizen)
    wait_status(citizen, application_id, "in_review")
    short = ask(citizen, application_id, {"phone": "55 1234"})
    assert error(short) == (422, "invalid_phone") and fields(short) == ["phone"]
    foreign = ask(citizen, application_id, {"phone": "+1 212 555 0100"})
    assert foreign.status_code == 422 and fields(foreign) == ["phone"]
    long_note = ask(citizen, application_id, {"note": "x" * 301})
    assert error(long_note) == (422, "invalid_note") and fields(long_note) == ["note"]
    assert events(citizen, application_id, "callback.requested") == []  # nothing half-written

    callback = ask(citizen, application_id).body
    outcome = f"/callbacks/{callback['id']}/outcome"
    bad = official.post(outcome, {"outcome": "maybe", "note": "No sé."})
    assert error(bad) == (422, "invalid_call_outcome") and fields(bad) == ["outcome"]
    no_note = official.post(outcome, {"outcome": "no_answer", "note": "  "})
    assert error(no_note) == (422, "call_note_required") and fields(no_note) == ["note"]
    assert error(official.post("/callbacks/NOSUCHCALLBACK/outcome", {"outcome": "reached", "note": "Hola."})) == (
        404,
        "unknown_callback",
    )


def test_one_open_request_per_application_and_none_for_a_draft_or_an_ended_one(aws: Aws) -> None:
    citizen = aws.user()
    application_id = submitted_licence(citizen)
    wait_status(citizen, application_id, "in_review")
    assert ask(citizen, application_id).status_code == 201
    assert error(ask(citizen, application_id, {"phone": "5512345678"})) == (409, "callback_already_requested")
    assert len(events(citizen, application_id, "callback.requested")) == 1

    assert error(ask(citizen, draft(citizen))) == (409, "callback_not_filed")
    ended = submitted_licence(citizen)
    wait_status(citizen, ended, "in_review")
    assert citizen.post(f"/applications/{ended}/withdraw", {}).status_code == 200
    assert error(ask(citizen, ended)) == (409, "application_ended")


def test_a_caller_linked_to_the_application_asks_by_telephone(aws: Aws) -> None:
    citizen, official = aws.user(), aws.official("oficial.ivr.llamadas")
    application_id = submitted_licence(citizen)
    wait_status(citizen, application_id, "in_review")
    callbacks = composition.container().callbacks
    stranger = new_phone()
    try:
        callbacks.request(application_id, stranger, "phone")
    except NotFound as refused:
        assert refused.code == "unknown_application"  # the same answer as an unknown application
    else:
        raise AssertionError("an unlinked number asked for a call")
    assert citizen.phone is not None
    callback = callbacks.request(application_id, citizen.phone, "phone")
    (item,) = [item for item in queued(official) if item["id"] == callback.id]
    assert (item["channel"], item["phone"]) == ("phone", citizen.phone)
    (requested,) = events(citizen, application_id, "callback.requested")
    assert requested["actor"]["kind"] == "caller" and citizen.phone not in str(requested)
