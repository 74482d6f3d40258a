"""The OpenAPI description (``chalicelib/api/openapi.json``) against the code it describes.

The document is generated from the route declarations (``make openapi``): the committed
copy must be what the declarations generate today, list exactly the routes the app serves
(plus the local-only sandbox routes, marked ``x-local-only``), exactly the operations the
authorisation matrix has rules for, and mark as public exactly the operations the
anonymous role may call.  Adding a route without declaring it fails here.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

import pytest
from chalice import Chalice
from chalice.test import Client
from openapi_spec_validator import validate

import app
from chalicelib.api import openapi as openapi_module
from chalicelib.api.policy import POLICY
from chalicelib.api.routes import ROUTES
from chalicelib.applications.transitions import STATUSES
from chalicelib.identity.principal import ANONYMOUS
from chalicelib.procedures.validator import definition_schema
from infra.local import sandbox as sandbox_module
from tests.support.openapi import Document, committed, resolve

HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
TAGS = {
    "procedures",
    "citizens",
    "agencies",
    "payments",
    "verification",
    "notifications",
    "transparency",
    "assistance",
    "efirma",
    "sandbox",
    "privacy",
}
ERROR_STATUSES = ("401", "403", "404", "409", "413", "422")

Operation = tuple[str, str]


@pytest.fixture(scope="module")
def document() -> Document:
    return committed()


@pytest.fixture(scope="module")
def operations(document: Document) -> dict[Operation, dict[str, Any]]:
    return {
        (method.upper(), path): operation
        for path, item in document["paths"].items()
        for method, operation in item.items()
        if method in HTTP_METHODS
    }


def served_routes(chalice_app: Chalice) -> set[Operation]:
    return {(method, path) for path, methods in chalice_app.routes.items() for method in methods}


@pytest.fixture(scope="module")
def sandbox_routes() -> Iterator[set[Operation]]:
    """The local-only routes, registered on a throw-away app so ``app.app`` stays as on AWS."""
    probe = Chalice(app_name="openapi-probe")
    sandbox_module.register_sandbox(probe)
    yield served_routes(probe)


@pytest.fixture(scope="module")
def aws_routes(sandbox_routes: set[Operation]) -> set[Operation]:
    """What ``app.py`` serves (on AWS and locally); minus the sandbox, should a test have added it."""
    return served_routes(app.app) - sandbox_routes


def is_public(operation: dict[str, Any]) -> bool:
    return operation.get("security") == []


def listed(operations: set[Operation]) -> str:
    return ", ".join(f"{method} {path}" for method, path in sorted(operations, key=lambda op: (op[1], op[0]))) or "none"


# --- the document itself ---------------------------------------------------------------


def test_the_committed_document_and_matrix_are_what_the_declarations_generate() -> None:
    assert openapi_module.main(["--check"]) == 0, "run `make openapi` and commit the result"


def test_every_error_answer_lists_its_codes(document: Document, operations: dict[Operation, dict[str, Any]]) -> None:
    for key, operation in operations.items():
        for status, response in operation["responses"].items():
            if status.startswith("4") or status.startswith("5"):
                codes = resolve(document, response).get("x-codes")
                assert codes and all(isinstance(code, str) for code in codes), (key, status)


def test_document_is_valid_openapi_3_1(document: Document) -> None:
    assert document["openapi"].startswith("3.1.")
    validate(document)


def test_the_app_serves_this_document(document: Document) -> None:
    with Client(app.app) as client:
        response = client.http.get("/openapi.json")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/json"
    assert json.loads(response.body) == document


def test_servers_and_global_bearer_security(document: Document) -> None:
    assert [server["url"] for server in document["servers"]] == ["/api"]
    assert "API Gateway stage URL" in document["servers"][0]["description"]
    scheme = document["components"]["securitySchemes"]["bearer"]
    assert (scheme["type"], scheme["scheme"], scheme["bearerFormat"]) == ("http", "bearer", "JWT")
    assert document["security"] == [{"bearer": []}]


# --- routes ------------------------------------------------------------------------------


def test_every_served_route_is_documented_and_nothing_else(
    operations: dict[Operation, Any], aws_routes: set[Operation], sandbox_routes: set[Operation]
) -> None:
    served = aws_routes | sandbox_routes
    documented = set(operations)
    assert not served - documented, f"served but not in openapi.json: {listed(served - documented)}"
    assert not documented - served, f"in openapi.json but not served: {listed(documented - served)}"


def test_local_only_operations_are_exactly_the_sandbox_routes(
    operations: dict[Operation, dict[str, Any]], sandbox_routes: set[Operation]
) -> None:
    assert sandbox_routes, "the sandbox blueprint registered no routes"
    local_only = {key for key, operation in operations.items() if operation.get("x-local-only") is True}
    assert local_only == sandbox_routes, (
        f"x-local-only on {listed(local_only)}; sandbox routes are {listed(sandbox_routes)}"
    )
    for key, operation in operations.items():
        assert operation.get("x-local-only", False) in (True, False), key
        if key in sandbox_routes:
            assert operation["tags"] == ["sandbox"], key


# --- the authorisation matrix --------------------------------------------------------------


def test_every_operation_has_an_authorisation_rule(operations: dict[Operation, Any]) -> None:
    without_rule = set(operations) - set(POLICY)
    assert not without_rule, f"no rule in chalicelib.api.policy.POLICY for {listed(without_rule)}"


def test_every_authorisation_rule_is_a_documented_operation(operations: dict[Operation, Any]) -> None:
    undocumented = set(POLICY) - set(operations)
    assert not undocumented, f"POLICY rules with no operation in openapi.json: {listed(undocumented)}"


def test_public_operations_are_exactly_those_open_to_anonymous(operations: dict[Operation, dict[str, Any]]) -> None:
    anonymous = {key for key, roles in POLICY.items() if ANONYMOUS in roles}
    public = {key for key, operation in operations.items() if is_public(operation)}
    assert public == anonymous, (
        f"security: [] on {listed(public - anonymous)} without anonymous access; "
        f"anonymous may call {listed(anonymous - public)} without security: []"
    )
    for key, operation in operations.items():
        assert operation.get("security", [{"bearer": []}]) in ([], [{"bearer": []}]), (
            f"{key}: security is either the global bearer or []"
        )


# --- operations ----------------------------------------------------------------------------


def test_every_operation_is_named_summarised_and_tagged(operations: dict[Operation, dict[str, Any]]) -> None:
    ids = [operation.get("operationId") for operation in operations.values()]
    assert all(ids), "every operation needs an operationId"
    assert len(ids) == len(set(ids)), "operationIds must be unique"
    for key, operation in operations.items():
        assert operation.get("summary"), f"{key} has no summary"
        assert operation.get("tags") and set(operation["tags"]) <= TAGS, f"{key}: tags must be among {sorted(TAGS)}"


def test_every_operation_declares_a_success_response(operations: dict[Operation, dict[str, Any]]) -> None:
    for key, operation in operations.items():
        assert any(re.fullmatch(r"2\d\d", status) for status in operation["responses"]), (
            f"{key} declares no 2xx response"
        )


def test_every_protected_operation_declares_401_and_403(operations: dict[Operation, dict[str, Any]]) -> None:
    for key, operation in operations.items():
        if not is_public(operation):
            assert {"401", "403"} <= set(operation["responses"]), f"{key} needs sign-in, so it must declare 401 and 403"


def test_path_parameters_match_the_path_template(
    document: Document, operations: dict[Operation, dict[str, Any]]
) -> None:
    for (method, path), operation in operations.items():
        template = set(re.findall(r"{(\w+)}", path))
        parameters = [resolve(document, parameter) for parameter in operation.get("parameters", [])]
        declared = {parameter["name"] for parameter in parameters if parameter["in"] == "path"}
        assert declared == template, f"{method} {path} declares path parameters {sorted(declared)}"
        assert all(parameter["required"] for parameter in parameters if parameter["in"] == "path")


def test_bodies_are_documented_for_the_operations_that_read_one(operations: dict[Operation, dict[str, Any]]) -> None:
    """Every POST/PUT/PATCH says what body it takes; a declared route's body is required
    exactly when it has a type (the others take none, or an empty object)."""
    for (method, path), operation in operations.items():
        route = ROUTES[(method, path)]
        if method in ("POST", "PUT", "PATCH"):
            assert "application/json" in operation.get("requestBody", {}).get("content", {}), f"{method} {path}"
            assert operation["requestBody"]["required"] is (route.body is not None), (method, path)


def test_idempotency_key_and_bank_signature_headers(
    document: Document, operations: dict[Operation, dict[str, Any]]
) -> None:
    def headers(key: Operation) -> dict[str, dict[str, Any]]:
        parameters = (resolve(document, parameter) for parameter in operations[key].get("parameters", []))
        return {parameter["name"]: parameter for parameter in parameters if parameter["in"] == "header"}

    retried = {
        ("POST", "/applications/{id}/submit"),
        ("POST", "/reviews/{review_id}/decision"),
        ("POST", "/payments/webhook"),
    }
    for key in retried:
        assert headers(key)["Idempotency-Key"]["required"] is False, key
    signature = headers(("POST", "/payments/webhook"))["X-Bank-Signature"]
    assert signature["required"] is True
    assert re.fullmatch(signature["schema"]["pattern"], "t=1795834046,v1=" + "0" * 64)


# --- errors and shared schemas ---------------------------------------------------------------


def test_errors_share_one_envelope(document: Document, operations: dict[Operation, dict[str, Any]]) -> None:
    error = document["components"]["schemas"]["Error"]
    assert error["required"] == ["error"]
    assert set(error["properties"]["error"]["required"]) == {"code", "message", "details"}
    reusable = document["components"]["responses"]
    for status, name in zip(
        ERROR_STATUSES,
        ("Unauthorized", "Forbidden", "NotFound", "Conflict", "PayloadTooLarge", "ValidationFailed"),
        strict=True,
    ):
        assert reusable[name]["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/Error"}, (
            status,
            name,
        )
    for key, operation in operations.items():
        for status in ERROR_STATUSES:
            if status in operation["responses"]:
                response = resolve(document, operation["responses"][status])
                assert response["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/Error"}, (
                    key,
                    status,
                )


def test_status_enum_matches_the_domain(document: Document) -> None:
    schemas = document["components"]["schemas"]
    for name in ("Application", "ApplicationSummary"):
        assert set(schemas[name]["properties"]["status"]["enum"]) == set(STATUSES), name


def test_procedure_definition_outline_follows_the_published_schema(document: Document) -> None:
    outline = document["components"]["schemas"]["ProcedureDefinition"]
    published = definition_schema()
    assert outline["required"] == published["required"]
    assert set(outline["properties"]) == set(published["properties"])
