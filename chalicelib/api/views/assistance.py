"""Assisted filing as the API shows it: a delegation (as its assistant or its citizen
sees it), an assistant's list, and the code a citizen generates to show."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Annotated

from msgspec import Meta

from chalicelib.api.views.common import NextCursor, NullableInstant, choices, shown
from chalicelib.assistance.service import CitizenCode, is_active
from chalicelib.assistance.states import ACTIVE, EXPIRED, PENDING, REVOKED
from chalicelib.core.fields import CURP_PATTERN, UNSET, Instant, Struct, UnsetType
from chalicelib.notifications.codes import CODE_PATTERN
from chalicelib.notifications.phones import mask
from chalicelib.store import models


class DelegationAssistant(Struct, kw_only=True):
    username: str
    name: Annotated[str, Meta(description="As the assistant's account names them (else their username).")]


class Delegation(Struct, kw_only=True):
    id: str
    assistant: DelegationAssistant
    centre: Annotated[
        str,
        Meta(
            description=(
                "Community centre code (the `assistant-<centre>` group), or call centre (`callcentre-<centre>`)."
            )
        ),
    ]
    channel: Annotated[
        str,
        choices(
            "centre",
            "phone",
            description="`centre`: in person at a community centre; `phone`: a call-centre agent, for the call's day.",
        ),
    ]
    status: Annotated[str, choices(PENDING, ACTIVE, EXPIRED, REVOKED)]
    origin: Annotated[
        str,
        choices(
            "sms",
            "account",
            description=(
                "`sms`: a code texted to the phone on the citizen's record; `account`: a code the citizen "
                "generated and showed."
            ),
        ),
    ]
    documents_allowed: Annotated[
        bool,
        Meta(description="Whether the assistant may receive the documents issued on the applications they filed."),
    ]
    applications: Annotated[
        list[str], Meta(description="Applications started under this delegation: the only ones the assistant sees.")
    ]
    created_at: Instant
    confirmed_at: NullableInstant
    expires_at: NullableInstant
    revoked_at: NullableInstant
    code_expires_at: NullableInstant
    curp: Annotated[
        str | UnsetType,
        Meta(
            description="The citizen's CURP; shown to the assistant only.", extra_json_schema={"pattern": CURP_PATTERN}
        ),
    ] = UNSET
    phone: Annotated[
        str | UnsetType,
        Meta(description="The masked phone the code was texted to (only in the answer that texted it)."),
    ] = UNSET


class Delegations(Struct, kw_only=True):
    delegations: Annotated[
        list[Delegation],
        Meta(description="A page of the assistant's delegations, each with the applications started under it."),
    ]
    next_cursor: NextCursor


class DelegationCode(Struct, kw_only=True):
    code: Annotated[str, Meta(pattern=CODE_PATTERN, description="Six digits, to show the assistant.")]
    expires_at: Instant


def delegation(item: models.Delegation, for_citizen: bool = False, texted_to: str | None = None) -> Delegation:
    """A delegation as its assistant sees it (with the citizen's CURP) or as its citizen
    does; an active one past its time shows as expired.  ``texted_to``: the phone a code
    was just texted to, shown masked."""
    return shown(
        Delegation,
        item,
        assistant=DelegationAssistant(username=item.assistant, name=item.assistant_name or item.assistant),
        status=EXPIRED if item.status == ACTIVE and not is_active(item) else item.status,
        channel=item.channel or "centre",
        documents_allowed=bool(item.documents_allowed),
        applications=[str(application_id) for application_id in item.applications or []],
        code_expires_at=item.code_expires_at if item.status == PENDING else None,
        curp=UNSET if for_citizen else item.holder,
        phone=UNSET if texted_to is None else mask(texted_to),
    )


def delegations(items: Iterable[models.Delegation], next_cursor: str | None) -> Delegations:
    return Delegations(delegations=[delegation(item) for item in items], next_cursor=next_cursor)


def code(generated: CitizenCode) -> DelegationCode:
    return shown(DelegationCode, generated)
