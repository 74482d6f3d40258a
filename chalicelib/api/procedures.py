"""The catalogue: procedures, their definitions, and publishing (admins)."""

from __future__ import annotations

import re
from typing import Any

from chalice import Response

from chalicelib.api.http import ApiBlueprint, json_body, json_response, principal_of
from chalicelib.core.errors import NotFound
from chalicelib.procedures.validator import definition_schema, validate_definition
from chalicelib.store.models import ProcedureVersion
from chalicelib.wiring import container

procedures = ApiBlueprint(__name__)
VERSION = re.compile(r"[0-9]{1,9}")


def summary(procedure: ProcedureVersion) -> dict[str, Any]:
    definition = procedure.definition
    return {
        "code": procedure.code,
        "version": procedure.version,
        "name": definition["name"],
        "description": definition["description"],
        "agency": definition["agency"],
        "agency_name": definition["agencies"][definition["agency"]],
        "expected_days": definition["expected_days"],
        "fee": definition["fee"],
        "keywords": definition.get("keywords", []),
    }


def detail(procedure: ProcedureVersion) -> dict[str, Any]:
    return {**summary(procedure), "published_at": procedure.published_at, "definition": procedure.definition}


@procedures.route("/procedures", methods=["GET"])
def list_procedures() -> Response:
    items = sorted((summary(item) for item in container().catalogue.latest()), key=lambda item: item["code"])
    return json_response({"procedures": items}, headers={"Cache-Control": "public, max-age=60"})


@procedures.route("/procedures/{code}", methods=["GET"])
def get_procedure(code: str) -> Response:
    return json_response(detail(container().catalogue.get(code)), headers={"Cache-Control": "public, max-age=60"})


@procedures.route("/procedures/{code}/versions/{version}", methods=["GET"])
def get_procedure_version(code: str, version: str) -> Response:
    if not VERSION.fullmatch(version):  # ASCII digits only: "²" and "１" are digits to str.isdigit
        raise NotFound(f"procedure {code!r} has no version {version!r}", code="unknown_version")
    return json_response(
        detail(container().catalogue.get(code, int(version))), headers={"Cache-Control": "public, max-age=86400"}
    )


@procedures.route("/procedure-schema", methods=["GET"])
def get_definition_schema() -> Response:
    return json_response(definition_schema(), headers={"Cache-Control": "public, max-age=3600"})


@procedures.route("/procedures/validate", methods=["POST"])
def validate_procedure() -> Response:
    problems = validate_definition(json_body(procedures.current_request))
    return json_response({"valid": not problems, "problems": problems})


@procedures.route("/procedures/{code}", methods=["PUT"])
def publish_procedure(code: str) -> Response:
    request = procedures.current_request
    definition = json_body(request)
    if isinstance(definition, dict) and definition.get("code") != code:
        return json_response(
            {
                "error": {
                    "code": "code_mismatch",
                    "message": f"code: the body's code must be {code!r}, as in the URL",
                    "details": [{"field": "code", "message": "must match the URL"}],
                }
            },
            status=422,
        )
    published, created = container().catalogue.publish(definition, principal_of(request).username)
    return json_response(detail(published), status=201 if created else 200)
