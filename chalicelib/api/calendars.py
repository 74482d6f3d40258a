"""Each authority's calendar: an agency's non-working days, published by its supervisors,
and a state's or a municipality's, published by its publishers; read by anyone."""

from __future__ import annotations

from chalice import Response

from chalicelib.api import problems
from chalicelib.api.errors import field_error_body
from chalicelib.api.http import principal_of
from chalicelib.api.params import AGENCY, path
from chalicelib.api.policy import EVERYONE, PUBLISHERS
from chalicelib.api.procedures import OUTSIDE_JURISDICTION
from chalicelib.api.routes import Answer, ApiBlueprint, answer, documented, public_cache
from chalicelib.api.views import calendars as views
from chalicelib.identity.principal import ADMIN, SUPERVISOR
from chalicelib.legal.requests import CalendarQuery, NonWorkingDays
from chalicelib.wiring import container

calendars = ApiBlueprint(__name__, tag="agencies")
AGENCY_PUBLISHERS = frozenset({SUPERVISOR, ADMIN})
PUBLIC_CACHE = public_cache(300)
JURISDICTION = path(
    "jurisdiction",
    "A state's INEGI code (two digits, e.g. `20`) or a municipality's (five, e.g. `20067`).",
    "20",
    pattern="^[0-9]{2}([0-9]{3})?$",
)
HOLY_WEEK = {
    "days": ["2027-03-22", "2027-03-23", "2027-03-24", "2027-03-25", "2027-03-26"],
    "reference": {
        "es": "Acuerdo por el que se declaran inhábiles los días de Semana Santa, Gaceta Oficial, 15/03/2027",
        "en": "Decree declaring Holy Week non-working, Official Gazette, 15 March 2027",
    },
    "gazette_url": "https://gaceta.example.gob.mx/2027/03/15/acuerdo-dias-inhabiles",
}
DAYS_REFUSED = (
    "A day is not a date, lies before today or more than two years ahead, the list is empty or too long, the "
    "reference is missing in a language, or the gazette's address is not https (each names its field)."
)
DAYS_CODES = ("invalid_days", "invalid_date", "day_in_the_past", "day_too_far", "reference_required", "invalid_url")
DAYS_EXAMPLE = field_error_body("invalid_date", "days[2]", "must be a date, YYYY-MM-DD")
INVALID_YEAR = field_error_body("invalid_year", "year", "must be a year from 2000 to 2100")


@calendars.operation(
    "POST",
    "/agencies/{agency}/non-working-days",
    operation_id="publishNonWorkingDays",
    summary="Publish days the agency's gazette declared non-working (its supervisors, or a national admin)",
    description=(
        "Days from today on, each with the legal reference (Spanish and English) and, if given, the gazette's "
        "address. The legal clocks of the agency's reviews skip them from now on: the deadline of each open review "
        "they fall within moves later, with a `deadline.moved` event in its application's audit (old and new "
        "deadline, the reference), and the workflow's timer waits for the new deadline. Days are only added: a day "
        "already published keeps its first reference (sending the same publication again moves nothing more)."
    ),
    roles=AGENCY_PUBLISHERS,
    note="supervisors of that agency; `admin` for any agency",
    params=AGENCY,
    body=NonWorkingDays,
    body_example=HOLY_WEEK,
    answers=Answer(201, "The days were published.", views.PublishedDays),
    problems=(
        problems.other_agency(
            "Not a supervisor of this agency (nor a national admin).",
            "only the supervisors of SEMOVI (or a national admin) publish its non-working days",
        ),
        problems.invalid(DAYS_REFUSED, DAYS_CODES, DAYS_EXAMPLE),
        problems.CONFLICT,
    ),
)
def publish_non_working_days(agency: str, body: NonWorkingDays) -> Response:
    result = container().calendars.publish(principal_of(calendars.current_request), agency, body)
    return answer(views.published(result), status=201)


@calendars.operation(
    "GET",
    "/agencies/{agency}/calendar",
    operation_id="getAgencyCalendar",
    summary="An agency's non-working days of a year: the federal ones, its own and its jurisdiction's",
    description=(
        "Public. Each day with its legal reference. The agency's jurisdiction (the state or municipality it "
        "answers to) is the one its procedures in effect name. Saturdays and Sundays are never business days and "
        "are not listed. An agency that (with its jurisdiction) published nothing follows the federal calendar "
        "alone."
    ),
    roles=EVERYONE,
    note="public",
    params=AGENCY,
    query=CalendarQuery,
    answers=Answer(200, "The calendar.", views.AgencyCalendar, headers=documented(PUBLIC_CACHE)),
    problems=(
        problems.invalid(
            "`year` is not a year from 2000 to 2100, or the agency code is malformed.",
            ("invalid_year", "invalid_agency"),
            INVALID_YEAR,
        ),
    ),
)
def agency_calendar(agency: str, query: CalendarQuery) -> Response:
    return answer(views.calendar(container().calendars.year(agency, query)), headers=PUBLIC_CACHE)


@calendars.operation(
    "POST",
    "/jurisdictions/{jurisdiction}/non-working-days",
    operation_id="publishJurisdictionNonWorkingDays",
    summary="Publish days a state's or a municipality's gazette declared non-working for all its agencies",
    description=(
        "As an agency's publication, for every agency that answers to the jurisdiction (as the procedures in effect "
        "say): their reviews' legal clocks skip the days from now on, and the deadline of each open review they "
        "fall within moves later with a `deadline.moved` audit event. A state's days do not apply to its "
        "municipalities' agencies (municipalities publish their own). By the jurisdiction's publishers (group "
        "`admin-<jurisdiction>`) or a national admin."
    ),
    roles=PUBLISHERS,
    note="`admin-<jurisdiction>` for its own jurisdiction (object-level); `admin` for any",
    params=JURISDICTION,
    body=NonWorkingDays,
    body_example=HOLY_WEEK,
    answers=Answer(201, "The days were published.", views.PublishedDays),
    problems=(
        OUTSIDE_JURISDICTION,
        problems.invalid(
            f"{DAYS_REFUSED} Or the jurisdiction is not a state's or a municipality's INEGI code.",
            (*DAYS_CODES, "invalid_jurisdiction"),
            DAYS_EXAMPLE,
        ),
        problems.CONFLICT,
    ),
)
def publish_jurisdiction_non_working_days(jurisdiction: str, body: NonWorkingDays) -> Response:
    principal = principal_of(calendars.current_request)
    result = container().calendars.publish_for_jurisdiction(principal, jurisdiction, body)
    return answer(views.published(result), status=201)


@calendars.operation(
    "GET",
    "/jurisdictions/{jurisdiction}/calendar",
    operation_id="getJurisdictionCalendar",
    summary="A state's or a municipality's non-working days of a year: the federal ones and its own",
    description="Public. Each day with its legal reference; Saturdays and Sundays are not listed.",
    roles=EVERYONE,
    note="public",
    params=JURISDICTION,
    query=CalendarQuery,
    answers=Answer(200, "The calendar.", views.JurisdictionCalendar, headers=documented(PUBLIC_CACHE)),
    problems=(
        problems.invalid(
            "`year` is not a year from 2000 to 2100, or the jurisdiction is not an INEGI code.",
            ("invalid_year", "invalid_jurisdiction"),
            INVALID_YEAR,
        ),
    ),
)
def jurisdiction_calendar(jurisdiction: str, query: CalendarQuery) -> Response:
    found = container().calendars.jurisdiction_year(jurisdiction, query)
    return answer(views.jurisdiction_calendar(found), headers=PUBLIC_CACHE)
