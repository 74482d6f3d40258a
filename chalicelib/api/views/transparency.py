"""Open data and ratings as the API shows them: the statistics report (the CSVs are text,
written by ``chalicelib.stats.opendata``), a rating, and an agency's ratings with their
summary."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any

from msgspec import Meta, convert, field

from chalicelib.api.views.common import NextCursor, shown
from chalicelib.core.fields import UNSET, AgencyCode, Instant, Struct, Text, UnsetType
from chalicelib.stats.ratings import GivenRating, RatingsFound

Count = Annotated[int, Meta(ge=0)]
Share = Annotated[float, Meta(ge=0, le=1)]
Score = Annotated[int, Meta(ge=1, le=5)]
# Not ``Month``: a window asked for up to an early month of 2000 starts, by default, in 1999
ReportMonth = Annotated[
    str,
    Meta(
        pattern=r"^[0-9]{4}-(0[1-9]|1[0-2])$",
        description="A month in America/Mexico_City, `YYYY-MM`.",
        examples=["2026-11"],
    ),
]

WITHHELD = "Null when withheld (1 to 4)."
DERIVED = "Null without data, or withheld when computed from fewer than 5."
PROPORTION = f"A proportion from 0 to 1 (three decimals); {DERIVED[0].lower()}{DERIVED[1:]}"


def withheld(description: str) -> Meta:
    """A count's: null when it is small enough to single people out."""
    return Meta(description=f"{description} {WITHHELD}")


def derived(description: str) -> Meta:
    """A figure computed from counts: null without data, or from too few."""
    return Meta(description=f"{description} {DERIVED}")


def proportion(description: str) -> Meta:
    """A share from 0 to 1: null without data, or from too few."""
    return Meta(description=f"{description} {PROPORTION}")


SUPPRESSED = (
    "Names of the figures of this row withheld to protect people (small counts, figures from fewer than 5 "
    "applications, and cells that subtraction from a total would reveal); per-step figures as `step_days.<step>`"
)


class CentreFigures(Struct, kw_only=True):
    """Applications of one procedure submitted through one community centre (its code only: no assistant or
    citizen is named)."""

    centre: Annotated[
        str,
        Meta(description="The centre's code, as in the assistants' group `assistant-<code>`.", examples=["CDC-OAXACA"]),
    ]
    submitted: Annotated[
        Count | None,
        Meta(
            description=(
                "Applications the centre's assistants filed and were submitted. Null when withheld (1 to 4, or so "
                "that subtraction from `assisted` or from the centre's total does not reveal another centre)."
            )
        ),
    ]
    share: Annotated[
        Share | None,
        Meta(
            description=(
                "`submitted` over all the procedure's submitted in the row (three decimals); withheld with either "
                "count."
            )
        ),
    ]


class ProcedureFigures(Struct, kw_only=True):
    """One procedure's figures for a month (`month`) or for the whole window (`totals`, no `month`). Events count in
    the month they happen; an application's outcome, days to resolution, deadlines kept and corrections count in the
    month it ends."""

    month: ReportMonth | UnsetType = UNSET
    started: Annotated[Count | None, withheld("Applications created (drafts).")]
    submitted: Annotated[Count | None, withheld("Applications submitted (first submission).")]
    issued: Annotated[Count | None, withheld("Applications that ended issued.")]
    rejected: Annotated[
        Count | None,
        withheld("Applications that ended rejected (by an official, an automatic check or negativa ficta)."),
    ]
    withdrawn: Annotated[
        Count | None,
        withheld("Applications closed without a resolution (corrections or payment lapsed)."),
    ]
    deemed_approved: Annotated[
        Count | None,
        withheld("Of the issued, those approved by afirmativa ficta (an authority missed its deadline)."),
    ]
    deemed_denied: Annotated[Count | None, withheld("Of the rejected, those denied by negativa ficta.")]
    resolved: Annotated[Count | None, withheld("Issued plus rejected.")]
    decisions: Annotated[Count | None, withheld("Officials' decisions on reviews (approve, reject, request changes).")]
    out_of_order: Annotated[
        Count | None,
        withheld("Of those decisions, taken while a review of the same queue with an earlier legal deadline waited."),
    ]
    ratings: Annotated[Count | None, withheld("Citizens' ratings.")]
    low_ratings: Annotated[Count | None, withheld("Ratings of 1 or 2.")]
    sms_sent: Annotated[Count | None, withheld("SMS the carrier accepted.")]
    sms_segments: Annotated[Count | None, withheld("Segments of those SMS (what is billed); withheld with `sms_sent`.")]
    assisted: Annotated[
        Count | None,
        Meta(
            description=(
                "Of the submitted, those filed by an assistant of a community centre (with the citizen's consent; "
                "see `centres`). Null when withheld (1 to 4, or so that subtraction does not reveal another cell)."
            )
        ),
    ]
    resolution_days_median: Annotated[
        float | None,
        derived(
            "Median business days from submission to issue or rejection (the mean of the two middle values for an "
            "even count)."
        ),
    ]
    resolution_days_p90: Annotated[int | None, derived("90th percentile (nearest rank) of the same business days.")]
    within_deadline_share: Annotated[
        Share | None,
        proportion(
            "Of the resolved, those whose every review was decided by its legal deadline (no afirmativa or negativa "
            "ficta, no escalation, no late decision)."
        ),
    ]
    corrections_share: Annotated[
        Share | None,
        proportion("Of the resolved, those asked for corrections at least once."),
    ]
    out_of_order_share: Annotated[Share | None, proportion("Out-of-order decisions over decisions.")]
    rating_average: Annotated[float | None, derived("Mean rating, 1 to 5 (two decimals).")]
    assisted_share: Annotated[
        Share | None,
        Meta(
            description=(
                "`assisted` over `submitted`. A proportion from 0 to 1 (three decimals); null without data, or "
                "withheld when either count is withheld or `submitted` is under 5."
            )
        ),
    ]
    step_days: Annotated[
        dict[str, float | None],
        Meta(
            description=(
                "Mean business days each review or payment step took, from its first opening to its end, by step "
                "id; null when withheld."
            )
        ),
    ]
    centres: Annotated[
        list[CentreFigures],
        Meta(
            description=(
                "Per community centre that filed any application of the procedure in this row, by centre code: how "
                "many it submitted and their share of all submitted. A withheld centre keeps its code with null "
                "figures and is named in `suppressed` as `centres.<code>`; the centres add up to `assisted`."
            )
        ),
    ]
    suppressed: Annotated[
        list[str],
        Meta(
            description=(
                f"{SUPPRESSED}, a community centre's as `centres.<code>` (or `centres.<code>.share` when only its "
                "share is withheld)."
            )
        ),
    ]


class ProcedureStatistics(Struct, kw_only=True):
    code: Annotated[str, Meta(examples=["licencia-conducir"])]
    name: Text
    agency: Annotated[str | None, Meta(description="The agency that owns the procedure.")]
    steps: Annotated[dict[str, Text], Meta(description="Names of the steps in `step_days`.")]
    totals: ProcedureFigures
    months: Annotated[list[ProcedureFigures], Meta(description="Every month of the window, oldest first.")]


class AgencyFigures(Struct, kw_only=True):
    """An agency's figures for a month or for the window: its reviews, whatever procedure they belong to, and the
    ratings of the procedures it owns."""

    month: ReportMonth | UnsetType = UNSET
    decisions: Annotated[Count | None, withheld("Its officials' decisions.")]
    out_of_order: Annotated[Count | None, withheld("Of those, decided out of order.")]
    reviews_on_time: Annotated[Count | None, withheld("Reviews decided by their legal deadline.")]
    reviews_late: Annotated[
        Count | None,
        withheld(
            "Reviews decided after their deadline, or whose deadline passed (afirmativa or negativa ficta, escalation)."
        ),
    ]
    ratings: Annotated[Count | None, withheld("Ratings of the procedures it owns.")]
    low_ratings: Annotated[Count | None, withheld("Of those, ratings of 1 or 2.")]
    appeals_filed: Annotated[Count | None, withheld("Appeals (recursos de revisión) filed against its rejections.")]
    appeals_confirmed: Annotated[Count | None, withheld("Appeals its supervisors resolved confirming the rejection.")]
    appeals_revoked: Annotated[Count | None, withheld("Appeals its supervisors resolved revoking the rejection.")]
    appeals_new_review: Annotated[
        Count | None, withheld("Appeals its supervisors resolved ordering a new review by another official.")
    ]
    within_deadline_share: Annotated[
        Share | None,
        proportion("Reviews on time over reviews on time plus late: the league table's order."),
    ]
    out_of_order_share: Annotated[Share | None, proportion("Out-of-order decisions over decisions.")]
    rating_average: Annotated[float | None, derived("Mean rating of its procedures.")]
    suppressed: Annotated[list[str], Meta(description=f"{SUPPRESSED}.")]


class AgencyStatistics(Struct, kw_only=True):
    code: AgencyCode
    name: Text
    totals: AgencyFigures
    months: list[AgencyFigures]


class OpenStatistics(Struct, kw_only=True):
    from_: ReportMonth = field(name="from")
    to: ReportMonth
    months: list[ReportMonth]
    generated_at: Instant
    threshold: Annotated[
        int,
        Meta(
            description=(
                "Counts below this (other than 0), and figures derived from fewer applications, are withheld."
            ),
            examples=[5],
        ),
    ]
    procedures: Annotated[list[ProcedureStatistics], Meta(description="By code.")]
    agencies: Annotated[
        list[AgencyStatistics],
        Meta(description=("The league table: highest `within_deadline_share` first (withheld last), then by code.")),
    ]


CHANNEL_SUPPRESSED = (
    "Channels of this row withheld to protect people (counts from 1 to 4, and cells that subtraction from a total "
    "would reveal)."
)


class ApplicationChannels(Struct, kw_only=True):
    """Applications started in one month (or the window), by the channel that started them."""

    month: Annotated[str, Meta(description="`YYYY-MM`, or `total` for the window.")]
    web: Annotated[Count | None, withheld("Started by the citizen, signed in on the web.")]
    sms: Annotated[Count | None, withheld("Started by SMS: none can be (the SMS commands only read), so 0.")]
    phone: Annotated[Count | None, withheld("Started by a call-centre agent for a caller.")]
    centre: Annotated[Count | None, withheld("Started by an assistant of a community centre.")]
    suppressed: Annotated[list[str], Meta(description=CHANNEL_SUPPRESSED)]


class QueryChannels(Struct, kw_only=True):
    """Status queries answered in one month (or the window), by channel; web views are not counted."""

    month: Annotated[str, Meta(description="`YYYY-MM`, or `total` for the window.")]
    sms: Annotated[Count | None, withheld("`ESTADO`/`STATUS` messages answered (linked or not).")]
    phone: Annotated[Count | None, withheld("Status calls answered by the voice line.")]
    suppressed: Annotated[list[str], Meta(description=CHANNEL_SUPPRESSED)]


class ApplicationChannelTable(Struct, kw_only=True):
    months: list[ApplicationChannels]
    totals: ApplicationChannels


class QueryChannelTable(Struct, kw_only=True):
    months: list[QueryChannels]
    totals: QueryChannels


class ChannelStatistics(Struct, kw_only=True):
    from_: ReportMonth = field(name="from")
    to: ReportMonth
    months: list[ReportMonth]
    generated_at: Instant
    threshold: Annotated[int, Meta(description="Counts below this (other than 0) are withheld.", examples=[5])]
    applications: Annotated[
        ApplicationChannelTable, Meta(description="Applications started, by channel (all procedures).")
    ]
    status_queries: Annotated[QueryChannelTable, Meta(description="Status queries answered, by channel.")]


class Rating(Struct, kw_only=True):
    application_id: Annotated[str, Meta(examples=["8Q9FQ5PXS4"])]
    score: Score
    comment: str | None
    rated_at: Instant
    low: Annotated[bool, Meta(description="A score of 1 or 2: flagged to the agency.")]
    procedure: Annotated[str, Meta(description="Procedure code (in the agency's list).")] | UnsetType = UNSET


class RatingSummary(Struct, kw_only=True):
    count: Annotated[int, Meta(ge=0, description="Ratings on this page.")]
    low: Annotated[int, Meta(ge=0, description="Of those, scores of 1 or 2.")]
    average: Annotated[float | None, Meta(description="Their mean score (two decimals); null without any.")]


class AgencyRatings(Struct, kw_only=True):
    agency: AgencyCode
    since: Annotated[Instant, Meta(description="The oldest a listed rating can be.")]
    low_only: Annotated[bool, Meta(description="Only the low ones were asked for (`low=true`).")]
    ratings: Annotated[list[Rating], Meta(description="A page of them, newest first.")]
    summary: Annotated[
        RatingSummary,
        Meta(description="Of the ratings on this page; the window's totals are in the open statistics (`/stats`)."),
    ]
    next_cursor: NextCursor


def statistics(report: Mapping[str, Any]) -> OpenStatistics:
    """The open data report (``OpenData.report``) as its answer."""
    return convert(report, OpenStatistics)


def channels(report: Mapping[str, Any]) -> ChannelStatistics:
    """The open data by channel (``OpenData.channels``) as its answer."""
    return convert(report, ChannelStatistics)


def rating(given: GivenRating) -> Rating:
    """A rating as its citizen gave it (``POST /applications/{id}/rating``): without its procedure."""
    return shown(Rating, given, procedure=UNSET)


def agency_ratings(found: RatingsFound, next_cursor: str | None) -> AgencyRatings:
    """A page of an agency's ratings, each with its procedure, and their summary."""
    scores = [given.score for given in found.ratings]
    return shown(
        AgencyRatings,
        found,
        ratings=[shown(Rating, given) for given in found.ratings],
        summary=RatingSummary(
            count=len(scores),
            low=sum(1 for given in found.ratings if given.low),
            average=round(sum(scores) / len(scores), 2) if scores else None,
        ),
        next_cursor=next_cursor,
    )
