"""The one place an application changes: status, audit event and notification together.

``Transitions.record`` writes, in one DynamoDB transaction, the application update
(guarded by its version: optimistic locking), the next audit event (hash-chained to the
previous one, guarded against a concurrent append) and any extra items the change
creates; only after that commits does it count the event in the statistics
(``chalicelib.stats.projector``) and send the SMS for a status change.  A ``key`` makes
a workflow step's change idempotent: replaying the same step changes nothing (it only
lets the statistics catch up, should the first run have stopped right after its commit).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, Protocol

from pynamodb.exceptions import TransactWriteError
from pynamodb.expressions.condition import Condition
from pynamodb.expressions.update import Action

from chalicelib.applications.audit import GENESIS, event_hash
from chalicelib.core import observability
from chalicelib.core.clock import iso, utcnow
from chalicelib.core.errors import THROTTLING_CODES, Conflict, TransientFailure
from chalicelib.legal.calendar import legal_date
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
    ERROR: frozenset({SUBMITTED, IN_REVIEW, AWAITING_PAYMENT, ISSUED, REJECTED, WITHDRAWN, ERROR}),
    ISSUED: frozenset(),
    REJECTED: frozenset(),
    WITHDRAWN: frozenset(),
}
STATUSES = tuple(ALLOWED)

SYSTEM = {"kind": "system", "id": "workflow"}
DEFAULT_RETENTION_DAYS = 365
Notify = Callable[[Application, str, dict[str, Any]], None]


class Projection(Protocol):
    """Counts committed audit events in the statistics; never raises into the command."""

    def __call__(self, application: Application, event: AuditEvent) -> None: ...

    def catch_up_quietly(self, application: Application) -> None: ...


Update = tuple[Entity, list[Action], Condition | None]


@dataclass(frozen=True)
class Change:
    action: str
    to_status: str | None = None
    reason: str | None = None
    details: dict[str, Any] | None = None
    notify: str | None = None
    notify_values: dict[str, Any] | None = None


class Transitions:
    def __init__(self, notify: Notify, project: Projection | None = None) -> None:
        self._notify = notify
        self._project = project

    def create(
        self, application: Application, actor: dict[str, Any], change: Change, also_update: Iterable[Update] = ()
    ) -> None:
        """Save a new application together with its first audit event (and ``also_update``
        items changed in the same transaction, e.g. the delegation it was filed under)."""
        event, changed = self._next_event(application, actor, change)
        for name, value in changed.items():
            setattr(application, name, value)
        _commit(
            puts=[(application, Application.pk.does_not_exist()), (event, AuditEvent.pk.does_not_exist())],
            updates=list(also_update),
            guards=2,
        )
        if self._project:
            self._project(application, event)

    def record(
        self,
        application: Application,
        actor: dict[str, Any],
        change: Change,
        *,
        fields: Mapping[str, Any] | None = None,
        also_save: Iterable[Entity] = (),
        also_update: Iterable[Update] = (),
        key: str | None = None,
    ) -> bool:
        """Apply a change; returns False when ``key`` shows it was already applied.

        ``also_save`` items are created and ``also_update`` items changed in the same
        transaction; if one of their conditions fails, nothing is written and
        ``Conflict(code="precondition_failed")`` is raised.
        """
        if key and key in (application.applied_keys or []):
            if self._project:
                self._project.catch_up_quietly(application)
            return False
        if change.to_status and change.to_status not in ALLOWED[application.status]:
            raise Conflict(
                f"an application that is {application.status} cannot become {change.to_status}",
                code="invalid_transition",
            )
        event, changed = self._next_event(application, actor, change)
        if change.to_status in FINAL:
            changed.update(_filed_for_purge(application))
        changed.update(fields or {})
        if key:
            changed["applied_keys"] = [*(application.applied_keys or [])[-19:], key]
        puts = [(event, AuditEvent.pk.does_not_exist()), *((item, Entity.pk.does_not_exist()) for item in also_save)]
        updates = [(application, [_action(name, value) for name, value in changed.items()], None), *also_update]
        previous = application.status
        _commit(puts=puts, updates=updates, guards=1)
        if change.to_status:
            observability.status_changed(application.procedure_code, previous, change.to_status)
        for name, value in changed.items():
            setattr(application, name, value)
        if self._project:
            self._project(application, event)
        if change.notify:
            self._notify(application, change.notify, dict(change.notify_values or {}, reason=change.reason or ""))
        return True

    @staticmethod
    def _next_event(
        application: Application, actor: dict[str, Any], change: Change
    ) -> tuple[AuditEvent, dict[str, Any]]:
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
        event = AuditEvent(
            keys.application(application.id), keys.audit_event(seq), prev_hash=prev_hash, hash=digest, **fields
        )
        changed: dict[str, Any] = {"audit_seq": seq, "audit_hash": digest, "updated_at": now}
        if change.to_status:
            changed["status"] = change.to_status
        return event, changed


def _commit(puts: list[tuple[Entity, Condition]], updates: list[Update], guards: int) -> None:
    """One DynamoDB transaction: puts first, then updates (PynamoDB's order).

    The first ``guards`` puts and the first update are the audit event and the
    application: their conditions failing means a concurrent change; any other
    item's condition failing is a failed precondition of the change itself.
    """
    try:
        with transaction() as write:
            for item, condition in puts:
                write.save(item, condition=condition)
            for item, actions, condition in updates:
                # PynamoDB appends its version increment to the list it is given: pass a copy,
                # so that a caller retrying with the same actions does not send it twice
                write.update(item, list(actions), condition=condition, add_version_condition=item is updates[0][0])
    except TransactWriteError as error:
        if error.cause_response_code != "TransactionCanceledException":
            if error.cause_response_code in THROTTLING_CODES:
                raise TransientFailure("the table is busy; retry") from error
            raise
        codes = [reason.code if reason else None for reason in error.cancellation_reasons]
        if "TransactionConflict" in codes:  # another transaction was changing the same items
            raise Conflict("the application changed meanwhile; reload and retry", code="concurrent_change") from error
        failed = [index for index, code in enumerate(codes) if code == "ConditionalCheckFailed"]
        if not failed:
            raise TransientFailure("the table did not accept the change; retry") from error
        application_index = len(puts)
        if any(index < guards or index == application_index for index in failed):
            raise Conflict("the application changed meanwhile; reload and retry", code="concurrent_change") from error
        raise Conflict("a condition of this change no longer holds", code="precondition_failed") from error


def _filed_for_purge(application: Application) -> dict[str, Any]:
    """An application that ends is filed under its documents' purge date (see retention)."""
    if not application.documents:
        return {}
    purge_on = legal_date(utcnow()) + timedelta(days=application.retention_days or DEFAULT_RETENTION_DAYS)
    return {"gsi2pk": keys.RETENTION, "gsi2sk": f"{purge_on.isoformat()}#{application.id}"}


def _action(name: str, value: Any) -> Action:
    attribute = getattr(Application, name)
    return attribute.remove() if value is None else attribute.set(value)
