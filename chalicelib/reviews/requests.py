"""What an agency's official sends or asks about reviews, as typed values.

A field's shape is checked here with the code and message the API has always answered;
whether a decision needs ``reason_out_of_order`` depends on the queue, so that check
stays in ``Reviews``.
"""

from __future__ import annotations

from typing import Annotated, Literal

from msgspec import Meta

from chalicelib.core.fields import UNSET, Struct, UnsetType, trimmed, trimmed_text
from chalicelib.efirma.requests import SignedCadena
from chalicelib.reviews.intermediaries import DEFAULT_DAYS, MAX_DAYS, MAX_MIN_APPLICATIONS, MIN_APPLICATIONS

DECISIONS = ("approve", "reject", "request_changes")
REASON_RULE = "is required: 3 to 1,000 characters explaining the decision"
DecisionKind = Literal["approve", "reject", "request_changes"]


class DecisionDraft(Struct, kw_only=True):
    """A decision an official is about to sign (`reason` is kept trimmed)."""

    decision: Annotated[
        DecisionKind,
        Meta(extra={"code": "invalid_decision", "message": f"must be one of {', '.join(DECISIONS)}"}),
    ]
    # the bounds hold after trimming: the schema states them with a pattern, checked below
    reason: Annotated[
        str,
        Meta(
            description="Shown to the citizen and kept in the audit trail (3 to 1,000 characters after trimming).",
            examples=["Documentos y examen en regla."],
            extra_json_schema=trimmed_text(3, 1000),
            extra={"code": "reason_required", "message": REASON_RULE},
        ),
    ]

    def __post_init__(self) -> None:
        self.reason = trimmed(self.reason, 3, 1000, field="reason", message=REASON_RULE, code="reason_required")


class ReviewDecision(DecisionDraft, kw_only=True):
    """An official's decision on an open review, signed with their e.firma where the step requires it."""

    # null is as good as absent: only needed when the decision jumps the queue
    reason_out_of_order: Annotated[
        str | UnsetType | None,
        Meta(
            description=(
                "Required when a review of the same queue with an earlier legal deadline is still open (the queue "
                "marks it `out_of_turn`): why this one goes first, 3 to 500 characters after trimming. Kept in the "
                "audit event (`details.out_of_order`, `details.reason_out_of_order`) and counted in the statistics."
            ),
            extra_json_schema=trimmed_text(3, 500),
            extra={
                "code": "reason_out_of_order_required",
                "message": "must be text: why this review goes before those with an earlier legal deadline",
            },
        ),
    ] = UNSET

    efirma: Annotated[
        SignedCadena | UnsetType,
        Meta(
            description=(
                "The official's e.firma over the decision's cadena original (from "
                "`POST /reviews/{review_id}/cadena-original`), required unless the step's `signature` is `seal`."
            )
        ),
    ] = UNSET


class ReportWindow(Struct, kw_only=True):
    """The query string of the intermediaries' report."""

    days: Annotated[
        int,
        Meta(
            ge=1,
            le=MAX_DAYS,
            description=f"Window, in days (1–{MAX_DAYS}; {DEFAULT_DAYS} by default).",
            extra={"code": "invalid_parameter", "message": f"must be a whole number from 1 to {MAX_DAYS}"},
        ),
    ] = DEFAULT_DAYS
    min_applications: Annotated[
        int,
        Meta(
            ge=1,
            le=MAX_MIN_APPLICATIONS,
            description=(
                f"Decisions a centre needs to be flagged (1–{MAX_MIN_APPLICATIONS}; {MIN_APPLICATIONS} by default)."
            ),
            extra={
                "code": "invalid_parameter",
                "message": f"must be a whole number from 1 to {MAX_MIN_APPLICATIONS}",
            },
        ),
    ] = MIN_APPLICATIONS
