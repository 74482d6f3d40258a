"""Hostile input against every documented operation: schemathesis reads
``chalicelib/api/openapi.json`` and drives the Chalice app in-process (moto behind it)
through a WSGI face on Chalice's LocalGateway, signed in with the role each route is
for.

Every answer must be no 5xx, a documented status with a body that matches the
documented schema and content type, and every error must be our envelope
``{"error": {"code", "message", "details"}}`` (never Chalice's ``{Code, Message}``,
never a stack trace).  Bounded and derandomised: the same cases run on every machine.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from chalicelib.api.policy import POLICY
from chalicelib.api.routes import ROUTES, Route, parse
from chalicelib.core.errors import ValidationFailed
from chalicelib.identity.principal import ADMIN, ASSISTANT, CITIZEN, OFFICIAL, SUPERVISOR
from infra.local import efirma, registries
from tests.support.flows import draft, open_review, submitted_licence
from tests.support.forms import LICENCE_FORM
from tests.support.inprocess import Aws, HttpUser
from tests.support.openapi import committed, resolve
from tests.support.wsgi import ChaliceWsgi

DOCUMENT = committed()
schema = schemathesis.openapi.from_dict(DOCUMENT)


def refused_by_its_type(route: Route, case: Any) -> str | None:
    """Why the route's own request types refuse what the case sends (None: they take it)."""
    checks = ((route.body, case.body, "body"), (route.query, dict(case.query or {}), "query"))
    for kind, value, where in checks:
        if kind is None or (where == "body" and not route.parse_body):
            continue
        try:
            parse(kind, value, where)
        except ValidationFailed as error:
            return error.message
    return None


def refused_only_for_stated_reasons(ctx: Any, response: Any, case: Any) -> bool | None:
    """A request the document calls valid is refused only for a reason the document
    states: its request types (which the document is generated from) take it, and the
    answer's code is one the operation lists for that status."""
    route = ROUTES.get((case.method.upper(), case.path))
    if route is None or case.meta is None or not case.meta.generation.mode.is_positive:
        return None
    if not 400 <= response.status_code < 500 or response.status_code in (401, 403):
        return None
    shape = refused_by_its_type(route, case)
    assert shape is None, f"{case.method} {case.path}: the document calls valid what its type refuses: {shape}"
    code = json.loads(response.text)["error"]["code"]
    operation = DOCUMENT["paths"][case.path][case.method.lower()]
    stated = resolve(DOCUMENT, operation["responses"].get(str(response.status_code), {})).get("x-codes", [])
    assert code in stated, (
        f"{case.method} {case.path}: a valid request got {response.status_code} {code}, not among {stated}"
    )
    return None


CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    refused_only_for_stated_reasons,
]
SHIPPED = ("licencia-conducir", "licencia-construccion", "apertura-empresa", "aviso-funcionamiento")
CODE = re.compile(r"^[a-z][a-z0-9-]{2,40}$")
TRACE_MARKERS = ("Traceback (most recent call last)", "InternalServerError", "An internal server error occurred")


class Fuzz:
    """Who calls, and real ids to put where the document's examples stand."""

    def __init__(self, aws: Aws) -> None:
        self.app = ChaliceWsgi(aws.client._app)  # the app under test, as chalice.test serves it
        citizen = aws.user()
        official = aws.official("oficial.fuzz")
        self.users: dict[str, HttpUser] = {
            CITIZEN: citizen,
            OFFICIAL: official,
            SUPERVISOR: official,
            ADMIN: aws.user(username="admin.fuzz", groups=("admin",)),
            ASSISTANT: aws.user(username="asesor.fuzz", groups=("assistant-CDC-FUZZ",), name="Asesor Fuzz"),
        }
        self.ids = {"8Q9FQ5PXS4": draft(citizen, LICENCE_FORM)}
        submitted = submitted_licence(citizen)
        self.ids["9f50c94a8bee970b"] = open_review(official, submitted)["review_id"]

    def prepare(self, case: Any) -> None:
        """Real ids where the document's examples stand."""
        for name, value in list((case.path_parameters or {}).items()):
            case.path_parameters[name] = self.ids.get(value, value)
        if case.method.upper() == "PUT" and case.path == "/procedures/{code}":
            # never republish a shipped procedure that other tests read
            code = case.body.get("code") if isinstance(case.body, Mapping) else None
            case.path_parameters["code"] = (
                code
                if isinstance(code, str) and CODE.match(code) and code not in SHIPPED
                else f"fuzz-{case.path_parameters['code']}"[:40]
            )
        elif case.method.upper() == "POST" and case.path.startswith("/procedures/{code}/"):
            # never draft, approve or retire a shipped procedure that other tests read
            code = case.path_parameters.get("code")
            if code in SHIPPED:
                case.path_parameters["code"] = f"fuzz-{code}"

    def token(self, case: Any) -> str | None:
        """A valid token for the route's role (None for a public route)."""
        roles = POLICY.get((case.method.upper(), case.path), frozenset({CITIZEN}))
        role = next((role for role in (CITIZEN, OFFICIAL, ADMIN, ASSISTANT) if role in roles), None)
        return self.users[role].token if role else None


def assert_error_envelope(response: Any) -> None:
    text = response.text
    assert not any(marker in text for marker in TRACE_MARKERS), (
        f"a stack trace or Chalice's 500 left the server: {text[:300]}"
    )
    if response.status_code < 400:
        return
    assert response.headers.get("content-type", [""])[0].startswith("application/json"), (
        f"{response.status_code} is not JSON: {response.headers}"
    )
    body = json.loads(text)
    assert isinstance(body, dict) and set(body) == {"error"}, (
        f"{response.status_code} is not our error envelope: {text[:300]}"
    )
    assert set(body["error"]) == {"code", "message", "details"}, text[:300]
    assert isinstance(body["error"]["code"], str) and isinstance(body["error"]["message"], str), text[:300]


SIGNED_IN: list[Fuzz] = []  # the module's callers, for the auth provider below


@schema.auth(refresh_interval=None)
class SignedIn:
    """Signs each case in with the route's role, before schemathesis classifies it: a case
    without the token a route needs would count as a negative one."""

    def get(self, case: Any, context: Any) -> str | None:
        return SIGNED_IN[0].token(case) if SIGNED_IN else None

    def set(self, case: Any, data: str | None, context: Any) -> None:
        if data:
            case.headers = {**(case.headers or {}), "Authorization": f"Bearer {data}"}


@pytest.fixture(scope="module")
def fuzz(aws: Aws) -> Iterator[Fuzz]:
    SIGNED_IN.append(Fuzz(aws))
    yield SIGNED_IN[0]
    SIGNED_IN.clear()
    efirma.current().responder.available = True  # the fuzzed sandbox route may have switched it off
    registries.current().reset()  # and a sandbox registry may have been made slow or failing


@schema.parametrize()
@settings(max_examples=25, deadline=None, derandomize=True, database=None, suppress_health_check=list(HealthCheck))
def test_every_operation_answers_hostile_input_cleanly(case: Any, fuzz: Fuzz) -> None:
    fuzz.prepare(case)
    response = case.call(app=fuzz.app)
    case.validate_response(response, checks=CHECKS)
    assert_error_envelope(response)
