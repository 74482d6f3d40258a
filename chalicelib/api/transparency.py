"""Transparency routes: open data (JSON and CSV, public) and citizens' ratings."""

from __future__ import annotations

from collections.abc import Mapping

from chalice import Response

from chalicelib.api.http import ApiBlueprint, json_body, json_response, principal_of
from chalicelib.wiring import container

transparency = ApiBlueprint(__name__)
PUBLIC_CACHE = {"Cache-Control": "public, max-age=300"}


def _params() -> Mapping[str, str]:
    return transparency.current_request.query_params or {}


@transparency.route("/stats/procedures", methods=["GET"])
def procedure_statistics() -> Response:
    return json_response(container().open_data.report(_params()), headers=PUBLIC_CACHE)


@transparency.route("/stats/procedures.csv", methods=["GET"])
def procedure_statistics_csv() -> Response:
    text, filename = container().open_data.procedures_csv(_params())
    return _csv(text, filename)


@transparency.route("/stats/agencies.csv", methods=["GET"])
def agency_statistics_csv() -> Response:
    text, filename = container().open_data.agencies_csv(_params())
    return _csv(text, filename)


@transparency.route("/stats/centres.csv", methods=["GET"])
def centre_statistics_csv() -> Response:
    text, filename = container().open_data.centres_csv(_params())
    return _csv(text, filename)


@transparency.route("/applications/{id}/rating", methods=["POST"])
def rate_application(id: str) -> Response:
    request = transparency.current_request
    return json_response(container().ratings.rate(principal_of(request), id, json_body(request)), status=201)


@transparency.route("/agencies/{agency}/ratings", methods=["GET"])
def agency_ratings(agency: str) -> Response:
    return json_response(container().ratings.for_agency(principal_of(transparency.current_request), agency, _params()))


def _csv(text: str, filename: str) -> Response:
    headers = {
        "Content-Type": "text/csv; charset=utf-8",
        "Content-Disposition": f'attachment; filename="{filename}"',
        **PUBLIC_CACHE,
    }
    return Response(body=text, status_code=200, headers=headers)
