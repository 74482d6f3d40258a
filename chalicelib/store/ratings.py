"""Citizens' ratings: one item per application that ended (``RATING`` in its partition),
filed in the ``by_queue`` index under its agency in the order they were given."""

from __future__ import annotations

from typing import Any

from chalicelib.store import keys
from chalicelib.store.models import Rating
from chalicelib.store.pages import QUEUE_KEYS, Page, PageRequest, paged
from chalicelib.store.writes import Write, create


class RatingStore:
    @staticmethod
    def rating(application_id: str, agency: str, rated_at: str, **fields: Any) -> Write:
        """The application's rating, a part of its change (``Transitions.record(also=...)``):
        written only if the application has none, so a rating cannot change."""
        return create(
            Rating(
                keys.application(application_id),
                keys.RATING_SK,
                **keys.by_queue(keys.ratings(agency), keys.ratings_order(rated_at, application_id)),
                application_id=application_id,
                agency=agency,
                rated_at=rated_at,
                **fields,
            )
        )

    def of_agency(self, agency: str, since: str, page: PageRequest, max_score: int | None = None) -> Page[Rating]:
        """One page of the agency's ratings from ``since`` on, newest first: one Query on the
        ``by_queue`` index.  With ``max_score``, only those that low are shown; the others
        are dropped here rather than by a filter, which would make DynamoDB read on until it
        found a page of low ones (many calls on a well-rated agency)."""
        partition = keys.ratings(agency)
        return paged(
            lambda **kw: Rating.by_queue.query(partition, Rating.gsi2sk >= since, scan_index_forward=False, **kw),
            page,
            {"gsi2pk": partition},
            QUEUE_KEYS,
            keep=lambda item: isinstance(item, Rating) and (max_score is None or int(item.score) <= max_score),
        )
