"""Each authority's calendar: an agency's non-working days, published by its supervisors
and read by anyone."""

from __future__ import annotations

from chalice import Response

from chalicelib.api import problems
from chalicelib.api.errors import field_error_body
from chalicelib.api.http import principal_of
from chalicelib.api.params import AGENCY
from chalicelib.api.policy import EVERYONE
from chalicelib.api.routes import Answer, ApiBlueprint, answer, documented, public_cache
from chalicelib.api.views import calendars as views
from chalicelib.identity.principal import ADMIN, SUPERVISOR
from chalicelib.legal.requests import CalendarQuery, NonWorkingDays
from chalicelib.wiring import container

calendars = ApiBlueprint(__name__, tag="agencies")
PUBLISHERS = frozenset({SUPERVISOR, ADMIN})
PUBLIC_CACHE = public_cache(300)


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
    roles=PUBLISHERS,
    note="supervisors of that agency; `admin` for any agency",
    params=AGENCY,
    body=NonWorkingDays,
    body_example={
        "days": ["2027-03-22", "2027-03-23", "2027-03-24", "2027-03-25", "2027-03-26"],
        "reference": {
            "es": "Acuerdo por el que se declaran inhábiles los días de Semana Santa, Gaceta Oficial, 15/03/2027",
            "en": "Decree declaring Holy Week non-working, Official Gazette, 15 March 2027",
        },
        "gazette_url": "https://gaceta.example.gob.mx/2027/03/15/acuerdo-dias-inhabiles",
    },
    answers=Answer(201, "The days were published.", views.PublishedDays),
    problems=(
        problems.other_agency(
            "Not a supervisor of this agency (nor a national admin).",
            "only the supervisors of SEMOVI (or a national admin) publish its non-working days",
        ),
        problems.invalid(
            "A day is not a date, lies before today or more than two years ahead, the list is empty or too long, the "
            "reference is missing in a language, or the gazette's address is not https (each names its field).",
            ("invalid_days", "invalid_date", "day_in_the_past", "day_too_far", "reference_required", "invalid_url"),
            field_error_body("invalid_date", "days[2]", "must be a date, YYYY-MM-DD"),
        ),
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
    summary="An agency's non-working days of a year: the federal ones and its own, each with its reference",
    description=(
        "Public. Saturdays and Sundays are never business days and are not listed. An agency that published "
        "nothing follows the federal calendar alone."
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
            field_error_body("invalid_year", "year", "must be a year from 2000 to 2100"),
        ),
    ),
)
def agency_calendar(agency: str, query: CalendarQuery) -> Response:
    return answer(views.calendar(container().calendars.year(agency, query)), headers=PUBLIC_CACHE)
