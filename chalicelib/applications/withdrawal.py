"""Withdrawal (desistimiento): the holder ends an application before it is resolved.

The change is one transaction: the application becomes ``withdrawn`` with its audit
event ``application.withdrawn`` (reason and actor), its review entries close, and a
pending payment reference is cancelled with it (a bank payment that lands first makes
the whole change fail, and the withdrawal is refused).  Only then is the execution
stopped and every review taken out of the queues with its task tokens, so that nothing
can resume the workflow.  Stopping first would leave a running application with no
workflow if the change then failed; recording first is safe because a step that runs
meanwhile finds the application ended (no transition leaves ``withdrawn``).

A repeat answers the withdrawn application again, and finishes the stopping a first
attempt may have left undone (Step Functions unreachable at that moment).
"""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools import Logger
from msgspec import Struct

from chalicelib.adapters.ports import WorkflowEngine
from chalicelib.applications import transitions as status
from chalicelib.applications.requests import MAX_WITHDRAWAL_REASON, WithdrawalRequest
from chalicelib.applications.service import Applications
from chalicelib.applications.transitions import Change, Transitions
from chalicelib.core.errors import Conflict, TransientFailure
from chalicelib.core.fields import trimmed
from chalicelib.identity.principal import Principal
from chalicelib.payments.service import Payments
from chalicelib.store.models import Application
from chalicelib.store.repositories import Repositories

logger = Logger(child=True)
# before a final resolution; ``error`` included: a failed workflow is ours to fix, not a reason to hold the citizen
WITHDRAWABLE = frozenset(
    {
        status.DRAFT,
        status.SUBMITTED,
        status.EVIDENCE_REVIEW,
        status.IN_REVIEW,
        status.CHANGES_REQUESTED,
        status.AWAITING_PAYMENT,
        status.ERROR,
    }
)
DEFAULT_REASON = "El titular desistió del trámite."
ATTEMPTS = 3


class Withdrawal(Struct, frozen=True):
    applications: Applications
    store: Repositories
    transitions: Transitions
    payments: Payments
    engine: WorkflowEngine

    def withdraw(self, principal: Principal, application_id: str, request: WithdrawalRequest) -> Application:
        reason = _reason(request.reason)
        for attempt in range(ATTEMPTS):
            # read strongly: a repeat must see the withdrawal it repeats, and a retry the change it lost to
            application = self.applications.owned(principal, application_id, consistent=True)
            if application.status == status.WITHDRAWN:
                self._stop(application)
                return application
            if application.status not in WITHDRAWABLE:
                raise Conflict(
                    f"the application is {application.status}: it was already resolved and cannot be withdrawn",
                    code="already_resolved",
                )
            try:
                self._record(principal, application, reason)
            except Conflict as error:
                if error.code == "precondition_failed":  # the bank paid the reference meanwhile
                    continue
                if error.code != "concurrent_change" or attempt == ATTEMPTS - 1:
                    raise
                continue
            self._stop(application)
            return application
        raise Conflict("the application kept changing; try again", code="concurrent_change")

    def _record(self, principal: Principal, application: Application, reason: str | None) -> None:
        previous = application.status
        cancelled = self.payments.withdrawing(application)
        reviews = application.reviews or {}
        closing = sorted(step for step, entry in reviews.items() if entry["state"] != "closed")
        details: dict[str, Any] = {"from": previous, "reason_given": reason is not None}
        if closing:
            details["steps"] = closing
        if cancelled:
            details["payment_reference"] = application.payment_reference
        self.transitions.record(
            application,
            self.applications.actor(principal, application),
            Change(
                "application.withdrawn",
                to_status=status.WITHDRAWN,
                reason=reason or DEFAULT_REASON,
                details=details,
                # nothing was filed from a draft: the citizen is looking at the page that did it
                notify=None if previous == status.DRAFT else "withdrawn",
            ),
            fields={
                "reviews": {
                    step: {**entry, "state": "closed"} if step in closing else entry for step, entry in reviews.items()
                },
                "deadline": None,
                "current_agency": None,
                "evidence_token": None,
            },
            also=cancelled,
        )

    def _stop(self, application: Application) -> None:
        """Stop the execution, then leave nothing that could resume it: the reviews leave the
        queues without their tokens, and the payment keeps none (a wait may have attached
        one just before the execution stopped)."""
        if application.execution_name:
            arn = self.engine.execution_arn(application.state_machine_arn, application.execution_name)
            try:
                self.engine.stop(arn, f"withdrawn by its holder ({application.id})")
            except TransientFailure:
                # the steps refuse to change a withdrawn application; a repeat stops it
                logger.warning("execution not stopped yet", extra={"application_id": application.id})
        self.store.reviews.abandon([entry["review_id"] for entry in (application.reviews or {}).values()])
        if application.payment_reference:
            self.store.payments.forget_token(application.payment_reference)


def _reason(given: str | None) -> str | None:
    message = f"must be text of at most {MAX_WITHDRAWAL_REASON} characters"
    return (
        trimmed(given or "", 0, MAX_WITHDRAWAL_REASON, field="reason", message=message, code="invalid_reason") or None
    )
