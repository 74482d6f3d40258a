"""Agencies' routes: the review queue, decisions, and the intermediaries' report."""

from __future__ import annotations

from typing import Any

from chalice import Response
from msgspec import to_builtins

from chalicelib.api import problems
from chalicelib.api.errors import error_body, field_error_body
from chalicelib.api.http import IDEMPOTENCY_HEADER, idempotent, principal_of
from chalicelib.api.paging import Paging, next_cursor, page_of
from chalicelib.api.params import AGENCY, path
from chalicelib.api.policy import AGENCY as OFFICIALS
from chalicelib.api.routes import Answer, ApiBlueprint, Problem, answer
from chalicelib.api.views import reviews as views
from chalicelib.api.views import signatures as signature_views
from chalicelib.reviews.requests import DecisionDraft, ReportWindow, ReviewDecision
from chalicelib.wiring import container

agencies = ApiBlueprint(__name__, tag="agencies")
NOT_YOUR_REVIEW = problems.other_agency(
    "The review belongs to another agency (or, once escalated, to its supervisors).",
    "this review belongs to SEMOVI; you cannot decide it",
)
REVIEW_ID = path("review_id", "The review's id (from the queue).", "9f50c94a8bee970b", maxLength=40)


@agencies.operation(
    "GET",
    "/agencies/{agency}/reviews",
    operation_id="listAgencyReviews",
    summary="List the agency's open reviews, oldest deadline first (its officials)",
    description=(
        "Officials see their agency's queue; supervisors also see reviews escalated to them after a missed "
        "deadline. In legal-deadline order, then first come, first served; reviews due the same day are equals for "
        "queue fairness (`earlier_open` counts only earlier deadlines)."
    ),
    roles=OFFICIALS,
    note="only one's own agency; supervisors also see escalated reviews",
    params=AGENCY,
    query=Paging,
    answers=Answer(200, "A page of the queue.", views.ReviewQueue),
    problems=(
        problems.other_agency(
            "Not an official (or supervisor) of this agency.", "only officials of OTHER see its queue"
        ),
        problems.PAGING,
    ),
)
def review_queue(agency: str, query: Paging) -> Response:
    request = agencies.current_request
    found = container().reviews.queue(principal_of(request), agency, page_of(request, query))
    return answer(views.queue(agency, found.items, next_cursor(request, found.after)))


@agencies.operation(
    "GET",
    "/agencies/{agency}/intermediaries",
    operation_id="intermediariesReport",
    summary="Applications filed through community centres that the agency decided unusually fast (its officials)",
    description=(
        "One Query over the agency's decisions since `days` ago. Per procedure, the median hours from submission to "
        "decision; per centre, its median, its share, and a flag when it is under half the procedure's with at "
        "least `min_applications` decisions. A flag is a reason to look, not a finding."
    ),
    roles=OFFICIALS,
    note="only one's own agency: applications filed through centres and decided unusually fast",
    params=AGENCY,
    query=ReportWindow,
    answers=Answer(200, "The report.", views.IntermediariesReport),
    problems=(
        problems.other_agency("Not an official of this agency.", "only officials of OTHER see its report"),
        Problem(
            422,
            "A bad query parameter.",
            ("invalid_parameter",),
            field_error_body("invalid_parameter", "days", "must be a whole number from 1 to 400"),
        ),
    ),
)
def intermediaries_report(agency: str, query: ReportWindow) -> Response:
    report = container().intermediaries.report(principal_of(agencies.current_request), agency, query)
    return answer(views.intermediaries(report))


@agencies.operation(
    "POST",
    "/reviews/{review_id}/cadena-original",
    operation_id="prepareDecisionCadenaOriginal",
    summary="Prepare a decision's cadena original, the text the official signs with their e.firma",
    description=(
        "Nothing is recorded. The text names the procedure, the application, the review, the decision, the SHA-256 "
        "of the reason, the official and the time (docs/efirma.md); sign it in the browser and send it with the "
        "same decision and reason to `POST /reviews/{review_id}/decision` before `expires_at`."
    ),
    roles=OFFICIALS,
    note="officials of the review's agency (escalated: its supervisors)",
    params=REVIEW_ID,
    body=DecisionDraft,
    body_example={"decision": "approve", "reason": "Documentos y examen en regla."},
    answers=Answer(200, "The text to sign.", signature_views.CadenaToSign),
    problems=(
        NOT_YOUR_REVIEW,
        problems.no_such("review"),
        Problem(
            409,
            "The review is already closed (decided or expired).",
            ("review_closed",),
            error_body("review_closed", "this review is already closed (decided); no second decision"),
        ),
        problems.invalid(
            "The body is not an object, `decision` is not one of the three, or `reason` is missing.",
            ("invalid_decision", "reason_required"),
            field_error_body("invalid_decision", "decision", "must be one of approve, reject, request_changes"),
        ),
        problems.UNAVAILABLE,
    ),
)
def prepare_decision(review_id: str, body: DecisionDraft) -> Response:
    text, expires_at, required = container().reviews.prepare(principal_of(agencies.current_request), review_id, body)
    return answer(signature_views.CadenaToSign(cadena_original=text, expires_at=expires_at, efirma_required=required))


@agencies.operation(
    "POST",
    "/reviews/{review_id}/decision",
    operation_id="decideReview",
    summary="Decide an open review: approve, reject or request changes (the agency's officials)",
    description=(
        "Only one decision per review is ever recorded; the workflow resumes with it, and the application keeps it "
        "as a resolution: the official's name, position and agency, their e.firma over the decision's cadena "
        "original (from `POST /reviews/{review_id}/cadena-original`; required unless the step's `signature` is "
        "`seal`) and the platform's seal. An escalated review can only "
        "be decided by the agency's supervisors. `request_changes` pauses the legal clock and gives the citizen the "
        "step's correction period. Deciding a review while another application's review in the same queue has an "
        "earlier legal deadline is deciding out of order: it needs `reason_out_of_order` (422 "
        "`reason_out_of_order_required` names the field otherwise); the escalated reviews of the supervisors' queue "
        "are a queue of their own."
    ),
    roles=OFFICIALS,
    note="officials of the review's agency (escalated: its supervisors); `Idempotency-Key`",
    params=REVIEW_ID,
    headers=(IDEMPOTENCY_HEADER,),
    body=ReviewDecision,
    body_example={
        "decision": "approve",
        "reason": "Documentos y examen en regla.",
        "efirma": {
            "certificate": "MIIF…",
            "cadena_original": "||1.0|RESOLUCION|licencia-construccion|1|N4KN9RF9Q4|9f50c94a8bee970b|…||",
            "signature": "kq3…",
        },
    },
    answers=Answer(
        200,
        "The decision was recorded.",
        views.ReviewDecisionResult,
        example={
            "review_id": "9f50c94a8bee970b",
            "decision": "approve",
            "application_id": "N4KN9RF9Q4",
            "status": "in_review",
        },
    ),
    problems=(
        NOT_YOUR_REVIEW,
        problems.no_such("review"),
        Problem(
            409,
            "The review is already closed (decided or expired), the application changed meanwhile, or the "
            "Idempotency-Key is in use (by this request, still running, or by another).",
            (
                "review_closed",
                "invalid_transition",
                "concurrent_change",
                "request_in_progress",
                "idempotency_key_reused",
            ),
            error_body("review_closed", "this review is already closed (decided); no second decision"),
        ),
        problems.invalid(
            "The body is not an object, `decision` is not one of the three, `reason` is missing, the decision jumps "
            "the queue without `reason_out_of_order`, the Idempotency-Key is malformed, the step requires the "
            "official's e.firma and none was given, or the e.firma does not hold (each refusal its own code).",
            (
                "invalid_decision",
                "reason_required",
                "reason_out_of_order_required",
                "invalid_idempotency_key",
                *problems.EFIRMA_REFUSALS,
            ),
            field_error_body("invalid_decision", "decision", "must be one of approve, reject, request_changes"),
        ),
        problems.EFIRMA_UNAVAILABLE,
    ),
)
def decide_review(review_id: str, body: ReviewDecision) -> Response:
    request = agencies.current_request
    services = container()

    def decide() -> dict[str, Any]:
        decided = services.reviews.decide(principal_of(request), review_id, body)
        # the documented answer carries the application's status once the decision is recorded
        result: dict[str, Any] = to_builtins(views.decision(decided))  # kept as JSON for a retry
        return result

    return answer(idempotent(request, "decision", decide))


@agencies.operation(
    "POST",
    "/reviews/{review_id}/evidence/{requirement}/check",
    operation_id="checkEvidenceAtSource",
    summary="Ask the registry again, in the official's name, for a fact the application took from it",
    description=(
        "The registry named by the requirement's evidence is asked now (a signed request, logged in the citizen's "
        "data-exchange log with the official's name) and its answer compared with what the application used. "
        "Nothing on the application changes; the check is in its audit trail (`evidence.checked`)."
    ),
    roles=OFFICIALS,
    note="officials of the review's agency (and its supervisors)",
    params={**REVIEW_ID, **path("requirement", "A requirement whose evidence comes from a registry.", "escritura")},
    answers=Answer(200, "What the registry says now, and whether it is what the application used.", views.Checked),
    problems=(
        NOT_YOUR_REVIEW,
        Problem(
            404,
            "No such review, or no requirement of the procedure with that code comes from a registry.",
            ("unknown_review", "unknown_evidence"),
            error_body("unknown_evidence", "no requirement 'planos' of this procedure comes from a registry"),
        ),
        problems.UNAVAILABLE,
    ),
)
def check_evidence_at_source(review_id: str, requirement: str) -> Response:
    services = container()
    checked = services.evidence.check_at_source(
        principal_of(agencies.current_request),
        services.reviews.get(review_id),
        requirement,
        services.applications.definition,
    )
    return answer(views.checked(checked))
