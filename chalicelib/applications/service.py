"""Citizens' commands and reads on applications: draft, documents, submit, record, audit."""

from __future__ import annotations

import json
import secrets
from collections.abc import Callable, Mapping
from datetime import datetime
from functools import lru_cache
from typing import Any

import msgspec
from aws_lambda_powertools import Logger
from msgspec import Struct

from chalicelib.adapters.ports import DocumentStore, StoredObject, WorkflowEngine, resume_quietly
from chalicelib.applications import content, filing
from chalicelib.applications import evidence as evidence_rules
from chalicelib.applications import transitions as status
from chalicelib.applications.audit import verify_chain
from chalicelib.applications.evidence import Evidence
from chalicelib.applications.requests import (
    ApplicationUpdate,
    DocumentDeclaration,
    EvidenceDecision,
    NewApplication,
    Submission,
)
from chalicelib.applications.transitions import DEFAULT_RETENTION_DAYS, Change, Transitions
from chalicelib.assistance.service import Assistance
from chalicelib.core.clock import iso, utcnow
from chalicelib.core.errors import (
    Conflict,
    Forbidden,
    Gone,
    NotFound,
    PayloadTooLarge,
    TransientFailure,
    ValidationFailed,
)
from chalicelib.core.fields import UnsetType, blank_answers
from chalicelib.core.ids import APPLICATION_ID_LENGTH, new_id
from chalicelib.core.names import UPLOADS_PREFIX
from chalicelib.efirma.cadena import SIGNING_WINDOW
from chalicelib.efirma.certificates import Holder
from chalicelib.efirma.notary import Notary, Sealed
from chalicelib.efirma.requests import SignedCadena
from chalicelib.identity import sessions
from chalicelib.identity.curp import is_curp, parse_curp, parse_rfc
from chalicelib.identity.principal import PHONE, Principal
from chalicelib.identity.profiles import Profiles
from chalicelib.legal.calendar import legal_date
from chalicelib.privacy.notice import REGISTRY_PREFILL, require_accepted
from chalicelib.procedures import rules
from chalicelib.procedures.catalogue import Catalogue
from chalicelib.procedures.fees import FormulaError, compute_fee
from chalicelib.procedures.validator import schema_validator_class
from chalicelib.registries.port import Registries
from chalicelib.store.models import (
    Application,
    AuditEvent,
    Credential,
    DataExchange,
    Delegation,
    ProcedureVersion,
    Profile,
)
from chalicelib.store.pages import Page, PageRequest
from chalicelib.store.repositories import Repositories

logger = Logger(child=True)
UPLOAD_URL_SECONDS = 900
DECLARE_ATTEMPTS = 3
DOWNLOAD_URL_SECONDS = 300
MAX_FORM_BYTES = 64 * 1024
EDITABLE = frozenset({status.DRAFT, status.CHANGES_REQUESTED})
EFIRMA = "efirma"  # a definition's `identity` when filing needs the holder's e.firma


def signs_for(holder: Holder, owner: str) -> bool:
    """Whether a certificate's holder may sign for the record of ``owner``: a person for
    their own CURP, a company's certificate for the company's RFC."""
    return owner == holder.curp if holder.kind == "person" else owner == holder.rfc


def new_application_id() -> str:
    return new_id(APPLICATION_ID_LENGTH)


def citizen_facts(holder: str) -> dict[str, Any]:
    """What rules may read about the record's holder: a person's facts from the CURP; a
    business has none of them (so, say, an age rule never passes for a company)."""
    if not is_curp(holder):
        return {"kind": "business"}
    facts = parse_curp(holder)
    return {
        "kind": "person",
        "age": facts.age_on(legal_date(utcnow())),
        "sex": facts.sex,
        "birth_state": facts.birth_state,
    }


def facts_for(application: Application) -> dict[str, Mapping[str, Any]]:
    return {"form": application.data or {}, "citizen": citizen_facts(application.owner)}


def required_documents(definition: Mapping[str, Any], application: Application) -> list[dict[str, Any]]:
    """Requirements that apply to this application's answers."""
    facts = facts_for(application)
    return [
        requirement
        for requirement in definition["requirements"]
        if not requirement.get("optional")
        and ("required_when" not in requirement or rules.evaluate(requirement["required_when"], facts))
    ]


def documents_due(definition: Mapping[str, Any], application: Application) -> list[dict[str, Any]]:
    """Requirements whose document the citizen must upload: those that apply, less those met
    by evidence (until the evidence could not be used, or the citizen chose to upload)."""
    return [
        requirement
        for requirement in required_documents(definition, application)
        if evidence_rules.needs_upload(requirement, application)
    ]


def _is_curp_format(value: object) -> bool:
    return not isinstance(value, str) or is_curp(value)


def _is_rfc_format(value: object) -> bool:
    if isinstance(value, str):
        parse_rfc(value)
    return True


@lru_cache(maxsize=1)
def _formats() -> Any:
    """The form formats we check (``curp``, ``rfc``); jsonschema is imported on first
    use, not with the app (~100 ms of every cold start, step handlers included)."""
    from jsonschema import FormatChecker

    formats = FormatChecker(formats=())
    formats.checks("curp")(_is_curp_format)
    formats.checks("rfc", raises=ValidationFailed)(_is_rfc_format)
    return formats


def form_problems(form: Mapping[str, Any], data: Any, *, complete: bool) -> list[dict[str, str]]:
    """Field-level problems of form answers; ``complete`` also demands required fields."""
    if not isinstance(data, dict):
        return [{"field": "data", "message": "must be an object of form answers"}]
    schema = {**form, "additionalProperties": False}
    if not complete:
        schema.pop("required", None)
    problems = []
    from referencing import Registry

    # an empty registry: a form never fetches anything (the validator refuses references)
    for error in schema_validator_class()(schema, format_checker=_formats(), registry=Registry()).iter_errors(data):
        if error.validator == "required":
            for name in error.validator_value:
                if name not in data:
                    problems.append({"field": f"data.{name}", "message": "is required"})
        elif error.validator == "additionalProperties":
            for name in sorted(set(data) - set(form["properties"])):
                problems.append({"field": f"data.{name}", "message": "is not a field of this form"})
        else:
            field = ".".join(["data", *(str(part) for part in error.absolute_path)])
            cause = error.cause.details[0]["message"] if isinstance(error.cause, ValidationFailed) else None
            problems.append({"field": field, "message": cause or error.message})
    blank = blank_answers(data, form.get("required", ()), "data")  # said instead of what else they break
    named = {problem["field"] for problem in blank}
    problems = [problem for problem in problems if problem["field"] not in named] + blank
    return sorted(
        {problem["field"] + problem["message"]: problem for problem in problems}.values(), key=lambda p: p["field"]
    )


def _bounded(data: Mapping[str, Any]) -> None:
    """Answers that fit the application's item (DynamoDB refuses items over 400 KB, which
    a form with unbounded text fields could reach over a few PATCHes)."""
    size = len(json.dumps(data, ensure_ascii=False).encode())
    if size > MAX_FORM_BYTES:
        raise PayloadTooLarge(
            f"data: the form answers take {size} bytes; at most {MAX_FORM_BYTES}",
            details=[{"field": "data", "message": f"at most {MAX_FORM_BYTES} bytes of answers"}],
        )


def _raise_problems(problems: list[dict[str, str]]) -> None:
    if problems:
        first = problems[0]
        raise ValidationFailed(f"{first['field']}: {first['message']}", details=problems, code="invalid_form")


class Detail(Struct, frozen=True):
    """An application as one caller may see it, with what showing it needs from its
    procedure: the definition it started on and the requirements its answers call for.
    ``withheld``: the caller is an assistant the citizen did not allow to receive the
    issued documents (shown as none)."""

    application: Application
    definition: Mapping[str, Any]
    required: frozenset[str]
    withheld: bool = False


class Upload(Struct, frozen=True):
    """Where and how to upload a declared document (a presigned S3 ``PUT``)."""

    requirement: str
    upload: Mapping[str, Any]  # method, url and the headers S3 will insist on
    expires_in: int


class Download(Struct, frozen=True):
    """A short-lived link to read one uploaded document."""

    requirement: str
    filename: str
    content_type: str
    url: str
    expires_in: int


class CitizenRecord(Struct, frozen=True):
    """A page of what the citizen's key holds, and the profile."""

    profile: Profile
    applications: list[Application]
    documents: list[Credential]
    delegations: list[Delegation]
    after: dict[str, str] | None = None  # where the next page starts


class Applications(Struct, frozen=True):
    store: Repositories
    catalogue: Catalogue
    profiles: Profiles
    transitions: Transitions
    assistance: Assistance
    documents: DocumentStore
    engine: WorkflowEngine
    notary: Notary
    registries: Registries
    evidence: Callable[[], Evidence]  # built when first needed (only the workflow and the approval use it)

    # --- reads ---------------------------------------------------------------------
    def load(self, application_id: str, *, consistent: bool = False) -> Application:
        return self.store.applications.get(application_id, consistent=consistent)

    def readable(self, principal: Principal, application_id: str) -> Application:
        """The application if the caller may read it; otherwise 404, learning nothing."""
        application = self.load(application_id)
        if principal.holder and application.owner == principal.holder:
            sessions.check(principal, application.signed_in_after)
            return application
        if application.status != status.DRAFT and principal.official_of & set(
            [str(agency) for agency in application.agencies or []] or [application.agency]
        ):
            return application
        if self.assistance.acting(principal, application) is not None:
            return application
        raise NotFound("no such application", code="unknown_application")

    def owned(self, principal: Principal, application_id: str, *, consistent: bool = False) -> Application:
        """The application if the caller acts for its holder: the holder, or the assistant
        who started it under a consent that still holds; otherwise 404.  ``consistent``:
        read strongly (a retry after a concurrent change must see that change)."""
        application = self.load(application_id, consistent=consistent)
        if principal.holder and application.owner == principal.holder:
            sessions.check(principal, application.signed_in_after)
            return application
        if self.assistance.acting(principal, application) is not None:
            return application
        raise NotFound("no such application", code="unknown_application")

    def document_owner(self, principal: Principal, application_id: str) -> Application:
        """Who may receive an issued document: the holder, or their assistant if the
        citizen allowed it on the delegation."""
        application = self.load(application_id)
        if principal.holder and application.owner == principal.holder:
            sessions.check(principal, application.signed_in_after)
            return application
        delegation = self.assistance.acting(principal, application)
        if delegation is not None and delegation.documents_allowed:
            return application
        raise NotFound("no such document", code="unknown_document")

    def actor(self, principal: Principal, application: Application) -> dict[str, Any]:
        """The audit trail's actor: an assistant is named with their centre and delegation."""
        if not principal.holder and principal.assistant_at:
            delegation = self.assistance.acting(principal, application)
            if delegation is not None:
                return self.assistance.actor(principal, delegation)
        return principal.describe()

    def definition(self, application: Application) -> dict[str, Any]:
        definition: dict[str, Any] = self.catalogue.get(
            application.procedure_code, int(application.procedure_version)
        ).definition
        return definition

    def step(self, application: Application, step_id: str) -> dict[str, Any]:
        """One step of the procedure version the application runs on."""
        return self.catalogue.step(application.procedure_code, int(application.procedure_version), step_id)

    def detail(self, application: Application, principal: Principal | None = None) -> Detail:
        """The application as the caller sees it: an assistant sees the issued documents
        only if the citizen allowed it."""
        definition = self.definition(application)
        required = frozenset(requirement["code"] for requirement in documents_due(definition, application))
        withheld = False
        if principal is not None and not principal.holder and principal.assistant_at:
            delegation = self.assistance.acting(principal, application)
            withheld = delegation is None or not delegation.documents_allowed
        return Detail(application, definition, required, withheld)

    def audit(self, application: Application) -> list[AuditEvent]:
        """The whole timeline (what verifies, replays or counts it needs every event)."""
        return self.store.applications.audit(application.id)

    def audit_page(self, application: Application, page: PageRequest) -> Page[AuditEvent]:
        """One page of the timeline, oldest first (what people read)."""
        return self.store.applications.audit_page(application.id, page)

    def verify_audit(self, application: Application) -> dict[str, Any]:
        events = [
            {
                name: getattr(event, name)
                for name in (
                    "application_id",
                    "seq",
                    "at",
                    "actor",
                    "action",
                    "from_status",
                    "to_status",
                    "reason",
                    "details",
                    "prev_hash",
                    "hash",
                )
            }
            for event in self.store.applications.audit(application.id)
        ]
        return verify_chain(events, int(application.audit_seq), application.audit_hash)

    def record(self, principal: Principal, request: PageRequest) -> CitizenRecord:
        """A page of the citizen's record, with the profile: one Query on the ``by_owner``
        index, and a GetItem of the profile when the page does not hold it."""
        curp = _citizen(principal)
        profile: Profile | None = None
        applications: list[Application] = []
        documents: list[Credential] = []
        delegations: list[Delegation] = []
        page = self.store.applications.record_page(curp, request)
        for item in page.items:
            if isinstance(item, Profile):
                profile = item
            elif isinstance(item, Application):
                applications.append(item)
            elif isinstance(item, Credential):
                documents.append(item)
            elif isinstance(item, Delegation):
                delegations.append(item)
        if profile is None and (request.after is not None or page.after is not None):
            profile = self.store.profiles.get(curp)  # on a page the Query did not reach
        if profile is None:  # first visit: there is none to read
            profile = self.profiles.create(curp)
        sessions.check(principal, profile.signed_in_after)
        return CitizenRecord(profile, applications, documents, delegations, page.after)

    def data_use(self, principal: Principal, page: PageRequest) -> tuple[Page[DataExchange], dict[str, Any] | None]:
        """One page of the exchanges with a registry about the signed-in citizen, newest
        first, and what the retention schedule purged of them (``None``: nothing yet)."""
        curp = _citizen(principal)
        profile = self.profiles.get(curp)
        if profile is not None:
            sessions.check(principal, profile.signed_in_after)
        purged = ((profile.purged or {}).get("data_use") if profile is not None else None) or None
        return self.store.exchanges.page_of_holder(curp, page), purged

    # --- commands ------------------------------------------------------------------
    def create_draft(self, principal: Principal, request: NewApplication) -> Application:
        """A new draft: the citizen's own, or — for an assistant — the citizen's named in
        ``citizen``, under the assistant's active delegation from that citizen."""
        delegation: Delegation | None = None
        if principal.holder:
            curp = principal.holder
        else:
            citizen = None if isinstance(request.citizen, UnsetType) else request.citizen
            curp = parse_curp(citizen, field="citizen").curp
            delegation = self.assistance.active_for(principal, curp)
        procedure: ProcedureVersion = self.catalogue.get(request.procedure)
        if procedure.retired_at is not None:
            raise Conflict(
                f"{procedure.code} was retired on {procedure.retired_at[:10]}: it takes no new applications",
                code="procedure_retired",
            )
        definition = procedure.definition
        data = request.data
        _raise_problems(form_problems(definition["form"], data, complete=False))
        _bounded(data)
        profile = self.profiles.ensure(curp)
        sessions.check(principal, profile.signed_in_after)
        if delegation is None:
            # a filing under a delegation is not gated: the citizen who confirmed a code at a centre or on a call
            # may never have signed in; the helper points them to the notice, their first sign-in asks for it
            require_accepted(profile)
        now = iso(utcnow())
        application_id = new_application_id()
        requester = (
            {"kind": "citizen", "username": principal.username}
            if delegation is None
            else {
                "kind": "agent" if delegation.channel == PHONE else "assistant",
                "username": principal.username,
                "centre": delegation.centre,
            }
        )
        filled, provenance, prefill = (
            ({}, {}, None)
            if REGISTRY_PREFILL in (profile.opposed or [])
            else evidence_rules.prefill(self.registries, definition, curp, application_id, requester)
        )
        data = {**data, **filled}
        application = self.store.applications.new(
            application_id,
            curp,
            now,
            procedure_code=procedure.code,
            procedure_version=procedure.version,
            state_machine_arn=procedure.state_machine_arn,
            agency=definition["agency"],
            agencies=sorted(definition["agencies"]),
            retention_days=definition.get("retention_days", DEFAULT_RETENTION_DAYS),
            form_retention_days=definition.get("form_retention_days"),
            status=status.DRAFT,
            data=data,
            documents={},
            provenance=provenance,
            prefill=prefill,
        )
        details: dict[str, Any] = {"procedure": procedure.code, "version": procedure.version}
        if prefill is not None:
            details["prefill"] = {
                "state": prefill["state"],
                "registry": prefill["registry"],
                "fields": sorted(provenance),
                "exchange_id": prefill.get("exchange_id"),
            }
        created = Change("application.created", details=details)
        if delegation is None:
            self.transitions.create(application, principal.describe(), created)
            return application
        actor = self.assistance.actor(principal, delegation)
        application.assisted_by = {
            "assistant": principal.username,
            "name": actor["name"],
            "centre": delegation.centre,
            "delegation_id": delegation.id,
            **({"channel": PHONE} if delegation.channel == PHONE else {}),
        }
        application.centre = delegation.centre
        self.transitions.create(application, actor, created, also=[self.assistance.attach(delegation, application_id)])
        return application

    def update_data(self, principal: Principal, application_id: str, update: ApplicationUpdate) -> Application:
        application = self._editable(principal, application_id)
        current = application.data or {}
        frozen = [
            {"field": f"data.{name}", "message": "comes from a registry and cannot be changed"}
            for name in sorted(update.data)
            if f"data.{name}" in (application.provenance or {}) and update.data[name] != current.get(name)
        ]
        if frozen:
            raise ValidationFailed(
                f"{frozen[0]['field']}: {frozen[0]['message']}", details=frozen, code="field_from_registry"
            )
        merged = {**current, **update.data}
        _raise_problems(form_problems(self.definition(application)["form"], merged, complete=False))
        _bounded(merged)
        self.transitions.record(
            application,
            self.actor(principal, application),
            Change("application.updated", details={"fields": sorted(update.data)}),
            fields={"data": merged},
        )
        return application

    def declare_document(self, principal: Principal, application_id: str, declared: DocumentDeclaration) -> Upload:
        """Record a document the citizen is about to upload; the upload URL S3 will only
        accept for exactly that type, size and checksum.  While the citizen reviews the
        evidence, only the documents of requirements met by evidence may be declared (to
        upload instead of using the registry's answer).  Declaring touches nothing else of
        the application, so a change recorded meanwhile (the workflow's, while the evidence
        arrives) is read again rather than refused."""
        for _ in range(DECLARE_ATTEMPTS):
            try:
                return self._declare(principal, application_id, declared)
            except Conflict as error:
                if error.code != "concurrent_change":
                    raise
        raise Conflict("the application kept changing; declare the document again", code="concurrent_change")

    def _declare(self, principal: Principal, application_id: str, declared: DocumentDeclaration) -> Upload:
        application = self.owned(principal, application_id, consistent=True)
        if application.status != status.EVIDENCE_REVIEW:
            ensure_editable(application)
        definition = self.definition(application)
        requirements = {requirement["code"]: requirement for requirement in definition["requirements"]}
        if application.status == status.EVIDENCE_REVIEW:
            requirements = evidence_rules.evidence_requirements(definition)
        code = declared.requirement
        if code not in requirements:
            raise ValidationFailed.field(
                "requirement", f"must be one of {', '.join(sorted(requirements))}", code="unknown_requirement"
            )
        requirement = requirements[code]
        if declared.content_type not in requirement["content_types"]:
            raise ValidationFailed.field(
                "content_type",
                f"must be one of {', '.join(requirement['content_types'])} for {code}",
                code="unsupported_type",
            )
        size = declared.size
        if size > requirement["max_bytes"]:
            raise ValidationFailed.field(
                "size",
                f"is {size} bytes; {code} accepts at most {requirement['max_bytes']} bytes",
                code="document_too_large",
            )
        sha256 = declared.sha256.lower()
        # a fresh key per declaration: the earlier link (and its object) can never be reused for it
        key = f"{UPLOADS_PREFIX}{application.id}/{code}/{secrets.token_hex(8)}"
        now = iso(utcnow())
        record = {
            "requirement": code,
            "key": key,
            "filename": declared.filename,
            "content_type": declared.content_type,
            "size": size,
            "sha256": sha256,
            "declared_at": now,
        }
        upload = self.documents.upload_url(key, declared.content_type, size, sha256, UPLOAD_URL_SECONDS)
        documents = {**(application.documents or {}), code: record}
        self.transitions.record(
            application,
            self.actor(principal, application),
            Change(
                "document.declared",
                details={"requirement": code, "filename": declared.filename, "size": size, "sha256": sha256},
            ),
            fields={"documents": documents},
        )
        return Upload(code, upload, UPLOAD_URL_SECONDS)

    def document_url(self, principal: Principal, application_id: str, requirement: str) -> Download:
        """A short-lived link to read one uploaded document (owner or its agency)."""
        application = self.readable(principal, application_id)
        record = (application.documents or {}).get(requirement)
        if record is None:
            raise NotFound(f"no document {requirement!r} on this application", code="unknown_document")
        if "key" not in record:
            raise Gone(
                f"{requirement} was deleted on {record.get('purged_at')}, at the end of its retention period",
                code="document_purged",
            )
        # the version checked at submit; a draft's document (not yet checked) is read as it is now
        url = self.documents.download_url(
            record["key"], record["filename"], DOWNLOAD_URL_SECONDS, record.get("version_id", "")
        )
        return Download(requirement, record["filename"], record["content_type"], url, DOWNLOAD_URL_SECONDS)

    def submit(self, principal: Principal, application_id: str, submission: Submission | None = None) -> Application:
        recorded = self.owned(principal, application_id)
        if recorded.status == status.SUBMITTED and recorded.execution_name:
            # A repeat of a submit that was recorded: the first attempt may have died (or
            # timed out) between recording it and starting the workflow, which would leave
            # the application submitted for ever.  Starting is idempotent (the name is fixed).
            self.start_workflow(recorded)
        application = self._editable(principal, application_id)
        definition = self.definition(application)
        _raise_problems(form_problems(definition["form"], application.data or {}, complete=True))
        documents = self._check_documents(definition, application)
        try:
            fee = compute_fee(definition["fee"], application.data or {})
        except FormulaError as error:
            raise ValidationFailed.field("data", str(error), code="fee_not_computable") from None
        actor = self.actor(principal, application)
        if application.status == status.CHANGES_REQUESTED:
            return self._resubmit(application, actor, str(fee), documents)
        now = utcnow()
        acuse = self._acuse(definition, application, (submission or Submission()).efirma, now)
        submitted_at = acuse.sello.sealed_at
        self.transitions.record(
            application,
            actor,
            Change(
                "application.submitted",
                to_status=status.SUBMITTED,
                details={"fee": str(fee), "document_versions": _versions(documents)},
                notify="submitted",
            ),
            fields={
                "fee": str(fee),
                "documents": documents,
                "submitted_at": submitted_at,
                "acuse": msgspec.to_builtins(acuse),
                "execution_name": f"{application.id}-1",
                **self.store.applications.awaiting_start(application.id, submitted_at),
            },
        )
        try:
            self.start_workflow(application)
        except TransientFailure:
            logger.warning(
                "execution not started; the repair job will start it", extra={"application_id": application.id}
            )
        return application

    def cadena_original(self, principal: Principal, application_id: str) -> tuple[str, str, bool]:
        """The filing's cadena original prepared now, until when it may be signed, and
        whether the procedure requires the citizen's e.firma on it."""
        application = self._editable(principal, application_id)
        now = utcnow()
        required = self.definition(application).get("identity") == EFIRMA
        return filing.cadena(application, iso(now)), iso(now + SIGNING_WINDOW), required

    def _acuse(
        self,
        definition: Mapping[str, Any],
        application: Application,
        signed: SignedCadena | UnsetType,
        now: datetime,
    ) -> Sealed:
        """The acuse de recibo: the cadena original (the one the citizen signed, if they did),
        their e.firma checked, and the platform's seal; the legal clock starts from it."""
        if isinstance(signed, UnsetType):
            if definition.get("identity") == EFIRMA:
                raise ValidationFailed.field(
                    "efirma",
                    "this procedure must be signed with the holder's e.firma (the SAT's advanced electronic signature)",
                    code="efirma_required",
                )
            return self.notary.seal(filing.cadena(application, iso(now)), None, now)
        prepared = filing.prepared_at(signed.cadena_original, now)
        if signed.cadena_original != filing.cadena(application, prepared):
            raise ValidationFailed.field(
                filing.FIELD, "does not match the application as it is now: prepare it again", code="cadena_mismatch"
            )
        firma = self.notary.signed(signed.certificate, signed.cadena_original, signed.signature, now)
        if not signs_for(firma.holder, application.owner):
            raise ValidationFailed.field(
                "efirma.certificate", "belongs to someone other than the application's holder", code="curp_mismatch"
            )
        return self.notary.seal(signed.cadena_original, firma, now)

    def start_workflow(self, application: Application, resume_at: str | None = None) -> str:
        """Start (or find) the application's current execution; safe to repeat (its name is
        fixed), which is how a crash between submission and start is repaired."""
        assert application.execution_name
        payload = {"application_id": application.id, **({"resume_at": resume_at} if resume_at else {})}
        arn = self.engine.start(application.state_machine_arn, application.execution_name, payload)
        self.store.applications.started(application)
        return arn

    def _resubmit(
        self, application: Application, actor: dict[str, Any], fee: str, documents: dict[str, dict[str, Any]]
    ) -> Application:
        """Answer a request for corrections.  The workflow may not be waiting yet (its
        corrections wait attaches a moment after the request): both sides write, then
        read the other's write, so whichever comes second resumes it."""
        waiting = [step for step, entry in (application.reviews or {}).items() if entry["state"] == "changes"]
        if not waiting:
            raise Conflict("no review is waiting for corrections", code="not_waiting")
        reviews = {
            step: {**entry, "state": "resubmitted"} if step in waiting else entry
            for step, entry in (application.reviews or {}).items()
        }
        change = Change(
            "application.resubmitted",
            to_status=status.SUBMITTED,
            details={"fee": fee, "steps": waiting, "document_versions": _versions(documents)},
            notify="submitted",
        )
        fields = {"fee": fee, "reviews": reviews, "documents": documents}
        self.transitions.record(application, actor, change, fields=fields)
        for step in waiting:
            review = self.store.reviews.get(reviews[step]["review_id"], consistent=True)
            if review.corrections_token:
                resume_quietly(self.engine, review.corrections_token, {"resubmitted": True})
        return application

    def decide_evidence(self, principal: Principal, application_id: str, decision: EvidenceDecision) -> Application:
        """The citizen's answer to the evidence preview: for each requirement met by
        evidence, use what the registry answered or the document they uploaded.  Then the
        workflow goes on.  A concurrent change (the workflow attaching its wait) is retried."""
        for attempt in range(3):
            application = self.owned(principal, application_id, consistent=attempt > 0)
            if application.status != status.EVIDENCE_REVIEW:
                raise Conflict(
                    f"the application is {application.status}; it is not waiting for the evidence to be approved",
                    code="not_waiting",
                )
            definition = self.definition(application)
            applies = frozenset(requirement["code"] for requirement in required_documents(definition, application))
            problems = evidence_rules.check_use(application, definition, decision.use, applies)
            declared = application.documents or {}
            uploading = [
                code
                for code in sorted(set(evidence_rules.evidence_requirements(definition)) & applies)
                if decision.use.get(code) == evidence_rules.USE_UPLOAD
            ]
            uploads = {code: declared[code] for code in uploading if code in declared}
            problems.extend(
                {"field": f"use.{code}", "message": "upload the document first"}
                for code in uploading
                if code not in declared
            )
            upload_problems, checked = self._checked_uploads(uploads)
            problems.extend(
                {"field": f"use.{problem['field'].removeprefix('documents.')}", "message": problem["message"]}
                for problem in upload_problems
            )
            if problems:
                raise ValidationFailed(
                    f"{problems[0]['field']}: {problems[0]['message']}", details=problems, code="invalid_evidence_use"
                )
            try:
                return self.evidence().approve(
                    application, definition, self.actor(principal, application), decision.use, applies, checked
                )
            except Conflict as error:
                if error.code != "concurrent_change" or attempt == 2:
                    raise
        raise AssertionError("unreachable")

    def _editable(self, principal: Principal, application_id: str) -> Application:
        application = self.owned(principal, application_id)
        ensure_editable(application)
        return application

    def _check_documents(self, definition: Mapping[str, Any], application: Application) -> dict[str, dict[str, Any]]:
        """Every due document declared, uploaded as declared and safe to open; answers the
        declared records, each with the S3 version that was checked (``version_id``)."""
        problems = []
        declared = application.documents or {}
        for requirement in documents_due(definition, application):
            code = requirement["code"]
            if code not in declared:
                problems.append({"field": f"documents.{code}", "message": "is required and was not uploaded"})
        uploaded_problems, checked = self._checked_uploads(declared)
        problems.extend(uploaded_problems)
        if problems:
            raise ValidationFailed(
                f"{problems[0]['field']}: {problems[0]['message']}",
                details=[{"field": problem["field"], "message": problem["message"]} for problem in problems],
                code=problems[0].get("code", "documents_incomplete"),
            )
        return {**declared, **checked}

    def _checked_uploads(
        self, declared: Mapping[str, Mapping[str, Any]]
    ) -> tuple[list[dict[str, str]], dict[str, dict[str, Any]]]:
        """Declared documents that were never uploaded, whose upload does not match, or whose
        content is not what was declared (a problem each, a content problem with its own
        ``code``); and the records of those that passed, naming the version checked.  Only
        the checked version is read, so bytes written to the key meanwhile are not the ones
        recorded."""
        problems: list[dict[str, str]] = []
        checked: dict[str, dict[str, Any]] = {}
        for code, record in sorted(declared.items()):
            field = f"documents.{code}"
            stored = self.documents.describe(record["key"])
            if stored is None:
                problems.append({"field": field, "message": "was declared but never uploaded"})
                continue
            if (stored.size, stored.content_type, stored.sha256_hex) != (
                record["size"],
                record["content_type"],
                record["sha256"],
            ):
                problems.append(
                    {"field": field, "message": "the uploaded file does not match its declared size, type or SHA-256"}
                )
                continue
            finding = self._content_problem(record, stored)
            if finding is not None:
                problems.append({"field": field, "message": finding.message, "code": finding.code})
                continue
            checked[code] = {**record, "version_id": stored.version_id}
        return problems, checked

    def _content_problem(self, record: Mapping[str, Any], stored: StoredObject) -> content.Finding | None:
        if stored.scan == content.THREATS_FOUND:
            return content.Finding(content.INFECTED, "the malware scan found a threat in it; upload a clean copy")
        head = self.documents.read(record["key"], stored.version_id, content.MAGIC_BYTES)
        finding = content.magic_problem(record["content_type"], head)
        if finding is None and record["content_type"] == "application/pdf":
            finding = content.pdf_problem(self.documents.read(record["key"], stored.version_id))
        return finding


def _versions(documents: Mapping[str, Mapping[str, Any]]) -> dict[str, str]:
    """Each document's checked S3 version: references for the audit, never content."""
    return {code: record["version_id"] for code, record in sorted(documents.items()) if record.get("version_id")}


def _citizen(principal: Principal) -> str:
    if not principal.holder:
        raise Forbidden("only citizens have a record here", code="citizens_only")
    return principal.holder


def ensure_editable(application: Application) -> None:
    if application.status not in EDITABLE:
        raise Conflict(
            f"the application is {application.status}; only drafts and applications awaiting corrections can change",
            code="not_editable",
        )
