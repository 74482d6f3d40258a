"""CURP and RFC: format and check-digit validation, and the facts a CURP carries.

The CURP (Clave Única de Registro de Población, 18 characters) encodes the birth date,
sex and birth state, and ends with a check digit computed by RENAPO's published
algorithm (weights 18..2 over the first 17 characters, modulo 10).  The RFC (SAT's
taxpayer key) is 12 characters for companies and 13 for people, its last character a
modulo-11 check digit.
"""

from __future__ import annotations

import re
from datetime import date

from msgspec import Struct

from chalicelib.core.errors import ValidationFailed

STATES = {
    "AS": "Aguascalientes", "BC": "Baja California", "BS": "Baja California Sur",
    "CC": "Campeche", "CL": "Coahuila", "CM": "Colima", "CS": "Chiapas",
    "CH": "Chihuahua", "DF": "Ciudad de México", "DG": "Durango", "GT": "Guanajuato",
    "GR": "Guerrero", "HG": "Hidalgo", "JC": "Jalisco", "MC": "Estado de México",
    "MN": "Michoacán", "MS": "Morelos", "NT": "Nayarit", "NL": "Nuevo León",
    "OC": "Oaxaca", "PL": "Puebla", "QT": "Querétaro", "QR": "Quintana Roo",
    "SP": "San Luis Potosí", "SL": "Sinaloa", "SR": "Sonora", "TC": "Tabasco",
    "TS": "Tamaulipas", "TL": "Tlaxcala", "VZ": "Veracruz", "YN": "Yucatán",
    "ZS": "Zacatecas", "NE": "Nacido en el extranjero",
}  # fmt: skip

_CURP_RE = re.compile(
    r"^[A-Z][AEIOUX][A-Z]{2}"
    r"(?P<yy>\d{2})(?P<mm>0[1-9]|1[0-2])(?P<dd>0[1-9]|[12]\d|3[01])"
    r"(?P<sex>[HMX])(?P<state>[A-Z]{2})"
    r"[B-DF-HJ-NP-TV-Z]{3}(?P<century>[0-9A-Z])\d$",
    re.ASCII,
)
_CURP_ALPHABET = "0123456789ABCDEFGHIJKLMNÑOPQRSTUVWXYZ"
_RFC_RE = re.compile(
    r"^(?P<name>[A-ZÑ&]{3,4})(?P<yy>\d{2})(?P<mm>0[1-9]|1[0-2])(?P<dd>0[1-9]|[12]\d|3[01])[A-Z\d]{2}[A\d]$", re.ASCII
)
_RFC_ALPHABET = "0123456789ABCDEFGHIJKLMN&OPQRSTUVWXYZ Ñ"


class CurpFacts(Struct, frozen=True):
    curp: str
    birth_date: date
    sex: str
    birth_state: str

    def age_on(self, day: date) -> int:
        years = day.year - self.birth_date.year
        if (day.month, day.day) < (self.birth_date.month, self.birth_date.day):
            years -= 1
        return years

    @property
    def initials(self) -> str:
        """Initials as a checker sees them on a credential: first surname, second, name."""
        return f"{self.curp[0]}.{self.curp[2]}.{self.curp[3]}."


def curp_check_digit(first17: str) -> str:
    total = sum(_CURP_ALPHABET.index(char) * (18 - i) for i, char in enumerate(first17))
    return str((10 - total % 10) % 10)


def parse_curp(value: object, field: str = "curp") -> CurpFacts:
    """Validate a CURP (format, date, state, check digit) and return its facts."""
    if not isinstance(value, str):
        raise ValidationFailed.field(field, "must be a text of 18 characters", code="invalid_curp")
    curp = value.strip().upper()
    match = _CURP_RE.match(curp)
    if not match:
        raise ValidationFailed.field(
            field,
            (
                "is not a CURP (18 characters: 4 letters, 6 digits of the birth date, H/M, state, 3 consonants, 2 "
                "check characters)"
            ),
            code="invalid_curp",
        )
    if match["state"] not in STATES:
        raise ValidationFailed.field(field, f"has an unknown state code {match['state']!r}", code="invalid_curp")
    century = 1900 if match["century"].isdigit() else 2000
    try:
        born = date(century + int(match["yy"]), int(match["mm"]), int(match["dd"]))
    except ValueError:
        raise ValidationFailed.field(field, "has an impossible birth date", code="invalid_curp") from None
    if curp[17] != curp_check_digit(curp[:17]):
        raise ValidationFailed.field(field, "has a wrong check digit", code="invalid_curp")
    return CurpFacts(curp=curp, birth_date=born, sex=match["sex"], birth_state=match["state"])


def is_curp(value: object) -> bool:
    try:
        parse_curp(value)
    except ValidationFailed:
        return False
    return True


def is_company_rfc(value: object) -> bool:
    """A company's RFC (persona moral: 12 characters), the key of a business's record."""
    try:
        return len(parse_rfc(value)) == 12
    except ValidationFailed:
        return False


def rfc_check_digit(body: str) -> str:
    """Check digit of an RFC from its first 11 (company) or 12 (person) characters."""
    padded = body.rjust(12)
    total = sum(_RFC_ALPHABET.index(char) * (13 - i) for i, char in enumerate(padded))
    remainder = total % 11
    if remainder == 0:
        return "0"
    digit = 11 - remainder
    return "A" if digit == 10 else str(digit)


def parse_rfc(value: object, field: str = "rfc") -> str:
    """Validate an RFC (company: 12 characters, person: 13) and return it normalised."""
    if not isinstance(value, str):
        raise ValidationFailed.field(field, "must be a text of 12 or 13 characters", code="invalid_rfc")
    rfc = value.strip().upper()
    match = _RFC_RE.match(rfc)
    if not match or len(rfc) not in (12, 13):
        raise ValidationFailed.field(
            field, "is not an RFC (3 or 4 letters, 6 digits of a date, 3 characters of homoclave)", code="invalid_rfc"
        )
    try:
        date(2000 + int(match["yy"]), int(match["mm"]), int(match["dd"]))
    except ValueError:
        raise ValidationFailed.field(field, "has an impossible date", code="invalid_rfc") from None
    if rfc[-1] != rfc_check_digit(rfc[:-1]):
        raise ValidationFailed.field(field, "has a wrong check digit", code="invalid_rfc")
    return rfc
