"""The consumers of the table's stream: each reads the changes it cares about and is
idempotent per (event, consumer), so a batch delivered again changes nothing."""

from __future__ import annotations

import threading
from collections.abc import Sequence

from chalicelib.events.stream import INSERT, ItemChange
from chalicelib.notifications.agency import AgencyAlerts
from chalicelib.notifications.service import Notifications
from chalicelib.stats.projector import Projector
from chalicelib.store.applications import ApplicationStore
from chalicelib.store.models import AuditEvent
from chalicelib.store.repositories import Repositories

WARNING = "review.deadline_warning"


class Statistics:
    """Counts each new audit event in the statistics (once: under the event's marker).

    A batch's events are first counted together (``prepare``: the rows' sums in as few
    transactions as fit); an event that was not, is counted on its own when its record
    comes."""

    def __init__(self, projector: Projector) -> None:
        self._projector = projector
        self._local = threading.local()  # the local stack may deliver two batches at once

    def prepare(self, changes: Sequence[ItemChange]) -> None:
        self._local.done = set()
        events = [change.new for change in changes if change.name == INSERT and isinstance(change.new, AuditEvent)]
        self._local.done = self._projector.count_together(events)

    def __call__(self, change: ItemChange) -> None:
        if change.name == INSERT and isinstance(change.new, AuditEvent):
            if (change.new.application_id, int(change.new.seq)) in getattr(self._local, "done", set()):
                return
            self._projector.count(change.new)


class Messages:
    """Sends the SMS a new audit event asks for (once per phone: under the delivery's
    idempotency record).  News of progress (an event a citizen asks for, not one that needs
    them or changes their rights) followed in the same batch by another message of the same
    application is folded into that message: the later one tells where the application is."""

    def __init__(self, applications: ApplicationStore, notifier: Notifications, fold: bool = True) -> None:
        self._applications = applications
        self._notifier = notifier
        self._fold = fold

    def __call__(self, change: ItemChange) -> None:
        event = change.new
        if change.name == INSERT and isinstance(event, AuditEvent) and event.notify:
            application = self._applications.get(event.application_id, consistent=True)
            self._notifier.tell(application, event, folded=self._fold and change.told_later)


class AgencyWarnings:
    """Warns an agency's officials (or, escalated, its supervisors) that a review's legal
    deadline is near, for each ``review.deadline_warning`` event (once per phone)."""

    def __init__(self, store: Repositories, alerts: AgencyAlerts) -> None:
        self._store = store
        self._alerts = alerts

    def __call__(self, change: ItemChange) -> None:
        event = change.new
        if change.name == INSERT and isinstance(event, AuditEvent) and event.action == WARNING:
            review = self._store.reviews.get(event.details["review_id"])
            application = self._store.applications.get(event.application_id)
            self._alerts(review.agency, application, review, int(event.seq))
