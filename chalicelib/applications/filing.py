"""The cadena original of a filing and its acuse de recibo.

The text a citizen signs when they file (documented in docs/efirma.md)::

    ||1.0|ACUSE|<procedure code>|<procedure version>|<application id>|<holder>|<form digest>|<documents>|<time>||

``form digest`` is the SHA-256 (hex) of the form data as canonical JSON (keys sorted, no
spaces, UTF-8); ``documents`` lists ``<requirement>:<sha256>`` of every uploaded document,
sorted by requirement and joined by ``;``; ``time`` is when the text was prepared (UTC,
ISO-8601 with milliseconds).  The server prepares it, the citizen signs it, and at submit
the server prepares it again for the same time: any change to the application since makes
it differ, and the filing is refused.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from chalicelib.core.clock import iso, parse_iso
from chalicelib.core.errors import ValidationFailed
from chalicelib.store.models import Application

VERSION = "1.0"
SIGNING_WINDOW = timedelta(minutes=15)  # how long a prepared cadena may wait for its signature
CLOCK_SKEW = timedelta(minutes=2)
FIELD = "efirma.cadena_original"


def form_digest(data: Mapping[str, Any]) -> str:
    canonical = json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


def cadena(application: Application, at: str) -> str:
    documents = ";".join(f"{code}:{record['sha256']}" for code, record in sorted((application.documents or {}).items()))
    fields = (
        VERSION,
        "ACUSE",
        application.procedure_code,
        str(int(application.procedure_version)),
        application.id,
        application.owner,
        form_digest(application.data or {}),
        documents,
        at,
    )
    return "||" + "|".join(fields) + "||"


def prepared_at(text: str, now: datetime) -> str:
    """The time a cadena was prepared, if it is recent enough to be signed now."""
    fields = text.strip("|").split("|") if text.startswith("||") and text.endswith("||") else []
    if len(fields) != 9 or fields[:2] != [VERSION, "ACUSE"]:
        raise ValidationFailed.field(FIELD, "is not the cadena original of a filing", code="cadena_mismatch")
    try:
        at = parse_iso(fields[-1])
    except ValueError:
        at = None
    if at is None or at.tzinfo is None:
        raise ValidationFailed.field(FIELD, "does not end with a valid time", code="cadena_mismatch")
    if at > now + CLOCK_SKEW or now - at > SIGNING_WINDOW:
        minutes = int(SIGNING_WINDOW.total_seconds() // 60)
        raise ValidationFailed.field(
            FIELD, f"was prepared more than {minutes} minutes ago: prepare it again and sign", code="cadena_expired"
        )
    return iso(at)
