"""What publishers, commenters and agencies send about a procedure's next version, as
typed values (texts are kept trimmed; their bounds hold after trimming)."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from msgspec import Meta

from chalicelib.core.fields import Struct, trimmed, trimmed_text

MAX_COMMENT = 4000
MAX_ANSWER = 4000
MAX_REASON = 1000


CommentText = Annotated[
    str,
    Meta(
        description=f"The comment, published as written (5 to {MAX_COMMENT:,} characters after trimming).",
        examples=["¿Se acepta una identificación vencida?"],
        extra_json_schema=trimmed_text(5, MAX_COMMENT),
        extra={"code": "invalid_comment", "message": f"is required: 5 to {MAX_COMMENT:,} characters"},
    ),
]
AnswerText = Annotated[
    str,
    Meta(
        description=f"The agency's answer, published under the comment (5 to {MAX_ANSWER:,} characters).",
        examples=["Sí, hasta 30 días después de su vencimiento."],
        extra_json_schema=trimmed_text(5, MAX_ANSWER),
        extra={"code": "invalid_answer", "message": f"is required: 5 to {MAX_ANSWER:,} characters"},
    ),
]
ReasonText = Annotated[
    str,
    Meta(
        description=f"Why the procedure is retired; kept in its audit trail (5 to {MAX_REASON:,} characters).",
        examples=["Sustituido por la licencia digital."],
        extra_json_schema=trimmed_text(5, MAX_REASON),
        extra={"code": "reason_required", "message": f"is required: 5 to {MAX_REASON:,} characters"},
    ),
]


def _trimmed(value: str, minimum: int, maximum: int, field: str, code: str) -> str:
    message = f"is required: {minimum} to {maximum:,} characters"
    return trimmed(value, minimum, maximum, field=field, message=message, code=code)


class ConsultationRequest(Struct, kw_only=True):
    closes_on: Annotated[
        date | None,
        Meta(
            description=(
                "The last day (America/Mexico_City) the public may comment; the draft cannot be approved before "
                "it has passed. None: comments are taken until the draft is approved."
            ),
            examples=["2027-01-15"],
            extra={"code": "invalid_closing_date", "message": "must be a date, YYYY-MM-DD"},
        ),
    ] = None


class CommentRequest(Struct, kw_only=True):
    text: CommentText
    anonymous: Annotated[
        bool,
        Meta(
            description="Publish the comment without the commenter's name (the platform still records who wrote it).",
            extra={"code": "invalid_anonymous", "message": "must be true or false"},
        ),
    ] = False

    def __post_init__(self) -> None:
        self.text = _trimmed(self.text, 5, MAX_COMMENT, "text", "invalid_comment")


class AnswerRequest(Struct, kw_only=True):
    text: AnswerText

    def __post_init__(self) -> None:
        self.text = _trimmed(self.text, 5, MAX_ANSWER, "text", "invalid_answer")


class ApprovalRequest(Struct, kw_only=True):
    effective_on: Annotated[
        date | None,
        Meta(
            description=(
                "The day (America/Mexico_City, from midnight) the version takes effect: the catalogue serves it "
                "from then on. None or today: at once. Never a past day."
            ),
            examples=["2027-02-01"],
            extra={"code": "invalid_effective_date", "message": "must be a date, YYYY-MM-DD"},
        ),
    ] = None


class RetirementRequest(Struct, kw_only=True):
    reason: ReasonText

    def __post_init__(self) -> None:
        self.reason = _trimmed(self.reason, 5, MAX_REASON, "reason", "reason_required")
