"""Agencies' routes: the review queue, decisions, and the intermediaries' report."""

from __future__ import annotations

from typing import Any

from chalice import Response

from chalicelib.api.http import ApiBlueprint, idempotent, json_body, json_response, principal_of
from chalicelib.wiring import container

agencies = ApiBlueprint(__name__)


@agencies.route("/agencies/{agency}/reviews", methods=["GET"])
def review_queue(agency: str) -> Response:
    reviews = container().reviews.queue(principal_of(agencies.current_request), agency)
    return json_response({"agency": agency, "reviews": reviews})


@agencies.route("/agencies/{agency}/intermediaries", methods=["GET"])
def intermediaries_report(agency: str) -> Response:
    request = agencies.current_request
    return json_response(container().intermediaries.report(principal_of(request), agency, request.query_params or {}))


@agencies.route("/reviews/{review_id}/decision", methods=["POST"])
def decide_review(review_id: str) -> Response:
    request = agencies.current_request
    services = container()

    def decide() -> dict[str, Any]:
        decided = services.reviews.decide(principal_of(request), review_id, json_body(request))
        # the documented answer carries the application's status once the decision is recorded
        return {**decided, "status": services.applications.load(decided["application_id"]).status}

    return json_response(idempotent(request, "decision", decide))
