"""Privacy rights (LGPDPPSO): the privacy notice, the holder's export, ARCO requests and the
data-protection officer's queue (docs/privacy.md)."""

from __future__ import annotations

import json
from typing import Annotated

from chalice import Response
from msgspec import Meta

from chalicelib.api import problems
from chalicelib.api.errors import error_body, field_error_body
from chalicelib.api.http import PDF, pdf_response, principal_of, wants_pdf
from chalicelib.api.paging import Paging, next_cursor, page_of
from chalicelib.api.params import path
from chalicelib.api.policy import CITIZENS, EVERYONE, HOLDER_OR_PRIVACY_OFFICER, PRIVACY_OFFICERS
from chalicelib.api.routes import Answer, ApiBlueprint, Problem, answer
from chalicelib.api.views import privacy as views
from chalicelib.core.fields import JsonObject
from chalicelib.privacy import export
from chalicelib.privacy.requests import (
    STATUSES,
    NoticeAcceptance,
    PrivacyDecision,
    PrivacyRequestFiling,
    RegistryAnswer,
    Status,
)
from chalicelib.wiring import container

privacy = ApiBlueprint(__name__, tag="privacy")

REQUEST_ID = path("id", "Privacy request id (`ARCO-` and 10 characters).", "ARCO-8Q9FQ5PXS4", maxLength=40)
UNKNOWN_REQUEST = problems.no_such(
    "privacy_request", description="No such request, or it is another holder's (a holder sees only their own)."
)
EXPORT_HEADERS = {
    "Content-Disposition": '`attachment; filename="ventanilla-<CURP>.json"`: a file to save.',
    "Cache-Control": "`private, no-store`",
}


class QueueQuery(Paging, kw_only=True):
    """Which requests of the queue, and the page."""

    status: Annotated[
        Status | None,
        Meta(
            description="Only requests in this status (default: every open one: received, extended, referred).",
            extra={"code": "invalid_status", "message": "must be " + ", ".join(STATUSES)},
        ),
    ] = None


@privacy.operation(
    "GET",
    "/privacy-notice",
    operation_id="getPrivacyNotice",
    summary="Read the privacy notice (aviso de privacidad integral) in force: version, Spanish and English",
    description=(
        "Who is responsible, which data, the essential and non-essential purposes, the transfers to registries, and "
        "how to exercise the ARCO rights. `processing` lists what a holder may oppose. The version bumps whenever "
        "the text changes; a holder accepts it with `POST /me/privacy-notice`."
    ),
    roles=EVERYONE,
    note="public",
    answers=Answer(200, "The notice.", views.PrivacyNotice),
)
def privacy_notice() -> Response:
    return answer(views.privacy_notice(), headers={"Cache-Control": "public, max-age=300"})


@privacy.operation(
    "POST",
    "/me/privacy-notice",
    operation_id="acceptPrivacyNotice",
    summary="Accept the privacy notice's current version (the signed-in holder)",
    description=(
        "Records the version and the time on the profile (`GET /me` shows `privacy_notice`) and in the holder's "
        "privacy log (part of `GET /me/export`). A version that is not the current one is refused."
    ),
    roles=CITIZENS,
    note="one's own",
    body=NoticeAcceptance,
    body_example={"version": 1},
    answers=Answer(200, "What is now on record.", views.NoticeAcceptanceShown),
    problems=(
        Problem(
            409,
            "The version is not the current one (the notice changed): read it again and accept the current version.",
            ("privacy_notice_outdated",),
            error_body(
                "privacy_notice_outdated",
                "version: the current privacy notice is version 2; read it and accept that one",
                [{"field": "version", "message": "must be 2, the current version"}],
            ),
        ),
    ),
)
def accept_privacy_notice(body: NoticeAcceptance) -> Response:
    status = container().privacy.accept_notice(principal_of(privacy.current_request), body)
    return answer(views.accepted(status))


@privacy.operation(
    "GET",
    "/me/export",
    operation_id="exportMyData",
    summary="Download everything Ventanilla holds about the signed-in holder, as JSON",
    description=(
        "Profile, every application with its form answers and document metadata, each application's timeline, "
        "payments, issued documents, subscribed phones, the SMS log, delegations, e.firma proofs, the "
        "data-exchange log, ratings, privacy requests and the privacy log: one section each, every entry naming "
        "where it is kept (`key`). Staff appear by role and agency; phones that are not the holder's are masked "
        "(docs/privacy.md, *What is exported*). `sha256` fingerprints the content."
    ),
    roles=CITIZENS,
    note="one's own",
    answers=Answer(200, "The export, to save.", JsonObject, headers=EXPORT_HEADERS),
)
def export_my_data() -> Response:
    document = container().privacy.export(principal_of(privacy.current_request))
    return Response(
        body=json.dumps(document, ensure_ascii=False, default=str),
        status_code=200,
        headers={
            "Content-Type": "application/json",
            "Content-Disposition": f'attachment; filename="ventanilla-{document["holder"]}.json"',
            "Cache-Control": "private, no-store",
        },
    )


@privacy.operation(
    "GET",
    "/me/export.pdf",
    operation_id="exportMyDataPdf",
    summary="Download everything Ventanilla holds about the signed-in holder, as a readable PDF",
    description="The same content as `GET /me/export`, section by section. Send `Accept: application/pdf`.",
    roles=CITIZENS,
    note="one's own",
    answers=Answer(200, "The export, A4 PDF.", media_type=PDF, headers=EXPORT_HEADERS),
    problems=(problems.NOT_ACCEPTABLE,),
)
def export_my_data_pdf() -> Response:
    request = privacy.current_request
    wants_pdf(request)
    document = container().privacy.export(principal_of(request))
    from chalicelib.printing.pdf import render_report

    content = render_report(
        "Mis datos en Ventanilla",
        "Ventanilla Única de Trámites",
        export.rows(document),
        footer="Derecho de acceso (LGPDPPSO). Contenido idéntico a GET /me/export; SHA-256 al final.",
    )
    return pdf_response(f"ventanilla-{document['holder']}.pdf", content)


@privacy.operation(
    "POST",
    "/me/privacy-requests",
    operation_id="filePrivacyRequest",
    summary="File an ARCO request: access, rectification, cancellation or opposition (the signed-in holder)",
    description=(
        "Opens the request on the legal clock: the answer is due within 20 business days (`deadline`), "
        "extendable once by 10. `rectification` names `target` (`profile.name` or "
        "`applications/<id>/form.<field>`), `correction` and `reason`; a fact that came from a registry shows that "
        "`registry` and is referred to it. `cancellation` names `scope`: what the law lets go (`drafts`, "
        "`subscriptions`) and what it obliges keeping (refused with the reason, in `details.assessment`). "
        "`opposition` names a non-essential `processing` of the notice."
    ),
    roles=CITIZENS,
    note="one's own",
    body=PrivacyRequestFiling,
    body_example={
        "kind": "rectification",
        "target": "applications/8Q9FQ5PXS4/form.domicilio",
        "correction": "Av. Insurgentes Sur 1253, Col. del Valle",
        "reason": "El número exterior está mal escrito.",
    },
    answers=Answer(201, "The request, received.", views.PrivacyRequestShown),
    problems=(
        problems.invalid(
            "`kind` is unknown, or a field its kind needs is missing or wrong (`details` names it).",
            (
                "invalid_kind",
                "invalid_target",
                "correction_required",
                "invalid_correction",
                "reason_required",
                "invalid_scope",
                "invalid_processing",
            ),
            field_error_body("invalid_target", "target", "must be profile.name or applications/<id>/form.<field>"),
        ),
    ),
)
def file_privacy_request(body: PrivacyRequestFiling) -> Response:
    principal = principal_of(privacy.current_request)
    filed = container().privacy.file(principal, body)
    return answer(views.request(filed, principal), status=201, headers={"Location": f"/privacy-requests/{filed.id}"})


@privacy.operation(
    "GET",
    "/me/privacy-requests",
    operation_id="listMyPrivacyRequests",
    summary="List the signed-in holder's ARCO requests, newest first",
    roles=CITIZENS,
    note="one's own",
    query=Paging,
    answers=Answer(200, "A page of the holder's requests.", views.PrivacyRequestList),
    problems=(problems.PAGING,),
)
def my_privacy_requests(query: Paging) -> Response:
    request = privacy.current_request
    principal = principal_of(request)
    page = container().privacy.of_holder(principal, page_of(request, query))
    return answer(views.requests(page.items, principal, next_cursor(request, page.after)))


@privacy.operation(
    "GET",
    "/privacy-requests/{id}",
    operation_id="getPrivacyRequest",
    summary="Get an ARCO request and its trail (its holder, or a privacy officer)",
    description="The trail (`events`) says who did what and when; the holder reads the officers by role.",
    roles=HOLDER_OR_PRIVACY_OFFICER,
    note="citizen: own only; privacy officer: any",
    params=REQUEST_ID,
    answers=Answer(200, "The request.", views.PrivacyRequestShown),
    problems=(UNKNOWN_REQUEST,),
)
def get_privacy_request(id: str) -> Response:
    principal = principal_of(privacy.current_request)
    return answer(views.request(container().privacy.get(principal, id), principal))


@privacy.operation(
    "GET",
    "/privacy-requests",
    operation_id="listPrivacyRequests",
    summary="The privacy officer's queue of ARCO requests, earliest legal deadline first",
    description=(
        "Without `status`: every request awaiting an answer or a registry's answer (received, extended, referred). "
        "With `status`: only those (answered ones too)."
    ),
    roles=PRIVACY_OFFICERS,
    note="every holder's",
    query=QueueQuery,
    answers=Answer(200, "A page of the queue.", views.PrivacyRequestList),
    problems=(
        problems.invalid(
            "`status` is unknown, or the paging is wrong.",
            ("invalid_status", "invalid_limit", "invalid_cursor"),
            field_error_body("invalid_status", "status", "must be " + ", ".join(STATUSES)),
        ),
    ),
)
def privacy_queue(query: QueueQuery) -> Response:
    request = privacy.current_request
    principal = principal_of(request)
    page = container().privacy.queue(principal, page_of(request, query), query.status)
    return answer(views.requests(page.items, principal, next_cursor(request, page.after)))


@privacy.operation(
    "POST",
    "/privacy-requests/{id}/decision",
    operation_id="decidePrivacyRequest",
    summary="Answer an ARCO request: grant, partially grant, deny, refer to a registry, or extend (privacy officer)",
    description=(
        "A grant takes effect at once: a rectification corrects the record (on the application's audit chain, "
        "the old value kept only as its SHA-256), a cancellation erases what the law lets go, an opposition stops "
        "the processing; an access grant records the export's SHA-256. `effective_by` is 15 business days from the "
        "answer. `extended` moves the deadline 10 business days, once. `referred` (rectifications only) sends it "
        "to `registry`, whose answer is recorded with `POST /privacy-requests/{id}/registry-answer`."
    ),
    roles=PRIVACY_OFFICERS,
    note="any request awaiting an answer",
    params=REQUEST_ID,
    body=PrivacyDecision,
    body_example={"outcome": "granted", "reason": "Se corrige el domicilio conforme a lo solicitado."},
    answers=Answer(200, "The request, answered.", views.PrivacyRequestShown),
    problems=(
        UNKNOWN_REQUEST,
        Problem(
            409,
            "The request was answered already (or awaits a registry), its period was extended once already, the "
            "fact to correct came from a registry (refer it), or it changed meanwhile.",
            ("privacy_request_answered", "already_extended", "registry_fact", "concurrent_change"),
            error_body("already_extended", "the answer's period was extended once already; the law allows once"),
        ),
        problems.invalid(
            "`outcome` or `reason` is missing or wrong, `referred` on a request that is not a rectification, or "
            "`registry` is unknown.",
            ("invalid_outcome", "reason_required", "not_referable", "invalid_registry"),
            field_error_body("not_referable", "outcome", "only a rectification is referred to a registry"),
        ),
    ),
)
def decide_privacy_request(id: str, body: PrivacyDecision) -> Response:
    principal = principal_of(privacy.current_request)
    return answer(views.request(container().privacy.decide(principal, id, body), principal))


@privacy.operation(
    "POST",
    "/privacy-requests/{id}/registry-answer",
    operation_id="recordRegistryAnswer",
    summary="Record a registry's answer to a referred rectification (privacy officer)",
    description=(
        "`corrected`: the registry corrected its record, so Ventanilla's copy is corrected too and the request is "
        "granted; `refused`: the request is denied with the registry's reason."
    ),
    roles=PRIVACY_OFFICERS,
    note="referred requests",
    params=REQUEST_ID,
    body=RegistryAnswer,
    body_example={"answer": "corrected", "reason": "RENAPO corrigió el registro (oficio 123/2026)."},
    answers=Answer(200, "The request, answered.", views.PrivacyRequestShown),
    problems=(
        UNKNOWN_REQUEST,
        Problem(
            409,
            "The request is not referred to a registry, or it changed meanwhile.",
            ("privacy_request_not_referred", "concurrent_change"),
            error_body("privacy_request_not_referred", "the request is received, not referred to a registry"),
        ),
        problems.invalid(
            "`answer` or `reason` is missing or wrong.",
            ("invalid_answer", "reason_required"),
            field_error_body("invalid_answer", "answer", "must be corrected or refused"),
        ),
    ),
)
def registry_answer(id: str, body: RegistryAnswer) -> Response:
    principal = principal_of(privacy.current_request)
    return answer(views.request(container().privacy.registry_answered(principal, id, body), principal))
