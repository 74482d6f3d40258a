"""Open reviews close to their legal deadline, for the operator's alarm.

Nothing is decided here (the state machine's timer applies the deemed outcome when a
deadline passes); this only counts, per agency, the reviews whose deadline falls before
the end of the next business day, so that someone can act while there is still time.
Two Queries per agency on the sparse ``by_queue`` index (officials' and supervisors'
queues), no Scan.
"""

from __future__ import annotations

from datetime import datetime

from chalicelib.core import observability
from chalicelib.core.clock import iso, utcnow
from chalicelib.legal.calendar import deadline_after, legal_date
from chalicelib.procedures.catalogue import Catalogue
from chalicelib.reviews.service import supervisors_queue
from chalicelib.store.reviews import ReviewStore


class DeadlineWatch:
    def __init__(self, catalogue: Catalogue, reviews: ReviewStore) -> None:
        self._catalogue = catalogue
        self._reviews = reviews

    def near_deadline(self, now: datetime | None = None, business_days: int = 1) -> dict[str, int]:
        """Open reviews per agency due by the end of ``business_days`` from ``now``."""
        horizon = iso(deadline_after(legal_date(now or utcnow()), business_days))
        agencies = sorted(self._catalogue.agencies())
        return {
            agency: sum(self._reviews.count_due(queue, horizon) for queue in (agency, supervisors_queue(agency)))
            for agency in agencies
        }

    def report(self, now: datetime | None = None) -> dict[str, int]:
        """Emit ``ReviewsNearDeadline`` (total, the alarm's metric) and one per agency."""
        counts = self.near_deadline(now)
        observability.emit("ReviewsNearDeadline", sum(counts.values()))
        for agency, count in counts.items():
            observability.emit("ReviewsNearDeadline", count, agency=agency)
        return counts
