"""The data-exchange log as a citizen reads it: every time a registry was asked about them."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Annotated, Any, Literal

import msgspec
from msgspec import Meta

from chalicelib.api.views.common import NextCursor, shown
from chalicelib.core.fields import UNSET, AgencyCode, Instant, Struct, Text, UnsetType
from chalicelib.store.models import DataExchange


class Requester(Struct, kw_only=True):
    kind: Annotated[
        Literal["workflow", "official", "citizen", "assistant", "agent"],
        Meta(
            description=(
                "`workflow`: the procedure's own automatic step, on behalf of `agency`; `official`: a named official "
                "checking a fact at its source; `citizen`: filling the citizen's own form; `assistant`: a community "
                "centre's assistant filling it for them, under their consent; `agent`: a call-centre agent doing so by "
                "phone."
            )
        ),
    ]
    name: str | UnsetType = UNSET
    username: str | UnsetType = UNSET
    centre: Annotated[str | UnsetType, Meta(description="The assistant's community centre.")] = UNSET


class DataUse(Struct, kw_only=True):
    """One exchange with a registry about the caller: who asked, why, and what came of it."""

    exchange_id: str
    at: Instant
    registry: Annotated[str, Meta(examples=["cadastre"])]
    registry_name: Text
    operation: Annotated[str, Meta(examples=["property"])]
    purpose: Text
    legal_basis: Text
    agency: AgencyCode
    agency_name: Text | None = None
    requester: Requester
    application_id: str | None = None
    procedure: str | None = None
    outcome: Annotated[
        Literal["found", "not_found", "registered", "unavailable", "refused", "invalid"],
        Meta(
            description=(
                "`found`/`not_found`: the registry answered; `registered`: it registered what was asked (an RFC, an "
                "employer registration); `unavailable`, `refused`, `invalid`: no usable answer came (nothing was "
                "taken)."
            )
        ),
    ]
    attempts: Annotated[int, Meta(description="How many times the request was sent (retries after no answer).")]
    request_sha256: Annotated[str, Meta(description="SHA-256 of the signed request (a compact JWS).")]
    result_sha256: Annotated[
        str | UnsetType, Meta(description="SHA-256 of what the registry returned (canonical JSON).")
    ] = UNSET


class DataUsePurged(Struct, kw_only=True):
    """Entries the retention schedule deleted once they were two years old."""

    entries: Annotated[int, Meta(description="How many entries were deleted, in all.")]
    up_to: Annotated[Instant, Meta(description="The newest of the exchanges deleted.")]
    at: Annotated[Instant, Meta(description="When the last of them were deleted.")]


class DataUseList(Struct, kw_only=True):
    exchanges: Annotated[list[DataUse], Meta(description="A page of them, newest first.")]
    next_cursor: NextCursor
    purged: Annotated[
        DataUsePurged | UnsetType,
        Meta(description="What the retention schedule deleted of the log (absent: nothing yet)."),
    ] = UNSET


def data_use(
    entries: Iterable[DataExchange], next_cursor: str | None, purged: Mapping[str, Any] | None = None
) -> DataUseList:
    return DataUseList(
        exchanges=[shown(DataUse, dict(entry.entry)) for entry in entries],
        next_cursor=next_cursor,
        purged=msgspec.convert(dict(purged), DataUsePurged) if purged else UNSET,
    )
