"""Fault injection, one step handler at a time: a transient failure is retried by the
state machine and the application carries on; a permanent one lands it in ``error``
(audited, notified) and an operator can retry it from the step that failed."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import boto3
import pytest

from chalicelib import wiring as composition
from chalicelib.core.errors import TransientFailure
from chalicelib.reviews import service as reviews_module
from chalicelib.workflow.steps import Steps
from tests.support.client import wait_for
from tests.support.flows import decide, open_review, paid, ready_licence, submit, wait_status
from tests.support.inprocess import Aws, HttpUser


class Fault:
    """Make one handler fail for one application: ``times`` failures, then behave."""

    def __init__(
        self, monkeypatch: pytest.MonkeyPatch, method: str, application_id: str, error: Exception, times: int
    ) -> None:
        self.calls = 0
        original: Callable[..., Any] = getattr(Steps, method)

        def faulty(steps: Steps, event: dict[str, Any]) -> Any:
            if event.get("application_id") == application_id and self.calls < times:
                self.calls += 1
                raise error
            return original(steps, event)

        monkeypatch.setattr(Steps, method, faulty)


def prepared(aws: Aws) -> tuple[HttpUser, str]:
    citizen = aws.user()
    return citizen, ready_licence(citizen)


def last_event(citizen: HttpUser, application_id: str) -> dict[str, Any]:
    events: list[dict[str, Any]] = citizen.get(f"/applications/{application_id}/audit").body["events"]
    return events[-1]


TRANSIENT = TransientFailure("DynamoDB throttled the request")
PERMANENT = RuntimeError("a bug in the handler")


@pytest.mark.parametrize("method", ["check", "open", "wait"])
def test_early_handlers_recover_from_a_transient_failure(
    aws: Aws, monkeypatch: pytest.MonkeyPatch, method: str
) -> None:
    citizen, application_id = prepared(aws)
    fault = Fault(monkeypatch, method, application_id, TRANSIENT, times=1)
    submit(citizen, application_id)
    open_review(aws.official(), application_id)
    assert fault.calls == 1
    assert wait_status(citizen, application_id, "in_review")["status"] == "in_review"


@pytest.mark.parametrize(("method", "step"), [("check", "verificacion"), ("open", "revision"), ("wait", "revision")])
def test_early_handlers_fail_permanently_into_error_and_can_be_retried(
    aws: Aws, monkeypatch: pytest.MonkeyPatch, method: str, step: str
) -> None:
    citizen, application_id = prepared(aws)
    Fault(monkeypatch, method, application_id, PERMANENT, times=99)
    submit(citizen, application_id)
    failed = wait_status(citizen, application_id, "error")
    event = last_event(citizen, application_id)
    assert (event["action"], event["details"]["step"]) == ("workflow.failed", step)
    assert "a bug in the handler" in event["reason"]
    assert aws.wait_sms(citizen.phone or "", "problema técnico")
    assert failed["status"] == "error"
    monkeypatch.undo()
    retried = composition.container().recovery.retry(application_id, "operadora")
    assert retried["resume_at"] == step
    open_review(aws.official(), application_id)
    assert wait_status(citizen, application_id, "in_review")["status"] == "in_review"
    assert "workflow.retried" in [
        e["action"] for e in citizen.get(f"/applications/{application_id}/audit").body["events"]
    ]


def test_the_deadline_handler_recovers_and_fails_visibly(aws: Aws, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(reviews_module, "timer_seconds", lambda *args, **kwargs: 1)
    citizen, application_id = prepared(aws)
    fault = Fault(monkeypatch, "deadline", application_id, TRANSIENT, times=1)
    submit(citizen, application_id)
    wait_for(
        lambda: (
            "review.escalated"
            in [e["action"] for e in citizen.get(f"/applications/{application_id}/audit").body["events"]]
        ),
        "the escalation",
    )
    assert fault.calls == 1

    citizen, second = prepared(aws)
    Fault(monkeypatch, "deadline", second, PERMANENT, times=99)
    submit(citizen, second)
    wait_status(citizen, second, "error")
    assert last_event(citizen, second)["details"]["step"] == "revision"


def test_the_close_handler_recovers_and_fails_visibly(aws: Aws, monkeypatch: pytest.MonkeyPatch) -> None:
    from chalicelib.payments import service as payments_module

    citizen, application_id = prepared(aws)
    submit(citizen, application_id)
    fault = Fault(monkeypatch, "close", application_id, TRANSIENT, times=1)
    monkeypatch.setattr(
        payments_module, "timer_seconds", lambda *args, **kwargs: 1
    )  # the línea de captura lapses at once
    decide(aws.official(), application_id)
    assert wait_status(citizen, application_id, "withdrawn")["status"] == "withdrawn"
    assert fault.calls == 1

    citizen, second = prepared(aws)
    submit(citizen, second)
    Fault(monkeypatch, "close", second, PERMANENT, times=99)
    decide(aws.official(), second)
    wait_status(citizen, second, "error")
    assert last_event(citizen, second)["details"]["step"] == "pago"


def test_issue_fails_permanently_then_the_operator_retries_without_a_second_payment(
    aws: Aws, monkeypatch: pytest.MonkeyPatch
) -> None:
    citizen, application_id = prepared(aws)
    submit(citizen, application_id)
    Fault(monkeypatch, "issue", application_id, PERMANENT, times=99)
    decide(aws.official(), application_id)
    wait_status(citizen, application_id, "awaiting_payment")
    slip = paid(aws, citizen, application_id)
    wait_status(citizen, application_id, "error")
    assert last_event(citizen, application_id)["details"]["step"] == "emision"
    monkeypatch.undo()
    composition.container().recovery.retry(application_id, "operadora")
    issued = wait_status(citizen, application_id, "issued")
    assert issued["payment_reference"] == slip["reference"]
    actions = [e["action"] for e in citizen.get(f"/applications/{application_id}/audit").body["events"]]
    assert actions.count("payment.requested") == 1 and actions.count("document.issued") == 1
    assert citizen.get(f"/applications/{application_id}/audit/verify").body["intact"] is True


def test_the_fail_handler_itself_retries_a_transient_failure(aws: Aws, monkeypatch: pytest.MonkeyPatch) -> None:
    citizen, application_id = prepared(aws)
    Fault(monkeypatch, "check", application_id, PERMANENT, times=99)
    fault = Fault(monkeypatch, "fail", application_id, TRANSIENT, times=1)
    submit(citizen, application_id)
    assert wait_status(citizen, application_id, "error")["status"] == "error"
    assert fault.calls == 1


def test_if_even_the_fail_handler_fails_the_operator_reconciles(aws: Aws, monkeypatch: pytest.MonkeyPatch) -> None:
    citizen, application_id = prepared(aws)
    Fault(monkeypatch, "check", application_id, PERMANENT, times=99)
    Fault(monkeypatch, "fail", application_id, PERMANENT, times=99)
    submit(citizen, application_id)
    sfn = boto3.client("stepfunctions", region_name="us-east-1")
    machine = citizen.get(f"/applications/{application_id}").body
    arn = next(
        m["stateMachineArn"]
        for m in sfn.list_state_machines()["stateMachines"]
        if m["name"] == f"ventanilla-test-{machine['procedure']['code']}-v{machine['procedure']['version']}"
    )
    execution = arn.replace(":stateMachine:", ":execution:") + f":{application_id}-1"
    wait_for(lambda: sfn.describe_execution(executionArn=execution)["status"] == "FAILED", "the execution to fail")
    assert citizen.get(f"/applications/{application_id}").body["status"] == "submitted"
    monkeypatch.undo()
    assert application_id in composition.container().recovery.reconcile()
    assert wait_status(citizen, application_id, "error")["status"] == "error"


def test_a_submission_whose_execution_never_started_is_repaired(aws: Aws, monkeypatch: pytest.MonkeyPatch) -> None:
    from datetime import timedelta

    from chalicelib.adapters.aws import StepFunctionsEngine

    citizen, application_id = prepared(aws)

    def unreachable(*args: Any, **kwargs: Any) -> str:
        raise TransientFailure("Step Functions unreachable (EndpointConnectionError)")

    monkeypatch.setattr(StepFunctionsEngine, "start", unreachable)
    accepted = citizen.post(f"/applications/{application_id}/submit")
    assert accepted.status_code == 202  # the submission is safe; its execution starts later
    monkeypatch.undo()
    assert citizen.get(f"/applications/{application_id}").body["status"] == "submitted"
    assert composition.container().recovery.repair(timedelta(0)) == [application_id]
    open_review(aws.official(), application_id)
    assert composition.container().recovery.repair(timedelta(0)) == []
