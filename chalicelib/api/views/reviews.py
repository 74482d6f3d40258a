"""Reviews as agencies see them: the queue, a decision, and the intermediaries' report."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any

from msgspec import Meta, convert

from chalicelib.api.views.applications import EvidenceEntry
from chalicelib.api.views.common import NextCursor, Status, shown
from chalicelib.core.fields import AgencyCode, Instant, Struct
from chalicelib.reviews.intermediaries import Report
from chalicelib.reviews.queue import Queued
from chalicelib.reviews.requests import DecisionKind
from chalicelib.reviews.service import Decided


class ReviewQueueItem(Struct, kw_only=True):
    review_id: str
    application_id: str
    procedure: Annotated[str, Meta(description="Procedure code.")]
    step: str
    agency: AgencyCode
    escalated: Annotated[bool, Meta(description="Escalated to the agency's supervisors after a missed deadline.")]
    appeal: Annotated[
        bool,
        Meta(description="An appeal of a rejection, for the supervisors: `POST /applications/{id}/appeal/decision`."),
    ] = False
    opened_at: Instant
    deadline: Annotated[
        str,
        Meta(
            description="Legal deadline, UTC ISO-8601 (end of a business day in America/Mexico_City).",
            examples=["2026-11-28T02:32:24.125Z"],
            extra_json_schema={"format": "date-time"},
        ),
    ]
    near_deadline: Annotated[bool, Meta(description="Within the step's warning period before the deadline.")]
    overdue: bool
    earlier_open: Annotated[
        int,
        Meta(
            ge=0,
            description=(
                "Open reviews of the same queue (another application's) with an earlier legal deadline: deciding "
                "this one now is out of order and needs `reason_out_of_order`."
            ),
        ),
    ]
    out_of_turn: Annotated[bool, Meta(description="`earlier_open` > 0.")]


class ReviewQueue(Struct, kw_only=True):
    agency: AgencyCode
    reviews: Annotated[list[ReviewQueueItem], Meta(description="Legal deadline first, then first come, first served.")]
    next_cursor: NextCursor


class ReviewDecisionResult(Struct, kw_only=True):
    review_id: str
    decision: DecisionKind
    application_id: str
    status: Annotated[Status, Meta(description="The application's status once the decision is recorded.")]


class ProcedureHours(Struct, kw_only=True):
    decisions: int
    median_hours: float


class CentreDecision(Struct, kw_only=True):
    application_id: str
    assistant: str | None
    decision: str
    hours: float
    decided_at: Annotated[str, Meta(extra_json_schema={"format": "date-time"})]


class CentreComparison(Struct, kw_only=True):
    centre: str
    procedure: str
    applications: int
    share_of_procedure: float
    median_hours: float
    procedure_median_hours: float
    ratio: float
    approved: int
    unusual: Annotated[
        bool,
        Meta(description="At least `min_applications` decisions and a median under `fast_ratio` of the procedure's."),
    ]
    items: list[CentreDecision]


class IntermediariesReport(Struct, kw_only=True):
    agency: AgencyCode
    since: Annotated[str, Meta(extra_json_schema={"format": "date-time"})]
    min_applications: int
    fast_ratio: float
    procedures: Annotated[
        dict[str, ProcedureHours],
        Meta(description="Per procedure code: its decisions in the window and their median hours from submission."),
    ]
    centres: Annotated[list[CentreComparison], Meta(description="Per community centre and procedure, unusual first.")]


def queue(agency: str, items: list[Queued], next_cursor: str | None) -> ReviewQueue:
    return ReviewQueue(agency=agency, reviews=[_queued(item) for item in items], next_cursor=next_cursor)


def _queued(item: Queued) -> ReviewQueueItem:
    review = item.review
    return shown(
        ReviewQueueItem,
        review,
        review_id=review.id,
        procedure=review.procedure_code,
        escalated=bool(review.escalated),
        appeal=bool(review.appeal),
        near_deadline=item.near_deadline,
        overdue=item.overdue,
        earlier_open=item.earlier_open,
        out_of_turn=item.earlier_open > 0,
    )


def decision(decided: Decided) -> ReviewDecisionResult:
    return shown(ReviewDecisionResult, decided)


def intermediaries(report: Report) -> IntermediariesReport:
    return convert(report, IntermediariesReport, from_attributes=True)


class Checked(EvidenceEntry, kw_only=True):
    """What a registry says now about a fact the application took from it."""

    same_as_used: Annotated[
        bool, Meta(description="Whether the registry's answer equals the values the application used (or fetched).")
    ]


def checked(entry: Mapping[str, Any]) -> Checked:
    return shown(Checked, entry)
