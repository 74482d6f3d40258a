"""What an issued credential's signed payload holds.

The issue step signs one payload per document: the step's own document and, for each
registration it made, a credential of its own carrying the ``number`` the registry
assigned (or Ventanilla's folio) and the ``registry`` that assigned it.  Procedure
definitions name these fields (evidence from a credential ``take``s some of them), so the
list lives here, next to the one function that writes them.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from chalicelib.core.clock import iso
from chalicelib.identity.curp import is_curp, parse_curp

if TYPE_CHECKING:  # the validator reads CREDENTIAL_FIELDS without loading the store
    from chalicelib.store.models import Application

# What evidence from a credential may take; number and registry only on registration credentials.
CREDENTIAL_FIELDS = (
    "id",
    "type",
    "title",
    "number",
    "registry",
    "holder_name",
    "procedure",
    "agency",
    "agency_name",
    "valid_from",
    "valid_until",
    "issued_at",
)


def holder_initials(holder: str) -> str:
    """What a checker sees of the holder: a person's initials from the CURP, or a
    company's three-letter RFC prefix."""
    return parse_curp(holder).initials if is_curp(holder) else ".".join(holder[:3]) + "."


def signed_payload(
    application: Application,
    definition: Mapping[str, Any],
    document: Mapping[str, Any],
    *,
    document_id: str,
    title: Mapping[str, str],
    holder_name: str | None,
    today: date,
    now: datetime,
    number: str | None = None,
    registry: str | None = None,
) -> dict[str, Any]:
    """The content the platform signs for one document of ``application``."""
    payload: dict[str, Any] = {
        "id": document_id,
        "type": document["type"],
        "title": dict(title),
        "procedure": application.procedure_code,
        "application_id": application.id,
        "holder_name": holder_name,
        "holder_initials": holder_initials(application.owner),
        "holder_sha256": hashlib.sha256(application.owner.encode()).hexdigest(),
        "agency": definition["agency"],
        "agency_name": definition["agencies"][definition["agency"]],
        "valid_from": today.isoformat(),
        "valid_until": (today + timedelta(days=document["valid_days"])).isoformat(),
        "issued_at": iso(now),
        "deemed_approved": bool(application.deemed_approved),
        # who approved it, as they signed (name, position, agency, e.firma número and time)
        "signatories": [
            {
                "name": item["official"]["name"],
                "position": item["official"]["position"],
                "agency": item["agency"],
                "serial": (item.get("firma") or {}).get("serial"),
                "signed_at": (item.get("firma") or {}).get("signed_at") or item["sello"]["sealed_at"],
            }
            for item in application.resolutions or []
            if item["decision"] == "approve"
        ],
        "data": {
            name: value
            for name, value in (application.data or {}).items()
            if isinstance(value, str | int | float | bool)
        },
    }
    if number is not None:
        payload["number"] = number
        payload["registry"] = registry
    return payload
