"""A procedure's next version on its way: drafts, public consultation, approval by a
second publisher, scheduled publication and retirement; the public consultation pages."""

from __future__ import annotations

from typing import Any

from chalice import Response

from chalicelib.api import problems
from chalicelib.api.errors import error_body, field_error_body
from chalicelib.api.http import principal_of
from chalicelib.api.paging import Paging, next_cursor, page_of
from chalicelib.api.params import path
from chalicelib.api.policy import EVERYONE, PUBLISHERS, SIGNED_IN
from chalicelib.api.procedures import CODE, OUTSIDE_JURISDICTION, UNKNOWN_PROCEDURE
from chalicelib.api.routes import Answer, ApiBlueprint, Problem, answer, documented, public_cache
from chalicelib.api.views import lifecycle as views
from chalicelib.api.views import procedures as procedure_views
from chalicelib.core.errors import NotFound, ValidationFailed
from chalicelib.identity.principal import ADMIN, PUBLISHER, SUPERVISOR
from chalicelib.procedures.proposals import (
    AnswerRequest,
    ApprovalRequest,
    CommentRequest,
    ConsultationRequest,
    RetirementRequest,
)
from chalicelib.wiring import container

lifecycle = ApiBlueprint(__name__, tag="procedures")
CACHED_A_MINUTE = public_cache(60)
NUMBER = path("number", "Draft number (1, 2, … per procedure).", "2", pattern="^[0-9]{1,6}$")
COMMENT = path("comment", "Comment id.", "20261203T162000125000-1a2b3c4d", maxLength=60, pattern="^[0-9A-Za-z-]{1,60}$")
DRAFT_PARAMS = {**CODE, **NUMBER}
PUBLISHER_SCOPE = "group `admin`, or `admin-<jurisdiction>` for its own jurisdiction's procedures (object-level)"
ANSWERERS = frozenset({ADMIN, PUBLISHER, SUPERVISOR})
UNKNOWN_DRAFT = Problem(
    404,
    "There is no such procedure, or no such draft of it.",
    ("unknown_procedure", "unknown_draft"),
    error_body("unknown_draft", "procedure 'licencia-conducir' has no draft 9"),
)
ALREADY_APPROVED = ("already_approved", "draft_changed")
CLOSED_TO_NEW_VERSIONS = Problem(
    409,
    "The procedure is retired, or a version approved earlier has not taken effect yet.",
    ("procedure_retired", "publication_scheduled"),
    error_body("procedure_retired", "licencia-conducir was retired on 2027-01-10: it takes no new versions"),
)


def _number(number: str) -> int:
    if not number.isascii() or not number.isdigit() or len(number) > 6:
        raise NotFound(f"there is no draft {number[:10]!r}", code="unknown_draft")
    return int(number)


def _me() -> Any:
    return principal_of(lifecycle.current_request)


@lifecycle.operation(
    "POST",
    "/procedures/{code}/drafts",
    operation_id="draftProcedure",
    summary="Draft the next version of a procedure (admins)",
    description=(
        "Validates the definition as publishing does and keeps it as the procedure's next draft, with the published "
        "version it changes. Nothing is published: a second publisher approves it (`…/approve`), optionally after a "
        "public consultation (`…/consultation`). A new procedure may be drafted too."
    ),
    roles=PUBLISHERS,
    note=f"{PUBLISHER_SCOPE}; the author may not approve it",
    params=CODE,
    body=procedure_views.Definition,
    answers=Answer(201, "The draft, with what it changes.", views.Draft),
    problems=(
        OUTSIDE_JURISDICTION,
        CLOSED_TO_NEW_VERSIONS,
        problems.invalid(
            "The body's code differs from the URL's, the definition is invalid, or it changes nothing.",
            ("code_mismatch", "invalid_definition", "nothing_changed"),
            error_body(
                "nothing_changed", "the draft is identical to version 1 of licencia-conducir: it changes nothing"
            ),
        ),
    ),
)
def create_draft(code: str, body: dict[str, Any]) -> Response:
    if body.get("code") != code:
        raise ValidationFailed(
            f"code: the body's code must be {code!r}, as in the URL",
            details=[{"field": "code", "message": "must match the URL"}],
            code="code_mismatch",
        )
    draft = container().lifecycle.draft(_me(), body)
    return answer(views.draft(container().lifecycle.proposal(code, int(draft.number))), status=201)


@lifecycle.operation(
    "GET",
    "/procedures/{code}/drafts/{number}",
    operation_id="getProcedureDraft",
    summary="Get a draft: its definition, what it changes, its comments and every audited step (admins)",
    roles=PUBLISHERS,
    note=PUBLISHER_SCOPE,
    params=DRAFT_PARAMS,
    answers=Answer(200, "The draft.", views.Draft),
    problems=(OUTSIDE_JURISDICTION, UNKNOWN_DRAFT),
)
def get_draft(code: str, number: str) -> Response:
    return answer(views.draft(container().lifecycle.proposal(code, _number(number), reader=_me())))


@lifecycle.operation(
    "POST",
    "/procedures/{code}/drafts/{number}/consultation",
    operation_id="openConsultation",
    summary="Put a draft to public consultation (admins)",
    description=(
        "The draft's page becomes public (`GET /consultations/{code}/{number}`): the change as a readable diff "
        "against the published version, and the comments anyone signed in makes, each with the agency's answer. "
        "With `closes_on`, comments are taken until the end of that day and the draft is approved after it."
    ),
    roles=PUBLISHERS,
    note=PUBLISHER_SCOPE,
    params=DRAFT_PARAMS,
    body=ConsultationRequest,
    answers=Answer(200, "The draft, now in consultation.", views.Draft),
    problems=(
        OUTSIDE_JURISDICTION,
        UNKNOWN_DRAFT,
        Problem(
            409,
            "The draft is in consultation already, or approved.",
            ("already_in_consultation", *ALREADY_APPROVED),
            error_body("already_in_consultation", "draft 2 of licencia-conducir is already in consultation"),
        ),
        problems.invalid(
            "`closes_on` is not a date, or is in the past.",
            ("invalid_closing_date",),
            field_error_body("invalid_closing_date", "closes_on", "must be today (2026-12-03) or later"),
        ),
    ),
)
def open_consultation(code: str, number: str, body: ConsultationRequest) -> Response:
    draft = container().lifecycle.open_consultation(_me(), code, _number(number), body.closes_on)
    return answer(views.draft(container().lifecycle.proposal(code, int(draft.number))))


@lifecycle.operation(
    "POST",
    "/procedures/{code}/drafts/{number}/comments",
    operation_id="commentDraft",
    summary="Comment on a draft in public consultation (anyone signed in)",
    description=(
        "Published on the consultation page as written, under the name the commenter signed in with (or none, "
        "with `anonymous`); the platform keeps who wrote it. Refused once the consultation has closed."
    ),
    roles=SIGNED_IN,
    note="anyone signed in; the comment is public",
    params=DRAFT_PARAMS,
    body=CommentRequest,
    answers=Answer(201, "The comment, as published.", views.Comment),
    problems=(
        UNKNOWN_DRAFT,
        Problem(
            409,
            "The draft is not in consultation, or its consultation has closed.",
            ("consultation_closed",),
            error_body(
                "consultation_closed", "draft 2 of licencia-conducir takes no comments: its consultation is closed"
            ),
        ),
        problems.invalid(
            "The comment is missing, too short or too long.",
            ("invalid_comment", "invalid_anonymous"),
            field_error_body("invalid_comment", "text", "is required: 5 to 4,000 characters"),
        ),
    ),
)
def comment_draft(code: str, number: str, body: CommentRequest) -> Response:
    made = container().lifecycle.comment(_me(), code, _number(number), body.text, body.anonymous)
    return answer(views.comment(made), status=201)


@lifecycle.operation(
    "POST",
    "/procedures/{code}/drafts/{number}/comments/{comment}/answer",
    operation_id="answerComment",
    summary="Answer a comment in public, for the agency (its supervisors, or admins)",
    description="Each comment is answered once; the answer is published under it and kept after publication.",
    roles=ANSWERERS,
    note="group `admin`, the procedure's jurisdiction's publishers, or a supervisor of its agency (object-level)",
    params={**DRAFT_PARAMS, **COMMENT},
    body=AnswerRequest,
    answers=Answer(200, "The comment with its answer.", views.Comment),
    problems=(
        problems.other_agency(
            "A supervisor of another agency.", "licencia-conducir belongs to SEMOVI: its supervisors answer"
        ),
        Problem(
            404,
            "There is no such procedure, draft or comment.",
            ("unknown_procedure", "unknown_draft", "unknown_comment"),
            error_body("unknown_comment", "draft 2 of licencia-conducir has no comment 'x'"),
        ),
        Problem(
            409,
            "The comment is answered already.",
            ("already_answered",),
            error_body("already_answered", "comment 20261203T162000125000-1a2b3c4d is already answered"),
        ),
        problems.invalid(
            "The answer is missing, too short or too long.",
            ("invalid_answer",),
            field_error_body("invalid_answer", "text", "is required: 5 to 4,000 characters"),
        ),
    ),
)
def answer_comment(code: str, number: str, comment: str, body: AnswerRequest) -> Response:
    answered = container().lifecycle.answer(_me(), code, _number(number), comment, body.text)
    return answer(views.comment(answered))


@lifecycle.operation(
    "POST",
    "/procedures/{code}/drafts/{number}/approve",
    operation_id="approveDraft",
    summary="Approve a draft and publish it, now or from a date (a second admin, never its author)",
    description=(
        "Four eyes: the author of the draft may not approve it (403 `four_eyes`). Every comment must be answered "
        "and a consultation with a closing date must have closed. The draft is published as the next version in "
        "the same transaction; with `effective_on` the catalogue serves it from that day (America/Mexico_City "
        "midnight) and the version before it until then. Running applications keep the version they started on."
    ),
    roles=PUBLISHERS,
    note=f"{PUBLISHER_SCOPE}, never the draft's author (`four_eyes`)",
    params=DRAFT_PARAMS,
    body=ApprovalRequest,
    answers=Answer(200, "The draft, `scheduled` or `published`, with its version.", views.Draft),
    problems=(
        Problem(
            403,
            "The caller wrote the draft: another publisher must approve it.",
            ("forbidden", "four_eyes"),
            error_body("four_eyes", "you wrote draft 2 of licencia-conducir: another publisher must approve it"),
        ),
        OUTSIDE_JURISDICTION,
        UNKNOWN_DRAFT,
        Problem(
            409,
            "The draft is approved already, its consultation is still open, a comment awaits its answer, another "
            "version was published after it was written, the procedure is retired, a version waits to take effect, "
            "or someone published meanwhile.",
            (
                *ALREADY_APPROVED,
                "draft_outdated",
                "consultation_open",
                "unanswered_comments",
                "procedure_retired",
                "publication_scheduled",
                "concurrent_publish",
            ),
            error_body("unanswered_comments", "1 comment(s) on draft 2 of licencia-conducir await the agency's answer"),
        ),
        problems.invalid(
            "`effective_on` is not a date, or is in the past.",
            ("invalid_effective_date", "effective_in_past"),
            field_error_body("effective_in_past", "effective_on", "must be today (2026-12-03) or later"),
        ),
    ),
)
def approve_draft(code: str, number: str, body: ApprovalRequest) -> Response:
    draft = container().lifecycle.approve(_me(), code, _number(number), body.effective_on)
    return answer(views.draft(container().lifecycle.proposal(code, int(draft.number))))


@lifecycle.operation(
    "POST",
    "/procedures/{code}/retire",
    operation_id="retireProcedure",
    summary="Retire a procedure: no new applications; running ones finish on their version (admins)",
    description=(
        "The catalogue stops listing it and a new application (or a new draft) for it is refused with "
        "`procedure_retired`; its versions stay readable, and applications already started run to their end. "
        "Audited with the reason."
    ),
    roles=PUBLISHERS,
    note=PUBLISHER_SCOPE,
    params=CODE,
    body=RetirementRequest,
    answers=Answer(200, "The procedure, with `retired_at`.", procedure_views.ProcedureDetail),
    problems=(
        OUTSIDE_JURISDICTION,
        UNKNOWN_PROCEDURE,
        CLOSED_TO_NEW_VERSIONS,
        problems.invalid(
            "The reason is missing, too short or too long.",
            ("reason_required",),
            field_error_body("reason_required", "reason", "is required: 5 to 1,000 characters"),
        ),
    ),
)
def retire_procedure(code: str, body: RetirementRequest) -> Response:
    return answer(procedure_views.detail(container().lifecycle.retire(_me(), code, body.reason)))


@lifecycle.operation(
    "GET",
    "/consultations",
    operation_id="listConsultations",
    summary="List the public consultations on procedures, newest first, a page at a time",
    description=(
        "The cursor of an anonymous caller's page is the same for everyone, so a cached page's `next_cursor` serves "
        "whoever reads it."
    ),
    roles=EVERYONE,
    query=Paging,
    answers=Answer(
        200,
        "A page of the drafts put to consultation (open, closed or published).",
        views.Consultations,
        headers=documented(CACHED_A_MINUTE),
    ),
    problems=(problems.PAGING,),
)
def list_consultations(query: Paging) -> Response:
    request = lifecycle.current_request
    page = container().lifecycle.consultations(page_of(request, query))
    return answer(views.consultations(page.items, next_cursor(request, page.after)), headers=CACHED_A_MINUTE)


@lifecycle.operation(
    "GET",
    "/consultations/{code}/{number}",
    operation_id="getConsultation",
    summary="Get a consultation's public page: the change, the comments and the agency's answers",
    description="Kept after the version is published: what people said and what the agency answered stays public.",
    roles=EVERYONE,
    params=DRAFT_PARAMS,
    answers=Answer(200, "The consultation.", views.Consultation, headers=documented(CACHED_A_MINUTE)),
    problems=(
        Problem(
            404,
            "There is no such procedure or draft, or the draft was not put to consultation.",
            ("unknown_procedure", "unknown_draft", "unknown_consultation"),
            error_body("unknown_consultation", "draft 2 of licencia-conducir was not put to consultation"),
        ),
    ),
)
def get_consultation(code: str, number: str) -> Response:
    found = container().lifecycle.consultation(code, _number(number))
    return answer(views.consultation(found), headers=CACHED_A_MINUTE)
