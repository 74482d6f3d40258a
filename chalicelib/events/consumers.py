"""The consumers of the table's stream: each reads the changes it cares about and is
idempotent per (event, consumer), so a batch delivered again changes nothing."""

from __future__ import annotations

from chalicelib.events.stream import INSERT, ItemChange
from chalicelib.notifications.service import Notifications
from chalicelib.stats.projector import Projector
from chalicelib.store.applications import ApplicationStore
from chalicelib.store.models import AuditEvent


class Statistics:
    """Counts each new audit event in the statistics (once: under the event's marker)."""

    def __init__(self, projector: Projector) -> None:
        self._projector = projector

    def __call__(self, change: ItemChange) -> None:
        if change.name == INSERT and isinstance(change.new, AuditEvent):
            self._projector.count(change.new)


class Messages:
    """Sends the SMS a new audit event asks for (once per phone: under the delivery's
    idempotency record)."""

    def __init__(self, applications: ApplicationStore, notifier: Notifications) -> None:
        self._applications = applications
        self._notifier = notifier

    def __call__(self, change: ItemChange) -> None:
        event = change.new
        if change.name == INSERT and isinstance(event, AuditEvent) and event.notify:
            self._notifier.tell(self._applications.get(event.application_id, consistent=True), event)
