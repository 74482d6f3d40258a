"""Citizens rate an application that ended (1-5 and an optional comment), once; its
agency reads the ratings, the low ones (≤ 2) flagged.

A rating is an audit event (``rating.submitted``, so it is counted in the statistics
and shown in the timeline the official sees), a copy on the application (its view
shows it) and an item in the application's partition written only if absent (``RATING``:
the once-only guard), filed in the ``by_queue`` index under ``RATINGS#<agency>``.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from typing import Any

from chalicelib.applications import transitions as status
from chalicelib.applications.service import Applications
from chalicelib.applications.transitions import Change, Transitions
from chalicelib.core.clock import iso, utcnow
from chalicelib.core.errors import Conflict, Forbidden, ValidationFailed
from chalicelib.identity.principal import Principal
from chalicelib.store.ratings import RatingStore

LOW = 2
MAX_COMMENT = 500
DEFAULT_DAYS = 90
MAX_DAYS = 366
PAGE = 200
ATTEMPTS = 3


def is_low(score: int) -> bool:
    return score <= LOW


class Ratings:
    def __init__(self, applications: Applications, transitions: Transitions, store: RatingStore) -> None:
        self._applications = applications
        self._transitions = transitions
        self._store = store

    def rate(self, principal: Principal, application_id: str, body: Any) -> dict[str, Any]:
        score, comment = _rating(body)  # first: the web's feature check sends {} and must change nothing
        for _ in range(ATTEMPTS):
            application = self._applications.owned(principal, application_id)
            if application.status not in status.FINAL:
                raise Conflict(
                    f"the application is {application.status}; it can be rated once it is issued, rejected or withdrawn",
                    code="not_final",
                )
            if application.rating:
                raise Conflict("this application was already rated; a rating cannot change", code="already_rated")
            now = iso(utcnow())
            rated = {"score": score, "comment": comment, "rated_at": now}
            rating = self._store.rating(
                application.id, application.procedure_code, application.agency, score, comment, now
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
            return {"application_id": application.id, **rated, "low": is_low(score)}
        raise Conflict("the application kept changing; send the rating again", code="concurrent_change")

    def for_agency(self, principal: Principal, agency: str, params: Mapping[str, str]) -> dict[str, Any]:
        """The agency's ratings of the last ``days`` (default 90), newest first; ``low=true``
        keeps the low ones.  One Query on the ``by_queue`` index."""
        if agency not in principal.official_of:
            raise Forbidden(f"only officials of {agency} read its ratings", code="other_agency")
        days = _days(params.get("days"))
        low_only = str(params.get("low", "")).lower() in ("1", "true", "yes")
        since = iso(utcnow() - timedelta(days=days))
        found = self._store.of_agency(agency, since, PAGE, max_score=LOW if low_only else None)
        items = [
            {
                "application_id": item.application_id,
                "procedure": item.procedure_code,
                "score": int(item.score),
                "comment": item.comment,
                "rated_at": item.rated_at,
                "low": is_low(int(item.score)),
            }
            for item in found
        ]
        scores = [item["score"] for item in items]
        return {
            "agency": agency,
            "since": since,
            "low_only": low_only,
            "ratings": items,
            "summary": {
                "count": len(scores),
                "low": sum(1 for score in scores if is_low(score)),
                "average": round(sum(scores) / len(scores), 2) if scores else None,
            },
        }


def _rating(body: Any) -> tuple[int, str | None]:
    if not isinstance(body, dict):
        raise ValidationFailed.field("body", "must be a JSON object")
    score = body.get("score")
    if isinstance(score, bool) or not isinstance(score, int) or not 1 <= score <= 5:
        raise ValidationFailed.field(
            "score", "is required: a whole number from 1 (very hard) to 5 (very easy)", code="invalid_score"
        )
    comment = body.get("comment")
    if comment is None or (isinstance(comment, str) and not comment.strip()):
        return score, None
    if not isinstance(comment, str) or len(comment.strip()) > MAX_COMMENT:
        raise ValidationFailed.field(
            "comment", f"must be text of at most {MAX_COMMENT} characters", code="invalid_comment"
        )
    return score, comment.strip()


def _days(value: str | None) -> int:
    if value is None or value == "":
        return DEFAULT_DAYS
    if not value.isdigit() or not 1 <= int(value) <= MAX_DAYS:
        raise ValidationFailed.field(
            "days", f"must be a whole number of days from 1 to {MAX_DAYS}", code="invalid_days"
        )
    return int(value)
