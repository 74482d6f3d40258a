"""SMS over the embedded stack: subscribers and consent, exactly once, STOP, quiet hours,
the delivery log (chalice test client + moto; SNS's SMS read from moto's backend)."""

from __future__ import annotations

import copy
import json
from collections import Counter
from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlencode

import pytest

import app as application
from chalicelib import wiring as composition
from chalicelib.adapters.aws import SnsSms
from chalicelib.adapters.ports import DeliveryFailed
from chalicelib.core import clock
from chalicelib.events.stream import INSERT, ItemChange
from chalicelib.legal.calendar import MEXICO_CITY
from chalicelib.notifications.segments import count
from chalicelib.store import keys
from chalicelib.store.models import Application
from infra.aws.stack import WORKFLOWS
from infra.local.moto.lambda_adapter import LambdaContext
from tests.support.client import wait_for
from tests.support.flows import approved, bank_pays, decide, ready_licence, submit, wait_status
from tests.support.inprocess import Aws, HttpUser, changed_settings
from tests.support.people import new_phone

LIFE_OF_A_LICENCE = ["submitted", "in_review", "awaiting_payment", "payment_received", "issued"]


def local_form(phone: str) -> str:
    """How a person types a Mexican mobile: 044 55 1234 5678."""
    national = phone.removeprefix("+52")
    return f"044 {national[:2]} {national[2:6]} {national[6:]}"


def log(user: HttpUser, application_id: str) -> list[dict[str, Any]]:
    reply = user.get(f"/applications/{application_id}/messages")
    assert reply.status_code == 200, reply.body
    messages: list[dict[str, Any]] = reply.body["messages"]
    return messages


def wait_logged(
    user: HttpUser, application_id: str, event: str, status: str = "sent", phones: int = 1
) -> list[dict[str, Any]]:
    """Wait until ``phones`` messages of the event reached the status (SMS follow the commit)."""
    found: list[dict[str, Any]] = wait_for(
        lambda: (
            len(hits := [m for m in log(user, application_id) if m["event"] == event and m["status"] == status])
            >= phones
            and hits
        ),
        f"{phones} {status} {event} message(s) of {application_id}",
    )
    return found


def code_sent_to(aws: Aws, phone: str) -> str:
    return aws.texted_code(phone, "codigo", "code")


def subscribe_relative(
    aws: Aws, citizen: HttpUser, application_id: str, phone: str, language: str = "en"
) -> dict[str, Any]:
    pending = citizen.post(
        "/subscriptions", {"application_id": application_id, "phone": local_form(phone), "language": language}
    )
    assert pending.status_code == 201, pending.body
    assert pending.body["status"] == "pending" and pending.body["origin"] == "code"
    confirmed = citizen.post(f"/subscriptions/{pending.body['id']}/confirm", {"code": code_sent_to(aws, phone)})
    assert confirmed.status_code == 200, confirmed.body
    assert confirmed.body["status"] == "confirmed"
    body: dict[str, Any] = confirmed.body
    return body


def official_for(aws: Aws, application_id: str, agency: str = "SEMOVI") -> HttpUser:
    return aws.official(f"oficial.sms.{agency.lower()}.{application_id.lower()}", agency)


def reply(aws: Aws, phone: str, text: str) -> dict[str, Any]:
    answer = aws.anonymous().post("/sandbox/sms/inbound", {"from": phone, "text": text})
    assert answer.status_code == 200, answer.body
    result: dict[str, Any] = answer.body["results"][0]
    return result


# the progress messages a citizen may ask for (the default ones go out anyway): these tests
# follow the SMS machinery through every status change, so their citizens ask for them
PROGRESS = ("submitted", "in_review", "payment_received")


def ready(citizen: HttpUser, procedure: str = "licencia-conducir", events: tuple[str, ...] = PROGRESS) -> str:
    """A licence ready to submit whose holder asked to be texted ``events`` besides the default ones."""
    application_id = ready_licence(citizen, procedure=procedure)
    chosen = citizen.put(f"/applications/{application_id}/sms-events", {"events": list(events)})
    assert chosen.status_code == 200 and chosen.body["chosen"] == sorted(events), chosen.body
    return application_id


def in_review(aws: Aws, citizen: HttpUser, procedure: str = "licencia-conducir") -> str:
    application_id = ready(citizen, procedure=procedure)
    submit(citizen, application_id)
    wait_status(citizen, application_id, "in_review")
    wait_logged(citizen, application_id, "in_review", status="sent")
    return application_id


@pytest.fixture(scope="module")
def second_agency(aws: Aws) -> str:
    """The licence, published again by another agency (the state's traffic police)."""
    definition = json.loads((WORKFLOWS / "licencia-conducir.json").read_text("utf-8"))
    definition = copy.deepcopy(definition)
    definition.update(
        code="licencia-motociclista",
        agency="TRANSITO",
        agencies={"TRANSITO": {"es": "Dirección de Tránsito", "en": "Traffic Directorate"}},
    )
    definition["name"] = {"es": "Licencia de motociclista", "en": "Motorcycle licence"}
    definition["steps"]["revision"]["agency"] = "TRANSITO"
    admin = aws.user(username="admin.sms", groups=("admin",))
    published = admin.put("/procedures/licencia-motociclista", definition)
    assert published.status_code == 201, published.body
    return "licencia-motociclista"


# --- each status change: one SMS per confirmed subscriber, in their language ----------------


def test_each_status_change_sends_one_sms_to_each_confirmed_subscriber_in_their_language(aws: Aws) -> None:
    citizen = aws.user()
    relative = new_phone()
    stranger = new_phone()
    application_id = ready(citizen)
    subscription = subscribe_relative(aws, citizen, application_id, relative, "en")
    assert subscription["phone"] == f"+52 {relative[3:5]} **** **{relative[-2:]}"
    third = citizen.post("/subscriptions", {"application_id": application_id, "phone": stranger})
    assert third.status_code == 409 and third.body["error"]["code"] == "too_many_phones"
    assert aws.sms(stranger) == []

    submit(citizen, application_id)
    approved(official_for(aws, application_id), citizen, application_id)
    # the status commits before its SMS is written: paying at once could log payment_received first
    wait_logged(citizen, application_id, "awaiting_payment", phones=2)
    slip = citizen.post(f"/applications/{application_id}/payment").body
    assert bank_pays(aws, slip["reference"], slip["amount"], f"evt-sms-{application_id}").status_code == 200
    wait_status(citizen, application_id, "issued")
    wait_logged(citizen, application_id, "issued", phones=2)

    messages = [message for message in log(citizen, application_id) if message["event"] != "subscription_code"]
    owner_messages = [message for message in messages if message["language"] == "es"]
    relative_messages = [message for message in messages if message["language"] == "en"]
    assert [message["event"] for message in owner_messages] == LIFE_OF_A_LICENCE
    assert [message["event"] for message in relative_messages] == LIFE_OF_A_LICENCE
    assert {message["status"] for message in messages} == {"sent"}
    assert aws.sms(citizen.phone or "") == [message["text"] for message in owner_messages]
    assert aws.sms(relative)[1:] == [message["text"] for message in relative_messages]  # after the code
    assert "recibimos su tramite" in aws.sms(citizen.phone or "")[0]
    assert "we received your application" in aws.sms(relative)[1]
    for message in messages:
        assert application_id in message["text"]
        assert citizen.username not in message["text"]  # never the CURP
        assert (message["encoding"], message["segments"]) == (
            count(message["text"]).encoding,
            count(message["text"]).segments,
        )
        assert message["encoding"] == "GSM-7" and message["segments"] <= 2
        assert message["template"].startswith("platform@")


def test_the_citizens_record_lists_the_subscriptions(aws: Aws) -> None:
    citizen = aws.user()
    application_id = ready(citizen)
    relative = new_phone()
    pending = citizen.post("/subscriptions", {"application_id": application_id, "phone": relative})
    own = citizen.post("/subscriptions", {"application_id": application_id, "phone": citizen.phone, "language": "en"})
    assert own.status_code == 200, own.body  # subscribed already: the phone on record, implicitly
    assert (own.body["status"], own.body["origin"], own.body["language"]) == ("confirmed", "profile", "en")
    assert aws.sms(citizen.phone or "") == []  # verified at sign-up: no code
    listed = citizen.get(f"/applications/{application_id}/subscriptions").body
    assert {(item["id"], item["status"]) for item in listed["subscriptions"]} == {
        (pending.body["id"], "pending"),
        (own.body["id"], "confirmed"),
    }
    assert aws.user().get(f"/applications/{application_id}/subscriptions").status_code == 404  # another's
    again = citizen.post("/subscriptions", {"application_id": application_id, "phone": citizen.phone, "language": "es"})
    assert again.status_code == 200 and again.body["language"] == "es"


# --- exactly once ------------------------------------------------------------------------------


def test_a_duplicated_event_a_retried_step_or_a_duplicated_webhook_sends_nothing_more(aws: Aws) -> None:
    citizen = aws.user()
    application_id = in_review(aws, citizen)
    before_sms, before_log = aws.sms(citizen.phone or ""), log(citizen, application_id)
    assert [message["event"] for message in before_log] == ["submitted", "in_review"]

    # the same event delivered twice more (a redelivered batch): keyed by application, event, audit seq and phone
    stored = Application.get(keys.application(application_id), keys.APPLICATION_SK)
    services = composition.container()
    (opened,) = [event for event in services.store.applications.audit(application_id) if event.to_status == "in_review"]
    for _ in range(2):
        services.table_events.consume(ItemChange(INSERT, "redelivered", opened, None))

    # the step that opened the review, retried by Step Functions with the same input
    execution, step, entered, _ = next(key for key in stored.applied_keys if key.endswith("/open")).split("/")
    event = {
        "application_id": application_id,
        "step": step,
        "kind": "review",
        "execution": execution,
        "entered": entered,
    }
    application.step_open(
        event, LambdaContext("step_open", 256, "arn:aws:lambda:us-east-1:123456789012:function:step_open", 60)
    )

    assert aws.sms(citizen.phone or "") == before_sms
    assert log(citizen, application_id) == before_log

    # a bank webhook delivered twice: one payment_received message
    approved(official_for(aws, application_id), citizen, application_id)
    slip = citizen.post(f"/applications/{application_id}/payment").body
    for _ in range(2):
        assert bank_pays(aws, slip["reference"], slip["amount"], f"evt-twice-{application_id}").status_code == 200
    wait_status(citizen, application_id, "issued")
    wait_logged(citizen, application_id, "issued")
    assert Counter(message["event"] for message in log(citizen, application_id)) == Counter(LIFE_OF_A_LICENCE)
    assert len(aws.sms(citizen.phone or "")) == len(LIFE_OF_A_LICENCE)


# --- STOP ---------------------------------------------------------------------------------------


def test_stop_silences_that_agency_only_and_the_log_shows_the_skipped_messages(aws: Aws, second_agency: str) -> None:
    citizen = aws.user()
    semovi = in_review(aws, citizen)
    answered = reply(aws, citizen.phone or "", "Bája")
    assert answered == {"action": "opted_out", "agency": "SEMOVI"}
    assert "ya no recibira mensajes de SEMOVI" in aws.sms(citizen.phone or "")[-1]
    sent_before = len(aws.sms(citizen.phone or ""))

    asked = decide(official_for(aws, semovi), semovi, "request_changes", "El comprobante es ilegible.")
    assert asked.status_code == 200, asked.body
    skipped = wait_logged(citizen, semovi, "changes_requested", status="opted_out_skipped")[0]
    assert skipped["detail"].startswith("BAJA at ")
    assert len(aws.sms(citizen.phone or "")) == sent_before

    transito = in_review(aws, citizen, second_agency)  # another agency still reaches the phone
    assert [message["status"] for message in log(citizen, transito)] == ["sent", "sent"]
    assert len(aws.sms(citizen.phone or "")) == sent_before + 2


def test_stop_todo_silences_every_agency(aws: Aws, second_agency: str) -> None:
    citizen = aws.user()
    semovi = in_review(aws, citizen)
    assert reply(aws, citizen.phone or "", "STOP TODO") == {"action": "opted_out", "agency": "*"}
    assert "ya no recibira mensajes nuestros" in aws.sms(citizen.phone or "")[-1]
    sent_before = len(aws.sms(citizen.phone or ""))

    transito = ready(citizen, procedure=second_agency)
    submit(citizen, transito)
    wait_status(citizen, transito, "in_review")
    wait_logged(citizen, transito, "in_review", status="opted_out_skipped")
    assert [message["status"] for message in log(citizen, transito)] == ["opted_out_skipped", "opted_out_skipped"]
    assert len(aws.sms(citizen.phone or "")) == sent_before
    assert [message["event"] for message in log(citizen, semovi)] == ["submitted", "in_review", "opted_out_all"]


def test_a_reply_that_is_not_a_keyword_changes_nothing(aws: Aws) -> None:
    citizen = aws.user()
    in_review(aws, citizen)
    assert reply(aws, citizen.phone or "", "Gracias, ¿cuándo estará lista?") == {"action": "ignored"}
    assert reply(aws, "+44 20 7946 0958", "STOP")["action"] == "opted_out"  # anyone may opt out


def test_resubscribing_after_stop_needs_a_fresh_code(aws: Aws) -> None:
    citizen = aws.user()
    application_id = in_review(aws, citizen)
    reply(aws, citizen.phone or "", "ALTO")
    again = citizen.post("/subscriptions", {"application_id": application_id, "phone": citizen.phone})
    assert again.status_code == 201, again.body
    assert again.body["status"] == "pending"  # even the citizen's own, verified phone
    wrong = citizen.post(
        f"/subscriptions/{again.body['id']}/confirm",
        {"code": f"{(int(code_sent_to(aws, citizen.phone or '')) + 1) % 1_000_000:06d}"},
    )
    assert wrong.status_code == 422 and wrong.body["error"]["code"] == "wrong_code"
    confirmed = citizen.post(
        f"/subscriptions/{again.body['id']}/confirm", {"code": code_sent_to(aws, citizen.phone or "")}
    )
    assert confirmed.status_code == 200 and confirmed.body["status"] == "confirmed"

    decide(official_for(aws, application_id), application_id)
    wait_logged(citizen, application_id, "awaiting_payment")
    assert "linea de captura" in aws.sms(citizen.phone or "")[-1]


def test_a_cancelled_subscription_gets_nothing(aws: Aws) -> None:
    citizen = aws.user()
    application_id = ready(citizen)
    relative = new_phone()
    subscription = subscribe_relative(aws, citizen, application_id, relative)
    cancelled = citizen.request("DELETE", f"/subscriptions/{subscription['id']}")
    assert cancelled.status_code == 200 and cancelled.body["status"] == "cancelled"
    submit(citizen, application_id)
    wait_status(citizen, application_id, "in_review")
    wait_logged(citizen, application_id, "in_review")
    assert len(aws.sms(relative)) == 1  # the code only
    assert {
        message["phone"][-2:] for message in log(citizen, application_id) if message["event"] != "subscription_code"
    } == {(citizen.phone or "")[-2:]}


# --- subscriptions: bad input, ownership, abuse ---------------------------------------------------


def test_subscriptions_refuse_bad_phones_and_other_peoples_applications(aws: Aws) -> None:
    citizen, other = aws.user(), aws.user()
    application_id = ready(citizen)
    cases = {
        "55 1234 567": "invalid_phone",
        "+1 415 555 0100": "phone_country_not_allowed",
        "teléfono": "invalid_phone",
    }
    for phone, code in cases.items():
        refused = citizen.post("/subscriptions", {"application_id": application_id, "phone": phone})
        assert refused.status_code == 422, (phone, refused.body)
        assert refused.body["error"]["code"] == code
        assert refused.body["error"]["details"][0]["field"] == "phone"
    assert (
        citizen.post("/subscriptions", {"application_id": application_id, "phone": new_phone(), "language": "fr"}).body[
            "error"
        ]["code"]
        == "invalid_language"
    )
    assert other.post("/subscriptions", {"application_id": application_id, "phone": new_phone()}).status_code == 404
    pending = citizen.post("/subscriptions", {"application_id": application_id, "phone": new_phone()}).body
    assert other.post(f"/subscriptions/{pending['id']}/confirm", {"code": "123456"}).status_code == 404
    assert other.request("DELETE", f"/subscriptions/{pending['id']}").status_code == 404
    assert citizen.post("/subscriptions/nonsense/confirm", {"code": "123456"}).status_code == 404
    assert (
        citizen.post(f"/subscriptions/{pending['id']}/confirm", {"code": "12"}).body["error"]["code"] == "invalid_code"
    )


def test_five_wrong_codes_lock_the_subscription_until_a_new_code(aws: Aws) -> None:
    citizen = aws.user()
    application_id = ready(citizen)
    relative = new_phone()
    pending = citizen.post("/subscriptions", {"application_id": application_id, "phone": relative}).body
    right = code_sent_to(aws, relative)
    wrong = f"{(int(right) + 1) % 1_000_000:06d}"
    for left in (4, 3, 2, 1, 0):
        answer = citizen.post(f"/subscriptions/{pending['id']}/confirm", {"code": wrong})
        assert answer.status_code == 422 and f"({left} attempts left)" in answer.body["error"]["message"]
    locked = citizen.post(f"/subscriptions/{pending['id']}/confirm", {"code": right})
    assert locked.status_code == 409 and locked.body["error"]["code"] == "too_many_attempts"


def test_codes_to_one_phone_are_rate_limited(aws: Aws) -> None:
    citizen = aws.user()
    application_id = ready(citizen)
    relative = new_phone()
    for _ in range(3):
        assert citizen.post("/subscriptions", {"application_id": application_id, "phone": relative}).status_code == 201
    limited = citizen.post("/subscriptions", {"application_id": application_id, "phone": relative})
    assert limited.status_code == 429 and limited.body["error"]["code"] == "rate_limited"
    assert len(aws.sms(relative)) == 3


def test_a_message_the_carrier_refuses_is_logged_failed(aws: Aws, monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(self: SnsSms, phone: str, text: str) -> str:
        raise DeliveryFailed("InvalidParameter")

    citizen = aws.user()
    application_id = ready(citizen)
    monkeypatch.setattr(SnsSms, "send", refuse)
    submit(citizen, application_id)
    failed = wait_logged(citizen, application_id, "submitted", status="failed")[0]
    assert failed["detail"] == "not accepted by the carrier: InvalidParameter" and failed["sent_at"] is None


def test_one_phone_gets_at_most_its_hourly_budget(aws: Aws) -> None:
    with changed_settings(SMS_PER_PHONE_PER_HOUR="1"):
        citizen = aws.user()
        application_id = ready(citizen)
        submit(citizen, application_id)
        wait_status(citizen, application_id, "in_review")
        limited = wait_logged(citizen, application_id, "in_review", status="rate_limited")[0]
    assert [message["status"] for message in log(citizen, application_id)] == ["sent", "rate_limited"]
    assert limited["detail"] == "too many messages to this phone in the last hour"
    assert len(aws.sms(citizen.phone or "")) == 1


# --- the delivery log ------------------------------------------------------------------------------


def test_the_log_is_readable_by_the_owner_its_agency_and_operators_only(aws: Aws) -> None:
    citizen, other = aws.user(), aws.user()
    application_id = in_review(aws, citizen)
    official = official_for(aws, application_id)
    operator = aws.user(username="operador.sms", groups=("admin",))
    assert [message["event"] for message in log(official, application_id)] == ["submitted", "in_review"]
    assert other.get(f"/applications/{application_id}/messages").status_code == 404
    assert aws.official("oficial.sms.sat", "SAT").get(f"/applications/{application_id}/messages").status_code == 404
    assert citizen.get("/messages?" + urlencode({"phone": citizen.phone})).status_code == 403

    by_phone = operator.get("/messages?" + urlencode({"phone": local_form(citizen.phone or "")}))
    assert by_phone.status_code == 200, by_phone.body
    assert [message["event"] for message in by_phone.body["messages"]] == ["in_review", "submitted"]  # newest first
    assert {message["agency"] for message in by_phone.body["messages"]} == {"SEMOVI"}
    assert all(message["provider_id"] for message in by_phone.body["messages"])
    by_application = operator.get(f"/messages?application_id={application_id}").body["messages"]
    assert [message["event"] for message in by_application] == ["submitted", "in_review"]
    assert operator.get("/messages").body["error"]["code"] == "missing_filter"


# --- quiet hours -----------------------------------------------------------------------------------


@pytest.fixture
def quiet_hours() -> Iterator[None]:
    with changed_settings(SMS_QUIET_HOURS="21:00-08:00"):
        yield


def mexico_city(day: datetime, hour: int, minute: int = 0) -> datetime:
    return day.replace(hour=hour, minute=minute, second=0, microsecond=0)


def scheduled_run(at: datetime) -> dict[str, int]:
    """What EventBridge's 15-minute schedule does: invoke ``sms_send_queued`` (at a chosen time)."""
    event = {
        "version": "0",
        "id": "schedule",
        "detail-type": "Scheduled Event",
        "source": "aws.events",
        "account": "123456789012",
        "time": clock.iso(at),
        "region": "us-east-1",
        "resources": [],
        "detail": {},
    }
    with clock.travel(at):
        result: dict[str, int] = application.sms_send_queued(event, None)
    return result


def test_quiet_hours_hold_status_messages_until_the_scheduled_sender_runs_at_eight(aws: Aws, quiet_hours: None) -> None:
    citizen = aws.user()
    relative = new_phone()
    tonight = mexico_city(datetime.now(MEXICO_CITY) + timedelta(days=7), 22, 30)
    with clock.travel(tonight):
        application_id = ready(citizen)
        subscription = citizen.post("/subscriptions", {"application_id": application_id, "phone": relative})
        assert len(aws.sms(relative)) == 1  # the code is urgent: it goes at night
        citizen.post(f"/subscriptions/{subscription.body['id']}/confirm", {"code": code_sent_to(aws, relative)})
        submit(citizen, application_id)
        wait_status(citizen, application_id, "in_review")
        held = wait_logged(citizen, application_id, "in_review", status="queued", phones=2)
    morning = mexico_city(tonight + timedelta(days=1), 8)
    assert {message["send_after"] for message in held} == {clock.iso(morning)}
    assert aws.sms(citizen.phone or "") == [] and len(aws.sms(relative)) == 1
    assert {
        message["status"] for message in log(citizen, application_id) if message["event"] != "subscription_code"
    } == {"queued"}

    scheduled_run(morning - timedelta(minutes=1))
    assert aws.sms(citizen.phone or "") == [] and len(aws.sms(relative)) == 1

    assert scheduled_run(morning + timedelta(minutes=5)).get("sent", 0) >= 4
    scheduled_run(morning + timedelta(minutes=20))  # the next run sends each one once only
    owner_texts = aws.sms(citizen.phone or "")
    assert len(owner_texts) == 2 and "recibimos su tramite" in owner_texts[0] and "en revision" in owner_texts[1]
    assert len(aws.sms(relative)) == 3
    statuses = [message for message in log(citizen, application_id) if message["event"] != "subscription_code"]
    assert {message["status"] for message in statuses} == {"sent"}
    assert all(message["sent_at"] >= clock.iso(morning) for message in statuses)


def test_a_stop_during_the_night_holds_good_in_the_morning(aws: Aws, quiet_hours: None) -> None:
    citizen = aws.user()
    day = datetime.now(MEXICO_CITY) + timedelta(days=14)
    with clock.travel(mexico_city(day, 12)):
        application_id = in_review(aws, citizen)
    with clock.travel(mexico_city(day, 23)):
        # two weeks ahead, every other open review of the shared queue has an earlier deadline
        decided = decide(
            official_for(aws, application_id),
            application_id,
            "request_changes",
            "Falta la firma.",
            reason_out_of_order="Prueba nocturna.",
        )
        assert decided.status_code == 200, decided.body
        wait_logged(citizen, application_id, "changes_requested", status="queued")
        assert reply(aws, citizen.phone or "", "stop") == {"action": "opted_out", "agency": "SEMOVI"}
    assert scheduled_run(mexico_city(day + timedelta(days=1), 8, 15)).get("opted_out_skipped", 0) >= 1
    skipped = wait_logged(citizen, application_id, "changes_requested", status="opted_out_skipped")[0]
    assert skipped["detail"].startswith("STOP at ")
    assert [text for text in aws.sms(citizen.phone or "") if "correcciones" in text] == []


def test_the_sandbox_runs_the_scheduled_sender(aws: Aws, quiet_hours: None) -> None:
    citizen = aws.user()
    phone = citizen.phone or ""
    tonight = mexico_city(datetime.now(MEXICO_CITY) + timedelta(days=21), 23)
    with clock.travel(tonight):
        application_id = ready(citizen)
        submit(citizen, application_id)
        wait_status(citizen, application_id, "in_review")
        wait_logged(citizen, application_id, "in_review", status="queued")
    assert [(message["event"], message["status"]) for message in log(citizen, application_id)] == [
        ("submitted", "queued"),
        ("in_review", "queued"),
    ]
    morning = mexico_city(tonight + timedelta(days=1), 8)

    with clock.travel(morning - timedelta(minutes=1)):  # not yet due: the run leaves them held
        early = aws.anonymous().post("/sandbox/sms/send-queued")
    assert early.status_code == 200, early.body
    assert {message["status"] for message in log(citizen, application_id)} == {"queued"}
    assert aws.sms(phone) == []

    with clock.travel(morning + timedelta(minutes=5)):
        ran = aws.anonymous().post("/sandbox/sms/send-queued")
        again = aws.anonymous().post("/sandbox/sms/send-queued")  # each held message goes once only
    assert ran.status_code == 200, ran.body
    assert ran.body["sent"].get("sent", 0) >= 2, ran.body
    assert again.status_code == 200 and again.body["sent"].get("sent", 0) == 0, again.body
    sent = log(citizen, application_id)
    assert [(message["event"], message["status"]) for message in sent] == [("submitted", "sent"), ("in_review", "sent")]
    assert all(message["sent_at"] >= clock.iso(morning) for message in sent)
    texts = aws.sms(phone)
    assert texts == [message["text"] for message in sent]
    assert "recibimos su tramite" in texts[0] and "en revision" in texts[1]


def test_by_default_a_citizen_is_texted_only_what_needs_them_or_changes_their_rights(aws: Aws) -> None:
    citizen = aws.user()
    application_id = ready_licence(citizen)
    shown = citizen.get(f"/applications/{application_id}/sms-events").body
    assert shown["chosen"] == [] and "awaiting_payment" in shown["default"] and "submitted" in shown["on_request"]
    submit(citizen, application_id)
    approved(official_for(aws, application_id), citizen, application_id)
    wait_logged(citizen, application_id, "awaiting_payment")
    slip = citizen.post(f"/applications/{application_id}/payment").body
    assert bank_pays(aws, slip["reference"], slip["amount"], f"evt-default-{application_id}").status_code == 200
    wait_status(citizen, application_id, "issued")
    wait_logged(citizen, application_id, "issued")
    # nothing for filing or paying (done on screen) nor for the review starting: the payment reference and the licence
    assert [message["event"] for message in log(citizen, application_id)] == ["awaiting_payment", "issued"]
    assert sum(message["segments"] for message in log(citizen, application_id)) <= 2


def test_choosing_events_is_audited_and_refuses_what_is_not_on_request(aws: Aws) -> None:
    citizen = aws.user()
    application_id = ready_licence(citizen)
    path = f"/applications/{application_id}/sms-events"
    refused = citizen.put(path, {"events": ["in_review", "issued"]})
    assert refused.status_code == 422, refused.body
    error = refused.body["error"]
    assert (error["code"], error["details"][0]["field"]) == ("unknown_sms_event", "events[1]")
    assert "sent anyway" in error["details"][0]["message"]
    assert citizen.put(path, {"events": "in_review"}).body["error"]["code"] == "invalid_sms_events"
    assert aws.user().put(path, {"events": []}).status_code == 404  # not theirs
    assert citizen.put(path, {"events": ["in_review", "in_review"]}).body["chosen"] == ["in_review"]
    audit = citizen.get(f"/applications/{application_id}/audit").body["events"]
    assert [event["details"] for event in audit if event["action"] == "sms.events_chosen"] == [
        {"events": ["in_review"]}
    ]
