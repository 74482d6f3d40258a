"""Assisted filing: assistants ask for a citizen's consent; citizens give, limit or revoke it."""

from __future__ import annotations

from chalice import Response

from chalicelib.api.http import ApiBlueprint, json_body, json_response, principal_of
from chalicelib.wiring import container

assistance = ApiBlueprint(__name__)


@assistance.route("/delegations", methods=["POST"])
def request_delegation() -> Response:
    request = assistance.current_request
    delegation, created = container().assistance.request(principal_of(request), json_body(request))
    return json_response(delegation, status=201 if created else 200)


@assistance.route("/delegations", methods=["GET"])
def my_delegations() -> Response:
    return json_response({"delegations": container().assistance.mine(principal_of(assistance.current_request))})


@assistance.route("/delegations/{id}/confirm", methods=["POST"])
def confirm_delegation(id: str) -> Response:
    request = assistance.current_request
    return json_response(container().assistance.confirm(principal_of(request), id, json_body(request)))


@assistance.route("/delegations/{id}", methods=["PATCH"])
def limit_delegation(id: str) -> Response:
    request = assistance.current_request
    return json_response(container().assistance.allow_documents(principal_of(request), id, json_body(request)))


@assistance.route("/delegations/{id}", methods=["DELETE"])
def revoke_delegation(id: str) -> Response:
    return json_response(container().assistance.revoke(principal_of(assistance.current_request), id))


@assistance.route("/me/delegation-code", methods=["POST"])
def delegation_code() -> Response:
    return json_response(container().assistance.citizen_code(principal_of(assistance.current_request)), status=201)
