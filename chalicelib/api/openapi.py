"""The OpenAPI document and the authorisation matrix, generated from the route declarations.

    python -m chalicelib.api.openapi          write both (``make openapi``)
    python -m chalicelib.api.openapi --check  exit 1 if a committed copy is stale

Each operation comes from its ``Route`` (``chalicelib/api/routes.py``): summary, roles
(public routes are ``security: []``), path parameters, the query string and body from
their types, every success answer with the type of its body, and every error answer
with its codes (``x-codes``, listed in the description too).  Schemas come from the
request and answer types (``msgspec.json.schema_components``).  The sandbox's routes
(local stack only) are included and marked ``x-local-only``.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import msgspec

from chalicelib.api import problems as shared
from chalicelib.api.http import BODY_METHODS, IDEMPOTENCY_HEADER
from chalicelib.api.routes import ROUTES, Answer, Problem, Route
from chalicelib.payments import signature

ROOT = Path(__file__).resolve().parents[2]
DOCUMENT = Path(__file__).with_name("openapi.json")
MATRIX = ROOT / "docs" / "authorisation.md"
MATRIX_START, MATRIX_END = "<!-- matrix:start -->", "<!-- matrix:end -->"
REF = "#/components/schemas/{name}"
METHOD_ORDER = ("GET", "POST", "PUT", "PATCH", "DELETE")
JSON = "application/json"

TAGS = (
    ("procedures", "The catalogue of procedures and their publishing by admins."),
    ("citizens", "A citizen's applications, documents and record."),
    ("agencies", "Agencies' review queues and decisions."),
    ("payments", "Fees by línea de captura and the bank's signed confirmation."),
    ("verification", "Public checks: issued documents, the audit chain, and this description."),
    ("notifications", "SMS: phones subscribed to an application (with consent), and the delivery log."),
    (
        "transparency",
        "Open data on every procedure and agency (no personal data; small counts withheld), and citizens' ratings.",
    ),
    (
        "assistance",
        "Assisted filing at community centres: an assistant asks for a citizen's consent (a one-time code), files "
        "for them under it; the citizen sees, limits and revokes it.",
    ),
    (
        "efirma",
        "The SAT's e.firma: prove an account is yours (citizens and staff), or open or take over the account of your "
        "CURP with it.",
    ),
    (
        "privacy",
        "The privacy notice and the ARCO rights (access, rectification, cancellation, opposition): the holder's "
        "export and requests, and the data-protection officer's queue.",
    ),
    (
        "sandbox",
        "Local stack only: a sandbox bank, the SMS the embedded SNS accepted, SMS replies and the quiet-hours sender.",
    ),
)

INFO = {
    "title": "Ventanilla API",
    "version": "0.1.0",
    "summary": (
        "A single window for government procedures: catalogue, applications, reviews, payments and verifiable "
        "documents."
    ),
    "description": (
        "REST + JSON. Sign-in is Amazon Cognito: send `Authorization: Bearer <IdToken>`. A citizen's username is "
        "their CURP; officials are in the group `official-<agency>`, supervisors in `supervisor-<agency>`, "
        "assistants of a community centre in `assistant-<centre>`, publishers in `admin`. Every request is checked "
        "against the roles its route declares before any view runs; object-level checks (whose application, which "
        "agency) answer 404 or 403.\n\n"
        'Errors are `{"error": {"code", "message", "details"}}` with a 4xx status (see the `Error` schema); each '
        "error answer lists its codes (`x-codes`). The same envelope carries the answers the framework gives by "
        "itself (a non-JSON Content-Type: 415 `unsupported_media_type`; a method a path does not have: 405 "
        "`method_not_allowed`, with `Allow`), an unexpected failure (500 `internal_error`, logged, never a stack "
        "trace) and what the gateway answers by itself (a path the API does not have: 404 `route_not_found`; its "
        "other refusals, `infra/gateway.py`).\n\n"
        "Messages are in Spanish unless `Accept-Language` prefers English (`Content-Language` says which; codes and "
        "fields never change): English gives the specific message, Spanish the code's sentence, or the field's rule "
        "when it is a generic one (required, type, length).\n\n"
        'Money is MXN as decimal strings with two decimals (`"1016.00"`). Times are UTC ISO-8601 with milliseconds '
        "and `Z`; legal deadlines and dates follow America/Mexico_City business days. Operations marked "
        "`x-local-only` exist only on the local stack."
    ),
}

HEADERS = {
    IDEMPOTENCY_HEADER: {
        "name": IDEMPOTENCY_HEADER,
        "in": "header",
        "required": False,
        "description": (
            "A client-chosen unique key (a UUID is ideal) for this command: a retry with the same key and body "
            "answers what the first attempt answered, without applying the command twice."
        ),
        "schema": {"type": "string", "pattern": "^[\\x21-\\x7e]{1,128}$"},
        "example": "3f0e8a51-0c1c-4f0e-9a57-7b8e2f6d9c11",
    },
    signature.HEADER: {
        "name": signature.HEADER,
        "in": "header",
        "required": True,
        "description": (
            "`t=<unix seconds>,v1=<hex HMAC-SHA256>` where the HMAC, keyed with the secret shared with the bank, "
            'covers the string `"<t>.<raw body>"`. Signatures more than five minutes from the server\'s clock are '
            "refused (no replays)."
        ),
        "schema": {"type": "string", "pattern": "^t=[0-9]+,v1=[0-9a-f]{64}$"},
        "example": "t=1795834046,v1=5f2b9c0e7d6a4b3c2d1e0f9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a0b9c",
    },
}

ERROR_SCHEMA = {
    "type": "object",
    "description": "Every error the API itself answers.",
    "required": ["error"],
    "additionalProperties": False,
    "properties": {
        "error": {
            "type": "object",
            "required": ["code", "message", "details"],
            "additionalProperties": False,
            "properties": {
                "code": {"type": "string", "description": "Stable machine code (e.g. `invalid_form`)."},
                "message": {
                    "type": "string",
                    "description": "A human explanation; for field errors it starts with the field.",
                },
                "details": {
                    "description": (
                        "Anything that helps; for validation errors a list of `{field, message}` (or `{path, "
                        "message}` for procedure definitions); otherwise usually null."
                    )
                },
            },
        }
    },
}


def document(routes: Iterable[Route] | None = None) -> dict[str, Any]:
    """The whole OpenAPI 3.1 document of ``routes`` (every declared route by default)."""
    chosen = sorted(routes if routes is not None else ROUTES.values(), key=_order)
    types = _types(chosen)
    refs, schemas = msgspec.json.schema_components(types, ref_template=REF)
    by_type = dict(zip(types, refs, strict=True))
    paths: dict[str, dict[str, Any]] = {}
    for route in chosen:
        paths.setdefault(route.path, {})[route.method.lower()] = _operation(route, by_type)
    out = {
        "openapi": "3.1.0",
        "info": INFO,
        "servers": [
            {"url": "/api", "description": "Relative to where Ventanilla is served (the API Gateway stage URL on AWS)."}
        ],
        "security": [{"bearer": []}],
        "tags": [{"name": name, "description": text} for name, text in TAGS],
        "paths": paths,
        "components": {
            "securitySchemes": {
                "bearer": {
                    "type": "http",
                    "scheme": "bearer",
                    "bearerFormat": "JWT",
                    "description": "The Cognito IdToken of the signed-in user.",
                }
            },
            "responses": {name: _problem(problem) for name, problem in shared.SHARED.items()},
            "schemas": {"Error": ERROR_SCHEMA, **_tidy(schemas), **_definition_schemas()},
        },
    }
    return out


def _definition_schemas() -> dict[str, Any]:
    """The published JSON Schema of a procedure definition, as components: its ``$defs``
    become ``ProcedureDefinition.<name>``, and its references follow them."""
    from chalicelib.api.views.procedures import DEFINITION
    from chalicelib.procedures.validator import definition_schema

    text = json.dumps(definition_schema())
    text = text.replace('"#/$defs/', f'"#/components/schemas/{DEFINITION}.')
    schema = json.loads(text)
    defs = schema.pop("$defs", {})
    for key in ("$schema", "$id"):
        schema.pop(key, None)
    return {DEFINITION: schema, **{f"{DEFINITION}.{name}": value for name, value in defs.items()}}


def _order(route: Route) -> tuple[str, int]:
    return route.path, METHOD_ORDER.index(route.method)


def _types(routes: Iterable[Route]) -> list[Any]:
    found: list[Any] = []
    for route in routes:
        for kind in (route.body, route.query, *(answer.type for answer in route.answers)):
            if kind is not None and kind not in found:
                found.append(kind)
    return found


def _tidy(schemas: Mapping[str, Any]) -> dict[str, Any]:
    """msgspec titles every struct with its name: the component's key says it already."""
    out = {}
    for name, schema in schemas.items():
        schema = dict(schema)
        schema.pop("title", None)
        out[name] = schema
    return out


def _operation(route: Route, refs: Mapping[Any, Any]) -> dict[str, Any]:
    operation: dict[str, Any] = {
        "operationId": route.operation_id,
        "summary": route.summary,
    }
    if route.description:
        operation["description"] = route.description
    operation["tags"] = list(route.tags)
    if _public(route):
        operation["security"] = []
    parameters = [*_path_parameters(route), *_query_parameters(route), *(HEADERS[name] for name in route.headers)]
    if parameters:
        operation["parameters"] = parameters
    if route.body is not None:
        content: dict[str, Any] = {"schema": refs[route.body]}
        if route.body_example is not None:
            content["example"] = route.body_example
        operation["requestBody"] = {"required": True, "content": {"application/json": content}}
    elif route.method in BODY_METHODS:
        operation["requestBody"] = {
            "required": False,
            "description": "None: the operation takes no body (an empty object is accepted).",
            "content": {"application/json": {"schema": {"type": "object", "maxProperties": 0}}},
        }
    responses: dict[str, Any] = {}
    for answer in route.answers:
        responses[str(answer.status)] = _answer(answer, refs)
    for problem in _problems(route):
        responses[str(problem.status)] = _reference(problem)
    operation["responses"] = dict(sorted(responses.items()))
    if route.local_only:
        operation["x-local-only"] = True
    return operation


def _public(route: Route) -> bool:
    from chalicelib.identity.principal import ANONYMOUS

    return ANONYMOUS in route.roles


def _problems(route: Route) -> list[Problem]:
    """The route's error answers: its own, and those every route of its kind has."""
    given = {problem.status: problem for problem in route.problems}
    implied = [shared.UNAUTHORIZED]
    if not _public(route):
        implied.append(shared.FORBIDDEN)
    if route.method in BODY_METHODS:
        implied += [shared.PAYLOAD_TOO_LARGE, shared.UNSUPPORTED_MEDIA_TYPE]
        implied.append(shared.VALIDATION_FAILED if route.body is not None else shared.NO_BODY)
    if route.query is not None:
        implied.append(shared.VALIDATION_FAILED)
    for problem in implied:
        given.setdefault(problem.status, problem)
    return list(given.values())


def _reference(problem: Problem) -> dict[str, Any]:
    for name, candidate in shared.SHARED.items():
        if candidate is problem:
            return {"$ref": f"#/components/responses/{name}"}
    return _problem(problem)


def _problem(problem: Problem) -> dict[str, Any]:
    codes = ", ".join(f"`{code}`" for code in problem.codes)
    content: dict[str, Any] = {"schema": {"$ref": REF.format(name="Error")}}
    if problem.example is not None:
        content["example"] = problem.example
    response: dict[str, Any] = {
        "description": f"{problem.description} Codes: {codes}.",
        "content": {"application/json": content},
        "x-codes": list(problem.codes),
    }
    if problem.status == 401:
        response["headers"] = {"WWW-Authenticate": {"description": "`Bearer`", "schema": {"type": "string"}}}
    return response


def _answer(answer: Answer, refs: Mapping[Any, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {"description": answer.description}
    if answer.type is not None:
        content: dict[str, Any] = {"schema": refs[answer.type]}
        if answer.example is not None:
            content["example"] = answer.example
        out["content"] = {answer.media_type: content}
    elif answer.media_type != JSON:
        out["content"] = {answer.media_type: {}}  # a file: its bytes, as OpenAPI 3.1 describes binary content
    for media_type, text in answer.alternatives.items():
        out.setdefault("content", {})[media_type] = {"schema": {"type": "string", "description": text}}
    if answer.headers:
        out["headers"] = {
            name: {"description": text, "schema": {"type": "string"}} for name, text in answer.headers.items()
        }
    return out


def _path_parameters(route: Route) -> list[dict[str, Any]]:
    out = []
    for name in re.findall(r"{(\w+)}", route.path):
        param = route.params.get(name)
        entry: dict[str, Any] = {"name": name, "in": "path", "required": True}
        if param is None:
            entry["schema"] = {"type": "string"}
        else:
            entry.update(description=param.description, schema=dict(param.schema), example=param.example)
        out.append(entry)
    return out


def _query_parameters(route: Route) -> list[dict[str, Any]]:
    if route.query is None:
        return []
    _, components = msgspec.json.schema_components([route.query], ref_template=REF)
    schema = components[route.query.__name__]
    required = set(schema.get("required", []))
    out = []
    for name, prop in schema.get("properties", {}).items():
        prop = dict(prop)
        description = prop.pop("description", None)
        entry: dict[str, Any] = {"name": name, "in": "query", "required": name in required, "schema": prop}
        if description:
            entry["description"] = description
        out.append(entry)
    return out


# --- the authorisation matrix ------------------------------------------------------------------


def matrix(routes: Iterable[Route] | None = None) -> str:
    """The matrix as a Markdown table: one row per route, one column per role, and the
    route's note."""
    from chalicelib.identity.principal import ROLES

    rows = ["| route | " + " | ".join(ROLES) + " | notes |", "|---|" + "---|" * (len(ROLES) + 1)]
    declared = {route.key: route for route in (routes if routes is not None else ROUTES.values())}
    for method, path in sorted(declared, key=lambda key: (key[1], key[0])):
        route = declared[(method, path)]
        cells = " | ".join("✓" if role in route.roles else "·" for role in ROLES)
        rows.append(f"| `{method} {path}` | {cells} | {route.note} |")
    return "\n".join(rows)


def _with_matrix(text: str, table: str) -> str:
    head, start, rest = text.partition(MATRIX_START)
    _, end, tail = rest.partition(MATRIX_END)
    if not start or not end:
        raise SystemExit(f"{MATRIX} has no {MATRIX_START} … {MATRIX_END} section")
    return f"{head}{MATRIX_START}\n{table}\n{MATRIX_END}{tail}"


def render(value: Mapping[str, Any]) -> str:
    return json.dumps(value, indent=2, ensure_ascii=False) + "\n"


def load_all_routes() -> None:
    """Import every module that declares routes: the app's blueprints and the sandbox's."""
    import app  # noqa: F401
    import infra.local.sandbox  # noqa: F401


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m chalicelib.api.openapi", description=__doc__)
    parser.add_argument("--check", action="store_true", help="fail if openapi.json or the docs' matrix is stale")
    args = parser.parse_args(argv)
    load_all_routes()
    wanted = {DOCUMENT: render(document())}
    if MATRIX.exists():
        text = MATRIX.read_text("utf-8")
        wanted[MATRIX] = _with_matrix(text, matrix())
    stale = [path for path, text in wanted.items() if not path.exists() or path.read_text("utf-8") != text]
    if args.check:
        for path in stale:
            print(f"{path.relative_to(ROOT)} is stale: run `make openapi`", file=sys.stderr)
        return 1 if stale else 0
    for path in stale:
        path.write_text(wanted[path], "utf-8")
        print(f"wrote {path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
