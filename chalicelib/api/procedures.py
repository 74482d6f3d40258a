"""The catalogue: procedures, their definitions, and publishing (admins)."""

from __future__ import annotations

import re
from typing import Any

from chalice import Response

from chalicelib.api import messages, problems
from chalicelib.api.catalogue_query import CatalogueQuery
from chalicelib.api.errors import error_body, field_error_body
from chalicelib.api.http import json_response, principal_of
from chalicelib.api.paging import next_cursor, page_of
from chalicelib.api.params import path
from chalicelib.api.policy import EVERYONE, PUBLISHERS
from chalicelib.api.routes import Answer, ApiBlueprint, Problem, answer, documented, public_cache
from chalicelib.api.views import preview as preview_views
from chalicelib.api.views import procedures as views
from chalicelib.core.cursors import invalid as invalid_cursor
from chalicelib.core.errors import NotFound, ValidationFailed
from chalicelib.core.fields import UnsetType
from chalicelib.procedures.preview import PreviewRequest, preview
from chalicelib.procedures.templates import all_templates
from chalicelib.procedures.validator import definition_schema, validate_definition
from chalicelib.wiring import container

procedures = ApiBlueprint(__name__, tag="procedures")
VERSION = re.compile(r"[0-9]{1,9}")
CACHED_A_MINUTE = public_cache(60)
CACHED_AN_HOUR = public_cache(3600)
CACHED_A_DAY = public_cache(86400)  # a published version never changes
CODE = path("code", "Procedure code.", "licencia-conducir", pattern="^[a-z][a-z0-9-]{2,40}$")
UNKNOWN_PROCEDURE = Problem(
    404,
    "There is no such procedure.",
    ("unknown_procedure",),
    error_body("unknown_procedure", "there is no procedure 'nope'"),
)

OUTSIDE_JURISDICTION = Problem(
    403,
    "A jurisdiction's publisher acted on a procedure that answers, or would answer, to another jurisdiction.",
    ("forbidden", "outside_jurisdiction"),
    error_body(
        "outside_jurisdiction",
        "licencia-construccion answers to jurisdiction 20067 (Municipio de Oaxaca de Juárez); you publish "
        "for jurisdiction 20 only",
    ),
)


@procedures.operation(
    "GET",
    "/procedures",
    operation_id="listProcedures",
    summary="Search the catalogue: a page of summaries of the procedures in effect",
    description=(
        "Summaries only (`GET /procedures/{code}` gives a definition). Each procedure names who answers for it (its "
        "`jurisdiction`: federal, a state or a municipality, by INEGI code) and its `homoclave`. With `state` or "
        "`municipality`, only what a citizen of that place can file: the federal procedures, the state's, and its "
        "municipalities' (or, for a municipality, its own). `q` searches names, agencies, jurisdictions, codes "
        "and keywords in Spanish and English, ignoring accents and case; `agency` and `topic` narrow further. "
        "Sorted by code, paged with `limit` and `cursor`; the first page also gives the filters' choices for the "
        "place (`facets`)."
    ),
    roles=EVERYONE,
    query=CatalogueQuery,
    answers=Answer(
        200,
        "One page of the procedures found, by code.",
        views.Catalogue,
        headers=documented(CACHED_A_MINUTE),
    ),
    problems=(
        problems.invalid(
            "`state` or `municipality` is not an INEGI code, or the municipality is not in the state; `q`, `agency`, "
            "`topic`, `limit` or `cursor` is not valid.",
            (
                "invalid_state",
                "invalid_municipality",
                "municipality_outside_state",
                "invalid_query",
                "invalid_agency",
                "invalid_topic",
                "invalid_limit",
                "invalid_cursor",
                "invalid_flag",
            ),
            field_error_body(
                "municipality_outside_state",
                "municipality",
                "'20067' is not a municipality of state '09' (its code would start with '09')",
            ),
        ),
    ),
)
def list_procedures(query: CatalogueQuery) -> Response:
    request = procedures.current_request
    page = page_of(request, query)
    after = page.after["after"] if page.after is not None and "after" in page.after else None
    if page.after is not None and after is None:
        raise invalid_cursor()
    found, choices = container().catalogue.search(
        state=_given(query.state),
        municipality=_given(query.municipality),
        query=_given(query.q) or "",
        agency=_given(query.agency),
        topic=_given(query.topic),
        after=after,
        limit=page.limit,
    )
    last = {"after": str(found.items[-1]["code"])} if found.more and found.items else None
    return answer(
        views.catalogue(found, next_cursor(request, last), choices if page.after is None and query.facets else None),
        headers=CACHED_A_MINUTE,
    )


def _given(value: str | UnsetType) -> str | None:
    return None if isinstance(value, UnsetType) else value


@procedures.operation(
    "GET",
    "/procedures/{code}",
    operation_id="getProcedure",
    summary="Get the latest published version of a procedure, with its full definition",
    roles=EVERYONE,
    params=CODE,
    answers=Answer(
        200,
        "The latest version: catalogue data plus the definition (form schema, requirements, fee, steps with agency "
        "and deadline).",
        views.ProcedureDetail,
        headers=documented(CACHED_A_MINUTE),
    ),
    problems=(UNKNOWN_PROCEDURE,),
)
def get_procedure(code: str) -> Response:
    return answer(views.detail(container().catalogue.get(code)), headers=CACHED_A_MINUTE)


@procedures.operation(
    "GET",
    "/procedures/{code}/versions/{version}",
    operation_id="getProcedureVersion",
    summary="Get one published version of a procedure (what an application started on)",
    roles=EVERYONE,
    params={
        **CODE,
        **path("version", "Version number.", "1", pattern="^[0-9]{1,9}$"),
    },
    answers=Answer(
        200,
        "That version, as published (immutable: cached for a day).",
        views.ProcedureDetail,
        headers=documented(CACHED_A_DAY),
    ),
    problems=(
        Problem(
            404,
            "There is no such procedure, or no such version of it.",
            ("unknown_procedure", "unknown_version"),
            error_body("unknown_version", "procedure 'licencia-conducir' has no version 9"),
        ),
    ),
)
def get_procedure_version(code: str, version: str) -> Response:
    if not VERSION.fullmatch(version):  # ASCII digits only: "²" and "１" are digits to str.isdigit
        raise NotFound(f"procedure {code!r} has no version {version!r}", code="unknown_version")
    found = container().catalogue.get(code, int(version))
    return answer(views.detail(found), headers=CACHED_A_DAY)


@procedures.operation(
    "GET",
    "/procedure-schema",
    operation_id="getProcedureSchema",
    summary="Get the JSON Schema (draft 2020-12) that procedure definitions must satisfy",
    roles=EVERYONE,
    answers=Answer(
        200,
        "The published JSON Schema of a procedure definition (`chalicelib/procedures/procedure.schema.json`).",
        dict[str, Any],
        headers=documented(CACHED_AN_HOUR),
    ),
)
def get_definition_schema() -> Response:
    return json_response(definition_schema(), headers=CACHED_AN_HOUR)


@procedures.operation(
    "POST",
    "/procedures/validate",
    operation_id="validateProcedure",
    summary="Check a procedure definition without publishing it (admins)",
    description=(
        "Always answers 200 for a JSON body: `valid` says whether it could be published, `problems` lists every "
        "problem with the JSON path of the offending value, its message in the language `Accept-Language` prefers "
        "(Spanish unless English; paths never change). Any JSON value is accepted (a non-object is itself "
        "reported as a problem)."
    ),
    roles=PUBLISHERS,
    note="group `admin`, or a jurisdiction's publishers (`admin-<jurisdiction>`): checking publishes nothing",
    body=views.AnyDefinition,
    answers=Answer(
        200,
        "The verdict.",
        views.ValidationReport,
        example={
            "valid": False,
            "problems": [{"path": "$.code", "message": "'x' does not match '^[a-z][a-z0-9-]{2,40}$'"}],
        },
    ),
)
def validate_procedure(body: Any) -> Response:
    lang = _language()
    found = validate_definition(body)
    said = [{**problem, "message": messages.problem_message(problem["message"], lang)} for problem in found]
    return answer(views.report(said), headers=_in_language(lang))


def _language() -> str:
    return messages.language(procedures.current_request.headers.get("accept-language"))


def _in_language(lang: str) -> dict[str, str]:
    return {"Content-Language": lang, "Vary": "Accept-Language"}


@procedures.operation(
    "POST",
    "/procedures/preview",
    operation_id="previewProcedure",
    summary="Preview a procedure definition as it would be published: problems, citizen's page, workflow, fee, SMS",
    description=(
        "For the publishing editor; nothing is stored. Always answers 200 for a JSON object with `definition`: "
        "`valid` and `problems` as `POST /procedures/validate` (messages in the language `Accept-Language` prefers), "
        "and for a valid definition `procedure` (what `GET /procedures/{code}` would answer once it is published as "
        "its next version), `diagram` (the compiled state machine grouped back to the definition's steps: nodes, "
        "labelled edges, deadlines and ficta outcomes, with a text alternative in Spanish and English), `fee` for the "
        "sample `answers` (null amount and the `missing` fields while the formula lacks some; null for a free "
        "procedure), `deadline` (the legal deadline sentence the citizen reads, in the procedure page's words) and "
        "`sms` (the texts the citizen receives, as sent, with their segments and encoding); for any definition object, "
        "`changes` and `diff` against the newest published version, as a draft's page shows them."
    ),
    roles=PUBLISHERS,
    note="group `admin`, or a jurisdiction's publishers (`admin-<jurisdiction>`): previewing publishes nothing",
    body=PreviewRequest,
    answers=Answer(
        200,
        "The preview (only `valid`, `problems`, `changes` and `diff` when the definition is invalid).",
        preview_views.PreviewReport,
        example={
            "valid": False,
            "problems": [{"path": "$.fee.formula", "message": "usa 'm2', que no es un campo del formulario"}],
            "procedure": None,
            "diagram": None,
            "fee": None,
            "deadline": None,
            "sms": [],
            "changes": [
                {"path": "$.fee.formula", "kind": "changed", "before": "m2 * 10", "after": "superficie_m2 * 10"}
            ],
            "diff": [],
        },
    ),
)
def preview_procedure(body: PreviewRequest) -> Response:
    lang = _language()
    definition = body.definition
    code = definition.get("code") if isinstance(definition, dict) else None
    newest = container().catalogue.newest(code) if isinstance(code, str) else None
    found = preview(
        definition,
        body.answers,
        version=int(newest.version) + 1 if newest is not None else 1,
        published=newest.definition if newest is not None else None,
    )
    report = preview_views.report(found, lambda message: messages.problem_message(message, lang))
    return answer(report, headers=_in_language(lang))


@procedures.operation(
    "GET",
    "/procedure-templates",
    operation_id="listProcedureTemplates",
    summary="List the definitions a new procedure can start from (admins)",
    description=(
        "Valid definitions under the placeholder code `nuevo-tramite`, whose texts say what to replace: "
        "`revision-dos-dependencias` (two agencies reviewing in parallel, a fee formula with a minimum, payment, "
        "issue) and `revision-una-dependencia` (one agency's review, no fee)."
    ),
    roles=PUBLISHERS,
    note="group `admin`, or a jurisdiction's publishers (`admin-<jurisdiction>`)",
    answers=Answer(200, "The templates, by id.", preview_views.ProcedureTemplates),
)
def list_procedure_templates() -> Response:
    return answer(preview_views.templates(all_templates()))


@procedures.operation(
    "PUT",
    "/procedures/{code}",
    operation_id="publishProcedure",
    summary="Publish a procedure definition as its next version (admins)",
    description=(
        "Validates the definition (JSON Schema, then meaning), compiles it to a Step Functions state machine and "
        "stores it as the next version. Publishing a definition identical to the latest version is a no-op that "
        "answers 200 with that version. Running applications keep the version they started with. The body's "
        "`code` must equal the `{code}` in the URL; `version` is assigned by the platform. The national "
        "administrators (group `admin`) publish any procedure; a jurisdiction's publishers (group "
        "`admin-<jurisdiction>`, the INEGI code of a state, e.g. `admin-20`, or of a municipality, e.g. "
        "`admin-20067`) only one whose `jurisdiction` is theirs, in the version published now and in the new one."
    ),
    roles=PUBLISHERS,
    note="group `admin` (any procedure), or `admin-<jurisdiction>` (object-level: its own jurisdiction's only)",
    params=CODE,
    body=views.Definition,
    answers=(
        Answer(201, "Published as a new version.", views.ProcedureDetail),
        Answer(
            200,
            "Identical to the latest version: nothing was published; the latest version is returned.",
            views.ProcedureDetail,
        ),
    ),
    problems=(
        OUTSIDE_JURISDICTION,
        Problem(
            409,
            "Someone else published this procedure at the same time; retry.",
            ("concurrent_publish",),
            error_body("concurrent_publish", "licencia-conducir was published by someone else meanwhile; retry"),
        ),
        problems.invalid(
            "The body is not JSON, its code differs from the URL's, or the definition is invalid (`details` lists "
            "every problem with its JSON path).",
            ("code_mismatch", "invalid_definition"),
            error_body(
                "invalid_definition",
                "$: 'steps' is required here",
                [{"path": "$", "message": "'steps' is required here"}],
            ),
        ),
    ),
)
def publish_procedure(code: str, body: dict[str, Any]) -> Response:
    if body.get("code") != code:
        raise ValidationFailed(
            f"code: the body's code must be {code!r}, as in the URL",
            details=[{"field": "code", "message": "must match the URL"}],
            code="code_mismatch",
        )
    published, created = container().catalogue.publish_as(principal_of(procedures.current_request), body)
    return answer(views.detail(published), status=201 if created else 200)
