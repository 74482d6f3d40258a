"""The verify check for machines: a compact JWS (ES256) that another agency's system can
accept as evidence without a person.

``GET /verify/{document_id}`` with ``Accept: application/jwt`` answers the same verdict
as its JSON, signed with the platform's sealing key: header ``{"alg": "ES256", "kid":
<sealing key id>, "typ": "JWT"}``, claims ``iss`` (the API's address), ``sub`` (the
document id), ``iat`` and ``verification`` (the verdict).  The key is in
``GET /.well-known/ventanilla-keys.json``; any JOSE library checks it.  KMS returns the
ECDSA signature DER-encoded; a JWS carries it as raw ``r || s`` (RFC 7518 §3.4).
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from typing import Any

from chalicelib.adapters.ports import Signer
from chalicelib.core import jws

MEDIA_TYPE = "application/jwt"


def signed_verdict(verdict: Mapping[str, Any], document_id: str, issuer: str, key: Signer) -> str:
    claims = {"iss": issuer, "sub": document_id, "iat": int(time.time()), "verification": verdict}
    return jws.sign(claims, key, "JWT")
