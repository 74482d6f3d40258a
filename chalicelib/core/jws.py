"""Compact JWS with ES256 (RFC 7515, RFC 7518 §3.4): what Ventanilla signs for machines.

Signing goes through a ``SigningKey`` (a KMS key on AWS and locally), which returns the
ECDSA signature DER-encoded; a JWS carries it as raw ``r || s``.  Checking takes the
other side's public key as PEM.  ``cryptography`` is imported on first use (it is in a
Lambda layer, and most cold starts never sign).
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Mapping
from typing import Any, Protocol

ALGORITHM = "ES256"
COORDINATE_BYTES = 32  # P-256


class SigningKey(Protocol):
    """What signs: a KMS key (``adapters.ports.Signer``) or a key held in memory."""

    key_id: str

    def sign(self, message: bytes) -> bytes: ...


class InvalidJws(ValueError):
    """Not a compact ES256 JWS, or its signature does not check with the key given."""


def b64url(data: bytes) -> str:
    """base64url without padding, as JOSE writes bytes."""
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64url(text: str) -> bytes:
    try:
        return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError):
        raise InvalidJws("a part is not base64url") from None


def _part(value: Mapping[str, Any]) -> str:
    return b64url(json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode())


def sign(claims: Mapping[str, Any], key: SigningKey, typ: str) -> str:
    """``claims`` as a compact JWS signed by ``key`` (header names its key id and type)."""
    from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature

    signing_input = f"{_part({'alg': ALGORITHM, 'kid': key.key_id, 'typ': typ})}.{_part(claims)}"
    r, s = decode_dss_signature(key.sign(signing_input.encode()))
    raw = r.to_bytes(COORDINATE_BYTES, "big") + s.to_bytes(COORDINATE_BYTES, "big")
    return f"{signing_input}.{b64url(raw)}"


def verify(token: str, public_key_pem: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """The header and claims of ``token`` if its ES256 signature checks with the key."""
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature

    parts = token.strip().split(".")
    if len(parts) != 3:
        raise InvalidJws("a compact JWS has three parts")
    try:
        header, claims = (json.loads(_unb64url(part)) for part in parts[:2])
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise InvalidJws("the header or claims are not JSON") from None
    if not isinstance(header, dict) or not isinstance(claims, dict) or header.get("alg") != ALGORITHM:
        raise InvalidJws("only ES256 with a JSON object of claims is accepted")
    raw = _unb64url(parts[2])
    if len(raw) != 2 * COORDINATE_BYTES:
        raise InvalidJws("an ES256 signature is 64 bytes")
    key = serialization.load_pem_public_key(public_key_pem.encode())
    if not isinstance(key, ec.EllipticCurvePublicKey):
        raise InvalidJws("the key is not an elliptic-curve key")
    signature = encode_dss_signature(
        int.from_bytes(raw[:COORDINATE_BYTES], "big"), int.from_bytes(raw[COORDINATE_BYTES:], "big")
    )
    try:
        key.verify(signature, f"{parts[0]}.{parts[1]}".encode(), ec.ECDSA(hashes.SHA256()))
    except InvalidSignature:
        raise InvalidJws("the signature does not check with the registry's key") from None
    return header, claims
