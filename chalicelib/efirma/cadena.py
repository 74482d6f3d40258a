"""Cadenas originales: the canonical texts people sign with their e.firma.

Fields in a fixed order between ``|``, starting and ending with ``||``, as in Mexican
e-government (docs/efirma.md lists each kind's fields).  The first two fields are the
format's version and the kind (``ACUSE``, ``RESOLUCION``), the last the time it was
prepared.  Free text never goes in a cadena: its SHA-256 does (``digest``), so a field
never holds a ``|``.  The server prepares a cadena, the person signs it, and the server
prepares it again for the same time when the signature arrives: any change meanwhile
makes the two differ.
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime, timedelta
from typing import Any

from chalicelib.core.clock import iso, parse_iso
from chalicelib.core.errors import ValidationFailed

VERSION = "1.0"
SIGNING_WINDOW = timedelta(minutes=15)  # how long a prepared cadena may wait for its signature
CLOCK_SKEW = timedelta(minutes=2)


def digest(value: Any) -> str:
    """SHA-256 (hex) of a text's UTF-8 bytes, or of anything else as canonical JSON (keys sorted, no spaces)."""
    text = (
        value
        if isinstance(value, str)
        else json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    )
    return hashlib.sha256(text.encode()).hexdigest()


def compose(kind: str, fields: tuple[str, ...], at: str) -> str:
    if any("|" in item for item in fields):
        raise ValueError("a cadena field cannot hold '|': put the digest of free text instead")
    return "||" + "|".join((VERSION, kind, *fields, at)) + "||"


def prepared_at(text: str, kind: str, count: int, now: datetime, field: str) -> str:
    """When ``text`` (a cadena of ``kind`` with ``count`` fields between version and time)
    was prepared, if it is still recent enough to be signed at ``now``."""
    parts = text[2:-2].split("|") if text.startswith("||") and text.endswith("||") else []
    if len(parts) != count + 3 or parts[:2] != [VERSION, kind]:
        raise ValidationFailed.field(field, f"is not the cadena original of a {kind.lower()}", code="cadena_mismatch")
    try:
        at = parse_iso(parts[-1])
    except ValueError:
        at = None
    if at is None or at.tzinfo is None:
        raise ValidationFailed.field(field, "does not end with a valid time", code="cadena_mismatch")
    if at > now + CLOCK_SKEW or now - at > SIGNING_WINDOW:
        minutes = int(SIGNING_WINDOW.total_seconds() // 60)
        raise ValidationFailed.field(
            field, f"was prepared more than {minutes} minutes ago: prepare it again and sign", code="cadena_expired"
        )
    return iso(at)
