"""Payment by línea de captura (signed webhook, recorded once) and the signed licence."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from chalicelib.core import clock
from chalicelib.payments import signature
from tests.support.flows import (
    approved,
    bank_pays,
    next_hour,
    open_review,
    signed_decision,
    status_of,
    submitted_licence,
    table,
    wait_status,
)
from tests.support.inprocess import WEBHOOK_SECRET, Aws, HttpUser


def approved_licence(aws: Aws, citizen: HttpUser) -> tuple[str, dict[str, object]]:
    application_id = submitted_licence(citizen)
    approved(aws.official(f"oficial.{citizen.username.lower()}"), citizen, application_id)
    slip = citizen.post(f"/applications/{application_id}/payment").body
    return application_id, slip


def test_payment_confirmed_twice_is_recorded_once_and_issues_the_licence(aws: Aws) -> None:
    citizen = aws.user()
    application_id, slip = approved_licence(aws, citizen)
    assert slip["amount"] == "1016.00" and slip["currency"] == "MXN"
    assert "no tiene ningún otro costo" in slip["notice"]["es"]
    first = bank_pays(aws, slip["reference"], "1016.00", "evt-1")
    second = bank_pays(aws, slip["reference"], "1016.00", "evt-1")
    assert first.status_code == 200 and first.body["status"] == "recorded"
    assert second.status_code == 200 and second.body == first.body  # the bank's retry gets the first answer
    issued = wait_status(citizen, application_id, "issued")
    events = [event["action"] for event in citizen.get(f"/applications/{application_id}/audit").body["events"]]
    assert events.count("payment.received") == 1
    assert issued["issued"][0]["verify_url"].endswith(issued["issued"][0]["id"])


def test_the_sandbox_bank_answers_503_when_its_webhook_call_fails_and_nothing_is_paid(aws: Aws) -> None:
    citizen = aws.user()
    application_id, slip = approved_licence(aws, citizen)
    # in-process, the public URL (http://testserver) reaches no server: the bank's call fails
    reply = aws.anonymous().post("/sandbox/bank/pay", {"reference": slip["reference"]})
    assert reply.status_code == 503 and reply.body["error"]["code"] == "bank_webhook_unreachable"
    assert "nothing was paid" in reply.body["error"]["message"]
    assert status_of(citizen, application_id)["status"] == "awaiting_payment"
    events = [event["action"] for event in citizen.get(f"/applications/{application_id}/audit").body["events"]]
    assert "payment.received" not in events


def test_the_sandbox_bank_answers_503_when_the_webhook_does_not_answer_in_time(
    aws: Aws, monkeypatch: pytest.MonkeyPatch
) -> None:
    import socket

    from chalicelib.wiring import container
    from infra.local import sandbox

    citizen = aws.user()
    _, slip = approved_licence(aws, citizen)
    with socket.create_server(("127.0.0.1", 0)) as silent:  # connections queue, never answered
        monkeypatch.setitem(container().__dict__, "public_url", f"http://127.0.0.1:{silent.getsockname()[1]}")
        monkeypatch.setattr(sandbox, "WEBHOOK_TIMEOUT_SECONDS", 0.5)
        reply = aws.anonymous().post("/sandbox/bank/pay", {"reference": slip["reference"]})
    assert reply.status_code == 503 and reply.body["error"]["code"] == "bank_webhook_timeout"
    assert "check the application before paying again" in reply.body["error"]["message"]


def test_webhook_refuses_bad_signatures_amounts_and_references(aws: Aws) -> None:
    citizen = aws.user()
    _, slip = approved_licence(aws, citizen)
    raw = json.dumps({"event_id": "evt-x", "reference": slip["reference"], "amount": "1016.00"}).encode()
    bank = aws.anonymous()
    unsigned = bank.request("POST", "/payments/webhook", raw=raw)
    assert unsigned.status_code == 401 and unsigned.body["error"]["code"] == "signature_missing"
    forged = bank.request(
        "POST", "/payments/webhook", raw=raw, headers={signature.HEADER: signature.sign("wrong-secret", raw)}
    )
    assert forged.status_code == 401 and forged.body["error"]["code"] == "signature_invalid"
    stale = bank.request(
        "POST",
        "/payments/webhook",
        raw=raw,
        headers={signature.HEADER: signature.sign(WEBHOOK_SECRET, raw, timestamp=1_000_000_000)},
    )
    assert stale.status_code == 401 and stale.body["error"]["code"] == "signature_expired"
    short = bank_pays(aws, slip["reference"], "10.00")
    assert short.status_code == 422 and short.body["error"]["details"][0]["field"] == "amount"
    typo = slip["reference"][:-1] + str((int(slip["reference"][-1]) + 1) % 10)
    assert bank_pays(aws, typo, "1016.00").status_code == 422


def test_tampered_credential_verifies_false(aws: Aws) -> None:
    citizen = aws.user(name="Rosa Elena Campos")
    application_id, slip = approved_licence(aws, citizen)
    bank_pays(aws, slip["reference"], "1016.00", f"evt-{application_id}")
    document_id = wait_status(citizen, application_id, "issued")["issued"][0]["id"]
    anyone = aws.anonymous()
    hour = next_hour()
    with clock.travel(hour):
        genuine = anyone.get(f"/verify/{document_id}").body
    assert genuine["valid"] is True and genuine["signature"] == "valid"
    assert set(genuine) >= {"type", "holder_initials", "valid_from", "valid_until", "agency"}
    assert "Rosa" not in json.dumps(genuine) and citizen.username not in json.dumps(genuine)

    item = table(aws).get_item(Key={"pk": f"CRED#{document_id}", "sk": "CREDENTIAL"})["Item"]
    payload = json.loads(item["payload"])
    payload["valid_until"] = "2099-12-31"
    table(aws).update_item(
        Key={"pk": f"CRED#{document_id}", "sk": "CREDENTIAL"},
        UpdateExpression="SET payload = :p",
        ExpressionAttributeValues={":p": json.dumps(payload, sort_keys=True, separators=(",", ":"))},
    )
    with clock.travel(hour):  # the same hour: counted, not audited again
        tampered = anyone.get(f"/verify/{document_id}").body
    assert tampered == {"valid": False, "document_id": document_id, "signature": "invalid"}
    with clock.travel(hour + timedelta(hours=1)):  # the next hour's first check is audited
        assert anyone.get(f"/verify/{document_id}").body == tampered
    verifications = [
        e["details"]
        for e in citizen.get(f"/applications/{application_id}/audit").body["events"]
        if e["action"] == "document.verified"
    ]
    assert verifications == [
        {"document_id": document_id, "valid": True, "hour": clock.iso(hour)[:13], "verifications": 1},
        {
            "document_id": document_id,
            "valid": False,
            "hour": clock.iso(hour + timedelta(hours=1))[:13],
            "verifications": 3,
        },
    ]
    assert anyone.get("/verify/no-such-document-id").status_code == 404


def test_the_qr_of_a_licence_opens_the_public_page(aws: Aws) -> None:
    citizen = aws.user()
    application_id, slip = approved_licence(aws, citizen)
    bank_pays(aws, slip["reference"], "1016.00", f"evt-qr-{application_id}")
    document_id = wait_status(citizen, application_id, "issued")["issued"][0]["id"]
    printable = citizen.get(f"/documents/{document_id}").body
    assert printable["signature_valid"] is True and printable["qr_svg"].startswith("<svg")
    browser = aws.anonymous().request("GET", f"/verify/{document_id}", headers={"Accept": "text/html"})
    assert browser.status_code == 302
    assert browser.headers["Location"].endswith(f"/#/verify/{document_id}")
    assert aws.user().get(f"/documents/{document_id}").status_code == 404


def test_a_retried_submit_with_the_same_key_runs_once(aws: Aws) -> None:
    from tests.support.flows import draft, ready_licence

    citizen = aws.user()
    application_id = ready_licence(citizen)
    headers = {"Idempotency-Key": "7f1c2a9e-submit-once"}
    first = citizen.post(f"/applications/{application_id}/submit", headers=headers)
    again = citizen.post(f"/applications/{application_id}/submit", headers=headers)
    assert first.status_code == again.status_code == 202
    assert again.body == first.body
    without_key = citizen.post(f"/applications/{application_id}/submit")
    assert without_key.status_code == 409 and without_key.body["error"]["code"] == "not_editable"
    events = [e["action"] for e in citizen.get(f"/applications/{application_id}/audit").body["events"]]
    assert events.count("application.submitted") == 1
    other_app = draft(citizen)
    reused = citizen.post(f"/applications/{other_app}/submit", headers=headers)
    assert reused.status_code == 409 and reused.body["error"]["code"] == "idempotency_key_reused"
    bad = citizen.post(f"/applications/{other_app}/submit", headers={"Idempotency-Key": "espacio no válido"})
    assert bad.status_code == 422 and bad.body["error"]["details"][0]["field"] == "Idempotency-Key"


def test_a_retried_decision_with_the_same_key_is_answered_the_same(aws: Aws) -> None:
    citizen = aws.user()
    official = aws.official("oficial.idempotente")
    application_id = submitted_licence(citizen)
    review = open_review(official, application_id)
    headers = {"Idempotency-Key": "decision-42"}
    body = signed_decision(official, review["review_id"], "approve", "Todo en orden")
    first = official.post(f"/reviews/{review['review_id']}/decision", body, headers=headers)
    again = official.post(f"/reviews/{review['review_id']}/decision", body, headers=headers)
    assert first.status_code == again.status_code == 200 and first.body == again.body
    assert official.post(f"/reviews/{review['review_id']}/decision", body).status_code == 409


def test_the_same_bank_event_sent_twice_gets_the_first_answer(aws: Aws) -> None:
    citizen = aws.user()
    application_id, slip = approved_licence(aws, citizen)
    first = bank_pays(aws, slip["reference"], "1016.00", f"evt-twice-{application_id}")
    again = bank_pays(aws, slip["reference"], "1016.00", f"evt-twice-{application_id}")
    assert (
        first.body
        == again.body
        == {"status": "recorded", "reference": slip["reference"], "event_id": f"evt-twice-{application_id}"}
    )
    other_event = bank_pays(aws, slip["reference"], "1016.00", f"evt-other-{application_id}")
    assert other_event.body["status"] == "already_recorded"
    wait_status(citizen, application_id, "issued")
    events = [e["action"] for e in citizen.get(f"/applications/{application_id}/audit").body["events"]]
    assert events.count("payment.received") == 1
