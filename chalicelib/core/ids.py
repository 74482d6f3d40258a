"""Identifiers people read, type and say: Crockford's base32 (no I, L, O or U, which
people confuse with 1, 0 and V), drawn from the operating system's random source."""

from __future__ import annotations

import secrets

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
APPLICATION_ID_LENGTH = 10


def new_id(length: int) -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(length))
