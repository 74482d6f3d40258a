"""The constrained values that requests and answers share (msgspec types).

A value's constraints live here once: the typed request refuses what breaks them, and the
OpenAPI document, generated from the same types, states them.
"""

from __future__ import annotations

from collections.abc import Collection
from decimal import Decimal
from typing import Annotated, Any, Literal

from msgspec import UNSET, Meta, Struct, UnsetType

from chalicelib.core.errors import ValidationFailed

__all__ = ["UNSET", "Struct", "UnsetType"]

Instant = Annotated[
    str,
    Meta(
        description="UTC, ISO-8601 with milliseconds and `Z`.",
        examples=["2026-11-28T02:32:24.125Z"],
        extra_json_schema={"format": "date-time"},
    ),
]
LegalDate = Annotated[str, Meta(description="A date in America/Mexico_City.", extra_json_schema={"format": "date"})]
Url = Annotated[str, Meta(extra_json_schema={"format": "uri"})]
# The largest amount of money Ventanilla takes or shows, in MXN: a hundred times the
# largest bound a shipped fee has (150,000.00), far below what a Decimal or a DynamoDB
# number would lose, and what a bank's single payment of a government fee never reaches.
MAX_AMOUNT = Decimal("10000000.00")
_WHOLE_DIGITS = len(str(int(MAX_AMOUNT))) - 1  # below the bound (a power of ten): at most this many digits
# An amount with two decimals, from 0.00 to MAX_AMOUNT: a schema cannot compare a decimal
# string with a number, so the bound is in the pattern
MONEY_PATTERN = rf"^(?:[0-9]{{1,{_WHOLE_DIGITS}}}\.[0-9]{{2}}|{int(MAX_AMOUNT)}\.00)$"
MONEY_RULE = f"an amount in MXN with two decimals, at most {MAX_AMOUNT}"
Money = Annotated[
    str,
    Meta(
        pattern=MONEY_PATTERN,
        description=f"An amount in MXN as a decimal string with two decimals, at most {MAX_AMOUNT}.",
        examples=["1016.00"],
    ),
]


def money_schema() -> dict[str, Any]:
    """The JSON Schema of ``Money`` (for the procedure definitions' schema)."""
    return {"type": "string", "pattern": MONEY_PATTERN, "description": MONEY_RULE}


Currency = Literal["MXN"]
AgencyCode = Annotated[str, Meta(pattern=r"^[A-Z][A-Z0-9]{1,15}$", examples=["SEMOVI"])]
CURP_PATTERN = r"^[A-Z]{4}[0-9]{6}[HMX][A-Z]{5}[0-9A-Z][0-9]$"
Curp = Annotated[
    str,
    Meta(
        pattern=CURP_PATTERN,
        description="CURP: 18 characters, format and check digit validated.",
        examples=["GOMC800101MDFMRR00"],
    ),
]
# A CURP as a request carries it: the domain takes it in lower case or padded too and checks
# its check digit, so the pattern only documents it; anything but a text is refused with this code
TYPED_CURP = Meta(
    examples=["GOMC800101MDFMRR00"],
    extra_json_schema={"pattern": CURP_PATTERN},
    extra={"code": "invalid_curp", "message": "must be a text of 18 characters"},
)
Phone = Annotated[str, Meta(pattern=r"^\+[1-9][0-9]{6,14}$", description="E.164.", examples=["+525512345678"])]
MaskedPhone = Annotated[
    str,
    Meta(
        description="A phone shown back masked: country, area code and last two digits.",
        examples=["+52 55 **** **78"],
    ),
]
PaymentReference = Annotated[
    str,
    Meta(
        pattern=r"^[0-9]{20}$",
        description=(
            "Línea de captura: 20 digits (issue date YYMMDD, 12 random digits, 2 check digits by ISO 7064 MOD 97-10)."
        ),
        examples=["26112780244763066564"],
    ),
]
Month = Annotated[
    str,
    Meta(
        pattern=r"^20[0-9]{2}-(0[1-9]|1[0-2])$",
        description="A month in America/Mexico_City, `YYYY-MM`, from 2000-01.",
        examples=["2026-11"],
    ),
]
Language = Literal["es", "en"]
JsonObject = dict[str, Any]


# Characters that show nothing and mean nothing around a text: the zero-width space,
# non-joiner and joiner, the word joiner and the byte-order mark.  A text of these alone
# (or of them and white space) is blank: a reason or a name nobody can read.
ZERO_WIDTH = "\u200b\u200c\u200d\u2060\ufeff"
_BLANK_CLASS = r"[\s\u200b-\u200d\u2060]"  # ECMA-262 ``\s`` (U+FEFF included) and the zero-width ones
_SEEN_CLASS = r"[^\s\u200b-\u200d\u2060]"


def trimmed_text(minimum: int, maximum: int) -> dict[str, Any]:
    """The JSON Schema of a text whose length once trimmed of surrounding white space and
    zero-width characters is from ``minimum`` (at least 2) to ``maximum``: a schema bounds
    the whole text, so it states the bounds on the untrimmed text, and a pattern asks for
    ``minimum`` characters between the first and last that are neither."""
    return {
        "minLength": minimum,
        "maxLength": maximum,
        "pattern": rf"^{_BLANK_CLASS}*{_SEEN_CLASS}[\s\S]{{{minimum - 2},}}{_SEEN_CLASS}{_BLANK_CLASS}*$",
    }


# what ``trimmed_text``'s pattern calls blank: white space as ECMA-262 ``\s`` sees it
# (str.strip() also takes control characters such as U+001C, which the pattern counts as
# text) and the zero-width characters
SPACE = " \t\n\v\f\r\u00a0\u1680\u2028\u2029\u202f\u205f\u3000\ufeff" + "".join(map(chr, range(0x2000, 0x200B)))
BLANK = SPACE + ZERO_WIDTH


def stripped(value: str) -> str:
    """``value`` without the blank characters around it (``BLANK``): empty when it was blank."""
    return value.strip(BLANK)


def trimmed(value: str, minimum: int, maximum: int, *, field: str, message: str, code: str) -> str:
    """``value`` without the blank characters around it (as ``trimmed_text``'s pattern sees
    them), if that leaves ``minimum`` to ``maximum`` characters; otherwise a 422 naming ``field``."""
    kept = stripped(value)
    if not minimum <= len(kept) <= maximum:
        raise ValidationFailed.field(field, message, code=code)
    return kept


def blank_answers(answers: dict[str, Any], required: Collection[str], prefix: str) -> list[dict[str, str]]:
    """A problem (``prefix.<name>``) per text answer that is blank: a blank answer is none,
    so a required field is missing and an optional one should have been left out."""
    return [
        {
            "field": f"{prefix}.{name}",
            "message": "is required (a blank answer is none)"
            if name in required
            else "must not be blank: leave it out instead",
        }
        for name, value in answers.items()
        if isinstance(value, str) and not stripped(value)
    ]


class Text(Struct, kw_only=True):
    """A text in Spanish and English."""

    es: str
    en: str
