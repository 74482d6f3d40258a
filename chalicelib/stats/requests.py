"""What the transparency routes read, typed: the open data's window, the filter of an
agency's ratings, and a citizen's rating.

The routes parse each request into one of these once, at the edge
(``chalicelib/api/routes.py``), refusing a field that breaks its type with the code and
message it declares; the OpenAPI document states the same constraints.  What no type can
say (a window's months in order, a comment's length once trimmed) the domain checks.

A query field that may be absent is ``X | UnsetType`` rather than ``X | None``: a query
string has no null, and the document must not offer one.  Its code and message sit on the
outer ``Annotated`` so that the parser finds them.
"""

from __future__ import annotations

from typing import Annotated

from msgspec import Meta, field

from chalicelib.core.fields import UNSET, Month, Struct, UnsetType

DEFAULT_MONTHS = 12
MAX_MONTHS = 36
MONTH_ERROR = {"code": "invalid_month", "message": "must be a month as YYYY-MM, from 2000-01"}
PROCEDURE_ERROR = {
    "code": "invalid_procedure",
    "message": "must be a procedure code (lowercase letters, digits and hyphens)",
}
ProcedureFilter = Annotated[str, Meta(pattern=r"^[a-z0-9][a-z0-9-]{0,63}$", examples=["licencia-conducir"])]

LOW = 2
MAX_COMMENT = 500
DEFAULT_DAYS = 90
MAX_DAYS = 366


class WindowQuery(Struct, kw_only=True):
    """The window of the open data (`GET /stats/...`)."""

    from_: Annotated[
        Annotated[
            Month,
            Meta(
                description=(
                    f"First month (`YYYY-MM`, America/Mexico_City); by default {DEFAULT_MONTHS - 1} months before `to`."
                )
            ),
        ]
        | UnsetType,
        Meta(extra=MONTH_ERROR),
    ] = field(default=UNSET, name="from")
    to: Annotated[
        Annotated[
            Month, Meta(description=f"Last month; by default the current one. At most {MAX_MONTHS} months in all.")
        ]
        | UnsetType,
        Meta(extra=MONTH_ERROR),
    ] = UNSET


class StatisticsQuery(WindowQuery, kw_only=True):
    """The window of the open data (`GET /stats/...`) and, optionally, one procedure."""

    procedure: Annotated[
        Annotated[ProcedureFilter, Meta(description="Only this procedure in `procedures` (agencies are always all).")]
        | UnsetType,
        Meta(extra=PROCEDURE_ERROR),
    ] = UNSET


class CentresQuery(StatisticsQuery, kw_only=True):
    """The window of the centres' CSV, which lists procedures only."""

    procedure: Annotated[
        Annotated[ProcedureFilter, Meta(description="Only this procedure.")] | UnsetType,
        Meta(extra=PROCEDURE_ERROR),
    ] = UNSET


# Which of an agency's ratings to list; the route's query type (which also pages) is the API's.
RatingDays = Annotated[
    int,
    Meta(
        ge=1,
        le=MAX_DAYS,
        description=f"How far back, in days (1 to {MAX_DAYS}; default {DEFAULT_DAYS}).",
        extra={"code": "invalid_days", "message": f"must be a whole number of days from 1 to {MAX_DAYS}"},
    ),
]
LowOnly = Annotated[bool, Meta(description="`true`: only scores of 1 and 2.")]


class RatingRequest(Struct, kw_only=True):
    """A citizen's rating of an application that ended."""

    score: Annotated[
        int,
        Meta(
            ge=1,
            le=5,
            description="1 (very hard) to 5 (very easy).",
            extra={
                "code": "invalid_score",
                "message": "is required: a whole number from 1 (very hard) to 5 (very easy)",
            },
        ),
    ]
    comment: Annotated[
        str | None,
        Meta(
            description=(
                "Optional; read by the agency's officials, never published. Trimmed; a blank comment is none. "
                f"At most {MAX_COMMENT} characters once trimmed."
            ),
            extra={"code": "invalid_comment", "message": f"must be text of at most {MAX_COMMENT} characters"},
            extra_json_schema={"maxLength": MAX_COMMENT},
        ),
    ] = None
