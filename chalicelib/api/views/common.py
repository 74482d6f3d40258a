"""Values several answers share that are not the domain's constrained values
(``chalicelib.core.fields``): a stored text shown as one of its documented choices, an
application's status, a time that may not be there yet."""

from __future__ import annotations

from typing import Annotated

from msgspec import Meta

from chalicelib.applications.transitions import STATUSES


def choices(*values: str, description: str | None = None) -> Meta:
    """A text that is one of ``values``: documented as an enum, and shown as stored (an
    answer is never refused for a value the document did not foresee)."""
    return Meta(description=description, extra_json_schema={"enum": list(values)})


Status = Annotated[
    str,
    choices(
        *STATUSES,
        description=(
            "draft → submitted → in_review ⇄ changes_requested → awaiting_payment → issued; or rejected, "
            "deemed_approved (then issued), withdrawn, error."
        ),
    ),
]
LanguageCode = Annotated[str, choices("es", "en")]
NullableInstant = Annotated[
    str | None,
    Meta(
        description="UTC, ISO-8601 with milliseconds and `Z`; null when not (yet) applicable.",
        extra_json_schema={"format": "date-time"},
    ),
]
