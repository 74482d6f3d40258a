"""Each authority's calendar: the non-working days an agency or a jurisdiction publishes,
with their legal reference, on top of the federal ones.

An agency's supervisors (or a national ``admin``) publish the days their gazette declared
non-working for the agency; a state's or a municipality's publishers (``admin-<code>``, or
a national ``admin``) publish those declared for every agency of that jurisdiction.  The
clocks of an agency's reviews skip its own days and its jurisdiction's
(``jurisdictions.calendars_of``; ``chalicelib.reviews.service``) and, published while clocks
run, they move the deadlines of its open reviews from that moment on, each with a
``deadline.moved`` event.  An authority that publishes nothing follows the federal
calendar.  Days are only ever added: removing one would shorten clocks the workflow
already waits on.
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
from chalicelib.procedures import jurisdictions
from chalicelib.procedures.catalogue import Catalogue
from chalicelib.reviews.service import Reviews
from chalicelib.store.repositories import Repositories

FEDERAL = "federal"
AGENCY = "agency"
JURISDICTION = "jurisdiction"
YEARS_AHEAD = 2
AGENCY_CODE = r"[A-Z][A-Z0-9]{1,15}"


class Day(Struct, frozen=True, kw_only=True):
    date: str
    kind: str  # FEDERAL, AGENCY or JURISDICTION
    reference: dict[str, str]
    name: dict[str, str] | None = None
    gazette_url: str | None = None
    published_at: str | None = None


class Calendar(Struct, frozen=True, kw_only=True):
    agency: str | None  # None: a jurisdiction's calendar
    jurisdiction: str | None  # the agency's jurisdiction's code; None: federal
    year: int
    days: list[Day]


class Published(Struct, frozen=True, kw_only=True):
    agency: str | None
    jurisdiction: str | None
    added: list[str]
    already_published: list[str]
    moved: list[str]  # applications whose deadline moved


class Calendars(Struct, frozen=True):
    store: Repositories
    reviews: Reviews
    catalogue: Catalogue

    def year(self, agency: str, query: CalendarQuery) -> Calendar:
        """The federal non-working days of the year, the agency's own and its jurisdiction's,
        each with its reference."""
        _check_code(agency)
        jurisdiction = self.catalogue.jurisdiction_of(agency)
        owners = (agency, jurisdiction) if jurisdiction else (agency,)
        return self._year(owners, query, agency=agency, jurisdiction=jurisdiction)

    def jurisdiction_year(self, jurisdiction: str, query: CalendarQuery) -> Calendar:
        """The federal non-working days of the year and the jurisdiction's own."""
        _check_jurisdiction(jurisdiction)
        return self._year((jurisdiction,), query, agency=None, jurisdiction=jurisdiction)

    def publish(self, principal: Principal, agency: str, request: NonWorkingDays) -> Published:
        """Publish the agency's days (those already published keep their first reference)
        and move the deadlines of its open reviews they fall within."""
        _check_code(agency)
        if not principal.is_admin and agency not in principal.supervisor_of:
            raise Forbidden(
                f"only the supervisors of {agency} (or a national admin) publish its non-working days",
                code="other_agency",
            )
        added, already = self._add(principal, agency, request)
        moved = self.reviews.move_deadlines(agency, principal.describe(), _publication(request))
        return Published(agency=agency, jurisdiction=None, added=added, already_published=already, moved=moved)

    def publish_for_jurisdiction(self, principal: Principal, jurisdiction: str, request: NonWorkingDays) -> Published:
        """Publish a state's or a municipality's days and move the deadlines of the open
        reviews of every agency that answers to it."""
        _check_jurisdiction(jurisdiction)
        if not principal.is_admin and jurisdiction not in principal.publisher_for:
            raise jurisdictions.OutsideJurisdiction(
                f"only the publishers of jurisdiction {jurisdiction} (or a national admin) publish its non-working "
                f"days; you publish for {', '.join(sorted(principal.publisher_for)) or 'none'}"
            )
        added, already = self._add(principal, jurisdiction, request)
        actor, publication = principal.describe(), _publication(request)
        moved: list[str] = []
        for agency in sorted(self.catalogue.agencies_of(jurisdiction)):
            moved += self.reviews.move_deadlines(agency, actor, publication)
        return Published(agency=None, jurisdiction=jurisdiction, added=added, already_published=already, moved=moved)

    def _year(
        self, owners: tuple[str, ...], query: CalendarQuery, *, agency: str | None, jurisdiction: str | None
    ) -> Calendar:
        year = query.year if isinstance(query.year, int) else legal_date(utcnow()).year
        days = [
            Day(date=day.isoformat(), kind=FEDERAL, reference=FEDERAL_REFERENCE, name={"es": es, "en": en})
            for day, (es, en) in federal_holiday_names(year).items()
        ]
        for item in self.store.calendars.between(owners, date(year, 1, 1), date(year, 12, 31)):
            days.append(
                Day(
                    date=item.day,
                    kind=AGENCY if item.agency == agency else JURISDICTION,
                    reference=dict(item.reference),
                    gazette_url=item.gazette_url,
                    published_at=item.published_at,
                )
            )
        return Calendar(
            agency=agency,
            jurisdiction=jurisdiction,
            year=year,
            days=sorted(days, key=lambda day: (day.date, day.kind)),
        )

    def _add(self, principal: Principal, owner: str, request: NonWorkingDays) -> tuple[list[str], list[str]]:
        """Store the days from today on (at most two years ahead); returns (added, already published)."""
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
        publication = _publication(request)
        reference, url = publication["reference"], publication.get("gazette_url")
        now = iso(utcnow())
        added: list[str] = []
        already: list[str] = []
        for day in dates:
            item = self.store.calendars.new(owner, day, reference, url, now, principal.username)
            (added if self.store.calendars.add(item) else already).append(day.isoformat())
        # the deadlines move even when every day was already there: a publication
        # interrupted before its deadlines moved is finished by sending it again
        return added, already


def _publication(request: NonWorkingDays) -> dict[str, Any]:
    url = request.gazette_url if isinstance(request.gazette_url, str) else None
    reference = {"es": request.reference.es, "en": request.reference.en}
    return {"reference": reference, **({"gazette_url": url} if url else {})}


def _check_jurisdiction(jurisdiction: str) -> None:
    if not (
        re.fullmatch(jurisdictions.STATE_CODE, jurisdiction)
        or re.fullmatch(jurisdictions.MUNICIPALITY_CODE, jurisdiction)
    ):
        raise ValidationFailed.field(
            "jurisdiction",
            "must be a state's INEGI code (two digits, 01 to 32) or a municipality's (five, its state's two first)",
            code="invalid_jurisdiction",
        )


def _check_code(agency: str) -> None:
    if not re.fullmatch(AGENCY_CODE, agency):
        raise ValidationFailed.field("agency", "must be an agency code such as SEMOVI", code="invalid_agency")
