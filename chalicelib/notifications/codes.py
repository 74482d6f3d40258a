"""Six-digit codes texted to a phone to confirm something: a relative's phone for an
application's SMS, or a citizen's consent to an assistant.

Stored hashed (salted with the id of what they confirm), valid 15 minutes, five
attempts.  ``redeem`` checks one against the item that holds it and applies the
confirmation; the repository writes both the attempt and the confirmation only while
the code is still the one stored: a code sent meanwhile replaces it.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Annotated

from msgspec import Meta

from chalicelib.core.clock import parse_iso
from chalicelib.core.errors import Conflict, ValidationFailed
from chalicelib.store.models import Delegation, Subscription

CODE_TTL = timedelta(minutes=15)
MAX_ATTEMPTS = 5
# A code every assistant may try (the one a citizen shows in their account): each has
# MAX_ATTEMPTS of their own, so one cannot burn it for another, and all together at most
# this many, which keeps guessing out of reach (15 in 1,000,000 per code).
SHARED_ATTEMPTS = 3 * MAX_ATTEMPTS
# Six ASCII digits, as JSON Schema reads the pattern; the length bound keeps a trailing
# newline out too (Python's ``$``, which checks the pattern here, also matches before one)
CODE_PATTERN = r"^[0-9]{6}$"
CODE_LENGTH = 6
Code = Annotated[str, Meta(pattern=CODE_PATTERN, max_length=CODE_LENGTH)]  # a code as a request carries it


def new_code() -> str:
    return f"{secrets.randbelow(1_000_000):06d}"


def code_hash(salt: str, code: str) -> str:
    return hashlib.sha256(f"{salt}:{code}".encode()).hexdigest()


def redeem(
    item: Subscription | Delegation,
    code: str,
    now: datetime,
    *,
    spend_attempt: Callable[[], bool],
    confirm: Callable[[], bool],
    sent_to: str,
    again: str,
) -> None:
    """Check ``code`` against ``item`` (its ``id``, ``code_hash``, ``code_expires_at`` and
    ``attempts``), then ``confirm``; a wrong code costs an attempt (``spend_attempt``, which
    reloads ``item``'s attempts).  Both return False when a new code replaced the one checked.

    ``sent_to`` and ``again`` complete the messages: "the code sent to ``sent_to``",
    "``again`` for a new one"."""
    if (item.attempts or 0) >= MAX_ATTEMPTS:
        raise Conflict(f"too many wrong codes; {again} for a new one", code="too_many_attempts")
    if item.code_expires_at and parse_iso(item.code_expires_at) < now:
        raise Conflict(f"the code has expired; {again} for a new one", code="code_expired")
    if not hmac.compare_digest(code_hash(item.id, code), item.code_hash or ""):
        if not spend_attempt():
            raise _replaced()
        raise ValidationFailed.field(
            "code",
            f"does not match the code sent to {sent_to} ({MAX_ATTEMPTS - item.attempts} attempts left)",
            code="wrong_code",
        )
    if not confirm():
        raise _replaced()


def _replaced() -> Conflict:
    return Conflict("a new code was sent meanwhile; use the latest code", code="code_replaced")
