"""Línea de captura: the payment reference a citizen takes to the bank.

Twenty digits: the issue date (YYMMDD), twelve random digits and two check digits by
ISO 7064 MOD 97-10 (the scheme of IBAN), so a mistyped digit or a swap of two is
caught before any money moves.
"""

from __future__ import annotations

import re
import secrets
from datetime import date

_REFERENCE = re.compile(r"[0-9]{20}")


def check_digits(body: str) -> str:
    return f"{98 - (int(body) * 100) % 97:02d}"


def new_reference(today: date) -> str:
    body = today.strftime("%y%m%d") + "".join(secrets.choice("0123456789") for _ in range(12))
    return body + check_digits(body)


def is_valid_reference(value: object) -> bool:
    return isinstance(value, str) and bool(_REFERENCE.fullmatch(value)) and int(value) % 97 == 1


def formatted(reference: str) -> str:
    """Groups of four for the printed slip."""
    return " ".join(reference[i : i + 4] for i in range(0, len(reference), 4))
