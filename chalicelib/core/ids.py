"""Identifiers people read, type and say: Crockford's base32 (no I, L, O or U, which
people confuse with 1, 0 and V), drawn from the operating system's random source."""

from __future__ import annotations

import secrets

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
APPLICATION_ID_LENGTH = 10


def new_id(length: int) -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(length))


# --- the folio telefónico ------------------------------------------------------------------
# A keypad cannot type letters, so every application also has a numeric folio: its id read as
# a base-32 number (50 bits: 16 decimal digits, zero-padded) followed by a Verhoeff check digit.
# The map is one-to-one, so the folio needs no key, no counter and no backfill: any id, old or
# synthetic, has one, and a folio names exactly one id (one GetItem).  Verhoeff rather than Luhn:
# it catches every single wrong digit and every swap of two neighbouring digits (Luhn misses 09/90).
FOLIO_DIGITS = 16
FOLIO_LENGTH = FOLIO_DIGITS + 1
_VALUE = {char: value for value, char in enumerate(ALPHABET)}
_D = (
    (0, 1, 2, 3, 4, 5, 6, 7, 8, 9),
    (1, 2, 3, 4, 0, 6, 7, 8, 9, 5),
    (2, 3, 4, 0, 1, 7, 8, 9, 5, 6),
    (3, 4, 0, 1, 2, 8, 9, 5, 6, 7),
    (4, 0, 1, 2, 3, 9, 5, 6, 7, 8),
    (5, 9, 8, 7, 6, 0, 4, 3, 2, 1),
    (6, 5, 9, 8, 7, 1, 0, 4, 3, 2),
    (7, 6, 5, 9, 8, 2, 1, 0, 4, 3),
    (8, 7, 6, 5, 9, 3, 2, 1, 0, 4),
    (9, 8, 7, 6, 5, 4, 3, 2, 1, 0),
)
_P = (
    (0, 1, 2, 3, 4, 5, 6, 7, 8, 9),
    (1, 5, 7, 6, 2, 8, 3, 0, 9, 4),
    (5, 8, 0, 3, 7, 9, 6, 1, 4, 2),
    (8, 9, 1, 6, 0, 4, 3, 5, 2, 7),
    (9, 4, 5, 3, 1, 2, 6, 8, 7, 0),
    (4, 2, 8, 6, 5, 7, 3, 9, 0, 1),
    (2, 7, 9, 3, 8, 0, 6, 4, 1, 5),
    (7, 0, 4, 6, 9, 1, 3, 2, 5, 8),
)
_INVERSE = (0, 4, 3, 2, 1, 5, 6, 7, 8, 9)


def _verhoeff(digits: str, *, checked: bool) -> int:
    """The running Verhoeff product: 0 for a number that ends in its right check digit
    (``checked``), else the check digit's inverse for ``digits`` without one."""
    total = 0
    offset = 0 if checked else 1
    for position, digit in enumerate(reversed(digits)):
        total = _D[total][_P[(position + offset) % 8][int(digit)]]
    return total


def verhoeff_digit(digits: str) -> str:
    return str(_INVERSE[_verhoeff(digits, checked=False)])


def verhoeff_valid(digits: str) -> bool:
    return digits.isascii() and digits.isdigit() and _verhoeff(digits, checked=True) == 0


def phone_folio(application_id: str) -> str:
    """The application's folio telefónico: 17 digits, the last a Verhoeff check digit."""
    value = 0
    for char in application_id:
        value = value * 32 + _VALUE[char]
    digits = f"{value:0{FOLIO_DIGITS}d}"
    return digits + verhoeff_digit(digits)


def folio_shape(folio: str) -> str | None:
    """Why ``folio`` is no folio (``"length"``, ``"check_digit"``), or None when it is one."""
    if not (folio.isascii() and folio.isdigit()) or len(folio) != FOLIO_LENGTH:
        return "length"
    if not verhoeff_valid(folio) or int(folio[:-1]) >= 32**APPLICATION_ID_LENGTH:
        return "check_digit"
    return None


def application_id_of(folio: str) -> str:
    """The id a well-formed folio names (``folio_shape`` says None); the inverse of ``phone_folio``."""
    value = int(folio[:-1])
    chars = []
    for _ in range(APPLICATION_ID_LENGTH):
        value, place = divmod(value, 32)
        chars.append(ALPHABET[place])
    return "".join(reversed(chars))
