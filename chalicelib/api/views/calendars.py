"""An agency's calendar and a publication of non-working days, as the API shows them."""

from __future__ import annotations

from typing import Annotated

from msgspec import Meta

from chalicelib.api.views.common import choices, shown
from chalicelib.core.fields import AgencyCode, Struct
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
            description="`federal`: the law's own days (every agency); `agency`: published by this agency.",
        ),
    ]
    reference: Annotated[Bilingual, Meta(description="The legal reference that makes the day non-working.")]
    name: Annotated[Bilingual | None, Meta(description="The federal day's name; null for an agency's day.")] = None
    gazette_url: Annotated[
        str | None,
        Meta(description="Where the gazette published it; null if not given.", extra_json_schema={"format": "uri"}),
    ] = None
    published_at: Annotated[
        str | None,
        Meta(
            description="When the agency published it (UTC); null for federal days.",
            extra_json_schema={"format": "date-time"},
        ),
    ] = None


class AgencyCalendar(Struct, kw_only=True):
    """Every non-working day of the year for the agency's legal clocks: the federal days and the agency's own
    (besides Saturdays and Sundays)."""

    agency: AgencyCode
    year: int
    days: list[NonWorkingDay]


class PublishedDays(Struct, kw_only=True):
    agency: AgencyCode
    added: Annotated[list[Date], Meta(description="Days published now.")]
    already_published: Annotated[
        list[Date], Meta(description="Days the agency had already published (their first reference stays).")
    ]
    moved: Annotated[
        list[str],
        Meta(description="Applications whose review deadline moved (each has a `deadline.moved` audit event)."),
    ]


def calendar(found: calendars.Calendar) -> AgencyCalendar:
    return shown(AgencyCalendar, found)


def published(result: calendars.Published) -> PublishedDays:
    return shown(PublishedDays, result)
