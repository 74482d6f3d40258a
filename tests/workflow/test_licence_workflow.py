"""The driver's-licence state machine executed by moto's ASL interpreter with our
handlers: deadlines, corrections, expiry, retries and failures."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from chalicelib import wiring as composition
from chalicelib.core.errors import TransientFailure
from chalicelib.credentials.service import Credentials
from tests.support import documents
from tests.support.client import wait_for
from tests.support.flows import (
    approved,
    decide,
    open_review,
    paid,
    ready_licence,
    submit,
    submitted_licence,
    upload,
    wait_status,
)
from tests.support.inprocess import Aws, HttpUser, changed_settings

# A legal day lasts a thousandth of a second: every deadline timer fires after 1 s.
FAST_LEGAL_DAYS = {"LEGAL_DAY_SECONDS": "0.001"}


@pytest.fixture
def fast_legal_days() -> Iterator[None]:
    with changed_settings(**FAST_LEGAL_DAYS):
        yield


def actions(user: Any, application_id: str) -> list[str]:
    return [event["action"] for event in user.get(f"/applications/{application_id}/audit").body["events"]]


def paid_licence(aws: Aws) -> tuple[HttpUser, str]:
    """A citizen's licence, submitted, approved and paid: it goes on to be issued."""
    citizen = aws.user()
    application_id = submitted_licence(citizen)
    approved(aws.official(f"oficial.{application_id.lower()}"), citizen, application_id)
    paid(aws, citizen, application_id)
    return citizen, application_id


def test_missed_deadline_escalates_to_supervisors_then_is_deemed_denied(aws: Aws, fast_legal_days: None) -> None:
    citizen = aws.user()
    application_id = submitted_licence(citizen)
    rejected = wait_status(citizen, application_id, "rejected", timeout=60)
    assert rejected["status"] == "rejected"
    history = citizen.get(f"/applications/{application_id}/audit").body["events"]
    names = [event["action"] for event in history]
    assert names.index("review.opened") < names.index("review.escalated") < names.index("review.deemed_denied")
    assert "negativa ficta" in history[-1]["reason"]
    assert citizen.get(f"/applications/{application_id}/audit/verify").body["intact"] is True
    assert aws.wait_sms(citizen.phone or "", "rechazado")


def test_supervisors_see_escalated_reviews(aws: Aws, monkeypatch: pytest.MonkeyPatch) -> None:
    from chalicelib.reviews.service import Reviews

    supervisor = aws.user(username="supervisora.prueba", groups=("official-SEMOVI", "supervisor-SEMOVI"))
    official = aws.official("oficial.sin.supervision")
    citizen = aws.user()
    variant = json.loads(Path("workflows/licencia-conducir.json").read_text("utf-8"))
    variant["code"] = "licencia-conducir-supervision"
    variant["steps"]["revision"].pop("warn_days")
    composition.container().catalogue.publish(variant, "test")
    original = Reviews._next_timer
    # the officials' review times out at once; the supervisors' (escalated) one keeps its real timer
    monkeypatch.setattr(Reviews, "_next_timer", lambda self, review: original(self, review) if review.escalated else 1)
    application_id = ready_licence(citizen, procedure="licencia-conducir-supervision")
    submit(citizen, application_id)
    escalated = wait_for(
        lambda: (review := open_review(supervisor, application_id))["escalated"] and review, "the escalated review"
    )
    assert "review.escalated" in actions(citizen, application_id)
    assert all(
        review["application_id"] != application_id
        for review in official.get("/agencies/SEMOVI/reviews").body["reviews"]
    )
    # refused before any signature is asked for: the review is no longer the official's
    refused = official.post(
        f"/reviews/{escalated['review_id']}/decision", {"decision": "approve", "reason": "Yo lo apruebo"}
    )
    assert refused.status_code == 403
    decided = decide(supervisor, application_id, "approve", "Revisado por supervisión")
    assert decided.status_code == 200, decided.body
    assert wait_status(citizen, application_id, "awaiting_payment")["status"] == "awaiting_payment"


def test_corrections_pause_and_resubmission_reopens_the_review(aws: Aws) -> None:
    citizen = aws.user()
    official = aws.official("oficial.prevencion")
    application_id = submitted_licence(citizen)
    review = open_review(official, application_id)
    asked = decide(official, application_id, "request_changes", "El comprobante de domicilio es ilegible.")
    assert asked.status_code == 200, asked.body
    waiting = wait_status(citizen, application_id, "changes_requested")
    assert waiting["deadline"]
    assert aws.wait_sms(citizen.phone or "", "requiere correcciones")
    upload(citizen, application_id, "comprobante_domicilio", documents.pdf("comprobante legible"))
    submit(citizen, application_id)
    again = wait_status(citizen, application_id, "in_review")
    assert again["deadline"] == review["deadline"]  # paused and resumed the same day: no business day used
    assert actions(citizen, application_id)[-1] == "review.resumed"
    second = open_review(official, application_id)
    assert second["review_id"] != review["review_id"]


def test_unpaid_reference_expires_and_closes_the_application(aws: Aws) -> None:
    citizen = aws.user()
    official = aws.official("oficial.vencimiento")
    application_id = submitted_licence(citizen)
    with changed_settings(**FAST_LEGAL_DAYS):
        assert decide(official, application_id, "approve", "En regla").status_code == 200
        closed = wait_status(citizen, application_id, "withdrawn", timeout=60)
    assert closed["status"] == "withdrawn"
    assert (
        "línea de captura venció" in citizen.get(f"/applications/{application_id}/audit").body["events"][-1]["reason"]
    )


def test_a_transient_failure_is_retried_and_the_licence_is_issued(aws: Aws, monkeypatch: pytest.MonkeyPatch) -> None:
    original = Credentials.issue
    calls: list[int] = []

    def flaky(self: Credentials, *args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        if len(calls) == 1:
            raise TransientFailure("KMS throttled the signature")
        return original(self, *args, **kwargs)

    monkeypatch.setattr(Credentials, "issue", flaky)
    citizen, application_id = paid_licence(aws)
    issued = wait_status(citizen, application_id, "issued", "error")
    assert issued["status"] == "issued"
    assert len(calls) == 2
    assert actions(citizen, application_id).count("document.issued") == 1


def test_a_permanent_failure_lands_in_error_visibly(aws: Aws, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(self: Credentials, *args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("the signing key is disabled")

    monkeypatch.setattr(Credentials, "issue", broken)
    citizen, application_id = paid_licence(aws)
    failed = wait_status(citizen, application_id, "error", "issued")
    assert failed["status"] == "error"
    last = citizen.get(f"/applications/{application_id}/audit").body["events"][-1]
    assert last["action"] == "workflow.failed"
    assert "RuntimeError" in last["reason"] and "signing key is disabled" in last["reason"]
    assert aws.wait_sms(citizen.phone or "", "problema técnico")


def test_a_citizen_who_answers_before_the_workflow_waits_is_not_turned_away(
    aws: Aws, monkeypatch: pytest.MonkeyPatch
) -> None:
    import threading

    from chalicelib.reviews.service import Reviews

    citizen = aws.user()
    official = aws.official("oficial.carrera")
    application_id = submitted_licence(citizen)
    resubmitted = threading.Event()
    original = Reviews.attach_token

    def late(self: Reviews, application: Any, step_id: str, kind: str, token: str) -> None:
        if kind == "corrections" and application.id == application_id:
            resubmitted.wait(30)  # the workflow attaches its wait only after the citizen answered
        original(self, application, step_id, kind, token)

    monkeypatch.setattr(Reviews, "attach_token", late)
    assert decide(official, application_id, "request_changes", "Falta la firma.").status_code == 200
    wait_status(citizen, application_id, "changes_requested")
    answered = citizen.post(f"/applications/{application_id}/submit")
    resubmitted.set()
    assert answered.status_code == 202, answered.body
    assert wait_status(citizen, application_id, "in_review")["status"] == "in_review"
