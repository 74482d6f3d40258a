"""Applications as the API shows them: one application, its documents, its audit trail,
and the citizen's whole record."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Annotated, Any

from msgspec import Meta, convert, field

from chalicelib.api.views import assistance, efirma
from chalicelib.api.views.common import LanguageCode, NextCursor, NullableInstant, Status, choices, shown
from chalicelib.api.views.privacy import NoticeOnRecord, on_record
from chalicelib.api.views.signatures import Acuse, Resolution
from chalicelib.api.views.stored import shown_as
from chalicelib.applications.service import CitizenRecord as Record
from chalicelib.applications.service import Detail, Download
from chalicelib.applications.service import Upload as UploadRecord
from chalicelib.core.fields import (
    UNSET,
    AgencyCode,
    Curp,
    Currency,
    Instant,
    Money,
    PaymentReference,
    Struct,
    Text,
    UnsetType,
    Url,
)
from chalicelib.credentials.service import verify_url
from chalicelib.identity.curp import is_curp
from chalicelib.identity.efirma import binding_of
from chalicelib.privacy.notice import notice_status
from chalicelib.store.models import Application as ApplicationRecord
from chalicelib.store.models import AuditEvent as EventRecord

# --- one application ---------------------------------------------------------------------


class ApplicationProcedure(Struct, kw_only=True):
    code: str
    version: int
    name: Text


class ReviewHolder(Struct, kw_only=True):
    """An agency that holds the application now: a review open, or corrections awaited."""

    step: str
    agency: AgencyCode
    deadline: Annotated[str, Meta(description="The legal or corrections deadline, UTC ISO-8601.")]
    state: Annotated[str, choices("open", "changes", description="`changes`: corrections were requested.")]
    agency_name: Text | None


class ApplicationFee(Struct, kw_only=True):
    amount: Money
    currency: Currency


class DeclaredDocument(Struct, kw_only=True):
    requirement: str
    filename: str
    content_type: str
    size: int
    sha256: Annotated[str, Meta(pattern="^[0-9a-f]{64}$")]
    declared_at: Instant
    required: Annotated[bool, Meta(description="Whether the requirement applies to this application's answers.")]
    version_id: Annotated[
        str | None,
        Meta(description="The S3 version of the file checked at submit (its links serve that version); null before."),
    ] = None


class IssuedDocumentRef(Struct, kw_only=True):
    id: str
    type: Annotated[str, Meta(examples=["licencia-conducir-a"])]
    verify_url: Annotated[Url, Meta(description="Public `GET /verify/{document_id}` URL.")]


class ApplicationRating(Struct, kw_only=True):
    score: Annotated[int, Meta(ge=1, le=5)]
    comment: str | None
    rated_at: Instant


class AssistedBy(Struct, kw_only=True):
    """Filed with assistance at a community centre: who, where, under which delegation."""

    assistant: str | None
    name: str | None
    centre: str | None
    delegation_id: str | None
    channel: Annotated[
        str, Meta(description="`centre`: in person at a community centre; `phone`: by a call-centre agent.")
    ] = "centre"


class EvidenceEntry(Struct, kw_only=True):
    """What a registry (or an earlier Ventanilla document) answered for one requirement:
    exactly the values that would be used, and from where."""

    source: Annotated[str, choices("registry", "credential")]
    registry: Annotated[str, Meta(description="A registry code, or `ventanilla` for an issued document.")]
    registry_name: Text | None
    operation: Annotated[str | None, Meta(description="The registry's operation, or the document type.")]
    purpose: Annotated[Text, Meta(description="Why it was asked, as the procedure states it.")]
    state: Annotated[
        str,
        choices(
            "fetched",
            "not_found",
            "mismatch",
            "unavailable",
            "approved",
            "upload",
            description=(
                "`fetched`: may be used; `not_found`, `mismatch`, `unavailable`: the document must be uploaded; "
                "`approved`/`upload`: what the citizen chose."
            ),
        ),
    ]
    values: Annotated[dict[str, Any], Meta(description="Only the fields the procedure takes.")]
    fetched_at: NullableInstant
    exchange_id: Annotated[str | None, Meta(description="The data-exchange log entry (`GET /me/data-use`).")]
    reason: Annotated[Text | None, Meta(description="Why it cannot be used as it is.")] = None
    credential_id: Annotated[str | None, Meta(description="The issued document used as evidence.")] = None
    use: Annotated[str | None, Meta(description="The citizen's choice once made: `registry` or `upload`.")] = None


class Provenance(Struct, kw_only=True):
    """Where a form answer came from."""

    registry: str
    field: Annotated[str, Meta(description="The registry's field.")]
    at: Instant
    exchange_id: str


class Prefill(Struct, kw_only=True):
    """How filling the form from the population registry went."""

    state: Annotated[str, choices("filled", "unavailable", "not_found")]
    registry: str
    at: Instant
    reason: Annotated[Text | None, Meta(description="Why the fields were not filled (the citizen fills them).")] = None


class AppealResolution(Struct, kw_only=True):
    """A supervisor's resolution of an appeal, sealed by the platform."""

    cadena_original: str
    sello: dict[str, Any]


class Appeal(Struct, kw_only=True):
    """The holder's appeal (recurso de revisión) of the rejection, and how it ended."""

    state: Annotated[str, choices("filed", "confirmed", "revoked", "new_review")]
    agency: Annotated[str, Meta(description="The agency whose supervisors decide it (the one that rejected).")]
    step: Annotated[str, Meta(description="The step whose outcome is appealed.")]
    filed_at: Instant
    deadline: Annotated[str, Meta(description="The supervisors' legal deadline, UTC ISO-8601.")]
    arguments: str
    documents: Annotated[list[str], Meta(description="Requirement codes of the documents that support it.")]
    deemed: Annotated[bool, Meta(description="What is appealed is a negativa ficta (no decision in time).")]
    decided_at: NullableInstant = None
    reason: Annotated[str | None, Meta(description="The supervisor's reason, once resolved.")] = None
    resume_at: Annotated[str | None, Meta(description="Where the application resumed (revoke, new review).")] = None
    resolution: AppealResolution | None = None
    rejected_at: Annotated[
        str | None,
        Meta(
            description=(
                "When the appealed rejection was notified: the `at` of its audit event (the one whose `to_status` is "
                "`rejected`), which says what was decided, by whom and why."
            ),
            extra_json_schema={"format": "date-time"},
        ),
    ] = None


class Application(Struct, kw_only=True):
    id: Annotated[str, Meta(description="10 characters of Crockford base32.", examples=["8Q9FQ5PXS4"])]
    reference: Annotated[str, Meta(description="The folio shown to the citizen (currently the id).")]
    phone_folio: Annotated[
        str,
        Meta(
            description="The folio telefónico: 17 digits to type on a phone's keypad, the last a Verhoeff check digit.",
            examples=["03070898656683887"],
        ),
    ]
    procedure: ApplicationProcedure
    agency: AgencyCode
    status: Status
    current_step: Annotated[str | None, Meta(description="Id of the step the workflow is on (review or payment).")]
    current_agency: Annotated[str | None, Meta(description="Agency currently reviewing, if any.")]
    holders: Annotated[
        list[ReviewHolder],
        Meta(description="The agencies that hold it now (parallel steps review at once), nearest deadline first."),
    ]
    deadline: Annotated[
        str | None,
        Meta(
            description=(
                "The running deadline: the review's legal deadline, the corrections deadline, or the payment "
                "reference's expiry. UTC ISO-8601; null when none."
            ),
            extra_json_schema={"format": "date-time"},
        ),
    ]
    fee: Annotated[ApplicationFee | None, Meta(description="Computed on submit; null before.")]
    data: Annotated[dict[str, Any], Meta(description="Form answers.")]
    documents: list[DeclaredDocument]
    missing_documents: Annotated[list[str], Meta(description="Required requirement codes not yet declared.")]
    payment_reference: PaymentReference | None
    issued: list[IssuedDocumentRef]
    created_at: Instant
    updated_at: Instant
    submitted_at: NullableInstant
    acuse: Annotated[Acuse | None, Meta(description="The acuse de recibo, once submitted.")]
    resolutions: Annotated[
        list[Resolution],
        Meta(description="Every official's decision as signed and sealed, oldest first."),
    ]
    rating: Annotated[
        ApplicationRating | None, Meta(description="The citizen's rating, once given (after a final status).")
    ]
    assisted_by: Annotated[AssistedBy | None, Meta(description="Null unless filed with assistance.")]
    evidence: Annotated[
        dict[str, EvidenceEntry],
        Meta(description="Requirement code -> what was fetched for it (once the workflow asked; empty before)."),
    ]
    provenance: Annotated[
        dict[str, Provenance],
        Meta(description="`data.<field>` -> the registry it was filled from (read-only fields)."),
    ]
    prefill: Annotated[
        Prefill | None, Meta(description="Whether the form could be filled from the registry; null when none was due.")
    ]
    appeal: Annotated[Appeal | None, Meta(description="The appeal of its rejection, once filed.")] = None
    appeal_until: Annotated[
        str | UnsetType | None,
        Meta(
            description=(
                "On `GET`, while the application is rejected and not appealed: the end of the period to appeal "
                "(UTC ISO-8601), past or not."
            ),
            extra_json_schema={"format": "date-time"},
        ),
    ] = UNSET
    issued_withheld: Annotated[
        bool | UnsetType,
        Meta(
            description=(
                "For assistants: documents were issued but the citizen did not allow the assistant to receive them."
            )
        ),
    ] = UNSET


def application(detail: Detail, api_url: str, appeal_until: str | UnsetType | None = UNSET) -> Application:
    """The application as ``Applications.detail`` says its caller may see it."""
    record, definition = detail.application, detail.definition
    reviews = sorted((record.reviews or {}).items(), key=lambda item: item[1]["deadline"])
    documents = sorted((record.documents or {}).items())
    return shown(
        Application,
        record,
        reference=record.id,
        procedure=ApplicationProcedure(
            code=record.procedure_code, version=int(record.procedure_version), name=convert(definition["name"], Text)
        ),
        holders=[
            shown(ReviewHolder, entry, step=step, agency_name=definition["agencies"].get(entry["agency"]))
            for step, entry in reviews
            if entry["state"] in ("open", "changes")
        ],
        fee=ApplicationFee(amount=record.fee, currency="MXN") if record.fee else None,
        documents=[
            shown(DeclaredDocument, document, requirement=code, required=code in detail.required)
            for code, document in documents
        ],
        missing_documents=sorted(detail.required - set(record.documents or {})),
        issued=[] if detail.withheld else _issued(record.issued or [], api_url),
        assisted_by=_assisted(record),
        acuse=convert(record.acuse, Acuse) if record.acuse else None,
        resolutions=convert(record.resolutions or [], list[Resolution]),
        evidence=convert(record.evidence or {}, dict[str, EvidenceEntry]),
        provenance=convert(record.provenance or {}, dict[str, Provenance]),
        prefill=convert(record.prefill, Prefill) if record.prefill else None,
        issued_withheld=bool(record.issued) if detail.withheld else UNSET,
        appeal=convert(record.appeal, Appeal) if record.appeal else None,
        appeal_until=appeal_until,
    )


def _issued(issued: Iterable[Mapping[str, Any]], api_url: str) -> list[IssuedDocumentRef]:
    return [shown(IssuedDocumentRef, document, verify_url=verify_url(api_url, document["id"])) for document in issued]


def _assisted(record: ApplicationRecord) -> AssistedBy | None:
    """Who filed it for the holder, if anyone: assistant, name, centre and delegation."""
    assisted = record.assisted_by
    if not assisted:
        return None
    return AssistedBy(
        assistant=assisted.get("assistant"),
        name=assisted.get("name"),
        centre=assisted.get("centre"),
        delegation_id=assisted.get("delegation_id"),
        channel=assisted.get("channel") or "centre",
    )


# --- documents ---------------------------------------------------------------------------


class UploadHeaders(Struct, kw_only=True):
    content_type: str = field(name="Content-Type")
    checksum: Annotated[str, Meta(description="Base64 SHA-256.")] = field(name="x-amz-checksum-sha256")
    if_none_match: Annotated[
        str, choices("*"), Meta(description="Create only: the URL cannot replace an object once written.")
    ] = field(name="If-None-Match")


class PresignedUpload(Struct, kw_only=True):
    """Send the file with exactly this method, URL and headers."""

    method: Annotated[str, choices("PUT")]
    url: Annotated[Url, Meta(description="Presigned S3 URL.")]
    headers: UploadHeaders


class DocumentUpload(Struct, kw_only=True):
    requirement: str
    upload: Annotated[PresignedUpload, Meta(description="Send the file with exactly this method, URL and headers.")]
    expires_in: Annotated[int, Meta(description="Seconds the URL is valid (900).")]


class DocumentLink(Struct, kw_only=True):
    requirement: str
    filename: str
    content_type: str
    url: Url
    expires_in: Annotated[int, Meta(description="Seconds the URL stays valid.")]


def document_upload(upload: UploadRecord) -> DocumentUpload:
    return shown(DocumentUpload, upload)


def document_link(download: Download) -> DocumentLink:
    return shown(DocumentLink, download)


# --- the audit trail ---------------------------------------------------------------------


class Actor(Struct, kw_only=True):
    """Who acted: a person by their role, or the platform."""

    kind: Annotated[
        str,
        choices(
            "citizen",
            "official",
            "supervisor",
            "assistant",
            "admin",
            "publisher",
            "system",
            "bank",
            "anonymous",
            "operator",
        ),
    ]
    id: Annotated[
        str,
        Meta(description="Username (a citizen's CURP), or `workflow`, `webhook`, `verify`, `retention`, `reconcile`."),
    ]
    agency: Annotated[str | UnsetType, Meta(description="For officials: their agency codes, comma-separated.")] = UNSET
    name: Annotated[str | UnsetType, Meta(description="For assistants: their name.")] = UNSET
    centre: Annotated[str | UnsetType, Meta(description="For assistants: the community centre they act from.")] = UNSET
    delegation_id: Annotated[
        str | UnsetType,
        Meta(description="For assistants acting for a citizen: the citizen's consent they act under."),
    ] = UNSET
    efirma: Annotated[
        str | UnsetType,
        Meta(description="For a citizen who acted with their e.firma: its número de certificado."),
    ] = UNSET


class AuditEvent(Struct, kw_only=True):
    seq: Annotated[int, Meta(ge=1)]
    at: Instant
    actor: Annotated[dict[str, Any], shown_as(Actor, "Who acted, as recorded (the event's hash covers it).")]
    action: Annotated[
        str, Meta(examples=["application.created", "review.opened", "payment.received", "document.issued"])
    ]
    from_status: Status | None
    to_status: Status | None
    reason: str | None
    details: dict[str, Any]
    hash: Annotated[
        str,
        Meta(pattern="^[0-9a-f]{64}$", description="SHA-256 over the predecessor's hash and this event's fields."),
    ]


class AuditTrail(Struct, kw_only=True):
    application_id: str
    events: Annotated[list[AuditEvent], Meta(description="A page of the events, oldest first.")]
    next_cursor: NextCursor


class BrokenEvent(Struct, kw_only=True):
    seq: int
    action: str | None
    at: str | None
    reason: Annotated[str, Meta(description="Why the chain does not hold there.")]


class AuditVerification(Struct, kw_only=True):
    """Whether the chain holds: then `events` and `head`; otherwise `first_broken`."""

    intact: bool
    events: Annotated[int | UnsetType, Meta(description="Events checked (when intact).")] = UNSET
    head: Annotated[str | UnsetType, Meta(description="Hash of the last event (when intact).")] = UNSET
    first_broken: Annotated[
        BrokenEvent | UnsetType, Meta(description="The first event where the chain breaks (when not intact).")
    ] = UNSET


def audit_trail(application_id: str, events: Iterable[EventRecord], next_cursor: str | None) -> AuditTrail:
    return AuditTrail(
        application_id=application_id,
        events=[shown(AuditEvent, event, seq=int(event.seq)) for event in events],
        next_cursor=next_cursor,
    )


def audit_verification(result: Mapping[str, Any]) -> AuditVerification:
    return shown(AuditVerification, result)


# --- the citizen's record ----------------------------------------------------------------


class RecordProfile(Struct, kw_only=True):
    id: Annotated[str, Meta(description="The holder: a person's CURP or a company's RFC.")]
    curp: Annotated[Curp | None, Meta(description="A person's CURP (null for a company).")]
    rfc: Annotated[str | None, Meta(description="A company's RFC (null for a person).")]
    name: str | None
    phone: Annotated[str | None, Meta(description="E.164.")]
    language: LanguageCode
    efirma: Annotated[
        efirma.ProvenEfirma | None,
        Meta(description="The e.firma that proved this CURP (or RFC); null while only a password and SMS code did."),
    ]
    privacy_notice: Annotated[
        NoticeOnRecord,
        Meta(description="The privacy notice in force and the version the holder accepted (null: never)."),
    ]


class ApplicationSummary(Struct, kw_only=True):
    id: str
    phone_folio: Annotated[str, Meta(description="The folio telefónico (17 digits, for the keypad).")]
    procedure: Annotated[str, Meta(description="Procedure code.")]
    status: Status
    agency: AgencyCode
    deadline: NullableInstant
    created_at: Instant
    updated_at: Instant
    assisted_by: Annotated[AssistedBy | None, Meta(description="Null unless filed with assistance.")]
    filed_before_efirma: Annotated[
        bool,
        Meta(
            description=(
                "Started before an e.firma proved the account (`profile.efirma.since`), by whoever held it then: "
                "after a takeover, what the earlier account did. False while no e.firma has proven the account."
            )
        ),
    ]


class IssuedDocumentSummary(Struct, kw_only=True):
    id: str
    type: str
    application_id: str
    issued_at: Instant
    verify_url: Url


class CitizenRecord(Struct, kw_only=True):
    profile: RecordProfile
    applications: list[ApplicationSummary]
    documents: list[IssuedDocumentSummary]
    delegations: Annotated[
        list[assistance.Delegation], Meta(description="Who may act (or acted) for the citizen from a community centre.")
    ]
    next_cursor: NextCursor


def citizen_record(record: Record, api_url: str, next_cursor: str | None) -> CitizenRecord:
    profile = record.profile
    proven = binding_of(profile)
    person = is_curp(profile.holder)
    return CitizenRecord(
        profile=shown(
            RecordProfile,
            profile,
            id=profile.holder,
            curp=profile.holder if person else None,
            rfc=None if person else profile.holder,
            efirma=efirma.proven(proven),
            privacy_notice=on_record(notice_status(profile)),
        ),
        applications=[_summary(item, proven.since if proven else None) for item in record.applications],
        documents=[
            shown(IssuedDocumentSummary, item, verify_url=verify_url(api_url, item.id)) for item in record.documents
        ],
        delegations=[assistance.delegation(item, for_citizen=True) for item in record.delegations],
        next_cursor=next_cursor,
    )


def _summary(record: ApplicationRecord, proven_since: str | None) -> ApplicationSummary:
    return shown(
        ApplicationSummary,
        record,
        procedure=record.procedure_code,
        assisted_by=_assisted(record),
        filed_before_efirma=proven_since is not None and str(record.created_at) < proven_since,
    )
