"""The appeal of a rejection (recurso de revisión): filed by the holder, resolved by the
deciding agency's supervisors."""

from __future__ import annotations

from chalice import Response

from chalicelib.api import problems
from chalicelib.api.citizens import shown_application
from chalicelib.api.errors import error_body, field_error_body
from chalicelib.api.http import principal_of
from chalicelib.api.params import APPLICATION_ID
from chalicelib.api.policy import AGENCY, FOR_THE_HOLDER
from chalicelib.api.routes import Answer, ApiBlueprint, Problem, answer
from chalicelib.api.views import applications as views
from chalicelib.applications.appeal_requests import AppealDecision, AppealFiling
from chalicelib.wiring import container

appeals = ApiBlueprint(__name__, tag="citizens")


@appeals.operation(
    "POST",
    "/applications/{id}/appeal",
    operation_id="fileAppeal",
    summary="Appeal a rejection or a negativa ficta (recurso de revisión) (owner)",
    description=(
        "Within the procedure's `appeal.days` business days (default 15) from the rejection's notification (its "
        "audit event), the holder or their assistant files `arguments` and, optionally, `documents`: requirement "
        "codes of documents already uploaded to the application (to add one, upload it first). The appeal goes to "
        "the supervisors' queue of the agency that decided, with their own legal deadline (`appeal.decision_days`, "
        "default 10 business days); the application stays `rejected` and shows `appeal`. One appeal per "
        "application (`appeal_exists`); only a rejected application (`not_appealable`); after the period, "
        "`appeal_window_closed`."
    ),
    roles=FOR_THE_HOLDER,
    note="owner, or its assistant; only while rejected and within the period",
    params=APPLICATION_ID,
    body=AppealFiling,
    body_example={
        "arguments": "El comprobante de domicilio sí está a mi nombre; lo adjunto de nuevo.",
        "documents": ["comprobante_domicilio"],
    },
    answers=Answer(201, "The application, with its appeal filed.", views.Application),
    problems=(
        problems.APPLICATION_NOT_FOUND,
        Problem(
            409,
            "The application is not rejected, was already appealed, the period to appeal ended, or it changed "
            "meanwhile.",
            ("not_appealable", "appeal_exists", "appeal_window_closed", "concurrent_change"),
            error_body(
                "appeal_window_closed",
                "the period to appeal ended on 24/11/2026 (15 business days from the rejection's notification)",
            ),
        ),
        problems.invalid(
            "`arguments` is missing or out of bounds, or `documents` names a document not uploaded to the application.",
            ("arguments_required", "invalid_appeal_documents"),
            field_error_body(
                "invalid_appeal_documents",
                "documents[0]",
                "must name a document uploaded to this application (its requirement code)",
            ),
        ),
        problems.UNAVAILABLE,
    ),
)
def file_appeal(id: str, body: AppealFiling) -> Response:
    services = container()
    principal = principal_of(appeals.current_request)
    application = services.appeals.file(principal, id, body)
    shown = shown_application(application, principal)
    return answer(shown, status=201)


@appeals.operation(
    "POST",
    "/applications/{id}/appeal/decision",
    operation_id="decideAppeal",
    summary="Resolve an appeal: confirm, revoke or order a new review (the deciding agency's supervisors)",
    description=(
        "Only a supervisor of the agency that decided (Cognito group `supervisor-<agency>`) resolves it, once, and "
        "never the official who decided what is appealed (`original_decider`). The resolution is sealed by the "
        "platform (its cadena original `||1.0|RECURSO|...||` and seal are kept on the appeal) and notified by SMS. "
        "`confirm`: the rejection stands. `revoke`: the application resumes at the procedure's `appeal.resume_at` "
        "(default: the step after the one that rejected) in a new execution, and can be issued. `new_review`: the "
        "step that rejected is reviewed again with a fresh legal deadline, by any official but the one who decided "
        "it."
    ),
    roles=AGENCY,
    tags=("agencies",),
    note="supervisors of the agency that decided, except whoever decided what is appealed",
    params=APPLICATION_ID,
    body=AppealDecision,
    body_example={"outcome": "revoke", "reason": "El comprobante presentado sí acredita el domicilio."},
    answers=Answer(200, "The application, with the appeal resolved.", views.Application),
    problems=(
        Problem(
            403,
            "Not a supervisor of the agency that decided, or the person who decided what is appealed.",
            ("forbidden", "other_agency", "original_decider"),
            error_body("original_decider", "you decided what is appealed; another supervisor resolves the appeal"),
        ),
        problems.no_such("appeal", description="The application does not exist or has no appeal."),
        Problem(
            409,
            "The appeal is already resolved, the procedure does not say where a revoked rejection resumes, a new "
            "review was ordered for a rejection that did not come from a review, or the application changed "
            "meanwhile.",
            ("appeal_closed", "appeal_resume_unknown", "no_review_to_repeat", "concurrent_change"),
            error_body("appeal_closed", "this appeal is already resolved (confirmed)"),
        ),
        problems.invalid(
            "`outcome` is not one of the three, or `reason` is missing.",
            ("invalid_outcome", "reason_required"),
            field_error_body("invalid_outcome", "outcome", "must be one of confirm, revoke, new_review"),
        ),
        problems.UNAVAILABLE,
    ),
)
def decide_appeal(id: str, body: AppealDecision) -> Response:
    services = container()
    principal = principal_of(appeals.current_request)
    application = services.appeals.decide(principal, id, body)
    return answer(shown_application(application, principal))
