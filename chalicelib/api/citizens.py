"""Citizens' routes: applications, documents, submission, the record, payment slips."""

from __future__ import annotations

from typing import Any

from chalice import Response

from chalicelib.api.http import ApiBlueprint, idempotent, json_body, json_response, principal_of
from chalicelib.wiring import container

citizens = ApiBlueprint(__name__)


@citizens.route("/applications", methods=["POST"])
def create_application() -> Response:
    request = citizens.current_request
    services = container()
    principal = principal_of(request)
    application = services.applications.create_draft(principal, json_body(request))
    return json_response(
        services.applications.view(application, principal),
        status=201,
        headers={"Location": f"/applications/{application.id}"},
    )


@citizens.route("/applications/{id}", methods=["GET"])
def get_application(id: str) -> Response:
    services = container()
    principal = principal_of(citizens.current_request)
    application = services.applications.readable(principal, id)
    return json_response(services.applications.view(application, principal))


@citizens.route("/applications/{id}", methods=["PATCH"])
def update_application(id: str) -> Response:
    request = citizens.current_request
    services = container()
    principal = principal_of(request)
    application = services.applications.update_data(principal, id, json_body(request))
    return json_response(services.applications.view(application, principal))


@citizens.route("/applications/{id}/documents", methods=["POST"])
def declare_document(id: str) -> Response:
    request = citizens.current_request
    upload = container().applications.declare_document(principal_of(request), id, json_body(request))
    return json_response(upload, status=201)


@citizens.route("/applications/{id}/documents/{requirement}", methods=["GET"])
def read_document(id: str, requirement: str) -> Response:
    return json_response(container().applications.document_url(principal_of(citizens.current_request), id, requirement))


@citizens.route("/applications/{id}/submit", methods=["POST"])
def submit_application(id: str) -> Response:
    request = citizens.current_request
    services = container()

    def submit() -> dict[str, Any]:
        principal = principal_of(request)
        return services.applications.view(services.applications.submit(principal, id), principal)

    return json_response(idempotent(request, "submit", submit), status=202)


@citizens.route("/applications/{id}/audit", methods=["GET"])
def application_audit(id: str) -> Response:
    services = container()
    application = services.applications.readable(principal_of(citizens.current_request), id)
    return json_response({"application_id": application.id, "events": services.applications.audit(application)})


@citizens.route("/applications/{id}/audit/verify", methods=["GET"])
def verify_application_audit(id: str) -> Response:
    services = container()
    application = services.applications.readable(principal_of(citizens.current_request), id)
    return json_response(services.applications.verify_audit(application))


@citizens.route("/applications/{id}/payment", methods=["POST"])
def payment_slip(id: str) -> Response:
    services = container()
    application = services.applications.owned(principal_of(citizens.current_request), id)
    return json_response(services.payments.slip(application))


@citizens.route("/me", methods=["GET"])
def my_record() -> Response:
    return json_response(container().applications.record(principal_of(citizens.current_request)))


@citizens.route("/documents/{document_id}", methods=["GET"])
def my_document(document_id: str) -> Response:
    services = container()
    credential = services.credentials.get(document_id)
    services.applications.document_owner(principal_of(citizens.current_request), credential.application_id)
    return json_response(services.credentials.view(credential))
