"""Human review by an agency: opening, the queue, decisions and the legal deadline.

A review is opened by the workflow (its legal clock starts or resumes), enters the
agency's queue once the workflow waits on it, and ends by an official's decision or by
its deadline, where the procedure decides: afirmativa ficta, negativa ficta or
escalation to the agency's supervisors.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from aws_lambda_powertools import Logger
from pynamodb.exceptions import UpdateError

from chalicelib.applications import transitions as status
from chalicelib.applications.transitions import SYSTEM, Change, Transitions
from chalicelib.core import observability
from chalicelib.core.clock import iso, parse_iso, utcnow
from chalicelib.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from chalicelib.core.ports import TaskGone, WorkflowEngine
from chalicelib.identity.principal import Principal
from chalicelib.legal.calendar import add_business_days, end_of_day, legal_date
from chalicelib.legal.clock import LegalClock, timer_seconds
from chalicelib.procedures.catalogue import Catalogue
from chalicelib.store import keys
from chalicelib.store.models import Application, Entity, Review

logger = Logger(child=True)

DECISIONS = ("approve", "reject", "request_changes")
PENDING, OPEN, DECIDED, EXPIRED = "pending", "open", "decided", "expired"
DEFAULT_CORRECTIONS_DAYS = 10


def supervisors_queue(agency: str) -> str:
    return f"{agency}#SUPERVISOR"


class Reviews:
    def __init__(self, transitions: Transitions, engine: WorkflowEngine, catalogue: Catalogue, legal_day_seconds: Decimal) -> None:
        self._transitions = transitions
        self._catalogue = catalogue
        self._engine = engine
        self._scale = legal_day_seconds

    # --- the workflow's side -------------------------------------------------------
    def open(self, application: Application, step_id: str, step: Mapping[str, Any], key: str) -> dict[str, Any]:
        """Open (or reopen after corrections) the review of a step; returns the timer."""
        if key in (application.applied_keys or []):
            return {"timeout_seconds": self._timer(self.current(application).deadline), "review_id": application.current_review}
        now = utcnow()
        clocks = dict(application.clocks or {})
        clock = LegalClock.from_dict(clocks[step_id]) if step_id in clocks else LegalClock.start(step["deadline_days"], now)
        resumed = clock.paused
        clock.resume(now)
        clocks[step_id] = clock.to_dict()
        deadline = iso(clock.deadline())
        review = self._new_review(application, step_id, step["agency"], deadline)
        self._transitions.record(
            application,
            SYSTEM,
            Change(
                "review.resumed" if resumed else "review.opened",
                to_status=status.IN_REVIEW,
                details={"review_id": review.id, "step": step_id, "agency": step["agency"], "deadline": deadline, "business_days": step["deadline_days"], "used_days": clock.used},
                notify="in_review",
            ),
            fields={"current_step": step_id, "current_agency": step["agency"], "current_review": review.id, "deadline": deadline, "clocks": clocks},
            also_save=[review],
            key=key,
        )
        return {"timeout_seconds": self._timer(deadline), "review_id": review.id}

    def attach_token(self, application: Application, kind: str, token: str) -> None:
        review = self.current(application)
        if kind == "corrections":
            review.update(actions=[Review.corrections_token.set(token)], condition=Review.decision == "request_changes")
            return
        queue = supervisors_queue(review.agency) if review.escalated else review.agency
        review.update(
            actions=[
                Review.task_token.set(token),
                Review.status.set(OPEN),
                Review.gsi2pk.set(keys.queue(queue)),
                Review.gsi2sk.set(keys.queue_order(review.deadline, review.id)),
            ],
            condition=Review.status.is_in(PENDING, OPEN),
        )

    def deadline(self, application: Application, step_id: str, step: Mapping[str, Any], key: str) -> dict[str, Any]:
        """The legal deadline passed: apply the decision already taken, or the law's default."""
        review = self.current(application)
        if key in (application.applied_keys or []):
            return self._outcome_of(application, review)
        try:
            review.update(
                actions=[Review.status.set(EXPIRED), Review.gsi2pk.remove(), Review.gsi2sk.remove(), Review.decided_at.set(iso(utcnow()))],
                condition=Review.status == OPEN,
            )
        except UpdateError:
            review.refresh()
            if review.status == DECIDED:
                return self._outcome_of(application, review)
            raise
        outcome = step["on_deadline"]
        if outcome == "escalate" and not review.escalated:
            return self._escalate(application, step_id, step, review, key)
        if outcome == "escalate":
            outcome = step.get("after_escalation", "negativa_ficta")
        days = step["escalation_days"] if review.escalated else step["deadline_days"]
        details = {"review_id": review.id, "step": step_id, "agency": review.agency, "deadline": review.deadline}
        if outcome == "afirmativa_ficta":
            reason = f"{review.agency} no resolvió dentro del plazo legal de {days} días hábiles (vencido {review.deadline}): afirmativa ficta."
            change = Change("review.deemed_approved", to_status=status.DEEMED_APPROVED, reason=reason, details=details, notify="deemed_approved")
            decision = "approve"
        else:
            reason = f"{review.agency} no resolvió dentro del plazo legal de {days} días hábiles (vencido {review.deadline}): negativa ficta."
            change = Change("review.deemed_denied", to_status=status.REJECTED, reason=reason, details=details, notify="rejected")
            decision = "reject"
        self._transitions.record(application, SYSTEM, change, fields={"deadline": None, "current_agency": None}, key=key)
        return {"decision": decision}

    # --- the agency's side ---------------------------------------------------------
    def queue(self, principal: Principal, agency: str) -> list[dict[str, Any]]:
        if agency not in principal.official_of:
            raise Forbidden(f"only officials of {agency} see its queue", code="other_agency")
        queues = [agency] + ([supervisors_queue(agency)] if agency in principal.supervisor_of else [])
        items: list[Review] = []
        for name in queues:
            items.extend(Entity.by_queue.query(keys.queue(name)))  # type: ignore[arg-type]
        items.sort(key=lambda review: (review.deadline, review.id))
        now = utcnow()
        return [_review_view(review, now) for review in items]

    def get(self, review_id: str) -> Review:
        if not isinstance(review_id, str) or len(review_id) > 40:
            raise NotFound("no such review", code="unknown_review")
        try:
            return Review.get(keys.review(review_id), keys.REVIEW_SK)
        except Review.DoesNotExist:
            raise NotFound("no such review", code="unknown_review") from None

    def decide(self, principal: Principal, review_id: str, body: Any) -> dict[str, Any]:
        review = self.get(review_id)
        allowed = principal.supervisor_of if review.escalated else principal.official_of
        if review.agency not in allowed:
            raise Forbidden(f"this review belongs to {review.agency}{' supervisors' if review.escalated else ''}; you cannot decide it", code="other_agency")
        decision, reason = _decision(body)
        if review.status != OPEN:
            raise Conflict(f"this review is already closed ({review.status}); no second decision", code="review_closed")
        now = utcnow()
        try:
            review.update(
                actions=[
                    Review.status.set(DECIDED),
                    Review.decision.set(decision),
                    Review.reason.set(reason),
                    Review.decided_by.set(principal.username),
                    Review.decided_at.set(iso(now)),
                    Review.gsi2pk.remove(),
                    Review.gsi2sk.remove(),
                ],
                condition=Review.status == OPEN,
            )
        except UpdateError as error:
            if error.cause_response_code == "ConditionalCheckFailedException":
                raise Conflict("another decision on this review was recorded first", code="review_closed") from None
            raise
        observability.review_decided(review.procedure_code, (now - parse_iso(review.opened_at)).total_seconds())
        application = Application.get(keys.application(review.application_id), keys.APPLICATION_SK)
        step = self._catalogue.step(application.procedure_code, application.procedure_version, review.step)
        actor = principal.describe()
        details = {"review_id": review.id, "step": review.step, "agency": review.agency}
        output: dict[str, Any] = {"decision": decision}
        if decision == "approve":
            self._transitions.record(application, actor, Change("review.approved", reason=reason, details=details), fields={"deadline": None})
        elif decision == "reject":
            self._transitions.record(
                application, actor, Change("review.rejected", to_status=status.REJECTED, reason=reason, details=details, notify="rejected"), fields={"deadline": None, "current_agency": None}
            )
        else:
            output["timeout_seconds"] = self._request_changes(application, actor, review, step, reason, details)
        try:
            self._engine.resume(review.task_token or "", output)
        except TaskGone:
            logger.warning("the workflow stopped waiting before the decision arrived; its deadline handler applies it", extra={"review_id": review.id})
        return {"review_id": review.id, "decision": decision, "application_id": application.id, "status": application.status}

    # --- helpers -------------------------------------------------------------------
    def current(self, application: Application) -> Review:
        if not application.current_review:
            raise Conflict("the application has no open review", code="no_review")
        return self.get(application.current_review)

    def _new_review(self, application: Application, step_id: str, agency: str, deadline: str, escalated: int = 0) -> Review:
        review_id = secrets.token_hex(8)
        return Review(
            keys.review(review_id),
            keys.REVIEW_SK,
            id=review_id,
            application_id=application.id,
            procedure_code=application.procedure_code,
            step=step_id,
            agency=agency,
            status=PENDING,
            opened_at=iso(utcnow()),
            deadline=deadline,
            escalated=escalated,
        )

    def _request_changes(self, application: Application, actor: dict[str, Any], review: Review, step: Mapping[str, Any], reason: str, details: dict[str, Any]) -> int:
        now = utcnow()
        clocks = dict(application.clocks or {})
        if review.step in clocks:
            clock = LegalClock.from_dict(clocks[review.step])
            clock.pause(now)
            clocks[review.step] = clock.to_dict()
        corrections_deadline = iso(end_of_day(add_business_days(legal_date(now), step.get("corrections_days", DEFAULT_CORRECTIONS_DAYS))))
        self._transitions.record(
            application,
            actor,
            Change("review.changes_requested", to_status=status.CHANGES_REQUESTED, reason=reason, details={**details, "corrections_deadline": corrections_deadline}, notify="changes_requested"),
            fields={"clocks": clocks, "deadline": corrections_deadline},
        )
        return self._timer(corrections_deadline)

    def _escalate(self, application: Application, step_id: str, step: Mapping[str, Any], expired: Review, key: str) -> dict[str, Any]:
        deadline = iso(end_of_day(add_business_days(legal_date(utcnow()), step["escalation_days"])))
        review = self._new_review(application, step_id, expired.agency, deadline, escalated=1)
        reason = f"{expired.agency} no resolvió dentro del plazo legal (vencido {expired.deadline}); pasa a supervisión."
        self._transitions.record(
            application,
            SYSTEM,
            Change("review.escalated", to_status=status.IN_REVIEW, reason=reason, details={"review_id": review.id, "expired_review_id": expired.id, "step": step_id, "deadline": deadline}),
            fields={"current_review": review.id, "deadline": deadline},
            also_save=[review],
            key=key,
        )
        return {"decision": "escalated", "timeout_seconds": self._timer(deadline)}

    def _outcome_of(self, application: Application, review: Review) -> dict[str, Any]:
        if review.status == DECIDED:
            outcome: dict[str, Any] = {"decision": review.decision}
            if review.decision == "request_changes":
                outcome["timeout_seconds"] = self._timer(application.deadline)
            return outcome
        if application.status == status.DEEMED_APPROVED:
            return {"decision": "approve"}
        if application.status == status.REJECTED:
            return {"decision": "reject"}
        return {"decision": "escalated", "timeout_seconds": self._timer(application.deadline)}

    def _timer(self, deadline: str | None) -> int:
        if not deadline:
            return 1
        return timer_seconds(parse_iso(deadline), utcnow(), self._scale)


def _decision(body: Any) -> tuple[str, str]:
    if not isinstance(body, dict):
        raise ValidationFailed.field("body", "must be a JSON object")
    decision = body.get("decision")
    if decision not in DECISIONS:
        raise ValidationFailed.field("decision", f"must be one of {', '.join(DECISIONS)}", code="invalid_decision")
    reason = body.get("reason")
    if not isinstance(reason, str) or not 3 <= len(reason.strip()) <= 1000:
        raise ValidationFailed.field("reason", "is required: 3 to 1,000 characters explaining the decision", code="reason_required")
    return decision, reason.strip()


def _review_view(review: Review, now: Any) -> dict[str, Any]:
    remaining = (parse_iso(review.deadline) - now).total_seconds()
    return {
        "review_id": review.id,
        "application_id": review.application_id,
        "procedure": review.procedure_code,
        "step": review.step,
        "agency": review.agency,
        "escalated": bool(review.escalated),
        "opened_at": review.opened_at,
        "deadline": review.deadline,
        "overdue": remaining < 0,
    }
