"""Citizens' routes: applications, documents, submission, the record, payment slips."""

from __future__ import annotations

from typing import Any

from chalice import Response
from msgspec import to_builtins

from chalicelib.api import problems
from chalicelib.api.errors import error_body, field_error_body
from chalicelib.api.http import (
    IDEMPOTENCY_HEADER,
    MAX_BODY_BYTES,
    PDF,
    idempotent,
    pdf_response,
    principal_of,
    wants_pdf,
)
from chalicelib.api.paging import Paging, next_cursor, page_of
from chalicelib.api.params import APPLICATION_ID, DOCUMENT_ID, path
from chalicelib.api.policy import CITIZENS, FOR_THE_HOLDER, OWNER_OR_AGENCY
from chalicelib.api.procedures import UNKNOWN_PROCEDURE
from chalicelib.api.routes import Answer, ApiBlueprint, Problem, answer
from chalicelib.api.views import applications as views
from chalicelib.api.views import credentials as credential_views
from chalicelib.api.views import payments as payment_views
from chalicelib.api.views import registries as registry_views
from chalicelib.api.views import signatures as signature_views
from chalicelib.applications.requests import (
    ApplicationUpdate,
    DocumentDeclaration,
    EvidenceDecision,
    NewApplication,
    Submission,
    WithdrawalRequest,
)
from chalicelib.applications.service import MAX_FORM_BYTES
from chalicelib.identity.principal import Principal
from chalicelib.store.models import Application
from chalicelib.wiring import container

citizens = ApiBlueprint(__name__, tag="citizens")


FORM_TOO_LARGE = Problem(
    413,
    f"The JSON body is over {MAX_BODY_BYTES:,} bytes, or the form answers would take over {MAX_FORM_BYTES:,}.",
    ("payload_too_large",),
    error_body(
        "payload_too_large",
        f"data: the form answers take 70211 bytes; at most {MAX_FORM_BYTES}",
        [{"field": "data", "message": f"at most {MAX_FORM_BYTES} bytes of answers"}],
    ),
)


def _not_editable(status: str) -> dict[str, object]:
    """The answer to a change of an application that is ``status``."""
    return error_body(
        "not_editable", f"the application is {status}; only drafts and applications awaiting corrections can change"
    )


NOT_EDITABLE = Problem(
    409,
    "The application is no longer editable, or it changed meanwhile.",
    ("not_editable", "concurrent_change"),
    _not_editable("submitted"),
)


@citizens.operation(
    "POST",
    "/applications",
    operation_id="createApplication",
    summary="Start a draft application for a procedure (citizens)",
    description=(
        "Creates a draft on the latest version of the procedure. `data` may be partial (required fields are only "
        "enforced on submit) but every given field must belong to the form and satisfy its schema. The first call "
        "also creates the citizen's profile from their sign-in attributes. An assistant of a community centre names "
        "the citizen they file for in `citizen`, under that citizen's active delegation."
    ),
    roles=FOR_THE_HOLDER,
    note="citizen: their own; assistant: for `citizen` (a CURP) under that citizen's active delegation",
    body=NewApplication,
    body_example={
        "procedure": "licencia-conducir",
        "data": {"domicilio": "Av. Insurgentes Sur 1235, Col. del Valle", "codigo_postal": "03100"},
    },
    answers=Answer(
        201,
        "The draft.",
        views.Application,
        headers={"Location": "`/applications/{id}` of the new draft."},
    ),
    problems=(
        Problem(
            403,
            "Signed in, but not as a citizen or an assistant; or an assistant without the citizen's active delegation.",
            ("forbidden", "invalid_curp", "no_delegation"),
            error_body(
                "no_delegation",
                "you hold no consent of this citizen: ask for access (POST /delegations) and confirm it with their "
                "code",
            ),
        ),
        UNKNOWN_PROCEDURE,
        Problem(
            409,
            "A citizen filing for themselves has not accepted the privacy notice's current version (never, or an "
            "earlier one; `details` names `privacy_notice`): read it (`GET /privacy-notice`), accept it "
            "(`POST /me/privacy-notice`), then open the draft; a filing under a delegation (assistant, agent) is not "
            "refused for it. Or the delegation it is filed under changed meanwhile (revoked or expired): ask for "
            "access again.",
            ("privacy_notice_required", "precondition_failed", "concurrent_change"),
            error_body(
                "privacy_notice_required",
                "privacy_notice: the privacy notice changed to version 2; you accepted version 1: read it and accept "
                "it again",
                [
                    {
                        "field": "privacy_notice",
                        "message": "the privacy notice changed to version 2; you accepted version 1: read it and "
                        "accept it again",
                    }
                ],
            ),
        ),
        FORM_TOO_LARGE,
        problems.invalid(
            "The body is not a JSON object, `procedure` is missing, `data` breaks the form (`details` lists each "
            "field), or an assistant's `citizen` is not a CURP.",
            ("invalid_form", "invalid_curp"),
            field_error_body("invalid_form", "data.zzz", "is not a field of this form"),
        ),
        problems.UNAVAILABLE,
    ),
)
def create_application(body: NewApplication) -> Response:
    services = container()
    principal = principal_of(citizens.current_request)
    application = services.applications.create_draft(principal, body)
    return answer(
        shown_application(application, principal),
        status=201,
        headers={"Location": f"/applications/{application.id}"},
    )


@citizens.operation(
    "GET",
    "/applications/{id}",
    operation_id="getApplication",
    summary="Get an application: status, current step, deadline, fee, documents and issued documents",
    description=(
        "Readable by its owner (or the assistant who filed it, under the citizen's delegation) and by officials of "
        "any agency the procedure involves once submitted; anyone else gets 404, learning nothing about whether it "
        "exists."
    ),
    roles=OWNER_OR_AGENCY,
    note=(
        "citizen: own only; officials: agencies the procedure involves, once submitted; assistant: only applications "
        "they started under a delegation that still holds (issued documents withheld unless the citizen allowed them); "
        "otherwise 404"
    ),
    tags=("agencies",),
    params=APPLICATION_ID,
    answers=Answer(200, "The application.", views.Application),
    problems=(problems.APPLICATION_NOT_FOUND,),
)
def get_application(id: str) -> Response:
    services = container()
    principal = principal_of(citizens.current_request)
    return answer(shown_application(services.applications.readable(principal, id), principal))


@citizens.operation(
    "PATCH",
    "/applications/{id}",
    operation_id="updateApplication",
    summary="Change form answers of a draft or of an application awaiting corrections (owner)",
    description="The given fields are merged into the saved answers (a shallow merge: fields not given are kept).",
    roles=FOR_THE_HOLDER,
    note="owner, or its assistant (as above); drafts and applications awaiting corrections",
    params=APPLICATION_ID,
    body=ApplicationUpdate,
    body_example={"data": {"tipo_sangre": "O+", "primera_vez": True}},
    answers=Answer(200, "The application with the merged answers.", views.Application),
    problems=(
        problems.APPLICATION_NOT_FOUND,
        NOT_EDITABLE,
        FORM_TOO_LARGE,
        problems.invalid(
            "The body or `data` is not an object, an answer breaks the form, or it changes a field filled from a "
            "registry (read-only: `field_from_registry` naming `data.<field>`).",
            ("invalid_form", "field_from_registry"),
            field_error_body("invalid_form", "data.codigo_postal", "'0310' does not match '^[0-9]{5}$'"),
        ),
        problems.UNAVAILABLE,
    ),
)
def update_application(id: str, body: ApplicationUpdate) -> Response:
    services = container()
    principal = principal_of(citizens.current_request)
    application = services.applications.update_data(principal, id, body)
    return answer(shown_application(application, principal))


@citizens.operation(
    "POST",
    "/applications/{id}/documents",
    operation_id="declareDocument",
    summary="Declare a requirement document and get a presigned S3 upload (owner)",
    description=(
        "Declares the file (requirement, name, type, size, SHA-256) and answers with a presigned `PUT` that S3 only "
        "accepts for exactly that content type, size and checksum, sent with every header in `upload.headers` "
        "(`If-None-Match: *` among them: the link creates its object once and can never replace it). Declaring the "
        "same requirement again replaces the earlier declaration with a new key and link. Submitting checks that "
        "every declared file was uploaded and matches, that its first bytes are those of its type and that a PDF "
        "parses and holds no JavaScript nor embedded files, and records the S3 version it checked."
    ),
    roles=FOR_THE_HOLDER,
    note="owner, or its assistant; presigned PUT scoped to one key, type, size and SHA-256, 15 min",
    params=APPLICATION_ID,
    body=DocumentDeclaration,
    body_example={
        "requirement": "identificacion",
        "filename": "ine.pdf",
        "content_type": "application/pdf",
        "size": 183204,
        "sha256": "f2e122dca241d061c3e3be39ea2dc7fdc2f79dc052790e293b74821fc2dcf9f4",
    },
    answers=Answer(201, "Where and how to upload the file.", views.DocumentUpload),
    problems=(
        problems.APPLICATION_NOT_FOUND,
        Problem(
            409,
            "The application is no longer editable, or it changed meanwhile.",
            ("not_editable", "concurrent_change"),
            _not_editable("in_review"),
        ),
        problems.invalid(
            "A field is missing or wrong, or the requirement does not accept the file's type or size.",
            (
                "unknown_requirement",
                "invalid_filename",
                "unsupported_type",
                "invalid_size",
                "document_too_large",
                "invalid_sha256",
            ),
            field_error_body(
                "unsupported_type",
                "content_type",
                "must be one of application/pdf, image/jpeg, image/png for identificacion",
            ),
        ),
        problems.UNAVAILABLE,
    ),
)
def declare_document(id: str, body: DocumentDeclaration) -> Response:
    upload = container().applications.declare_document(principal_of(citizens.current_request), id, body)
    return answer(views.document_upload(upload), status=201)


@citizens.operation(
    "GET",
    "/applications/{id}/documents/{requirement}",
    operation_id="readDocument",
    summary="A short-lived link to read one uploaded document (owner, or an official of its agency once submitted)",
    description=(
        "Answers with a presigned S3 `GET` URL valid for five minutes; the file opens inline under its declared name. "
        "Once the application is submitted the URL names the S3 version checked at submit, so bytes written to the "
        "key afterwards are never served."
    ),
    roles=OWNER_OR_AGENCY,
    note="as the application; presigned GET, 5 min",
    params={
        **APPLICATION_ID,
        **path("requirement", "The requirement code the document was declared for.", "identificacion"),
    },
    answers=Answer(200, "Where to read the document.", views.DocumentLink),
    problems=(
        Problem(
            404,
            "No such application (or the caller may not see it), or no document declared for that requirement.",
            ("unknown_application", "unknown_document"),
            error_body("unknown_document", "no document 'identificacion' on this application"),
        ),
        Problem(
            410,
            "The document was deleted at the end of its retention period.",
            ("document_purged",),
            error_body(
                "document_purged",
                "identificacion was deleted on 2027-11-30T06:00:00.000Z, at the end of its retention period",
            ),
        ),
    ),
)
def read_document(id: str, requirement: str) -> Response:
    download = container().applications.document_url(principal_of(citizens.current_request), id, requirement)
    return answer(views.document_link(download))


@citizens.operation(
    "POST",
    "/applications/{id}/submit",
    operation_id="submitApplication",
    summary="Submit an application: validate it and start (or resume) its workflow (owner)",
    description=(
        "Checks the complete form, the required documents (declared, uploaded and matching their checksums) and "
        "computes the fee, then moves the application to `submitted` and starts its state machine, with its acuse "
        "de recibo (the cadena original, the holder's e.firma if given, the platform's seal; the legal clock starts "
        "from it). A procedure whose `identity` is `efirma` requires `efirma`: the cadena original from "
        "`GET /applications/{id}/cadena-original`, signed in the browser with the holder's e.firma. For an "
        "application in `changes_requested` it resumes the waiting workflow instead. The body may be empty."
    ),
    roles=FOR_THE_HOLDER,
    note="owner, or its assistant; `Idempotency-Key`",
    params=APPLICATION_ID,
    headers=(IDEMPOTENCY_HEADER,),
    body=Submission,
    body_example={
        "efirma": {
            "certificate": "MIIF…",
            "cadena_original": "||1.0|ACUSE|licencia-construccion|1|8Q9FQ5PXS4|GOMC800101MDFMRR00|…||",
            "signature": "kq3…",
        }
    },
    answers=Answer(
        202,
        "Accepted: the workflow runs asynchronously; poll `GET /applications/{id}` for its progress.",
        views.Application,
    ),
    problems=(
        problems.APPLICATION_NOT_FOUND,
        Problem(
            409,
            "The application is not a draft nor awaiting corrections, the workflow is not yet waiting for "
            "corrections, it changed meanwhile, or the Idempotency-Key is in use (by this request, still running, "
            "or by another).",
            (
                "not_editable",
                "not_waiting",
                "invalid_transition",
                "concurrent_change",
                "request_in_progress",
                "idempotency_key_reused",
            ),
            _not_editable("submitted"),
        ),
        Problem(
            422,
            "The form is incomplete or invalid, a required document is missing or does not match, a document's "
            "content is not its declared type, is an unreadable or unsafe PDF (JavaScript, embedded files) or was "
            "found infected by the malware scan, the fee cannot be computed, the procedure requires e.firma and none "
            "was given, the e.firma does not hold (each refusal its own code), or the request itself is wrong (a "
            "malformed Idempotency-Key).",
            (
                "invalid_form",
                "documents_incomplete",
                "document_type_mismatch",
                "document_unreadable",
                "document_unsafe",
                "document_infected",
                "fee_not_computable",
                "invalid_idempotency_key",
                *problems.EFIRMA_REFUSALS,
                *problems.VALIDATION_FAILED.codes,
            ),
            field_error_body("documents_incomplete", "documents.identificacion", "is required and was not uploaded"),
        ),
        problems.EFIRMA_UNAVAILABLE,
    ),
)
def submit_application(id: str, body: Submission) -> Response:
    request = citizens.current_request
    services = container()

    def submit() -> dict[str, Any]:
        principal = principal_of(request)
        submitted = services.applications.submit(principal, id, body)
        shown = shown_application(submitted, principal)
        result: dict[str, Any] = to_builtins(shown)  # kept as JSON, to answer a retry with the same key
        return result

    return answer(idempotent(request, "submit", submit), status=202)


@citizens.operation(
    "POST",
    "/applications/{id}/evidence",
    operation_id="decideEvidence",
    summary="Approve the evidence fetched from the registries, or upload the documents instead (owner)",
    description=(
        "While the application is `evidence_review`, `evidence` on the application shows, for each requirement met "
        "by evidence, what a registry (or an earlier Ventanilla document) answered: exactly the values that would be "
        "used, and from where. The citizen answers every requirement that applies: `registry` to use the fetched "
        "values (only when its state is `fetched`), or `upload` to use a document declared and uploaded meanwhile "
        "(`POST /applications/{id}/documents` accepts these requirements during the review); evidence that was not "
        "found, did not match or whose registry did not answer must be uploaded. The answer is recorded in the audit "
        "trail (`evidence.approved`, with hashes of what is used) and the workflow goes on (`submitted`). Once "
        "answered, a repeat is refused with 409 `not_waiting`."
    ),
    roles=FOR_THE_HOLDER,
    note="owner, or its assistant; only while `evidence_review`",
    params=APPLICATION_ID,
    body=EvidenceDecision,
    body_example={"use": {"identificacion": "registry", "escritura": "upload"}},
    answers=Answer(200, "The application, submitted again to its workflow.", views.Application),
    problems=(
        problems.APPLICATION_NOT_FOUND,
        Problem(
            409,
            "The application is not waiting for the evidence to be approved (never was, or it was already answered), "
            "or it kept changing meanwhile.",
            ("not_waiting", "concurrent_change", "invalid_transition"),
            error_body(
                "not_waiting", "the application is submitted; it is not waiting for the evidence to be approved"
            ),
        ),
        problems.invalid(
            "A requirement met by evidence was not answered, `registry` was chosen for evidence that was not fetched, "
            "or `upload` for a document not declared, not uploaded or not matching (each `use.<code>`).",
            ("invalid_evidence_use",),
            field_error_body(
                "invalid_evidence_use", "use.escritura", "the evidence is unavailable: upload the document instead"
            ),
        ),
        problems.UNAVAILABLE,
    ),
)
def decide_evidence(id: str, body: EvidenceDecision) -> Response:
    services = container()
    principal = principal_of(citizens.current_request)
    application = services.applications.decide_evidence(principal, id, body)
    return answer(shown_application(application, principal))


@citizens.operation(
    "GET",
    "/applications/{id}/cadena-original",
    operation_id="getFilingCadenaOriginal",
    summary="Prepare the filing's cadena original, the text the holder signs with their e.firma (owner)",
    description=(
        "The canonical text of the filing as it is now (docs/efirma.md): procedure code and version, application id, "
        "holder, a digest of the form data, each document's SHA-256 and the time. Sign it in the browser and send it "
        "with `POST /applications/{id}/submit` before `expires_at`; any change to the application meanwhile makes the "
        "filing refused with `cadena_mismatch`."
    ),
    roles=FOR_THE_HOLDER,
    note="owner, or its assistant (as above); drafts and applications awaiting corrections",
    params=APPLICATION_ID,
    answers=Answer(200, "The text to sign.", signature_views.CadenaToSign),
    problems=(problems.APPLICATION_NOT_FOUND, NOT_EDITABLE, problems.UNAVAILABLE),
)
def filing_cadena_original(id: str) -> Response:
    principal = principal_of(citizens.current_request)
    text, expires_at, required = container().applications.cadena_original(principal, id)
    return answer(signature_views.CadenaToSign(cadena_original=text, expires_at=expires_at, efirma_required=required))


@citizens.operation(
    "GET",
    "/applications/{id}/audit",
    operation_id="getApplicationAudit",
    summary="Get the application's timeline: its audit events, oldest first, a page at a time",
    description=(
        "The same timeline for the citizen and the official. Readable by the owner and officials of the agencies "
        "involved. `GET /applications/{id}/audit/verify` checks the whole chain."
    ),
    roles=OWNER_OR_AGENCY,
    note="as the application",
    tags=("agencies",),
    params=APPLICATION_ID,
    query=Paging,
    answers=Answer(200, "A page of the audit trail.", views.AuditTrail),
    problems=(problems.APPLICATION_NOT_FOUND, problems.PAGING),
)
def application_audit(id: str, query: Paging) -> Response:
    services = container()
    request = citizens.current_request
    asked = page_of(request, query)  # a cursor not sealed for this list is refused before anything is read
    application = services.applications.readable(principal_of(request), id)
    page = services.applications.audit_page(application, asked)
    return answer(views.audit_trail(application.id, page.items, next_cursor(request, page.after)))


@citizens.operation(
    "GET",
    "/applications/{id}/audit/verify",
    operation_id="verifyApplicationAudit",
    summary="Verify the application's hash-chained audit trail",
    description=(
        "Recomputes every event's hash from its content and its predecessor's hash and compares the last one with "
        "the head the application recorded, so a changed, inserted or deleted event is detected."
    ),
    roles=OWNER_OR_AGENCY,
    note="as the application",
    tags=("agencies", "verification"),
    params=APPLICATION_ID,
    answers=Answer(
        200,
        '`{"intact": true, ...}` or the first broken event.',
        views.AuditVerification,
        example={
            "intact": True,
            "events": 13,
            "head": "6faf28ad5dc043e8bae29c4b82054f8871e955763b46584835945cd093530072",
        },
    ),
    problems=(problems.APPLICATION_NOT_FOUND,),
)
def verify_application_audit(id: str) -> Response:
    services = container()
    application = services.applications.readable(principal_of(citizens.current_request), id)
    return answer(views.audit_verification(services.applications.verify_audit(application)))


@citizens.operation(
    "POST",
    "/applications/{id}/payment",
    operation_id="getPaymentSlip",
    summary="Get the application's payment slip (línea de captura) (owner)",
    description=(
        "The reference is created by the workflow when the application reaches `awaiting_payment`; this call "
        "returns it (it creates nothing and is safe to repeat). It takes no body."
    ),
    roles=FOR_THE_HOLDER,
    note="owner, or its assistant: the official fee only, with the no-other-charge notice",
    tags=("payments",),
    params=APPLICATION_ID,
    answers=Answer(200, "The payment slip.", payment_views.PaymentSlip),
    problems=(
        Problem(
            404,
            "No such application for this citizen, or its payment reference is unknown.",
            ("unknown_application", "unknown_reference"),
            error_body("unknown_application", "no such application"),
        ),
        Problem(
            409,
            "There is nothing to pay yet.",
            ("nothing_to_pay",),
            error_body("nothing_to_pay", "the application is draft; there is nothing to pay yet"),
        ),
        problems.NO_BODY,
    ),
)
def payment_slip(id: str) -> Response:
    services = container()
    application = services.applications.owned(principal_of(citizens.current_request), id)
    return answer(payment_views.slip(application, services.payments.slip(application)))


@citizens.operation(
    "GET",
    "/me",
    operation_id="getMyRecord",
    summary="Get the signed-in citizen's record, a page at a time: profile, applications and issued documents",
    description=(
        "Every page has the profile; the pages hold the record's documents, delegations and applications, newest "
        "first within each kind. The phones subscribed to an application are at "
        "`GET /applications/{id}/subscriptions`."
    ),
    roles=CITIZENS,
    note="one's own record",
    query=Paging,
    answers=Answer(200, "A page of the citizen record (one query on the citizen's key).", views.CitizenRecord),
    problems=(problems.PAGING,),
)
def my_record(query: Paging) -> Response:
    services = container()
    request = citizens.current_request
    record = services.applications.record(principal_of(request), page_of(request, query))
    return answer(views.citizen_record(record, services.public_api_url, next_cursor(request, record.after)))


@citizens.operation(
    "GET",
    "/me/data-use",
    operation_id="getMyDataUse",
    summary="Who used my data: every time Ventanilla asked a registry about the signed-in citizen, a page at a time",
    description=(
        "Each exchange with a registry (population, tax, social security, cadastre) about the caller: when, which "
        "registry, for which agency and application, with what purpose and legal basis, and what came of it. The "
        "registry's answer is not repeated here (its SHA-256 is); what an application used is on that application."
    ),
    roles=CITIZENS,
    note="one's own exchanges only",
    query=Paging,
    answers=Answer(200, "A page of the caller's data-exchange log, newest first.", registry_views.DataUseList),
    problems=(problems.PAGING,),
)
def my_data_use(query: Paging) -> Response:
    request = citizens.current_request
    page, purged = container().applications.data_use(principal_of(request), page_of(request, query))
    return answer(registry_views.data_use(page.items, next_cursor(request, page.after), purged))


@citizens.operation(
    "GET",
    "/documents/{document_id}",
    operation_id="getMyDocument",
    summary="Get an issued document of the signed-in citizen, printable: signed payload, signature and QR code",
    description=(
        "The holder's, or their assistant's if the citizen allowed the assistant to receive the documents of the "
        "applications they filed."
    ),
    roles=FOR_THE_HOLDER,
    note="owner of the issued document; its assistant only if the citizen allowed it on the delegation",
    params=DOCUMENT_ID,
    answers=Answer(200, "The document.", credential_views.IssuedDocument),
    problems=(
        Problem(
            404,
            "No such document, or it belongs to another citizen.",
            ("unknown_document", "unknown_application"),
            error_body("unknown_document", "no such document"),
        ),
    ),
)
def my_document(document_id: str) -> Response:
    services = container()
    credential = services.credentials.get(document_id)
    services.applications.document_owner(principal_of(citizens.current_request), credential.application_id)
    genuine, payload = services.credentials.check(credential)
    url = services.credentials.verify_url(credential.id)
    return answer(credential_views.issued_document(credential, genuine, payload, url))


PDF_HEADERS = {
    "Content-Disposition": '`attachment; filename="<name>.pdf"`: a file to save.',
    "Cache-Control": "`private, no-store`",
}


@citizens.operation(
    "GET",
    "/applications/{id}/acuse/pdf",
    operation_id="getAcusePdf",
    summary="Download the acuse de recibo as PDF: cadena original, signatures, seal and QR code",
    description=(
        "The filing's acuse de recibo, printable: the cadena original, the holder's e.firma (if they signed), the "
        "platform's seal and a QR code that carries the cadena and the seal for an offline check against the keys "
        "at `GET /.well-known/ventanilla-keys.json` (docs/efirma.md, *Checking offline*). Send `Accept: "
        "application/pdf`. Readable by whoever may read the application."
    ),
    roles=OWNER_OR_AGENCY,
    note="as the application",
    tags=("agencies",),
    params=APPLICATION_ID,
    answers=Answer(200, "The acuse, A4 PDF.", media_type=PDF, headers=PDF_HEADERS),
    problems=(
        Problem(
            404,
            "No such application (or the caller may not see it), or it has not been filed yet.",
            ("unknown_application", "no_acuse"),
            error_body("no_acuse", "the application has no acuse de recibo yet: it is issued when it is filed"),
        ),
        problems.NOT_ACCEPTABLE,
    ),
)
def acuse_pdf(id: str) -> Response:
    request = citizens.current_request
    wants_pdf(request)
    pdf = container().signed_documents.acuse(principal_of(request), id)
    return pdf_response(pdf.filename, pdf.content)


@citizens.operation(
    "GET",
    "/applications/{id}/resolutions/{review_id}/pdf",
    operation_id="getResolutionPdf",
    summary="Download an official's resolution as PDF: decision, cadena original, e.firma, seal and QR code",
    description=(
        "One resolution of the application (`resolutions[].review_id` in `GET /applications/{id}`), printable: the "
        "decision and its reason, the cadena original, the official's e.firma (name, position, agency, certificate "
        "number, time) unless the step takes the platform's seal alone, the platform's seal, and a QR code for an "
        "offline check. Send `Accept: application/pdf`. Readable by whoever may read the application."
    ),
    roles=OWNER_OR_AGENCY,
    note="as the application",
    tags=("agencies",),
    params={
        **APPLICATION_ID,
        **path("review_id", "The review the resolution decided.", "9f50c94a8bee970b", maxLength=40),
    },
    answers=Answer(200, "The resolution, A4 PDF.", media_type=PDF, headers=PDF_HEADERS),
    problems=(
        Problem(
            404,
            "No such application (or the caller may not see it), or no resolution of that review on it.",
            ("unknown_application", "unknown_resolution"),
            error_body("unknown_resolution", "no resolution of that review on this application"),
        ),
        problems.NOT_ACCEPTABLE,
    ),
)
def resolution_pdf(id: str, review_id: str) -> Response:
    request = citizens.current_request
    wants_pdf(request)
    pdf = container().signed_documents.resolution(principal_of(request), id, review_id)
    return pdf_response(pdf.filename, pdf.content)


@citizens.operation(
    "GET",
    "/documents/{document_id}/pdf",
    operation_id="getMyDocumentPdf",
    summary="Download an issued document as PDF: its signed content, who approved it, the seal and QR code",
    description=(
        "The issued licence, permit or constancia, printable: title, holder, validity and the signed answers; the "
        "signed content itself (canonical JSON) as its cadena original; who approved it (name, position, agency, "
        "certificate number, time); the platform's seal; and a QR code that opens `GET /verify/{document_id}` and "
        "carries the signed content and the seal for an offline check. Send `Accept: application/pdf`. For the "
        "holder, or their assistant if the citizen allowed the assistant to receive the documents."
    ),
    roles=FOR_THE_HOLDER,
    note="as `GET /documents/{document_id}`",
    params=DOCUMENT_ID,
    answers=Answer(200, "The document, A4 PDF.", media_type=PDF, headers=PDF_HEADERS),
    problems=(
        Problem(
            404,
            "No such document, or it belongs to another citizen.",
            ("unknown_document", "unknown_application"),
            error_body("unknown_document", "no such document"),
        ),
        problems.NOT_ACCEPTABLE,
        Problem(
            409,
            "What is stored no longer matches the document's seal: it is not printed.",
            ("seal_invalid",),
            error_body("seal_invalid", "this document's content does not match its seal: it cannot be printed"),
        ),
    ),
)
def my_document_pdf(document_id: str) -> Response:
    request = citizens.current_request
    wants_pdf(request)
    pdf = container().signed_documents.credential(principal_of(request), document_id)
    return pdf_response(pdf.filename, pdf.content)


@citizens.operation(
    "POST",
    "/applications/{id}/withdraw",
    operation_id="withdrawApplication",
    summary="Withdraw an application before it is resolved: desistimiento (owner)",
    description=(
        "The holder (or their assistant, under the holder's consent) ends the application at any point before a "
        "final resolution: `draft`, `submitted`, `evidence_review`, `in_review`, `changes_requested`, "
        "`awaiting_payment` or `error`. The application becomes `withdrawn` with the audit event "
        "`application.withdrawn` (the reason given, and who withdrew it); its workflow is stopped, its reviews leave "
        "the agencies' queues, a pending payment reference is cancelled (the bank is refused a payment of it, "
        "`reference_cancelled`) and the holder is texted (a draft is only marked withdrawn, with no SMS). Withdrawn "
        "applications count in the statistics (filed ones) and may be rated like any that ended. A repeat answers the "
        "withdrawn application again. An application already issued, rejected or deemed approved is refused with "
        "`already_resolved`; one awaiting a payment the bank already made with `already_paid`."
    ),
    roles=FOR_THE_HOLDER,
    note="owner, or its assistant; before a final resolution",
    params=APPLICATION_ID,
    body=WithdrawalRequest,
    body_example={"reason": "Ya no necesito el trámite."},
    answers=Answer(200, "The application, withdrawn (now, or by an earlier request).", views.Application),
    problems=(
        problems.APPLICATION_NOT_FOUND,
        Problem(
            409,
            "The application was already resolved (issued, rejected, deemed approved), the fee was already paid, or "
            "it kept changing meanwhile.",
            ("already_resolved", "already_paid", "concurrent_change", "invalid_transition"),
            error_body(
                "already_resolved", "the application is issued: it was already resolved and cannot be withdrawn"
            ),
        ),
        problems.invalid(
            "The reason is not text, or is longer than allowed.",
            ("invalid_reason",),
            field_error_body("invalid_reason", "reason", "must be text of at most 500 characters"),
        ),
        problems.UNAVAILABLE,
    ),
)
def withdraw_application(id: str, body: WithdrawalRequest) -> Response:
    services = container()
    principal = principal_of(citizens.current_request)
    application = services.withdrawal.withdraw(principal, id, body)
    return answer(shown_application(application, principal))


def shown_application(application: Application, principal: Principal) -> views.Application:
    """An application as every route that answers with one shows it to ``principal``: its
    detail, and until when it may be appealed."""
    services = container()
    detail = services.applications.detail(application, principal)
    return views.application(detail, services.public_api_url, services.appeals.window(application))
