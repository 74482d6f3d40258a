"""What the privacy routes answer: the notice, its acceptance, and ARCO requests with their trail."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Annotated, Any

from msgspec import Meta, Struct

from chalicelib.api.views.common import NextCursor, NullableInstant, choices
from chalicelib.core.fields import Instant, JsonObject
from chalicelib.identity.principal import Principal
from chalicelib.privacy import export, notice
from chalicelib.privacy.notice import NoticeStatus
from chalicelib.privacy.requests import KINDS, STATUSES
from chalicelib.store.models import PrivacyRequest


class Section(Struct, kw_only=True):
    heading: str
    body: str


class NoticeText(Struct, kw_only=True):
    title: str
    sections: list[Section]


class Processing(Struct, kw_only=True):
    id: Annotated[str, Meta(description="What `POST /me/privacy-requests` names as `processing` to oppose it.")]
    es: str
    en: str


class PrivacyNotice(Struct, kw_only=True):
    version: Annotated[int, Meta(description="Bumps whenever the text changes; accept it with this number.")]
    effective_at: Annotated[str, Meta(description="When this version took effect (ISO-8601).")]
    es: NoticeText
    en: NoticeText
    processing: Annotated[list[Processing], Meta(description="The non-essential processing a holder may oppose.")]


class NoticeAcceptanceShown(Struct, kw_only=True):
    accepted: Annotated[int, Meta(description="The version accepted.")]
    accepted_at: Instant


class NoticeOnRecord(Struct, kw_only=True):
    current: Annotated[int, Meta(description="The version in force.")]
    accepted: Annotated[int | None, Meta(description="The version the holder accepted last; null: never.")]
    accepted_at: NullableInstant


class TrailEvent(Struct, kw_only=True):
    at: Instant
    actor: Annotated[JsonObject, Meta(description="Who: `{kind, id}` (the holder, or `privacy_officer`).")]
    action: Annotated[
        str,
        choices("received", "extended", "referred", "granted", "partially_granted", "denied", "registry_answer"),
    ]
    reason: str | None
    details: JsonObject


class PrivacyRequestShown(Struct, kw_only=True):
    id: str
    kind: Annotated[str, choices(*KINDS)]
    holder: Annotated[str, Meta(description="The CURP (or RFC) of who filed it.")]
    status: Annotated[str, choices(*STATUSES)]
    opened_at: Instant
    deadline: Annotated[
        str,
        Meta(
            description="The legal deadline of the answer: 20 business days from filing (30 once extended).",
            extra_json_schema={"format": "date-time"},
        ),
    ]
    extended: bool
    registry: Annotated[str | None, Meta(description="The registry a rectification concerns or was referred to.")]
    outcome: Annotated[str | None, Meta(description="The answer, once given.")]
    answered_at: NullableInstant
    effective_by: Annotated[
        str | None, Meta(description="A granted request takes effect by then at the latest (15 business days).")
    ]
    effects: Annotated[JsonObject | None, Meta(description="What the grant changed (erased, corrected, stopped).")]
    details: Annotated[JsonObject, Meta(description="What was asked: target, correction, scope, processing, reason.")]
    events: Annotated[list[TrailEvent], Meta(description="The request's trail, oldest first.")]


class PrivacyRequestList(Struct, kw_only=True):
    requests: list[PrivacyRequestShown]
    next_cursor: NextCursor


def privacy_notice() -> PrivacyNotice:
    document = notice.document()
    return PrivacyNotice(
        version=document["version"],
        effective_at=document["effective_at"],
        es=NoticeText(title=document["es"]["title"], sections=[Section(**item) for item in document["es"]["sections"]]),
        en=NoticeText(title=document["en"]["title"], sections=[Section(**item) for item in document["en"]["sections"]]),
        processing=[Processing(id=key, **text) for key, text in notice.PROCESSING.items()],
    )


def on_record(status: NoticeStatus) -> NoticeOnRecord:
    return NoticeOnRecord(current=status.current, accepted=status.accepted, accepted_at=status.accepted_at)


def accepted(status: NoticeStatus) -> NoticeAcceptanceShown:
    return NoticeAcceptanceShown(accepted=int(status.accepted or 0), accepted_at=str(status.accepted_at))


def request(item: PrivacyRequest, viewer: Principal) -> PrivacyRequestShown:
    """The request; the holder reads the officers in its trail by role only."""
    events = [dict(event) for event in item.events or []]
    if not viewer.is_privacy_officer:
        events = [{**event, "actor": export.person_or_role(event["actor"], item.holder)} for event in events]
    return PrivacyRequestShown(
        id=item.id,
        kind=item.request_kind,
        holder=item.holder,
        status=item.status,
        opened_at=item.opened_at,
        deadline=item.deadline,
        extended=bool(item.extended),
        registry=item.registry,
        outcome=item.outcome,
        answered_at=item.answered_at,
        effective_by=item.effective_by,
        effects=dict(item.effects) if item.effects else None,
        details=dict(item.details or {}),
        events=[TrailEvent(**_event(event)) for event in events],
    )


def requests(items: Iterable[PrivacyRequest], viewer: Principal, next_cursor: str | None) -> PrivacyRequestList:
    return PrivacyRequestList(requests=[request(item, viewer) for item in items], next_cursor=next_cursor)


def _event(event: dict[str, Any]) -> dict[str, Any]:
    return {
        "at": event["at"],
        "actor": event.get("actor") or {},
        "action": event["action"],
        "reason": event.get("reason"),
        "details": event.get("details") or {},
    }
