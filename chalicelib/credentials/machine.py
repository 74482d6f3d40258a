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

import json
import time
from collections.abc import Mapping
from typing import Any

from chalicelib.adapters.ports import Signer
from chalicelib.credentials.offline import b64url

MEDIA_TYPE = "application/jwt"
COORDINATE_BYTES = 32  # P-256


def signed_verdict(verdict: Mapping[str, Any], document_id: str, issuer: str, key: Signer) -> str:
    from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature

    header = {"alg": "ES256", "kid": key.key_id, "typ": "JWT"}
    claims = {"iss": issuer, "sub": document_id, "iat": int(time.time()), "verification": verdict}
    signing_input = ".".join(
        b64url(json.dumps(part, separators=(",", ":"), ensure_ascii=False).encode()) for part in (header, claims)
    )
    r, s = decode_dss_signature(key.sign(signing_input.encode()))
    raw = r.to_bytes(COORDINATE_BYTES, "big") + s.to_bytes(COORDINATE_BYTES, "big")
    return f"{signing_input}.{b64url(raw)}"
