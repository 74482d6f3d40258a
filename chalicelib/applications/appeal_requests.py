"""What the holder sends to appeal a rejection, and what a supervisor sends to decide it."""

from __future__ import annotations

from typing import Annotated, Literal

import msgspec
from msgspec import Meta

from chalicelib.core.fields import Struct, trimmed, trimmed_text

OUTCOMES = ("confirm", "revoke", "new_review")
AppealOutcome = Literal["confirm", "revoke", "new_review"]
ARGUMENTS_RULE = "is required: 10 to 5,000 characters saying why the rejection should be revoked"
REASON_RULE = "is required: 3 to 1,000 characters explaining the resolution"
MAX_DOCUMENTS = 20


class AppealFiling(Struct, kw_only=True):
    """The holder's appeal (recurso de revisión): their arguments and, optionally, the
    documents of the application that support them."""

    arguments: Annotated[
        str,
        Meta(
            description="Why the rejection should be revoked (10 to 5,000 characters after trimming).",
            examples=["El comprobante de domicilio sí está a mi nombre; adjunto la página que faltaba."],
            extra_json_schema=trimmed_text(10, 5000),
            extra={"code": "arguments_required", "message": ARGUMENTS_RULE},
        ),
    ]
    documents: Annotated[
        list[str],
        Meta(
            max_length=MAX_DOCUMENTS,
            description=(
                "Requirement codes of documents already uploaded to this application that support the appeal "
                "(a rejected application takes no new uploads)."
            ),
            examples=[["comprobante_domicilio"]],
            extra={"code": "invalid_appeal_documents", "message": "must be a list of requirement codes"},
        ),
    ] = msgspec.field(default_factory=list)

    def __post_init__(self) -> None:
        self.arguments = trimmed(
            self.arguments, 10, 5000, field="arguments", message=ARGUMENTS_RULE, code="arguments_required"
        )


class AppealDecision(Struct, kw_only=True):
    """A supervisor's resolution of an appeal."""

    outcome: Annotated[
        AppealOutcome,
        Meta(
            description=(
                "`confirm`: the rejection stands; `revoke`: the application resumes where the procedure says and "
                "can be issued; `new_review`: the step is reviewed again by another official."
            ),
            extra={"code": "invalid_outcome", "message": f"must be one of {', '.join(OUTCOMES)}"},
        ),
    ]
    reason: Annotated[
        str,
        Meta(
            description="Shown to the citizen and kept in the audit trail (3 to 1,000 characters after trimming).",
            examples=["El comprobante presentado sí acredita el domicilio."],
            extra_json_schema=trimmed_text(3, 1000),
            extra={"code": "reason_required", "message": REASON_RULE},
        ),
    ]

    def __post_init__(self) -> None:
        self.reason = trimmed(self.reason, 3, 1000, field="reason", message=REASON_RULE, code="reason_required")
