"""What a holder sends to exercise a privacy (ARCO) right or accept the privacy notice, and
what the privacy officer sends to answer a request."""

from __future__ import annotations

from typing import Annotated, Literal

from msgspec import Meta

from chalicelib.core.fields import Struct, trimmed, trimmed_text

KINDS = ("access", "rectification", "cancellation", "opposition")
Kind = Literal["access", "rectification", "cancellation", "opposition"]
OUTCOMES = ("granted", "partially_granted", "denied", "referred", "extended")
Outcome = Literal["granted", "partially_granted", "denied", "referred", "extended"]
STATUSES = ("received", "extended", "referred", "granted", "partially_granted", "denied")
Status = Literal["received", "extended", "referred", "granted", "partially_granted", "denied"]
REASON_RULE = "is required: 3 to 1,000 characters"
MAX_SCOPE = 10


class NoticeAcceptance(Struct, kw_only=True):
    version: Annotated[
        int,
        Meta(
            ge=1,
            description="The version of the privacy notice accepted: the current one (`GET /privacy-notice`).",
            examples=[1],
            extra={"code": "privacy_notice_outdated", "message": "must be the current version of the notice"},
        ),
    ]


class PrivacyRequestFiling(Struct, kw_only=True):
    """One ARCO request; which other fields it takes depends on ``kind``."""

    kind: Annotated[
        Kind,
        Meta(
            description=(
                "`access`: the formal request for everything held (answered with the export); `rectification`: "
                "`target`, `correction`, `reason`; `cancellation`: `scope`, `reason`; `opposition`: `processing`, "
                "`reason`."
            ),
            extra={"code": "invalid_kind", "message": "must be access, rectification, cancellation or opposition"},
        ),
    ]
    target: (
        Annotated[
            str,
            Meta(
                max_length=200,
                description="What to correct: `profile.name`, or `applications/<id>/form.<field>`.",
                examples=["applications/SOL-2026-ABC123/form.domicilio"],
                extra={"code": "invalid_target", "message": "must be profile.name or applications/<id>/form.<field>"},
            ),
        ]
        | None
    ) = None
    correction: (
        Annotated[
            str,
            Meta(
                max_length=2000,
                description="The right value (rectification).",
                examples=["Av. Insurgentes Sur 1253, Col. del Valle"],
                extra={"code": "correction_required", "message": "is required: the right value, 1 to 2,000 characters"},
            ),
        ]
        | None
    ) = None
    reason: (
        Annotated[
            str,
            Meta(
                description="Why (3 to 1,000 characters after trimming); not needed for access.",
                extra_json_schema=trimmed_text(3, 1000),
                extra={"code": "reason_required", "message": REASON_RULE},
            ),
        ]
        | None
    ) = None
    scope: (
        Annotated[
            list[str],
            Meta(
                max_length=MAX_SCOPE,
                description=(
                    "What to cancel (cancellation): `drafts`, `subscriptions`; `applications`, `payments`, "
                    "`documents`, `audit`, `data_use`, `profile` and `privacy_requests` must be kept by law and are "
                    "refused with the reason."
                ),
                examples=[["drafts", "subscriptions"]],
                extra={"code": "invalid_scope", "message": "must be a list of what to cancel"},
            ),
        ]
        | None
    ) = None
    processing: (
        Annotated[
            str,
            Meta(
                max_length=64,
                description="The non-essential processing opposed (opposition): see `GET /privacy-notice`.",
                examples=["progress_sms"],
                extra={"code": "invalid_processing", "message": "must name a non-essential processing of the notice"},
            ),
        ]
        | None
    ) = None


class PrivacyDecision(Struct, kw_only=True):
    """The privacy officer's answer to a request."""

    outcome: Annotated[
        Outcome,
        Meta(
            description=(
                "`granted` (takes effect now), `partially_granted` (what the law lets go takes effect), `denied`, "
                "`referred` (a rectification of a registry's fact: sent to `registry`), `extended` (once, 10 more "
                "business days)."
            ),
            extra={"code": "invalid_outcome", "message": "must be " + ", ".join(OUTCOMES)},
        ),
    ]
    reason: Annotated[
        str,
        Meta(
            description="Why, as the holder will read it (3 to 1,000 characters after trimming).",
            extra_json_schema=trimmed_text(3, 1000),
            extra={"code": "reason_required", "message": REASON_RULE},
        ),
    ]
    registry: (
        Annotated[
            str,
            Meta(
                max_length=64,
                description="The registry a rectification is referred to (default: the one the fact came from).",
                examples=["population"],
                extra={"code": "invalid_registry", "message": "must name a registry Ventanilla exchanges with"},
            ),
        ]
        | None
    ) = None

    def __post_init__(self) -> None:
        self.reason = trimmed(self.reason, 3, 1000, field="reason", message=REASON_RULE, code="reason_required")


class RegistryAnswer(Struct, kw_only=True):
    """What the registry answered to a referred rectification, as the privacy officer records it."""

    answer: Annotated[
        Literal["corrected", "refused"],
        Meta(
            description="`corrected`: the registry corrected its record (Ventanilla's copy is corrected too).",
            extra={"code": "invalid_answer", "message": "must be corrected or refused"},
        ),
    ]
    reason: Annotated[
        str,
        Meta(
            description="The registry's answer in short, or its reference (3 to 1,000 characters).",
            extra_json_schema=trimmed_text(3, 1000),
            extra={"code": "reason_required", "message": REASON_RULE},
        ),
    ]

    def __post_init__(self) -> None:
        self.reason = trimmed(self.reason, 3, 1000, field="reason", message=REASON_RULE, code="reason_required")
