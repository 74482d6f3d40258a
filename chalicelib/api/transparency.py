"""Transparency routes: open data (JSON and CSV, public) and citizens' ratings."""

from __future__ import annotations

from chalice.app import Response

from chalicelib.api import problems
from chalicelib.api.errors import error_body, field_error_body
from chalicelib.api.http import principal_of
from chalicelib.api.paging import Paging, next_cursor, page_of
from chalicelib.api.params import AGENCY, APPLICATION_ID
from chalicelib.api.policy import AGENCY as OFFICIALS
from chalicelib.api.policy import CITIZENS, EVERYONE
from chalicelib.api.routes import Answer, ApiBlueprint, Problem, answer, documented, public_cache
from chalicelib.api.views import transparency as views
from chalicelib.stats.requests import (
    DEFAULT_DAYS,
    CentresQuery,
    LowOnly,
    RatingDays,
    RatingRequest,
    StatisticsQuery,
    WindowQuery,
)
from chalicelib.wiring import container


class RatingsQuery(Paging, kw_only=True):
    """Which of an agency's ratings to list, and the page."""

    days: RatingDays = DEFAULT_DAYS
    low: LowOnly = False


transparency = ApiBlueprint(__name__, tag="transparency")
PUBLIC_CACHE = public_cache(300)
BAD_WINDOW = Problem(
    422,
    "A month is not `YYYY-MM`, `from` is after `to`, the window is over 36 months, or the procedure code is malformed.",
    ("invalid_month", "invalid_window", "invalid_procedure"),
    field_error_body("invalid_month", "to", "must be a month as YYYY-MM, from 2000-01"),
)


def _csv_answer(description: str, filename: str, example: str | None = None) -> Answer:
    return Answer(
        200,
        description,
        str,
        media_type="text/csv",
        example=example,
        headers={**documented(PUBLIC_CACHE), "Content-Disposition": f'`attachment; filename="{filename}"`'},
    )


@transparency.operation(
    "GET",
    "/stats/procedures",
    operation_id="getProcedureStatistics",
    summary="Open data: statistics of every procedure and agency (JSON)",
    description=(
        "Open data, no sign-in: per procedure and per agency, per month and over the window. No personal data: no "
        "CURP, name, phone or application id is stored in the statistics. Counts from 1 to 4 are withheld (`null`), "
        "and so are figures derived from fewer than 5 applications; each row lists what it withholds in "
        "`suppressed`. Kept up to date as applications move (the platform counts each audit event once); one "
        "DynamoDB Query reads every month asked for."
    ),
    roles=EVERYONE,
    note="open data (JSON); no personal data, small counts withheld",
    query=StatisticsQuery,
    answers=Answer(200, "The statistics.", views.OpenStatistics, headers=documented(PUBLIC_CACHE)),
    problems=(BAD_WINDOW,),
)
def procedure_statistics(query: StatisticsQuery) -> Response:
    return answer(views.statistics(container().open_data.report(query)), headers=PUBLIC_CACHE)


@transparency.operation(
    "GET",
    "/stats/procedures.csv",
    operation_id="getProcedureStatisticsCsv",
    summary="Open data: statistics of every procedure, per month and for the window (CSV)",
    description=(
        "The figures of `GET /stats/procedures` as RFC 4180 CSV (UTF-8, a header line, a withheld figure is an "
        "empty cell). Columns: procedure, agency, month (`total` for the window), the counts and derived figures of "
        "`ProcedureFigures`, `step_days` as `step=days; ...`, and `suppressed` (space-separated)."
    ),
    roles=EVERYONE,
    note="open data (CSV)",
    query=StatisticsQuery,
    answers=_csv_answer(
        "One line per procedure and month, and one `total` line per procedure.",
        "ventanilla-tramites-<from>_<to>.csv",
        "procedure,agency,month,started,submitted,...\r\nlicencia-conducir,SEMOVI,2026-11,12,9,...\r\n",
    ),
    problems=(BAD_WINDOW,),
)
def procedure_statistics_csv(query: StatisticsQuery) -> Response:
    return _csv(*container().open_data.procedures_csv(query))


@transparency.operation(
    "GET",
    "/stats/agencies.csv",
    operation_id="getAgencyStatisticsCsv",
    summary="Open data: statistics of every agency, per month and for the window (CSV)",
    description=(
        "The `agencies` of `GET /stats/procedures` as RFC 4180 CSV: agency, month (`total` for the window), the "
        "figures of `AgencyFigures`, and `suppressed`."
    ),
    roles=EVERYONE,
    note="open data (CSV); no personal data, small counts withheld",
    query=StatisticsQuery,
    answers=_csv_answer(
        "One line per agency and month, and one `total` line per agency.", "ventanilla-dependencias-<from>_<to>.csv"
    ),
    problems=(BAD_WINDOW,),
)
def agency_statistics_csv(query: StatisticsQuery) -> Response:
    return _csv(*container().open_data.agencies_csv(query))


@transparency.operation(
    "GET",
    "/stats/centres.csv",
    operation_id="getCentreStatisticsCsv",
    summary="Open data: applications filed with assistance, per procedure, community centre and month (CSV)",
    description=(
        "The `centres` of each procedure in `GET /stats/procedures` as RFC 4180 CSV (UTF-8, a header line even "
        "without data, a withheld figure is an empty cell). Columns: procedure, month (`total` for the window), "
        "centre (its code), submitted, share (of all the procedure's submitted). Only centre codes: no assistant or "
        "citizen."
    ),
    roles=EVERYONE,
    note="open data (CSV): filed with assistance, per community centre",
    query=CentresQuery,
    answers=_csv_answer(
        "One line per procedure, month and centre that filed any, and one `total` line per procedure and centre.",
        "ventanilla-centros-<from>_<to>.csv",
        "procedure,month,centre,submitted,share\r\nlicencia-conducir,2026-11,CDC-OAXACA,12,0.08\r\n"
        "licencia-conducir,2026-11,CDC-MITLA,,\r\n",
    ),
    problems=(BAD_WINDOW,),
)
def centre_statistics_csv(query: CentresQuery) -> Response:
    return _csv(*container().open_data.centres_csv(query))


@transparency.operation(
    "GET",
    "/stats/channels",
    operation_id="getChannelStatistics",
    summary="Open data: applications started and status queries answered, by channel (JSON)",
    description=(
        "Open data, no sign-in, all procedures together, per month and over the window. Applications by the channel "
        "that started them: `web` (the citizen), `centre` (a community centre's assistant), `phone` (a call-centre "
        "agent), `sms` (always 0: no application is started by SMS). Status queries answered: `sms` (`ESTADO`) and "
        "`phone` (the voice line); web page views are not counted. Counts from 1 to 4 are withheld (`null`), and so "
        "is the smallest other cell where one withheld cell could be recovered from a total."
    ),
    roles=EVERYONE,
    note="open data by channel (JSON); small counts withheld",
    query=WindowQuery,
    answers=Answer(200, "The figures by channel.", views.ChannelStatistics, headers=documented(PUBLIC_CACHE)),
    problems=(BAD_WINDOW,),
)
def channel_statistics(query: WindowQuery) -> Response:
    return answer(views.channels(container().open_data.channels(query)), headers=PUBLIC_CACHE)


@transparency.operation(
    "GET",
    "/stats/channels.csv",
    operation_id="getChannelStatisticsCsv",
    summary="Open data: applications and status queries by channel, per month and for the window (CSV)",
    description=(
        "The figures of `GET /stats/channels` as RFC 4180 CSV (UTF-8, a header line, a withheld count is an empty "
        "cell). Columns: figure (`applications` or `status_queries`), month (`total` for the window), channel, count."
    ),
    roles=EVERYONE,
    note="open data by channel (CSV)",
    query=WindowQuery,
    answers=_csv_answer(
        "One line per figure, month and channel, and the `total` lines.",
        "ventanilla-canales-<from>_<to>.csv",
        "figure,month,channel,count\r\napplications,2026-11,web,120\r\napplications,2026-11,phone,\r\n",
    ),
    problems=(BAD_WINDOW,),
)
def channel_statistics_csv(query: WindowQuery) -> Response:
    return _csv(*container().open_data.channels_csv(query))


@transparency.operation(
    "POST",
    "/applications/{id}/rating",
    operation_id="rateApplication",
    summary="Rate an application that ended: 1 to 5 and an optional comment, once (its owner)",
    description=(
        "Only after a final status (issued, rejected or withdrawn), once per application. Recorded as the audit "
        "event `rating.submitted`, shown to the agency's officials (with the comment) and counted in the open data "
        "(never the comment). A score of 1 or 2 is flagged to the agency."
    ),
    roles=CITIZENS,
    note="owner; once, after a final status",
    params=APPLICATION_ID,
    body=RatingRequest,
    body_example={"score": 4, "comment": "Rápido y claro."},
    answers=Answer(
        201,
        "The rating was recorded.",
        views.Rating,
        example={
            "application_id": "8Q9FQ5PXS4",
            "score": 4,
            "comment": "Rápido y claro.",
            "rated_at": "2026-11-28T02:32:24.125Z",
            "low": False,
        },
    ),
    problems=(
        problems.APPLICATION_NOT_FOUND,
        Problem(
            409,
            "The application has not ended, or it was already rated, or it kept changing while the rating was "
            "recorded (send it again).",
            ("not_final", "already_rated", "concurrent_change"),
            error_body("already_rated", "this application was already rated; a rating cannot change"),
        ),
        problems.invalid(
            "The body is not JSON, `score` is not a whole number from 1 to 5, or `comment` is not text of at most "
            "500 characters (once trimmed).",
            ("invalid_score", "invalid_comment"),
            field_error_body(
                "invalid_score", "score", "is required: a whole number from 1 (very hard) to 5 (very easy)"
            ),
        ),
        problems.UNAVAILABLE,
    ),
)
def rate_application(id: str, body: RatingRequest) -> Response:
    given = container().ratings.rate(principal_of(transparency.current_request), id, body)
    return answer(views.rating(given), status=201)


@transparency.operation(
    "GET",
    "/agencies/{agency}/ratings",
    operation_id="listAgencyRatings",
    summary="The ratings of the agency's procedures, newest first, low ones flagged, a page at a time (its officials)",
    description=(
        "Ratings of the last `days` days (default 90, at most 366), with comments. `low=true` keeps the scores of 1 "
        "and 2: the office page shows them above the queue; a page then may hold fewer than `limit` and still have "
        "a `next_cursor`. `summary` counts the ratings on this page only; the window's totals by month are in the "
        "open statistics (`GET /stats/procedures`)."
    ),
    roles=OFFICIALS,
    note="only one's own agency: its procedures' ratings with comments, low ones flagged",
    tags=("agencies",),
    params=AGENCY,
    query=RatingsQuery,
    answers=Answer(200, "The ratings and a summary of them.", views.AgencyRatings),
    problems=(
        problems.other_agency(
            "Not an official (or supervisor) of this agency.", "only officials of OTHER read its ratings"
        ),
        Problem(
            422,
            "`days` is not a whole number from 1 to 366, `low` is neither `true` nor `false`, or a bad `limit` or "
            "`cursor`.",
            ("invalid_days", "validation_failed", "invalid_limit", "invalid_cursor"),
            field_error_body("invalid_days", "days", "must be a whole number of days from 1 to 366"),
        ),
    ),
)
def agency_ratings(agency: str, query: RatingsQuery) -> Response:
    request = transparency.current_request
    found = container().ratings.for_agency(
        principal_of(request), agency, query.days, query.low, page_of(request, query)
    )
    return answer(views.agency_ratings(found, next_cursor(request, found.after)))


def _csv(text: str, filename: str) -> Response:
    headers: dict[str, str | list[str]] = {
        "Content-Type": "text/csv; charset=utf-8",
        "Content-Disposition": f'attachment; filename="{filename}"',
        **PUBLIC_CACHE,
    }
    return Response(body=text, status_code=200, headers=headers)
