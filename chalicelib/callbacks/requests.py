"""What a person and an official send about a call-me-back request, as typed values."""

from __future__ import annotations

from typing import Annotated, Literal

from msgspec import Meta

from chalicelib.core.fields import Struct, trimmed

MAX_NOTE = 300
OUTCOMES = ("reached", "no_answer", "wrong_number")
Outcome = Literal["reached", "no_answer", "wrong_number"]
NOTE_RULE = f"must be text of at most {MAX_NOTE} characters"
OUTCOME_NOTE_RULE = f"is required: 3 to {MAX_NOTE} characters saying what happened on the call"


class CallbackAsk(Struct, kw_only=True):
    """The holder asks the agency to call: which phone (default: the one on their record) and about what."""

    phone: Annotated[
        str | None,
        Meta(
            description=(
                "A Mexican number to call (10 digits, `+52` optional); absent: the phone on the holder's record."
            ),
            examples=["55 1234 5678"],
            extra={"code": "invalid_phone", "message": "must be a Mexican number of 10 digits"},
            extra_json_schema={"maxLength": 40},
        ),
    ] = None
    note: Annotated[
        str | None,
        Meta(
            description=f"Optional: what the holder wants to talk about (at most {MAX_NOTE} characters once trimmed).",
            examples=["No entiendo qué documento me falta."],
            extra={"code": "invalid_note", "message": NOTE_RULE},
            extra_json_schema={"maxLength": MAX_NOTE},
        ),
    ] = None

    def __post_init__(self) -> None:
        if self.note is not None:
            self.note = trimmed(self.note, 0, MAX_NOTE, field="note", message=NOTE_RULE, code="invalid_note") or None


class CallbackOutcome(Struct, kw_only=True):
    """What came of the call, as the official records it."""

    outcome: Annotated[
        Outcome,
        Meta(
            description="`reached`: spoke with the person; `no_answer`; `wrong_number`.",
            extra={"code": "invalid_call_outcome", "message": f"must be one of {', '.join(OUTCOMES)}"},
        ),
    ]
    note: Annotated[
        str,
        Meta(
            description=f"What happened, shown in the holder's timeline (3 to {MAX_NOTE} characters once trimmed).",
            examples=["Se explicó que falta el comprobante de domicilio."],
            extra={"code": "call_note_required", "message": OUTCOME_NOTE_RULE},
            extra_json_schema={"minLength": 3, "maxLength": MAX_NOTE},
        ),
    ]

    def __post_init__(self) -> None:
        self.note = trimmed(self.note, 3, MAX_NOTE, field="note", message=OUTCOME_NOTE_RULE, code="call_note_required")
