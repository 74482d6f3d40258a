"""Each authority's calendar: the non-working days an agency publishes, with their legal
reference, on top of the federal ones.

An agency's supervisors (or a national ``admin``) publish the days their gazette declared
non-working; the clocks of the agency's reviews skip them (``chalicelib.reviews.service``)
and, published while clocks run, they move the deadlines of its open reviews from that
moment on, each with a ``deadline.moved`` event.  An agency that publishes nothing
follows the federal calendar.  Days are only ever added: removing one would shorten
clocks the workflow already waits on.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from msgspec import Struct

from chalicelib.core.clock import iso, utcnow
from chalicelib.core.errors import Forbidden, ValidationFailed
from chalicelib.identity.principal import Principal
from chalicelib.legal.calendar import FEDERAL_REFERENCE, federal_holiday_names, legal_date
from chalicelib.legal.requests import CalendarQuery, NonWorkingDays
from chalicelib.reviews.service import Reviews
from chalicelib.store.repositories import Repositories

FEDERAL = "federal"
AGENCY = "agency"
YEARS_AHEAD = 2
AGENCY_CODE = r"[A-Z][A-Z0-9]{1,15}"


class Day(Struct, frozen=True, kw_only=True):
    date: str
    kind: str  # FEDERAL or AGENCY
    reference: dict[str, str]
    name: dict[str, str] | None = None
    gazette_url: str | None = None
    published_at: str | None = None


class Calendar(Struct, frozen=True, kw_only=True):
    agency: str
    year: int
    days: list[Day]


class Published(Struct, frozen=True, kw_only=True):
    agency: str
    added: list[str]
    already_published: list[str]
    moved: list[str]  # applications whose deadline moved


class Calendars(Struct, frozen=True):
    store: Repositories
    reviews: Reviews

    def year(self, agency: str, query: CalendarQuery) -> Calendar:
        """The federal non-working days of the year and the agency's own, each with its reference."""
        _check_code(agency)
        year = query.year if isinstance(query.year, int) else legal_date(utcnow()).year
        days = [
            Day(date=day.isoformat(), kind=FEDERAL, reference=FEDERAL_REFERENCE, name={"es": es, "en": en})
            for day, (es, en) in federal_holiday_names(year).items()
        ]
        for item in self.store.calendars.between(agency, date(year, 1, 1), date(year, 12, 31)):
            days.append(
                Day(
                    date=item.day,
                    kind=AGENCY,
                    reference=dict(item.reference),
                    gazette_url=item.gazette_url,
                    published_at=item.published_at,
                )
            )
        return Calendar(agency=agency, year=year, days=sorted(days, key=lambda day: (day.date, day.kind)))

    def publish(self, principal: Principal, agency: str, request: NonWorkingDays) -> Published:
        """Publish the days (those already published keep their first reference) and move
        the deadlines of the agency's open reviews they fall within."""
        _check_code(agency)
        if not principal.is_admin and agency not in principal.supervisor_of:
            raise Forbidden(
                f"only the supervisors of {agency} (or a national admin) publish its non-working days",
                code="other_agency",
            )
        today = legal_date(utcnow())
        dates = request.dates
        past = [day for day in dates if day < today]
        if past:
            raise ValidationFailed.field(
                "days",
                f"{past[0].isoformat()} is before today ({today.isoformat()}): only days from today on can be declared",
                code="day_in_the_past",
            )
        last = date(today.year + YEARS_AHEAD, 12, 31)
        far = [day for day in dates if day > last]
        if far:
            raise ValidationFailed.field(
                "days",
                f"{far[0].isoformat()} is after {last.isoformat()}: publish it nearer the time",
                code="day_too_far",
            )
        reference = {"es": request.reference.es, "en": request.reference.en}
        url = request.gazette_url if isinstance(request.gazette_url, str) else None
        now = iso(utcnow())
        added: list[str] = []
        already: list[str] = []
        for day in dates:
            item = self.store.calendars.new(agency, day, reference, url, now, principal.username)
            (added if self.store.calendars.add(item) else already).append(day.isoformat())
        publication: dict[str, Any] = {"reference": reference, **({"gazette_url": url} if url else {})}
        # run even when every day was already there: a publication interrupted before its
        # deadlines moved is finished by sending it again
        moved = self.reviews.move_deadlines(agency, principal.describe(), publication)
        return Published(agency=agency, added=added, already_published=already, moved=moved)


def _check_code(agency: str) -> None:
    if not re.fullmatch(AGENCY_CODE, agency):
        raise ValidationFailed.field("agency", "must be an agency code such as SEMOVI", code="invalid_agency")
