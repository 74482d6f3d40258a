"""Withdrawal (desistimiento) at each point of the licence's life, with its state machine
executed by moto: the execution stops, no review stays in a queue, no task token is left
that could resume it, and a pending payment reference is refused to the bank."""

from __future__ import annotations

from typing import Any

import boto3
import pytest

from chalicelib import wiring as composition
from chalicelib.adapters.ports import TaskGone
from chalicelib.core.errors import Conflict
from chalicelib.store.models import Application
from chalicelib.workflow.steps import Steps
from tests.support.client import wait_for
from tests.support.flows import (
    approved,
    bank_pays,
    decide,
    draft,
    open_review,
    ready_licence,
    submit,
    submitted_licence,
    wait_status,
)
from tests.support.inprocess import Aws, HttpUser

REASON = "Ya no necesito la licencia."


def stored(application_id: str) -> Application:
    return composition.container().applications.load(application_id, consistent=True)


def execution_status(application: Application) -> str:
    engine = composition.container().engine
    arn = engine.execution_arn(application.state_machine_arn, application.execution_name or "")
    return str(boto3.client("stepfunctions", region_name="us-east-1").describe_execution(executionArn=arn)["status"])


def review_tokens(application_id: str) -> list[str]:
    """Every task token the application's reviews hold."""
    store = composition.container().store
    reviews = [
        store.reviews.get(entry["review_id"], consistent=True) for entry in stored(application_id).reviews.values()
    ]
    return [token for review in reviews for token in (review.task_token, review.corrections_token) if token]


def withdrawn(citizen: HttpUser, application_id: str, reason: str = REASON) -> dict[str, Any]:
    answer = citizen.post(f"/applications/{application_id}/withdraw", {"reason": reason})
    assert answer.status_code == 200, answer.body
    assert answer.body["status"] == "withdrawn"
    body: dict[str, Any] = answer.body
    return body


def last_event(citizen: HttpUser, application_id: str) -> dict[str, Any]:
    event: dict[str, Any] = citizen.get(f"/applications/{application_id}/audit").body["events"][-1]
    return event


def assert_stopped(aws: Aws, official: HttpUser, citizen: HttpUser, application_id: str, tokens: list[str]) -> None:
    """The execution was aborted, the agency's queue no longer has the application, no
    record keeps a token, and the tokens it had no longer resume anything."""
    application = stored(application_id)
    # the interpreter's thread notices the stop a moment after StopExecution answers
    assert wait_for(lambda: execution_status(application) == "ABORTED", "the execution to be aborted")
    queue = official.get("/agencies/SEMOVI/reviews").body["reviews"]
    assert application_id not in {review["application_id"] for review in queue}
    assert review_tokens(application_id) == []
    assert application.evidence_token is None
    engine = composition.container().engine
    for token in tokens:
        with pytest.raises(TaskGone):
            engine.resume(token, {"resubmitted": True})
    assert stored(application_id).status == "withdrawn"
    event = last_event(citizen, application_id)
    assert (event["action"], event["to_status"], event["reason"]) == ("application.withdrawn", "withdrawn", REASON)
    assert event["actor"]["id"] == citizen.username or event["actor"].get("username") == citizen.username
    # withdrawn on screen, by the holder: no SMS tells them what they just did (unless they asked for it)
    assert not [text for text in aws.sms(citizen.phone or "") if f"{application_id} se cerro sin resolucion" in text]
    assert citizen.get(f"/applications/{application_id}/audit/verify").body["intact"] is True


def test_a_draft_is_marked_withdrawn_with_no_execution(aws: Aws) -> None:
    citizen = aws.user()
    application_id = draft(citizen)
    shown = withdrawn(citizen, application_id)
    assert shown["holders"] == []
    event = last_event(citizen, application_id)
    assert (event["action"], event["from_status"], event["reason"]) == ("application.withdrawn", "draft", REASON)
    assert stored(application_id).execution_name is None
    # nothing was filed: no SMS, and it can no longer be submitted
    assert not [text for text in aws.sms(citizen.phone or "") if application_id in text]
    assert citizen.post(f"/applications/{application_id}/submit").body["error"]["code"] == "not_editable"


def test_withdrawing_in_review_stops_the_execution_and_empties_the_queue(aws: Aws) -> None:
    citizen = aws.user()
    official = aws.official("oficial.desistimiento.revision")
    application_id = submitted_licence(citizen)
    review = open_review(official, application_id)
    tokens = wait_for(lambda: review_tokens(application_id), "the review's task token")
    withdrawn(citizen, application_id)
    assert_stopped(aws, official, citizen, application_id, tokens)
    # the official can no longer decide it
    decided = official.post(f"/reviews/{review['review_id']}/decision", {"decision": "approve", "reason": "En regla"})
    assert decided.status_code == 409, decided.body


def test_withdrawing_while_corrections_are_awaited_abandons_the_wait(aws: Aws) -> None:
    citizen = aws.user()
    official = aws.official("oficial.desistimiento.correcciones")
    application_id = submitted_licence(citizen)
    assert decide(official, application_id, "request_changes", "Falta la firma.").status_code == 200
    wait_status(citizen, application_id, "changes_requested")
    tokens = wait_for(
        lambda: [
            token
            for token in review_tokens(application_id)
            if token
            == composition.container()
            .store.reviews.get(stored(application_id).reviews["revision"]["review_id"], consistent=True)
            .corrections_token
        ],
        "the corrections wait's token",
    )
    withdrawn(citizen, application_id)
    assert_stopped(aws, official, citizen, application_id, tokens)
    assert citizen.post(f"/applications/{application_id}/submit").body["error"]["code"] == "not_editable"


def test_withdrawing_while_awaiting_payment_cancels_the_reference(aws: Aws) -> None:
    citizen = aws.user()
    official = aws.official("oficial.desistimiento.pago")
    application_id = submitted_licence(citizen)
    approved(official, citizen, application_id)
    slip = citizen.post(f"/applications/{application_id}/payment").body
    payments = composition.container().store.payments
    token = wait_for(lambda: payments.get(slip["reference"]).task_token, "the payment wait's token")
    withdrawn(citizen, application_id)
    assert_stopped(aws, official, citizen, application_id, [token])
    assert payments.get(slip["reference"]).task_token is None
    assert citizen.post(f"/applications/{application_id}/payment").body["status"] == "cancelled"
    refused = bank_pays(aws, slip["reference"], slip["amount"], f"evt-late-{application_id}")
    assert (refused.status_code, refused.body["error"]["code"]) == (409, "reference_cancelled")
    assert stored(application_id).status == "withdrawn"


def test_an_application_in_error_may_be_withdrawn_and_is_no_longer_retried(
    aws: Aws, monkeypatch: pytest.MonkeyPatch
) -> None:
    citizen = aws.user()
    application_id = ready_licence(citizen)
    original = Steps.check

    def broken(steps: Steps, event: dict[str, Any]) -> Any:
        if event.get("application_id") == application_id:
            raise RuntimeError("a bug in the checks")
        return original(steps, event)

    monkeypatch.setattr(Steps, "check", broken)
    submit(citizen, application_id)
    wait_status(citizen, application_id, "error")
    monkeypatch.undo()
    withdrawn(citizen, application_id)
    assert wait_for(lambda: execution_status(stored(application_id)) == "FAILED", "the failed execution to stay so")
    event = last_event(citizen, application_id)
    assert (event["action"], event["from_status"]) == ("application.withdrawn", "error")
    with pytest.raises(Conflict) as refused:
        composition.container().recovery.retry(application_id, "operadora")
    assert refused.value.code == "not_in_error"
