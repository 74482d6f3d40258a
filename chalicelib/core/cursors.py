"""Cursors of paged lists: where the next page starts, sealed so that nobody can alter it.

A cursor is ``<position>.<mac>``: the position (the last key the page read, as JSON, in
base64url) and an HMAC-SHA256 over the *scope* and the position, keyed with the
deployment's cursor secret.  The scope names the list and who asked for it (the route,
its filters, the caller), so a cursor altered in any way, or used by another caller or on
another list, is refused with 422 ``invalid_cursor`` before anything is read.  Clients
treat it as opaque; it carries no more than the key of an item the caller has already seen.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
from collections.abc import Callable, Mapping

from chalicelib.core.errors import ValidationFailed

MAC_BYTES = 16  # 128 bits: forging one is as hard as guessing the key
MAX_CURSOR_LENGTH = 2000


class Cursors:
    def __init__(self, secret: Callable[[], bytes]) -> None:
        self._secret = secret  # read on first use: most requests never page

    def seal(self, scope: str, position: Mapping[str, str]) -> str:
        body = _encode(json.dumps(dict(position), sort_keys=True, separators=(",", ":")).encode())
        return f"{body}.{_encode(self._mac(scope, body))}"

    def open(self, scope: str, cursor: str) -> dict[str, str]:
        """The position ``seal`` sealed for ``scope``; ``ValidationFailed`` (``invalid_cursor``) otherwise."""
        body, _, mac = cursor.partition(".")
        try:
            if len(cursor) > MAX_CURSOR_LENGTH or not hmac.compare_digest(_decode(mac), self._mac(scope, body)):
                raise ValueError
            position = json.loads(_decode(body))
        except (ValueError, binascii.Error):
            raise invalid() from None
        if not isinstance(position, dict) or not all(isinstance(value, str) for value in position.values()):
            raise invalid()
        return position

    def _mac(self, scope: str, body: str) -> bytes:
        return hmac.new(self._secret(), f"{scope}\n{body}".encode(), hashlib.sha256).digest()[:MAC_BYTES]


def invalid() -> ValidationFailed:
    return ValidationFailed.field(
        "cursor", "is not a cursor this list gave you; start again without it", code="invalid_cursor"
    )


def _encode(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def _decode(text: str) -> bytes:
    if not text.isascii():
        raise ValueError(text)
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
