"""Call-me-back requests as their holder and the agency's officials see them."""

from __future__ import annotations

from typing import Annotated

from msgspec import Meta

from chalicelib.api.views.common import NextCursor, NullableInstant, choices, shown
from chalicelib.callbacks.requests import OUTCOMES
from chalicelib.callbacks.service import CALLBACK_BUSINESS_DAYS, CHANNELS
from chalicelib.core.fields import AgencyCode, Instant, Struct
from chalicelib.store.models import CallbackRequest


class Callback(Struct, kw_only=True):
    id: str
    application_id: str
    procedure: Annotated[str, Meta(description="Procedure code.")]
    agency: AgencyCode
    phone: Annotated[
        str,
        Meta(
            description="The number to call, E.164 (`+52` and 10 digits); masked once the call's outcome is recorded.",
            examples=["+525512345678"],
        ),
    ]
    channel: Annotated[str, choices(*CHANNELS, description="Where it was asked: the web, or the telephone line.")]
    language: Annotated[str, choices("es", "en", description="The language to speak.")]
    note: Annotated[str | None, Meta(description="What the person wants to talk about.")]
    status: Annotated[str, choices("open", "done")]
    requested_at: Instant
    deadline: Annotated[
        str,
        Meta(
            description=(
                f"Call by then: {CALLBACK_BUSINESS_DAYS} business days on the agency's calendar (end of the day in "
                "America/Mexico_City, UTC ISO-8601)."
            ),
            extra_json_schema={"format": "date-time"},
        ),
    ]
    outcome: Annotated[str | None, choices(*OUTCOMES, description="What came of the call; null while open.")]
    outcome_note: str | None
    completed_at: NullableInstant


class CallbackQueue(Struct, kw_only=True):
    agency: AgencyCode
    callbacks: Annotated[list[Callback], Meta(description="Open requests, earliest deadline first.")]
    next_cursor: NextCursor


def callback(item: CallbackRequest) -> Callback:
    return shown(Callback, item, procedure=item.procedure_code)


def queue(agency: str, items: list[CallbackRequest], next_cursor: str | None) -> CallbackQueue:
    return CallbackQueue(agency=agency, callbacks=[callback(item) for item in items], next_cursor=next_cursor)
