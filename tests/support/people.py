"""Valid, unique test identities (CURPs carry a check digit, so they are built, not typed)."""

from __future__ import annotations

import itertools
import random
from datetime import date

from chalicelib.identity.curp import curp_check_digit

_counter = itertools.count()
_CONSONANTS = "BCDFGHJKLMNPQRSTVWXZ"
_LETTERS = "ABCDEFGHJKLMNPRSTUVWXYZ"


def new_curp(born: date = date(1985, 6, 15), sex: str = "M", state: str = "DF") -> str:
    """A valid CURP that no other call of this process returns."""
    n = next(_counter)
    rng = random.Random(n * 7919 + born.toordinal())
    first = (
        rng.choice(_LETTERS)
        + rng.choice("AEIOU")
        + _LETTERS[n % len(_LETTERS)]
        + _LETTERS[(n // len(_LETTERS)) % len(_LETTERS)]
    )
    century = str(n % 10) if born.year < 2000 else "ABCDEFGHIJ"[n % 10]
    consonants = _CONSONANTS[n % 20] + _CONSONANTS[(n // 20) % 20] + _CONSONANTS[(n // 400) % 20]
    body = f"{first}{born:%y%m%d}{sex}{state}{consonants}{century}"
    return body + curp_check_digit(body)


def new_phone() -> str:
    return f"+5255{next(_counter) + 10000000:08d}"
