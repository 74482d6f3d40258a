"""Phone numbers as people type them, to E.164 (``+52`` and ten digits for Mexico).

Mexico has dialled ten-digit numbers since August 2019; the old prefixes people still
type (``044``/``045`` for mobiles, ``01`` for long distance, ``1`` after ``+52``) are
dropped.  A number without ``+`` or ``00`` is read as Mexican.  Numbers of other
countries are accepted only for the countries a deployment allows
(``SMS_ALLOWED_COUNTRIES``), and only with their international prefix.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from msgspec import Struct

from chalicelib.core.errors import ValidationFailed

MEXICO = "MX"

# ISO country -> (calling code, digits of a national number).  Only countries listed
# here can be allowed; add one with its numbering plan when a deployment needs it.
COUNTRIES: dict[str, tuple[str, tuple[int, ...]]] = {
    "MX": ("52", (10,)),
    "US": ("1", (10,)),
    "CA": ("1", (10,)),
    "GT": ("502", (8,)),
    "BZ": ("501", (7,)),
    "SV": ("503", (8,)),
    "HN": ("504", (8,)),
    "CO": ("57", (10,)),
    "ES": ("34", (9,)),
}
_SEPARATORS = re.compile(r"[\s\-.()/]+")
_LEGACY_MEXICAN_PREFIXES = ("044", "045", "01")
_EXAMPLE = "10 digits, such as 55 1234 5678 or +52 55 1234 5678"
REQUIRED = f"is required: a Mexican mobile number, {_EXAMPLE}"  # no number, or not a text


class PhoneRules(Struct, frozen=True):
    """Which countries' numbers a deployment accepts (Mexico always)."""

    allowed: frozenset[str] = frozenset({MEXICO})

    @classmethod
    def from_setting(cls, value: str) -> PhoneRules:
        codes = {code.strip().upper() for code in value.split(",") if code.strip()}
        unknown = codes - set(COUNTRIES)
        if unknown:
            raise ValueError(
                f"SMS_ALLOWED_COUNTRIES: no numbering plan for {', '.join(sorted(unknown))}; "
                f"known: {', '.join(sorted(COUNTRIES))}"
            )
        return cls(frozenset(codes | {MEXICO}))

    def normalise(self, value: object, field: str = "phone") -> str:
        return normalise(value, self.allowed, field)


def _invalid(field: str, message: str, code: str = "invalid_phone") -> ValidationFailed:
    return ValidationFailed.field(field, message, code=code)


def normalise(value: object, allowed: Iterable[str] = (MEXICO,), field: str = "phone") -> str:
    """The E.164 form of a phone number, or ValidationFailed saying what is wrong."""
    if not isinstance(value, str) or not value.strip():
        raise _invalid(field, REQUIRED)
    text = _SEPARATORS.sub("", value.strip())
    international = text.startswith(("+", "00"))
    digits = text[1:] if text.startswith("+") else text[2:] if text.startswith("00") else text
    if not digits.isascii() or not digits.isdigit():
        raise _invalid(field, f"may hold only digits, spaces, dashes, dots, brackets and a leading +; use {_EXAMPLE}")
    if not international:
        return "+52" + _mexican(digits, field)
    if digits.startswith("52"):
        return "+52" + _mexican(digits[2:], field, after_country_code=True)
    allowed_set = set(allowed)
    for country, (calling_code, lengths) in sorted(COUNTRIES.items(), key=lambda item: -len(item[1][0])):
        if country == MEXICO or not digits.startswith(calling_code):
            continue
        if country not in allowed_set:
            continue
        national = digits[len(calling_code) :]
        if len(national) in lengths and national[0] != "0":
            return f"+{calling_code}{national}"
        raise _invalid(
            field,
            f"is not a valid {country} number: after +{calling_code} it needs {' or '.join(map(str, lengths))} digits",
        )
    others = sorted(set(allowed_set) - {MEXICO})
    accepted = "Mexican numbers (+52)" + (f" and numbers of {', '.join(others)}" if others else "")
    raise _invalid(field, f"this service sends SMS only to {accepted}", code="phone_country_not_allowed")


def _mexican(digits: str, field: str, after_country_code: bool = False) -> str:
    if after_country_code and len(digits) == 11 and digits.startswith("1"):
        digits = digits[1:]  # +52 1 …: the mobile prefix dropped in 2019
    if not after_country_code:
        for prefix in _LEGACY_MEXICAN_PREFIXES:
            if len(digits) == 10 + len(prefix) and digits.startswith(prefix):
                digits = digits[len(prefix) :]
                break
        if len(digits) == 12 and digits.startswith("52"):
            digits = digits[2:]  # 52 and ten digits, without the +
        elif len(digits) == 13 and digits.startswith("521"):
            digits = digits[3:]  # 52 1 and ten digits, without the +
    if len(digits) != 10:
        raise _invalid(
            field, f"a Mexican number has 10 digits (area code and number); got {len(digits)}. Use {_EXAMPLE}"
        )
    if digits[0] == "0":
        raise _invalid(field, f"a Mexican number never starts with 0 after the prefixes; use {_EXAMPLE}")
    return digits


_E164 = re.compile(r"^\+[1-9][0-9]{6,14}$")


def any_e164(value: object, field: str = "phone") -> str:
    """Any country's number in E.164 (an SMS reply, an operator's lookup); Mexican forms
    normalised as ``normalise`` does.  Not for numbers we are asked to text."""
    text = _SEPARATORS.sub("", value.strip()) if isinstance(value, str) else ""
    text = "+" + text[2:] if text.startswith("00") else text
    if not text.startswith("+") or text.startswith("+52"):
        return normalise(value, field=field)
    if not _E164.match(text):
        raise _invalid(field, "must be an E.164 number: + country code and number")
    return text


def mask(phone: str) -> str:
    """A phone number as shown back to people: country, area and last two digits."""
    if phone.startswith("+52") and len(phone) == 13:
        return f"+52 {phone[3:5]} **** **{phone[-2:]}"
    return phone[:3] + "*" * max(0, len(phone) - 5) + phone[-2:]
