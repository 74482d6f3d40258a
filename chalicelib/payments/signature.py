"""Signed bank webhooks: ``X-Bank-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256>``.

The HMAC covers ``"<t>.<raw body>"`` with the shared secret; a signature older or newer
than five minutes is refused, so a captured request cannot be replayed later.
"""

from __future__ import annotations

import hashlib
import hmac
import time

from chalicelib.core.errors import NotAuthenticated

HEADER = "X-Bank-Signature"
TOLERANCE_SECONDS = 300


def sign(secret: str, body: bytes, timestamp: int | None = None) -> str:
    stamp = int(time.time()) if timestamp is None else timestamp
    digest = hmac.new(secret.encode(), f"{stamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={stamp},v1={digest}"


def verify(secret: str, body: bytes, header: str | None, now: float | None = None) -> None:
    if not header:
        raise NotAuthenticated(f"the {HEADER} header is required", code="signature_missing")
    parts = dict(part.split("=", 1) for part in header.split(",") if "=" in part)
    try:
        stamp = int(parts["t"])
        given = parts["v1"]
    except (KeyError, ValueError):
        raise NotAuthenticated(f"the {HEADER} header is malformed", code="signature_invalid") from None
    current = time.time() if now is None else now
    if abs(current - stamp) > TOLERANCE_SECONDS:
        raise NotAuthenticated(
            "the signature is too old or from the future; replays are refused", code="signature_expired"
        )
    expected = hmac.new(secret.encode(), f"{stamp}.".encode() + body, hashlib.sha256).hexdigest()
    if not given.isascii() or not hmac.compare_digest(expected, given):
        raise NotAuthenticated("the signature does not match the body", code="signature_invalid")
