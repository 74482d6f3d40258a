"""The one place an application changes: status, audit event and what to tell, together.

``Transitions.record`` writes, in one DynamoDB transaction, the application update
(guarded by its version: optimistic locking), the next audit event (hash-chained to the
previous one, guarded against a concurrent append; carrying the SMS to send, if any) and
any extra items the change creates, and returns.  What follows — the SMS, the statistics —
is done from the table's stream (``chalicelib.events``), so nothing is lost between the
commit and the send.  A ``key`` makes a workflow step's change idempotent: replaying the
same step changes nothing.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, timedelta
from typing import Any

from msgspec import Struct

from chalicelib.applications.audit import GENESIS, event_hash, without_personal_data
from chalicelib.core import observability
from chalicelib.core.clock import iso, utcnow
from chalicelib.core.errors import Conflict
from chalicelib.legal.calendar import legal_date, local_date
from chalicelib.legal.retention_schedule import DRAFT_DAYS, days_of
from chalicelib.store.applications import ApplicationStore
from chalicelib.store.models import Application, AuditEvent
from chalicelib.store.writes import Write

DRAFT = "draft"
SUBMITTED = "submitted"
EVIDENCE_REVIEW = "evidence_review"
IN_REVIEW = "in_review"
CHANGES_REQUESTED = "changes_requested"
AWAITING_PAYMENT = "awaiting_payment"
ISSUED = "issued"
REJECTED = "rejected"
DEEMED_APPROVED = "deemed_approved"
WITHDRAWN = "withdrawn"
ERROR = "error"

FINAL = frozenset({ISSUED, REJECTED, WITHDRAWN})
ALLOWED: dict[str, frozenset[str]] = {
    DRAFT: frozenset({SUBMITTED, WITHDRAWN}),
    SUBMITTED: frozenset(
        {EVIDENCE_REVIEW, IN_REVIEW, AWAITING_PAYMENT, REJECTED, ISSUED, DEEMED_APPROVED, WITHDRAWN, ERROR}
    ),
    # the citizen approves what the registries answered (or uploads instead), then the workflow goes on
    EVIDENCE_REVIEW: frozenset({SUBMITTED, WITHDRAWN, ERROR}),
    # parallel steps move one application through review several times at once
    IN_REVIEW: frozenset(
        {IN_REVIEW, CHANGES_REQUESTED, AWAITING_PAYMENT, REJECTED, DEEMED_APPROVED, ISSUED, WITHDRAWN, ERROR}
    ),
    CHANGES_REQUESTED: frozenset(
        {SUBMITTED, IN_REVIEW, CHANGES_REQUESTED, DEEMED_APPROVED, REJECTED, WITHDRAWN, ERROR}
    ),
    DEEMED_APPROVED: frozenset(
        {DEEMED_APPROVED, IN_REVIEW, CHANGES_REQUESTED, AWAITING_PAYMENT, ISSUED, REJECTED, WITHDRAWN, ERROR}
    ),
    AWAITING_PAYMENT: frozenset({ISSUED, WITHDRAWN, ERROR, IN_REVIEW}),
    ERROR: frozenset({SUBMITTED, EVIDENCE_REVIEW, IN_REVIEW, AWAITING_PAYMENT, ISSUED, REJECTED, WITHDRAWN, ERROR}),
    ISSUED: frozenset(),
    # only an appeal that revokes the rejection, or orders a new review, reopens it
    REJECTED: frozenset({SUBMITTED}),
    WITHDRAWN: frozenset(),
}
STATUSES = tuple(ALLOWED)

SYSTEM = {"kind": "system", "id": "workflow"}
DEFAULT_RETENTION_DAYS = 365


class Change(Struct, frozen=True):
    action: str
    to_status: str | None = None
    reason: str | None = None
    details: dict[str, Any] | None = None
    notify: str | None = None
    notify_values: dict[str, Any] | None = None


class Transitions:
    def __init__(self, store: ApplicationStore) -> None:
        self._store = store

    def create(
        self, application: Application, actor: dict[str, Any], change: Change, also: Sequence[Write] = ()
    ) -> None:
        """Save a new application together with its first audit event (and ``also``
        written in the same transaction, e.g. the delegation it was filed under)."""
        event, changed = self._next_event(application, actor, change)
        if application.status == DRAFT:  # purged if left untouched (``jobs.retention`` checks the last change)
            changed.update(
                self._store.filed_for_purge(application.id, legal_date(utcnow()) + timedelta(days=DRAFT_DAYS))
            )
        for name, value in changed.items():
            setattr(application, name, value)
        self._store.create(application, event, also)

    def record(
        self,
        application: Application,
        actor: dict[str, Any],
        change: Change,
        *,
        fields: Mapping[str, Any] | None = None,
        also: Sequence[Write] = (),
        key: str | None = None,
    ) -> bool:
        """Apply a change; returns False when ``key`` shows it was already applied.

        ``also`` (repositories' writes: items created or changed) commit in the same
        transaction; if one of their conditions fails, nothing is written and
        ``Conflict(code="precondition_failed")`` is raised.
        """
        if key and key in (application.applied_keys or []):
            return False
        if change.to_status and change.to_status not in ALLOWED[application.status]:
            raise Conflict(
                f"an application that is {application.status} cannot become {change.to_status}",
                code="invalid_transition",
            )
        event, changed = self._next_event(application, actor, change)
        if change.to_status in FINAL:
            changed.update(self._filed_for_purge(application))
        changed.update(fields or {})
        if key:
            changed["applied_keys"] = [*(application.applied_keys or [])[-19:], key]
        if change.notify:
            event.notify = _telling(application, changed, change)
        previous = application.status
        self._store.change(application, event, changed, also)
        if change.to_status:
            observability.status_changed(application.procedure_code, previous, change.to_status)
        for name, value in changed.items():
            setattr(application, name, value)
        return True

    def _next_event(
        self, application: Application, actor: dict[str, Any], change: Change
    ) -> tuple[AuditEvent, dict[str, Any]]:
        now = iso(utcnow())
        seq = int(application.audit_seq or 0) + 1
        fields = {
            "application_id": application.id,
            "seq": seq,
            "at": now,
            "actor": actor,
            "action": change.action,
            "from_status": application.status if change.to_status else None,
            "to_status": change.to_status,
            "reason": change.reason,
            "details": without_personal_data(change.details or {}),
        }
        prev_hash = application.audit_hash or GENESIS
        digest = event_hash(prev_hash, fields)
        event = self._store.new_event(
            application.id,
            seq,
            **{name: value for name, value in fields.items() if name not in ("application_id", "seq")},
            prev_hash=prev_hash,
            hash=digest,
        )
        changed: dict[str, Any] = {"audit_seq": seq, "audit_hash": digest, "updated_at": now}
        if change.to_status:
            changed["status"] = change.to_status
        return event, changed

    def _filed_for_purge(self, application: Application) -> dict[str, Any]:
        """An application that ends gets its retention plan (``legal.retention_schedule``:
        when its documents, form data, phones and SMS log are purged) and is filed by the
        earliest of those dates, which also takes it out of the list of submissions waiting
        to start (one withdrawn before its execution started must not be started)."""
        plan = retention_plan(application, legal_date(utcnow()))
        filed = self._store.filed_for_purge(application.id, date.fromisoformat(min(plan.values())))
        return {**filed, "purge_plan": plan}


def retention_plan(application: Application, ended_on: date) -> dict[str, str]:
    """Kind of data -> the legal date it is purged, for an application that ended on ``ended_on``."""
    documents = int(application.retention_days or DEFAULT_RETENTION_DAYS)
    form_data = int(application.form_retention_days or documents)
    periods = {
        "documents": documents,
        "form_data": form_data,
        "phones": days_of("phones"),
        "sms_log": days_of("sms_log"),
    }
    return {kind: (ended_on + timedelta(days=days)).isoformat() for kind, days in periods.items()}


def _telling(application: Application, changed: Mapping[str, Any], change: Change) -> dict[str, Any]:
    """The SMS the event asks for, with the placeholders as they are after the change (the
    stream's consumer sends it later, when they may have moved on)."""

    def after(name: str) -> Any:
        return changed[name] if name in changed else getattr(application, name, None)

    values = {
        "agency": after("current_agency") or application.agency,
        "deadline": local_date(after("deadline")),
        **(change.notify_values or {}),
        "reason": change.reason or "",
    }
    return {"event": change.notify, "values": values}
