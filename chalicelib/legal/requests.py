"""What an agency's publisher sends to publish non-working days, and the calendar's query."""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated

from msgspec import Meta

from chalicelib.core.errors import ValidationFailed
from chalicelib.core.fields import UNSET, Struct, UnsetType, trimmed, trimmed_text

MAX_DAYS = 60
MAX_REFERENCE = 500
MAX_URL = 500
FIRST_YEAR, LAST_YEAR = 2000, 2100
DAYS_RULE = f"is required: a list of 1 to {MAX_DAYS} dates, YYYY-MM-DD"
DATE_RULE = "must be a date, YYYY-MM-DD"
DATE_PATTERN = r"^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$"
REFERENCE_RULE = (
    f"is required: the legal reference in Spanish and English, "
    f'{{"es": ..., "en": ...}}, 3 to {MAX_REFERENCE} characters each'
)
URL_RULE = f"must be an https:// address of at most {MAX_URL} characters"
YEAR_RULE = f"must be a year from {FIRST_YEAR} to {LAST_YEAR}"


class Reference(Struct, kw_only=True):
    """The legal act that declares the days non-working, in both languages."""

    es: Annotated[
        str,
        Meta(
            description="In Spanish, e.g. the gazette's decree and its date.",
            examples=["Acuerdo por el que se declaran días inhábiles, Gaceta Oficial, 15 de marzo de 2027"],
            extra_json_schema=trimmed_text(3, MAX_REFERENCE),
            extra={"code": "reference_required", "message": REFERENCE_RULE},
        ),
    ]
    en: Annotated[
        str,
        Meta(
            description="In English.",
            examples=["Decree declaring non-working days, Official Gazette, 15 March 2027"],
            extra_json_schema=trimmed_text(3, MAX_REFERENCE),
            extra={"code": "reference_required", "message": REFERENCE_RULE},
        ),
    ]

    def __post_init__(self) -> None:
        for language in ("es", "en"):
            text = trimmed(
                getattr(self, language),
                3,
                MAX_REFERENCE,
                field=f"reference.{language}",
                message=REFERENCE_RULE,
                code="reference_required",
            )
            setattr(self, language, text)


class NonWorkingDays(Struct, kw_only=True):
    """Days an agency declared non-working in its official gazette."""

    days: Annotated[
        list[Annotated[str, Meta(extra_json_schema={"format": "date", "pattern": DATE_PATTERN})]],
        Meta(
            description=(
                f"1 to {MAX_DAYS} legal dates (America/Mexico_City), `YYYY-MM-DD`, from today on: a day already past "
                "would change the part of a clock that has run."
            ),
            examples=[["2027-03-22", "2027-03-23", "2027-03-24", "2027-03-25", "2027-03-26"]],
            extra_json_schema={"minItems": 1, "maxItems": MAX_DAYS},
            extra={"code": "invalid_days", "message": DAYS_RULE},
        ),
    ]
    reference: Annotated[
        Reference,
        Meta(
            description="The legal reference, shown beside each day.",
            extra={"code": "reference_required", "message": REFERENCE_RULE},
        ),
    ]
    gazette_url: Annotated[
        str | UnsetType | None,
        Meta(
            description="Where the gazette publishes it (https).",
            extra_json_schema={"format": "uri", "maxLength": MAX_URL, "pattern": r"^https://\S+$"},
            extra={"code": "invalid_url", "message": URL_RULE},
        ),
    ] = UNSET

    def __post_init__(self) -> None:
        if not 1 <= len(self.days) <= MAX_DAYS:
            raise ValidationFailed.field("days", DAYS_RULE, code="invalid_days")
        for index, text in enumerate(self.days):
            if not isinstance(text, str) or not _is_date(text):
                raise ValidationFailed.field(f"days[{index}]", DATE_RULE, code="invalid_date")
        url = self.gazette_url
        if isinstance(url, str) and (len(url) > MAX_URL or not re.fullmatch(r"https://\S+", url)):
            raise ValidationFailed.field("gazette_url", URL_RULE, code="invalid_url")

    @property
    def dates(self) -> list[date]:
        return sorted({date.fromisoformat(text) for text in self.days})


class CalendarQuery(Struct, kw_only=True):
    """The query string of an agency's calendar."""

    year: Annotated[
        Annotated[int, Meta(ge=FIRST_YEAR, le=LAST_YEAR)] | UnsetType,
        Meta(
            description="The year shown (the current legal year by default).",
            extra={"code": "invalid_year", "message": YEAR_RULE},
        ),
    ] = UNSET


def _is_date(text: str) -> bool:
    if len(text) != 10:
        return False
    try:
        date.fromisoformat(text)
    except ValueError:
        return False
    return True
