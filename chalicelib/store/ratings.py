"""Citizens' ratings: one item per application that ended (``RATING`` in its partition),
filed in the ``by_queue`` index under its agency in the order they were given."""

from __future__ import annotations

from typing import Any

from chalicelib.store import keys
from chalicelib.store.models import Rating
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

    def of_agency(self, agency: str, since: str, limit: int, max_score: int | None = None) -> list[Rating]:
        """The agency's ratings from ``since`` on, newest first, at most ``limit`` of them;
        with ``max_score``, only those that low: one Query on the ``by_queue`` index."""
        condition = Rating.score <= max_score if max_score is not None else None
        found = Rating.by_queue.query(
            keys.ratings(agency),
            Rating.gsi2sk >= since,
            filter_condition=condition,
            scan_index_forward=False,
            limit=limit,
            page_size=limit,
        )
        return [item for item in found if isinstance(item, Rating)]
