"""An agency's or a jurisdiction's calendar and a publication of non-working days, as the
API shows them."""

from __future__ import annotations

from typing import Annotated

from msgspec import Meta

from chalicelib.api.views.common import choices, shown
from chalicelib.core.fields import UNSET, AgencyCode, Struct, UnsetType
from chalicelib.legal import calendars

Date = Annotated[str, Meta(description="A legal date (America/Mexico_City).", extra_json_schema={"format": "date"})]


class Bilingual(Struct, kw_only=True):
    es: str
    en: str


class NonWorkingDay(Struct, kw_only=True):
    date: Date
    kind: Annotated[
        str,
        choices(
            calendars.FEDERAL,
            calendars.AGENCY,
            calendars.JURISDICTION,
            description=(
                "`federal`: the law's own days (every agency); `agency`: published by this agency; "
                "`jurisdiction`: published by the state or municipality the agency answers to."
            ),
        ),
    ]
    reference: Annotated[Bilingual, Meta(description="The legal reference that makes the day non-working.")]
    name: Annotated[Bilingual | None, Meta(description="The federal day's name; null for a published day.")] = None
    gazette_url: Annotated[
        str | None,
        Meta(description="Where the gazette published it; null if not given.", extra_json_schema={"format": "uri"}),
    ] = None
    published_at: Annotated[
        str | None,
        Meta(
            description="When the agency or jurisdiction published it (UTC); null for federal days.",
            extra_json_schema={"format": "date-time"},
        ),
    ] = None


JurisdictionCode = Annotated[
    str,
    Meta(
        description="A state's INEGI code (two digits) or a municipality's (five, its state's two first).",
        pattern="^[0-9]{2}([0-9]{3})?$",
        examples=["20067"],
    ),
]


class AgencyCalendar(Struct, kw_only=True):
    """Every non-working day of the year for the agency's legal clocks: the federal days, the agency's own and its
    jurisdiction's (besides Saturdays and Sundays)."""

    agency: AgencyCode
    jurisdiction: Annotated[
        JurisdictionCode | None,
        Meta(description="The state or municipality the agency answers to, as its procedures say; null: federal."),
    ]
    year: int
    days: list[NonWorkingDay]


class JurisdictionCalendar(Struct, kw_only=True):
    """The federal non-working days of the year and those the state or municipality published for its agencies."""

    jurisdiction: JurisdictionCode
    year: int
    days: list[NonWorkingDay]


class PublishedDays(Struct, kw_only=True, omit_defaults=True):
    agency: AgencyCode | UnsetType = UNSET
    jurisdiction: JurisdictionCode | UnsetType = UNSET
    added: Annotated[list[Date], Meta(description="Days published now.")]
    already_published: Annotated[list[Date], Meta(description="Days already published (their first reference stays).")]
    moved: Annotated[
        list[str],
        Meta(description="Applications whose review deadline moved (each has a `deadline.moved` audit event)."),
    ]


def calendar(found: calendars.Calendar) -> AgencyCalendar:
    return shown(AgencyCalendar, found)


def jurisdiction_calendar(found: calendars.Calendar) -> JurisdictionCalendar:
    return shown(JurisdictionCalendar, found)


def published(result: calendars.Published) -> PublishedDays:
    return shown(PublishedDays, result, agency=result.agency or UNSET, jurisdiction=result.jurisdiction or UNSET)
