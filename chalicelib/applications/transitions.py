"""The one place an application changes: status, audit event and notification together.

``Transitions.record`` writes, in one DynamoDB transaction, the application update
(guarded by its version: optimistic locking), the next audit event (hash-chained to the
previous one, guarded against a concurrent append) and any extra items the change
creates; only after that commits does it send the SMS for a status change.  A ``key``
makes a workflow step's change idempotent: replaying the same step changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from pynamodb.exceptions import TransactWriteError
from pynamodb.expressions.update import Action

from chalicelib.applications.audit import GENESIS, event_hash
from chalicelib.core import observability
from chalicelib.core.clock import iso, utcnow
from chalicelib.core.errors import Conflict, TransientFailure
from chalicelib.store import keys
from chalicelib.store.models import Application, AuditEvent, Entity, transaction

DRAFT = "draft"
SUBMITTED = "submitted"
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
    SUBMITTED: frozenset({IN_REVIEW, AWAITING_PAYMENT, REJECTED, ISSUED, DEEMED_APPROVED, WITHDRAWN, ERROR}),
    IN_REVIEW: frozenset({IN_REVIEW, CHANGES_REQUESTED, AWAITING_PAYMENT, REJECTED, DEEMED_APPROVED, ISSUED, ERROR}),
    CHANGES_REQUESTED: frozenset({SUBMITTED, WITHDRAWN, ERROR}),
    DEEMED_APPROVED: frozenset({AWAITING_PAYMENT, ISSUED, IN_REVIEW, ERROR}),
    AWAITING_PAYMENT: frozenset({ISSUED, WITHDRAWN, ERROR, IN_REVIEW}),
    ERROR: frozenset({SUBMITTED, IN_REVIEW, AWAITING_PAYMENT, ISSUED, REJECTED, WITHDRAWN, ERROR}),
    ISSUED: frozenset(),
    REJECTED: frozenset(),
    WITHDRAWN: frozenset(),
}
STATUSES = tuple(ALLOWED)

SYSTEM = {"kind": "system", "id": "workflow"}
Notify = Callable[[Application, str, dict[str, Any]], None]


@dataclass(frozen=True)
class Change:
    action: str
    to_status: str | None = None
    reason: str | None = None
    details: dict[str, Any] | None = None
    notify: str | None = None
    notify_values: dict[str, Any] | None = None


class Transitions:
    def __init__(self, notify: Notify) -> None:
        self._notify = notify

    def create(self, application: Application, actor: dict[str, Any], change: Change) -> None:
        """Save a new application together with its first audit event."""
        event, changed = self._next_event(application, actor, change)
        for name, value in changed.items():
            setattr(application, name, value)
        self._commit(lambda write: write.save(application, condition=Application.pk.does_not_exist()), event, ())

    def record(
        self,
        application: Application,
        actor: dict[str, Any],
        change: Change,
        *,
        fields: Mapping[str, Any] | None = None,
        also_save: Iterable[Entity] = (),
        key: str | None = None,
    ) -> bool:
        """Apply a change; returns False when ``key`` shows it was already applied."""
        if key and key in (application.applied_keys or []):
            return False
        if change.to_status and change.to_status not in ALLOWED[application.status]:
            raise Conflict(f"an application that is {application.status} cannot become {change.to_status}", code="invalid_transition")
        event, changed = self._next_event(application, actor, change)
        changed.update(fields or {})
        if key:
            changed["applied_keys"] = [*(application.applied_keys or [])[-19:], key]
        actions = [_action(name, value) for name, value in changed.items()]
        previous = application.status
        self._commit(lambda write: write.update(application, actions), event, also_save)
        if change.to_status:
            observability.status_changed(application.procedure_code, previous, change.to_status)
        for name, value in changed.items():
            setattr(application, name, value)
        if change.notify:
            self._notify(application, change.notify, dict(change.notify_values or {}, reason=change.reason or ""))
        return True

    @staticmethod
    def _next_event(application: Application, actor: dict[str, Any], change: Change) -> tuple[AuditEvent, dict[str, Any]]:
        now = iso(utcnow())
        seq = (application.audit_seq or 0) + 1
        fields = {
            "application_id": application.id,
            "seq": seq,
            "at": now,
            "actor": actor,
            "action": change.action,
            "from_status": application.status if change.to_status else None,
            "to_status": change.to_status,
            "reason": change.reason,
            "details": dict(change.details or {}),
        }
        prev_hash = application.audit_hash or GENESIS
        digest = event_hash(prev_hash, fields)
        event = AuditEvent(keys.application(application.id), keys.audit_event(seq), prev_hash=prev_hash, hash=digest, **fields)
        changed: dict[str, Any] = {"audit_seq": seq, "audit_hash": digest, "updated_at": now}
        if change.to_status:
            changed["status"] = change.to_status
        return event, changed

    @staticmethod
    def _commit(write_application: Callable[[Any], None], event: AuditEvent, also_save: Iterable[Entity]) -> None:
        try:
            with transaction() as write:
                write_application(write)
                write.save(event, condition=AuditEvent.pk.does_not_exist())
                for item in also_save:
                    write.save(item, condition=Entity.pk.does_not_exist())
        except TransactWriteError as error:
            if any(reason and reason.code == "ConditionalCheckFailed" for reason in error.cancellation_reasons):
                raise Conflict("the application changed meanwhile; reload and retry", code="concurrent_change") from error
            raise TransientFailure("the table did not accept the change; retry") from error


def _action(name: str, value: Any) -> Action:
    attribute = getattr(Application, name)
    return attribute.remove() if value is None else attribute.set(value)
