"""Human review by an agency: opening, the queue, decisions and the legal deadline.

A review is opened by the workflow (its legal clock starts or resumes), enters the
agency's queue once the workflow waits on it, and ends by an official's decision or by
its deadline, where the procedure decides: afirmativa ficta, negativa ficta or
escalation to the agency's supervisors.  Before the deadline, the agency is warned
(``warn_days`` business days ahead): the same timer that keeps the deadline fires first
at the warning, and the workflow goes back to waiting.

Deadlines skip the federal calendar and the reviewing agency's published non-working
days.  A day the agency publishes while a review runs moves that review's deadline
(``deadline.moved`` in the application's audit); the workflow's timer, armed for the old
deadline, fires early and is armed again for the rest (the review records what its timer
waits for, ``Review.timer``), so a moved deadline holds.

Parallel steps review at the same time: the application keeps one entry per step in
``reviews`` (review id, agency, deadline, state), from which its current holder and
nearest deadline are derived.
"""

from __future__ import annotations

import random
import secrets
import time
from collections.abc import Callable, Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import msgspec
from aws_lambda_powertools import Logger
from msgspec import Struct

from chalicelib.adapters.ports import TaskGone, WorkflowEngine, resume_quietly
from chalicelib.applications import transitions as status
from chalicelib.applications.transitions import SYSTEM, Change, Transitions
from chalicelib.core import observability
from chalicelib.core.clock import iso, parse_iso, utcnow
from chalicelib.core.errors import Conflict, Forbidden, ValidationFailed
from chalicelib.core.fields import UnsetType, stripped
from chalicelib.efirma.cadena import SIGNING_WINDOW
from chalicelib.efirma.notary import Notary
from chalicelib.efirma.verification import Signature
from chalicelib.identity.efirma import Signers
from chalicelib.identity.principal import Principal
from chalicelib.legal.calendar import deadline_after, legal_date, local_date
from chalicelib.legal.clock import LegalClock, timer_seconds
from chalicelib.procedures import jurisdictions
from chalicelib.procedures.catalogue import Catalogue
from chalicelib.reviews import queue, resolution
from chalicelib.reviews.intermediaries import decision_fields
from chalicelib.reviews.queue import QueuePage
from chalicelib.reviews.requests import DecisionDraft, DecisionKind, ReviewDecision
from chalicelib.reviews.states import DECIDED, LIVE, OPEN, PENDING
from chalicelib.store.models import Application, Decision, Review
from chalicelib.store.pages import PageRequest
from chalicelib.store.repositories import Repositories
from chalicelib.store.writes import Write, create

logger = Logger(child=True)

DEFAULT_CORRECTIONS_DAYS = 10
OLDER_SHOWN = 50  # earlier-deadline reviews read to decide (and say) that a decision jumps the queue
MOVED = "deadline.moved"


class Decided(Struct, frozen=True):
    review_id: str
    decision: DecisionKind
    application_id: str
    status: str  # the application's, once the decision was recorded


def supervisors_queue(agency: str) -> str:
    return f"{agency}#SUPERVISOR"


def holders(reviews: Mapping[str, Mapping[str, Any]]) -> dict[str, Any]:
    """The application's current holder and nearest deadline, from its per-step reviews."""
    waiting = sorted(
        (entry["deadline"], entry["agency"]) for entry in reviews.values() if entry["state"] in ("open", "changes")
    )
    if not waiting:
        return {"current_agency": None, "deadline": None}
    deadline, agency = waiting[0]
    return {"current_agency": agency, "deadline": deadline}


def with_review(application: Application, step_id: str, **entry: Any) -> dict[str, Any]:
    """Fields to write when one step's review entry changes."""
    reviews = {**(application.reviews or {}), step_id: {**(application.reviews or {}).get(step_id, {}), **entry}}
    return {"reviews": reviews, **holders(reviews)}


class Reviews(Struct, frozen=True):
    store: Repositories
    transitions: Transitions
    catalogue: Catalogue
    engine: WorkflowEngine
    legal_day_seconds: Decimal
    notary: Notary
    signers: Signers

    # --- the workflow's side -------------------------------------------------------
    def open(self, application: Application, step_id: str, step: Mapping[str, Any], key: str) -> dict[str, Any]:
        """Open (or reopen after corrections) the review of a step; returns the timer."""
        if key in (application.applied_keys or []):
            return {
                "timeout_seconds": self._next_timer(self.of_step(application, step_id)),
                "review_id": application.reviews[step_id]["review_id"],
            }
        now = utcnow()
        clocks = dict(application.clocks or {})
        clock = (
            LegalClock.from_dict(clocks[step_id]) if step_id in clocks else LegalClock.start(step["deadline_days"], now)
        )
        resumed = clock.paused
        clock.resume(now)
        clocks[step_id] = clock.to_dict()
        deadline, warn_at = _running_deadline(clock, step, self._days_off(application, step["agency"], clock.base))
        review = self._new_review(
            application, step_id, step["agency"], deadline, warn_at=warn_at, excluded=_excluded(application, step_id)
        )
        review.timer = {"from": iso(now), "at": _next_target(review, now), "key": key}
        self.transitions.record(
            application,
            SYSTEM,
            Change(
                "review.resumed" if resumed else "review.opened",
                to_status=status.IN_REVIEW,
                details={
                    "review_id": review.id,
                    "step": step_id,
                    "agency": step["agency"],
                    "deadline": deadline,
                    "business_days": step["deadline_days"],
                    "used_days": clock.used,
                },
                notify="in_review",
            ),
            fields={
                "current_step": step_id,
                "clocks": clocks,
                **with_review(
                    application, step_id, review_id=review.id, agency=step["agency"], deadline=deadline, state="open"
                ),
            },
            also=[create(review)],
            key=key,
        )
        return {"timeout_seconds": self._next_timer(review), "review_id": review.id}

    def attach_token(self, application: Application, step_id: str, kind: str, token: str) -> None:
        review = self.of_step(application, step_id)
        if kind == "corrections":
            self.store.reviews.await_corrections(review, token)
            fresh = self.store.applications.get(application.id, consistent=True)
            if (fresh.reviews or {}).get(step_id, {}).get("state") == "resubmitted":  # the citizen answered first
                resume_quietly(self.engine, token, {"resubmitted": True})
            return
        queue = supervisors_queue(review.agency) if review.escalated else review.agency
        # decided while the workflow was between two waits: resume it with the decision;
        # expired or cancelled meanwhile: the workflow has moved on, nothing to wait for
        if not self.store.reviews.enqueue(review, token, queue) and review.status == DECIDED:
            self.engine.resume(token, self._outcome_of(application, review))

    def deadline(self, application: Application, step_id: str, step: Mapping[str, Any], key: str) -> dict[str, Any]:
        """A timer fired: warn the agency, or wait again (the deadline moved), or apply the
        decision taken, or the law's default.

        The legal moment the timer fired is the one it was armed for (``Review.timer``):
        where legal days are compressed (``LEGAL_DAY_SECONDS``) the wall clock lags it."""
        review = self.of_step(application, step_id)
        if review.status == DECIDED:
            return self._outcome_of(application, review)
        timer = review.timer or {}
        if timer.get("key") == key and review.status in LIVE:  # this firing already armed the next timer
            return self._waiting(review, timer)
        if key in (application.applied_keys or []):
            return self._outcome_of(application, review)
        fired = max(utcnow(), parse_iso(timer["at"])) if timer.get("at") else utcnow()
        if review.status in LIVE and self._move(review.id, SYSTEM, None):
            # a day published that the publication's pass did not reach (the review was not yet queued)
            application = self.store.applications.get(application.id, consistent=True)
            review = self.get(review.id, consistent=True)
        if review.status in LIVE and fired < parse_iso(review.deadline):
            if review.warn_at and not review.warned and fired >= parse_iso(review.warn_at):
                return self._warn(application, step_id, review, key, fired)
            return self._rearm(review, fired, key)
        expire = self.store.reviews.expiring(review, iso(utcnow()))
        outcome = step["on_deadline"]
        if outcome == "escalate" and not review.escalated:
            return self._escalate(application, step_id, step, review, expire, key, fired)
        if outcome == "escalate":
            outcome = step.get("after_escalation", "negativa_ficta")
        days = step["escalation_days"] if review.escalated else step["deadline_days"]
        details = {
            "review_id": review.id,
            "step": step_id,
            "agency": review.agency,
            "deadline": review.deadline,
            "business_days": days,
            "expired_at": iso(fired),  # the legal moment the timer found the deadline passed
        }
        if outcome == "afirmativa_ficta":
            reason = (
                f"{review.agency} no resolvió dentro del plazo legal de {days} días hábiles (vencido "
                f"{review.deadline}): afirmativa ficta, el trámite se tiene por aprobado."
            )
            change = Change(
                "review.deemed_approved",
                to_status=status.DEEMED_APPROVED,
                reason=reason,
                details=details,
                notify="deemed_approved",
            )
            decision = "approve"
        else:
            reason = (
                f"{review.agency} no resolvió dentro del plazo legal de {days} días hábiles (vencido "
                f"{review.deadline}): negativa ficta, el trámite se tiene por negado."
            )
            change = Change(
                "review.deemed_denied", to_status=status.REJECTED, reason=reason, details=details, notify="rejected"
            )
            decision = "reject"
        fields = {
            **with_review(application, step_id, state="closed"),
            **({"deemed_approved": True} if decision == "approve" else {}),
        }
        self.transitions.record(application, SYSTEM, change, fields=fields, also=[expire], key=key)
        if decision == "reject":
            self.cancel_open(application)
        return {"decision": decision}

    def cancel_open(self, application: Application) -> None:
        """The application ended: take its other open reviews out of every queue."""
        self.store.reviews.cancel(
            entry["review_id"] for entry in (application.reviews or {}).values() if entry["state"] == "open"
        )

    # --- the agency's side ---------------------------------------------------------
    def queue(self, principal: Principal, agency: str, request: PageRequest) -> QueuePage:
        """A page of the agency's queue (and its supervisors', for them): one Query of each."""
        if agency not in principal.official_of:
            raise Forbidden(f"only officials of {agency} see its queue", code="other_agency")
        queues = [agency] + ([supervisors_queue(agency)] if agency in principal.supervisor_of else [])
        return queue.page(queues, self.store.reviews.queue, request, utcnow())

    def get(self, review_id: str, *, consistent: bool = False) -> Review:
        return self.store.reviews.get(review_id, consistent=consistent)

    # --- the agency's calendar -------------------------------------------------------
    def move_deadlines(self, agency: str, actor: dict[str, Any], publication: Mapping[str, Any]) -> list[str]:
        """The agency published non-working days: move the deadlines of its open reviews
        (its officials' and its supervisors' queues) that they fall within; returns the
        applications whose deadline moved.  Running it again moves nothing more."""
        moved = []
        for name in (agency, supervisors_queue(agency)):
            for review in self.store.reviews.queue(name):
                if self._move(review.id, actor, publication):
                    moved.append(review.application_id)
        return moved

    def _move(self, review_id: str, actor: dict[str, Any], publication: Mapping[str, Any] | None) -> bool:
        """Recompute an open review's deadline with its agency's calendar as published now;
        record ``deadline.moved`` (old and new deadline, the legal reference) if it is later."""
        for _ in range(5):
            review = self.get(review_id, consistent=True)
            if review.status not in LIVE:
                return False
            application = self.store.applications.get(review.application_id, consistent=True)
            if (application.reviews or {}).get(review.step, {}).get("review_id") != review.id:
                return False
            step = self.catalogue.step(application.procedure_code, int(application.procedure_version), review.step)
            since = self._counted_from(application, review)
            published = self.store.calendars.between(self._calendars(application, review.agency), since)
            days_off = frozenset(date.fromisoformat(item.day) for item in published)
            deadline, warn_at = self._expected(application, review, step, days_off)
            if parse_iso(deadline) <= parse_iso(review.deadline):
                return False
            counted = [
                {"day": item.day, "reference": item.reference}
                for item in published
                if item.day <= legal_date(parse_iso(deadline)).isoformat()
            ]
            first = publication or (published[0].to_simple_dict() if published else {})
            details = {
                "review_id": review.id,
                "step": review.step,
                "agency": review.agency,
                "old_deadline": review.deadline,
                "new_deadline": deadline,
                "reference": first.get("reference"),
                **({"gazette_url": first["gazette_url"]} if first.get("gazette_url") else {}),
                "days": counted,
            }
            try:
                self.transitions.record(
                    application,
                    actor,
                    Change(MOVED, details=details),
                    fields=with_review(application, review.step, deadline=deadline),
                    also=[self.store.reviews.moving(review, deadline, warn_at)],
                )
                return True
            except Conflict as error:
                if error.code not in ("concurrent_change", "precondition_failed"):
                    raise
                time.sleep(random.uniform(0.01, 0.1))
        raise Conflict("the application kept changing; publish again to move its deadline", code="concurrent_change")

    def _calendars(self, application: Application, agency: str) -> tuple[str, ...]:
        """Whose published days the agency's clocks skip, as the application's version says."""
        version = self.catalogue.get(application.procedure_code, int(application.procedure_version))
        return jurisdictions.calendars_of(version.definition, agency)

    def _days_off(self, application: Application, agency: str, since: date) -> frozenset[date]:
        return self.store.calendars.days_off(self._calendars(application, agency), since)

    @staticmethod
    def _counted_from(application: Application, review: Review) -> date:
        """The day the review's deadline is counted from."""
        if review.escalated or review.step not in (application.clocks or {}):
            return legal_date(parse_iso(review.opened_at))
        return LegalClock.from_dict(application.clocks[review.step]).base

    def _expected(
        self, application: Application, review: Review, step: Mapping[str, Any], days_off: frozenset[date]
    ) -> tuple[str, str | None]:
        """An open review's deadline and warning time, with the calendar as it is now."""
        if review.escalated or review.step not in (application.clocks or {}):
            start = legal_date(parse_iso(review.opened_at))
            return iso(deadline_after(start, step["escalation_days"], days_off)), None
        return _running_deadline(LegalClock.from_dict(application.clocks[review.step]), step, days_off)

    def decide(self, principal: Principal, review_id: str, request: ReviewDecision) -> Decided:
        review = self._decidable(principal, review_id)
        decision, reason = request.decision, request.reason
        turn = self._turn(review, request.reason_out_of_order)
        now = utcnow()
        application = self.store.applications.get(review.application_id, consistent=True)
        resolution, firma = self._resolution(principal, review, request, now, application)
        binding = self.signers.check(principal.username, firma) if firma is not None else None
        close = self.store.reviews.deciding(review, decision, reason, principal.username, iso(now))

        def bound_meanwhile() -> None:
            if firma is not None:
                self.signers.bound_meanwhile(principal.username, firma)

        output, after = self._apply_decision(
            principal.describe(),
            review,
            close,
            decision,
            reason,
            turn,
            resolution,
            application,
            binding,
            bound_meanwhile,
        )
        observability.review_decided(review.procedure_code, (now - parse_iso(review.opened_at)).total_seconds())
        try:
            self.engine.resume(review.task_token or "", output)
        except TaskGone:
            logger.warning(
                "the workflow was not waiting when the decision arrived; it picks the decision up on its next step",
                extra={"review_id": review.id},
            )
        return Decided(review.id, decision, review.application_id, after)

    def _turn(self, review: Review, why: str | UnsetType | None) -> dict[str, Any]:
        """Queue fairness: the queue's order is the legal deadline.  Deciding a review while
        a review of the same queue and another application with an earlier legal deadline
        waits is deciding out of order, which needs a reason (recorded in the audit
        event).  Reviews due the same day are equals (deadlines fall at the end of a
        business day): taking one before another is not jumping the legal order.  One
        Query on the queue's index, for the earlier deadlines only; reviews of the same
        application (parallel steps) do not count, and the supervisors' queue of
        escalated reviews is a queue of its own."""
        queue = supervisors_queue(review.agency) if review.escalated else review.agency
        earlier = [
            item
            for item in self.store.reviews.earlier_in_queue(queue, review.deadline, OLDER_SHOWN)
            if item.application_id != review.application_id
        ]
        if not earlier:
            return {}
        if not isinstance(why, str) or not 3 <= len(stripped(why)) <= 500:
            problem = (
                f"is required: {len(earlier)}{'+' if len(earlier) == OLDER_SHOWN else ''} review(s) of this queue "
                f"have an earlier legal deadline (the first on {earlier[0].deadline}); say in 3 to 500 characters why "
                "this one goes first"
            )
            raise ValidationFailed.field("reason_out_of_order", problem, code="reason_out_of_order_required")
        return {
            "out_of_order": True,
            "reason_out_of_order": stripped(why),
            "earlier_open": len(earlier),
            "earliest_deadline": earlier[0].deadline,
        }

    def prepare(self, principal: Principal, review_id: str, draft: DecisionDraft) -> tuple[str, str, bool]:
        """The cadena original of a decision the official is about to sign, until when it
        may be signed, and whether the step requires their e.firma."""
        review = self._decidable(principal, review_id)
        application = self.store.applications.get(review.application_id)
        now = utcnow()
        text = resolution.cadena(application, review, draft.decision, draft.reason, principal.username, iso(now))
        return text, iso(now + SIGNING_WINDOW), self._signature_kind(application, review) == resolution.EFIRMA

    def _signature_kind(self, application: Application, review: Review) -> str:
        step = self.catalogue.step(application.procedure_code, int(application.procedure_version), review.step)
        return str(step.get("signature", resolution.EFIRMA))

    def _resolution(
        self, principal: Principal, review: Review, request: ReviewDecision, now: datetime, application: Application
    ) -> tuple[dict[str, Any], Signature | None]:
        """The signed and sealed resolution: the official's e.firma over the decision's
        cadena original (where the step requires it) and the platform's seal; and the
        official's signature, if they signed."""
        signed = request.efirma
        official = {
            "username": principal.username,
            "name": principal.name or principal.username,
            "position": resolution.POSITIONS[bool(review.escalated)],
            "agency": review.agency,
        }
        if isinstance(signed, UnsetType):
            if self._signature_kind(application, review) == resolution.EFIRMA:
                raise ValidationFailed.field(
                    "efirma",
                    "this decision must be signed with your e.firma: prepare its cadena original and sign it",
                    code="efirma_required",
                )
            text = resolution.cadena(
                application, review, request.decision, request.reason, principal.username, iso(now)
            )
            sealed = self.notary.seal(text, None, now)
            firma = None
        else:
            prepared = resolution.prepared_at(signed.cadena_original, now)
            expected = resolution.cadena(
                application, review, request.decision, request.reason, principal.username, prepared
            )
            if signed.cadena_original != expected:
                raise ValidationFailed.field(
                    resolution.FIELD,
                    "does not match this decision (its text, the review or the official): prepare it again",
                    code="cadena_mismatch",
                )
            firma = self.notary.signed(signed.certificate, signed.cadena_original, signed.signature, now)
            sealed = self.notary.seal(signed.cadena_original, firma, now)
        return {
            "review_id": review.id,
            "step": review.step,
            "agency": review.agency,
            "decision": request.decision,
            "reason": request.reason,
            "official": official,
            **msgspec.to_builtins(sealed),
        }, firma

    def _decidable(self, principal: Principal, review_id: str) -> Review:
        review = self.get(review_id)
        allowed = principal.supervisor_of if review.escalated else principal.official_of
        if review.agency not in allowed:
            raise Forbidden(
                (
                    f"this review belongs to {review.agency}{' supervisors' if review.escalated else ''}; you cannot "
                    f"decide it"
                ),
                code="other_agency",
            )
        if review.status != OPEN:
            raise Conflict(f"this review is already closed ({review.status}); no second decision", code="review_closed")
        if review.appeal:
            raise Conflict(
                "this is an appeal: resolve it at POST /applications/{id}/appeal/decision", code="appeal_review"
            )
        if review.excluded and review.excluded == principal.username:
            raise Forbidden(
                "you decided what was appealed; another official decides this new review", code="original_decider"
            )
        return review

    def _apply_decision(
        self,
        actor: dict[str, Any],
        review: Review,
        close: Write,
        decision: str,
        reason: str,
        turn: Mapping[str, Any],
        signed: dict[str, Any],
        read: Application,
        binding: Write | None = None,
        bound_meanwhile: Callable[[], None] = lambda: None,
    ) -> tuple[dict[str, Any], str]:
        """Record a decision and its resolution on the review and the application at once
        (retrying, read again, if a parallel step changed the application meanwhile since
        ``read``), with ``binding``, the official's first signature binding their e.firma;
        returns the workflow's output and the application's status after it."""
        application = read
        for attempt in range(5):
            if attempt:
                application = self.store.applications.get(review.application_id, consistent=True)
            resolutions = {"resolutions": [*(application.resolutions or []), signed]}
            details = {
                "review_id": review.id,
                "step": review.step,
                "agency": review.agency,
                "deadline": review.deadline,
                "sealed_at": signed["sello"]["sealed_at"],
                **({"efirma_serial": signed["firma"]["serial"]} if signed["firma"] else {}),
                **turn,
            }
            kept = (
                [create(self._decision_record(application, review, decision, utcnow()))]
                if decision in ("approve", "reject")
                else []
            ) + ([binding] if binding is not None else [])
            try:
                if decision not in ("approve", "reject"):
                    step = self.catalogue.step(
                        application.procedure_code, int(application.procedure_version), review.step
                    )
                    timeout = self._request_changes(
                        application, actor, review, [close, *kept], step, reason, details, resolutions
                    )
                    return {"decision": decision, "timeout_seconds": timeout}, str(application.status)
                if decision == "approve":
                    # One agency's approval is news when others still review (parallel steps);
                    # the last approval is told by the next step's own message (payment, issue).
                    others = any(
                        entry["state"] != "closed"
                        for step, entry in (application.reviews or {}).items()
                        if step != review.step
                    )
                    change = Change(
                        "review.approved",
                        reason=reason,
                        details=details,
                        notify="approved" if others else None,
                        notify_values={"agency": review.agency},
                    )
                else:
                    change = Change(
                        "review.rejected", to_status=status.REJECTED, reason=reason, details=details, notify="rejected"
                    )
                closed = with_review(application, review.step, state="closed")
                self.transitions.record(
                    application, actor, change, fields={**closed, **resolutions}, also=[*kept, close]
                )
                if decision == "reject":
                    self.cancel_open(application)
                return {"decision": decision}, str(application.status)
            except Conflict as error:
                if error.code == "precondition_failed" and binding is not None:
                    bound_meanwhile()  # another e.firma bound the official meanwhile: refused
                    binding = None  # theirs, by another of their signatures: decide without binding
                    continue
                if error.code == "precondition_failed":
                    raise Conflict("another decision on this review was recorded first", code="review_closed") from None
                if error.code != "concurrent_change":
                    raise
                time.sleep(random.uniform(0.01, 0.1))
        raise Conflict("the application kept changing; try the decision again", code="concurrent_change")

    # --- helpers -------------------------------------------------------------------
    def of_step(self, application: Application, step_id: str) -> Review:
        entry = (application.reviews or {}).get(step_id)
        if not entry:
            raise Conflict(f"the application has no review for step {step_id!r}", code="no_review")
        return self.get(entry["review_id"])

    def waiting_corrections(self, application: Application) -> list[Review]:
        return [
            self.get(entry["review_id"])
            for entry in (application.reviews or {}).values()
            if entry["state"] == "changes"
        ]

    def _new_review(
        self,
        application: Application,
        step_id: str,
        agency: str,
        deadline: str,
        escalated: int = 0,
        warn_at: str | None = None,
        excluded: str | None = None,
    ) -> Review:
        review_id = secrets.token_hex(8)
        return self.store.reviews.new(
            review_id,
            application_id=application.id,
            procedure_code=application.procedure_code,
            step=step_id,
            agency=agency,
            status=PENDING,
            opened_at=iso(utcnow()),
            deadline=deadline,
            warn_at=warn_at,
            escalated=escalated,
            excluded=excluded,
        )

    def _decision_record(self, application: Application, review: Review, decision: str, at: datetime) -> Decision:
        fields = decision_fields(application, review, decision, at)
        return self.store.reviews.new_decision(review.agency, review.id, iso(at), **fields)

    def _warn(
        self, application: Application, step_id: str, review: Review, key: str, fired: datetime
    ) -> dict[str, Any]:
        timer = {"from": iso(fired), "at": review.deadline, "key": key}
        change = Change(
            "review.deadline_warning",
            details={"review_id": review.id, "step": step_id, "agency": review.agency, "deadline": review.deadline},
            notify="review_near_deadline",
            notify_values={"agency": review.agency, "deadline": local_date(review.deadline)},
        )
        warning = self.store.reviews.warning(review, timer)
        # the agency's officials are warned from the table's stream (chalicelib.events)
        self.transitions.record(application, SYSTEM, change, also=[warning], key=key)
        return self._waiting(review, timer)

    def _rearm(self, review: Review, fired: datetime, key: str) -> dict[str, Any]:
        """The timer fired before the review's (moved) deadline: wait again for the rest."""
        timer = {"from": iso(fired), "at": _next_target(review, fired), "key": key}
        self.store.reviews.arm(review, timer)
        logger.info("the deadline moved; the workflow waits again", extra={"review_id": review.id})
        return self._waiting(review, timer)

    def _waiting(self, review: Review, timer: Mapping[str, str]) -> dict[str, Any]:
        seconds = timer_seconds(parse_iso(timer["at"]), parse_iso(timer["from"]), self.legal_day_seconds)
        return {"decision": "escalated" if review.escalated else "waiting", "timeout_seconds": seconds}

    def _request_changes(
        self,
        application: Application,
        actor: dict[str, Any],
        review: Review,
        also: Sequence[Write],
        step: Mapping[str, Any],
        reason: str,
        details: dict[str, Any],
        resolutions: dict[str, Any],
    ) -> int:
        now = utcnow()
        today = legal_date(now)
        clocks = dict(application.clocks or {})
        running = LegalClock.from_dict(clocks[review.step]) if review.step in clocks else None
        # one read of the calendars, from the earlier of the clock's start and today
        days_off = self._days_off(application, review.agency, min(running.base, today) if running else today)
        if running is not None:
            running.pause(now, days_off)
            clocks[review.step] = running.to_dict()
        days = step.get("corrections_days", DEFAULT_CORRECTIONS_DAYS)
        corrections_deadline = iso(deadline_after(today, days, days_off))
        self.transitions.record(
            application,
            actor,
            Change(
                "review.changes_requested",
                to_status=status.CHANGES_REQUESTED,
                reason=reason,
                details={**details, "corrections_deadline": corrections_deadline},
                notify="changes_requested",
            ),
            fields={
                "clocks": clocks,
                **with_review(application, review.step, state="changes", deadline=corrections_deadline),
                **resolutions,
            },
            also=also,
        )
        return self._timer(corrections_deadline)

    def _escalate(
        self,
        application: Application,
        step_id: str,
        step: Mapping[str, Any],
        expired: Review,
        expire: Write,
        key: str,
        fired: datetime,
    ) -> dict[str, Any]:
        now = utcnow()
        today = legal_date(now)
        days_off = self._days_off(application, expired.agency, today)
        deadline = iso(deadline_after(today, step["escalation_days"], days_off))
        review = self._new_review(application, step_id, expired.agency, deadline, escalated=1)
        review.timer = {"from": iso(now), "at": deadline, "key": key}
        reason = (
            f"{expired.agency} no resolvió dentro del plazo legal (vencido {expired.deadline}); pasa a supervisión."
        )
        self.transitions.record(
            application,
            SYSTEM,
            Change(
                "review.escalated",
                to_status=status.IN_REVIEW,
                reason=reason,
                details={
                    "review_id": review.id,
                    "expired_review_id": expired.id,
                    "step": step_id,
                    "agency": expired.agency,
                    "deadline": deadline,
                    "expired_at": iso(fired),
                },
            ),
            fields=with_review(application, step_id, review_id=review.id, deadline=deadline, state="open"),
            also=[create(review), expire],
            key=key,
        )
        return {"decision": "escalated", "timeout_seconds": self._timer(deadline)}

    def _outcome_of(self, application: Application, review: Review) -> dict[str, Any]:
        entry = (application.reviews or {}).get(review.step, {})
        if review.status == DECIDED:
            outcome: dict[str, Any] = {"decision": review.decision}
            if review.decision == "request_changes":
                outcome["timeout_seconds"] = self._timer(entry.get("deadline"))
            return outcome
        if review.status == OPEN and entry.get("review_id") == review.id:
            return {
                "decision": "waiting" if not review.escalated else "escalated",
                "timeout_seconds": self._timer(review.deadline),
            }
        if application.status == status.REJECTED:
            return {"decision": "reject"}
        return {"decision": "approve"}

    def _next_timer(self, review: Review) -> int:
        """Seconds until the warning if one is due first, else until the deadline."""
        return self._timer(_next_target(review, utcnow()))

    def _timer(self, deadline: str | None) -> int:
        if not deadline:
            return 1
        return timer_seconds(parse_iso(deadline), utcnow(), self.legal_day_seconds)


def _next_target(review: Review, at: datetime) -> str:
    """What a review's timer waits for next, seen from the legal moment ``at``: the
    warning if one is still due, else the deadline."""
    if review.warn_at and not review.warned and parse_iso(review.warn_at) > at:
        return review.warn_at
    return review.deadline


def _running_deadline(clock: LegalClock, step: Mapping[str, Any], days_off: frozenset[date]) -> tuple[str, str | None]:
    """A running clock's deadline and the time the agency is warned (``warn_days`` business
    days before, if the step asks for it and they have not been used)."""
    warn_days = min(step.get("warn_days", 0), step["deadline_days"] - clock.used)
    warn_at = iso(clock.deadline(days_before=warn_days, extra=days_off)) if warn_days else None
    return iso(clock.deadline(extra=days_off)), warn_at


def _excluded(application: Application, step_id: str) -> str | None:
    """The official who may not decide a new review of ``step_id`` ordered on appeal: who
    decided what was appealed."""
    appeal = application.appeal or {}
    if appeal.get("state") == "new_review" and appeal.get("step") == step_id:
        excluded = appeal.get("excluded")
        return excluded if isinstance(excluded, str) else None
    return None
