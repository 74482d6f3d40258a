"""Citizens rate an application that ended (1-5 and an optional comment), once; its
agency reads the ratings, the low ones (≤ 2) flagged.

A rating is an audit event (``rating.submitted``, so it is counted in the statistics
and shown in the timeline the official sees), a copy on the application (its view
shows it) and an item in the application's partition written only if absent (``RATING``:
the once-only guard), filed in the ``by_queue`` index under ``RATINGS#<agency>``.
"""

from __future__ import annotations

from datetime import timedelta

from msgspec import Struct

from chalicelib.applications import transitions as status
from chalicelib.applications.service import Applications
from chalicelib.applications.transitions import Change, Transitions
from chalicelib.core.clock import iso, utcnow
from chalicelib.core.errors import Conflict, Forbidden, ValidationFailed
from chalicelib.core.fields import stripped
from chalicelib.identity.principal import Principal
from chalicelib.stats.requests import LOW, MAX_COMMENT, RatingRequest
from chalicelib.store.pages import PageRequest
from chalicelib.store.ratings import RatingStore

ATTEMPTS = 3


def is_low(score: int) -> bool:
    return score <= LOW


class GivenRating(Struct, frozen=True):
    """A citizen's rating of an application, as recorded."""

    application_id: str
    procedure: str
    score: int
    comment: str | None
    rated_at: str

    @property
    def low(self) -> bool:
        return is_low(self.score)


class RatingsFound(Struct, frozen=True):
    """A page of an agency's ratings from ``since`` on, newest first (only the low ones if
    ``low_only``), and where the next page starts (None: none follows)."""

    agency: str
    since: str
    low_only: bool
    ratings: list[GivenRating]
    after: dict[str, str] | None = None


class Ratings:
    def __init__(self, applications: Applications, transitions: Transitions, store: RatingStore) -> None:
        self._applications = applications
        self._transitions = transitions
        self._store = store

    def rate(self, principal: Principal, application_id: str, request: RatingRequest) -> GivenRating:
        score, comment = request.score, _comment(request.comment)  # before any read: a refused rating changes nothing
        for _ in range(ATTEMPTS):
            application = self._applications.owned(principal, application_id)
            if application.status not in status.FINAL:
                raise Conflict(
                    (
                        f"the application is {application.status}; it can be rated once it is issued, rejected or "
                        f"withdrawn"
                    ),
                    code="not_final",
                )
            if application.rating:
                raise Conflict("this application was already rated; a rating cannot change", code="already_rated")
            now = iso(utcnow())
            rated = {"score": score, "comment": comment, "rated_at": now}
            rating = self._store.rating(
                application.id,
                application.agency,
                now,
                procedure_code=application.procedure_code,
                score=score,
                comment=comment,
            )
            try:
                self._transitions.record(
                    application,
                    principal.describe(),
                    Change("rating.submitted", details={"score": score, "comment": comment}),
                    fields={"rating": rated},
                    also=[rating],
                )
            except Conflict as error:
                if error.code == "precondition_failed":
                    raise Conflict(
                        "this application was already rated; a rating cannot change", code="already_rated"
                    ) from None
                if error.code != "concurrent_change":
                    raise
                continue  # something else was recorded meanwhile (say, a public verification): reload
            return GivenRating(application.id, application.procedure_code, score, comment, now)
        raise Conflict("the application kept changing; send the rating again", code="concurrent_change")

    def for_agency(self, principal: Principal, agency: str, days: int, low: bool, page: PageRequest) -> RatingsFound:
        """A page of the agency's ratings of the last ``days``, newest first; ``low`` keeps
        the low ones.  One Query on the ``by_queue`` index."""
        if agency not in principal.official_of:
            raise Forbidden(f"only officials of {agency} read its ratings", code="other_agency")
        since = iso(utcnow() - timedelta(days=days))
        found = self._store.of_agency(agency, since, page, max_score=LOW if low else None)
        ratings = [
            GivenRating(item.application_id, item.procedure_code, int(item.score), item.comment, item.rated_at)
            for item in found.items
        ]
        return RatingsFound(agency, since, low, ratings, found.after)


def _comment(comment: str | None) -> str | None:
    """The comment trimmed; a blank one (white space or zero-width characters only) is none."""
    kept = stripped(comment or "")
    if not kept:
        return None
    if len(kept) > MAX_COMMENT:
        raise ValidationFailed.field(
            "comment", f"must be text of at most {MAX_COMMENT} characters", code="invalid_comment"
        )
    return kept
