"""ARCO requests on the legal clock, the privacy notice's acceptance, and the export.

A request is answered within 20 business days of its filing (LGPDPPSO art. 51), once
extendable by 10 with a reason; a granted request takes effect at once here, and its
``effective_by`` (15 business days from the answer) is the date the law allows at most.
The platform's own calendar of federal holidays counts the days: a request is the
platform's, not an agency's, so no agency's non-working days apply.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Mapping
from typing import Any

from chalicelib.applications import erasure
from chalicelib.applications.service import form_problems
from chalicelib.applications.transitions import DRAFT, FINAL, Change, Transitions
from chalicelib.core.clock import iso, parse_iso, utcnow
from chalicelib.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from chalicelib.core.ids import new_id
from chalicelib.identity import sessions
from chalicelib.identity.principal import Principal
from chalicelib.identity.profiles import Profiles
from chalicelib.legal.calendar import add_business_days, deadline_after, legal_date
from chalicelib.privacy import export, notice
from chalicelib.privacy.notice import NoticeStatus
from chalicelib.privacy.requests import NoticeAcceptance, PrivacyDecision, PrivacyRequestFiling, RegistryAnswer
from chalicelib.registries.catalogue import REGISTRIES
from chalicelib.store.models import Application, PrivacyRequest, Profile, Subscription
from chalicelib.store.pages import Page, PageRequest
from chalicelib.store.privacy import PrivacyStore
from chalicelib.store.repositories import Repositories

ANSWER_DAYS = 20
EXTENSION_DAYS = 10
EFFECT_DAYS = 15
RECEIVED, EXTENDED, REFERRED = "received", "extended", "referred"
GRANTED, PARTIALLY, DENIED = "granted", "partially_granted", "denied"
OPEN = frozenset({RECEIVED, EXTENDED, REFERRED})
ANSWERABLE = frozenset({RECEIVED, EXTENDED})

# What a cancellation may erase: nothing of it is a filing, a payment or an act of authority.
ERASABLE: dict[str, str] = {
    "drafts": "applications never filed (drafts): their answers and uploads; each stays as withdrawn, with names "
    "and hashes only",
    "subscriptions": "the phones subscribed to applications that ended",
}
# What the law obliges the platform to keep, and why (the refusal the holder reads).
KEPT: dict[str, str] = {
    "applications": "filed applications are public records of a procedure (Ley General de Archivos, arts. 11 and "
    "12): they are kept for the procedure's retention period",
    "documents": "issued documents must stay verifiable by whoever holds them for as long as they are in force",
    "payments": "payments of fees are fiscal records kept five years (Código Fiscal de la Federación, art. 30)",
    "audit": "the audit trail proves what each authority did and when (LGPDPPSO art. 30, accountability)",
    "data_use": "the log of exchanges with registries is the record of each transfer (LGPDPPSO arts. 65-66)",
    "profile": "the profile is the head of the record while any filed application or document remains",
    "privacy_requests": "ARCO requests and their answers are kept to account for them (LGPDPPSO art. 30)",
}
PROFILE_NAME = "profile.name"
FORM_TARGET = "applications/"


class Privacy:
    def __init__(
        self,
        store: Repositories,
        privacy: PrivacyStore,
        profiles: Profiles,
        transitions: Transitions,
        definition: Callable[[Application], Mapping[str, Any]],
        purge: Callable[[str], None],
        tell: Callable[[str, str, int], None] = lambda holder, request_id, event: None,
    ) -> None:
        self.store = store
        self.privacy = privacy
        self.profiles = profiles
        self.transitions = transitions
        self.definition = definition
        self.purge = purge
        self.tell = tell

    # --- the privacy notice --------------------------------------------------------------
    def accept_notice(self, principal: Principal, body: NoticeAcceptance) -> NoticeStatus:
        holder = self._holder(principal)
        if body.version != notice.VERSION:
            raise Conflict(
                f"version: the current privacy notice is version {notice.VERSION}; read it and accept that one",
                details=[{"field": "version", "message": f"must be {notice.VERSION}, the current version"}],
                code="privacy_notice_outdated",
            )
        profile = self._profile(principal, holder)
        now = iso(utcnow())
        self.privacy.set_profile(profile, {"privacy_notice": {"version": notice.VERSION, "accepted_at": now}})
        self.privacy.log(
            holder,
            now,
            new_id(8),
            "privacy_notice.accepted",
            {"version": notice.VERSION, "sha256": notice.TEXT_SHA256},
        )
        return NoticeStatus(current=notice.VERSION, accepted=notice.VERSION, accepted_at=now)

    # --- the export ------------------------------------------------------------------------
    def export(self, principal: Principal) -> dict[str, Any]:
        holder = self._holder(principal)
        self._profile(principal, holder)
        return export.build(holder, self.privacy.holdings(holder), iso(utcnow()))

    # --- requests: the holder ----------------------------------------------------------------
    def file(self, principal: Principal, body: PrivacyRequestFiling) -> PrivacyRequest:
        holder = self._holder(principal)
        self._profile(principal, holder)
        details, registry = self._checked(holder, body)
        now = utcnow()
        opened_at = iso(now)
        deadline = iso(deadline_after(legal_date(now), ANSWER_DAYS))
        request = self.privacy.new_request(
            "ARCO-" + new_id(10),
            holder,
            body.kind,
            opened_at,
            deadline,
            status=RECEIVED,
            details=details,
            registry=registry,
            events=[_event(opened_at, principal, RECEIVED, details.get("reason"), _filed(body.kind, registry))],
        )
        self.privacy.create(request)
        return request

    def of_holder(self, principal: Principal, page: PageRequest) -> Page[PrivacyRequest]:
        holder = self._holder(principal)
        return self.privacy.of_holder(holder, page)

    def get(self, principal: Principal, request_id: str) -> PrivacyRequest:
        """The request, for its holder or a privacy officer; 404 for anyone else."""
        request = self.privacy.get(request_id, consistent=True)
        if request is None or not (principal.is_privacy_officer or request.holder == principal.holder):
            raise NotFound("no such privacy request", code="unknown_privacy_request")
        return request

    # --- requests: the privacy officer ---------------------------------------------------------
    def queue(self, principal: Principal, page: PageRequest, status: str | None) -> Page[PrivacyRequest]:
        self._officer(principal)
        closed = status is not None and status not in OPEN
        return self.privacy.queue(closed, page, status)

    def decide(self, principal: Principal, request_id: str, body: PrivacyDecision) -> PrivacyRequest:
        self._officer(principal)
        request = self.get(principal, request_id)
        if request.status not in ANSWERABLE:
            raise Conflict(
                f"the request is {request.status}: it takes no other answer"
                + (" (record the registry's answer instead)" if request.status == REFERRED else ""),
                code="privacy_request_answered",
            )
        now = utcnow()
        at = iso(now)
        fields: dict[str, Any] = {}
        closed: bool | None = True
        details: dict[str, Any] = {}
        if body.outcome == "extended":
            if request.extended:
                raise Conflict(
                    "the answer's period was extended once already; the law allows once", code="already_extended"
                )
            deadline = add_business_days(legal_date(parse_iso(request.deadline)), EXTENSION_DAYS)
            fields = {"status": EXTENDED, "extended": True, "deadline": iso(deadline_after(deadline, 0))}
            closed = False
            details = {"deadline": fields["deadline"]}
        elif body.outcome == "referred":
            if request.request_kind != "rectification":
                raise ValidationFailed.field(
                    "outcome", "only a rectification is referred to a registry", code="not_referable"
                )
            registry = body.registry or request.registry
            if registry is None or registry not in REGISTRIES:
                raise ValidationFailed.field(
                    "registry",
                    "must name a registry Ventanilla exchanges with: " + ", ".join(sorted(REGISTRIES)),
                    code="invalid_registry",
                )
            fields = {"status": REFERRED, "registry": registry}
            closed = False
            details = {"registry": registry}
        elif body.outcome == DENIED:
            fields = {"status": DENIED, "outcome": DENIED, "answered_at": at}
        else:
            self._effect_allowed(request)
            return self._told(self._granted(principal, request, body.outcome, body.reason, at, from_registry=False))
        fields["events"] = [*request.events, _event(at, principal, body.outcome, body.reason, details)]
        self.privacy.change(request, fields, closed=closed)
        return self._told(request)

    def _granted(
        self, principal: Principal, request: PrivacyRequest, outcome: str, reason: str, at: str, *, from_registry: bool
    ) -> PrivacyRequest:
        """Answer the request first (its version lets one officer do it), then apply what it
        grants, then record what that changed on its trail: a second officer answering at
        the same moment is refused before anything changes twice."""
        action = "registry_answer" if from_registry else outcome
        details: dict[str, Any] = {"registry": request.registry, "answer": "corrected"} if from_registry else {}
        answered = {
            "status": outcome,
            "outcome": outcome,
            "answered_at": at,
            "effective_by": iso(deadline_after(legal_date(parse_iso(at)), EFFECT_DAYS)),
            "events": [*request.events, _event(at, principal, action, reason, details)],
        }
        self.privacy.change(request, answered, closed=True)
        if from_registry:
            effects = self._rectify(principal, request, at, from_registry=True)
        else:
            effects = self._take_effect(principal, request, at=at)
        events = [dict(event) for event in request.events]
        events[-1]["details"] = {**events[-1]["details"], "effects": effects}
        self.privacy.change(request, {"effects": effects, "events": events})
        return request

    def registry_answered(self, principal: Principal, request_id: str, body: RegistryAnswer) -> PrivacyRequest:
        self._officer(principal)
        request = self.get(principal, request_id)
        if request.status != REFERRED:
            raise Conflict(
                f"the request is {request.status}, not referred to a registry", code="privacy_request_not_referred"
            )
        at = iso(utcnow())
        if body.answer == "corrected":
            self._effect_allowed(request, from_registry=True)
            return self._told(self._granted(principal, request, GRANTED, body.reason, at, from_registry=True))
        details = {"registry": request.registry, "answer": body.answer}
        fields = {
            "status": DENIED,
            "outcome": DENIED,
            "answered_at": at,
            "events": [*request.events, _event(at, principal, "registry_answer", body.reason, details)],
        }
        self.privacy.change(request, fields, closed=True)
        return self._told(request)

    def _told(self, request: PrivacyRequest) -> PrivacyRequest:
        """The holder is texted that their request moved (once per event of its trail)."""
        self.tell(request.holder, request.id, len(request.events or []))
        return request

    # --- what a grant changes ------------------------------------------------------------------
    def _effect_allowed(self, request: PrivacyRequest, *, from_registry: bool = False) -> None:
        """Refuse, before anything is written, a grant that cannot take effect: a fact from a
        registry is corrected there first, and the application to correct must still exist."""
        if request.request_kind != "rectification" or request.details.get("target") == PROFILE_NAME:
            return
        application_id, field = _form_target(str(request.details["target"]))
        application = self.store.applications.get(application_id, consistent=True)
        if f"data.{field}" in (application.provenance or {}) and not from_registry:
            raise Conflict(
                f"{request.details['target']} came from the {request.registry} registry: refer the request to it "
                "(outcome referred)",
                code="registry_fact",
            )

    def _take_effect(self, principal: Principal, request: PrivacyRequest, *, at: str) -> dict[str, Any]:
        kind = request.request_kind
        if kind == "access":
            document = export.build(request.holder, self.privacy.holdings(request.holder), at)
            return {
                "export_sha256": document["sha256"],
                "items": {name: len(document[name]) for name in export.SECTIONS},
            }
        if kind == "rectification":
            return self._rectify(principal, request, at, from_registry=False)
        if kind == "cancellation":
            return self._cancel(principal, request, at)
        processing = str(request.details["processing"])
        profile = self.profiles.ensure(request.holder)
        opposed = sorted({*(str(item) for item in profile.opposed or []), processing})
        self.privacy.set_profile(profile, {"opposed": opposed})
        return {"stopped": [processing]}

    def _rectify(
        self, principal: Principal, request: PrivacyRequest, at: str, *, from_registry: bool
    ) -> dict[str, Any]:
        target = str(request.details["target"])
        correction = request.details["correction"]
        if target == PROFILE_NAME:
            profile = self.profiles.ensure(request.holder)
            old = profile.name
            self.privacy.set_profile(profile, {"name": correction})
            return {"target": target, "old_sha256": _sha256(old)}
        application_id, field = _form_target(target)
        application = self.store.applications.get(application_id, consistent=True)
        previous = (application.data or {}).get(field)
        self.transitions.record(
            application,
            {"kind": "privacy_officer", "id": principal.username},
            Change(
                "data.rectified",
                reason=f"Solicitud de rectificación {request.id}",
                details={"field": f"data.{field}", "old_sha256": _sha256(previous), "privacy_request": request.id},
            ),
            fields={"data": {**(application.data or {}), field: correction}},
        )
        return {
            "target": target,
            "old_sha256": _sha256(previous),
            "application_audit_seq": int(application.audit_seq),
        }

    def _cancel(self, principal: Principal, request: PrivacyRequest, at: str) -> dict[str, Any]:
        scope = [str(item) for item in request.details.get("scope") or []]
        erased: dict[str, int] = {}
        items = list(self.privacy.holdings(request.holder))
        if "drafts" in scope:
            drafts = [item for item in items if isinstance(item, Application) and item.status == DRAFT]
            for draft in drafts:
                self._cancel_draft(principal, request, draft, at)
            erased["drafts"] = len(drafts)
        if "subscriptions" in scope:
            ended = {item.id: item for item in items if isinstance(item, Application) and item.status in FINAL}
            phones = [item for item in items if isinstance(item, Subscription) and item.application_id in ended]
            self.privacy.erase(phones)
            erased["subscriptions"] = len(phones)
            for application_id in sorted({str(item.application_id) for item in phones}):
                # the application's chain says its subscribers went, and why (no phone in it)
                self.transitions.record(
                    ended[application_id],
                    {"kind": "privacy_officer", "id": principal.username},
                    Change(
                        "subscriptions.erased",
                        reason=f"Solicitud de cancelación {request.id}",
                        details={
                            "subscriptions": sum(1 for item in phones if item.application_id == application_id),
                            "privacy_request": request.id,
                        },
                    ),
                )
        return {"erased": erased, "kept": {name: KEPT[name] for name in scope if name in KEPT}}

    def _cancel_draft(self, principal: Principal, request: PrivacyRequest, draft: Application, at: str) -> None:
        """A draft erased into a tombstone, as the retention schedule erases an untouched one."""
        erasure.erase_draft(
            draft,
            self.purge,
            self.transitions,
            {"kind": "privacy_officer", "id": principal.username},
            action="draft.cancelled",
            reason=f"Solicitud de cancelación {request.id}: sus datos y documentos se eliminaron.",
            details={"privacy_request": request.id},
            at=at,
            day=legal_date(parse_iso(at)).isoformat(),
            key=f"privacy/{request.id}/{draft.id}",
        )

    # --- checks ----------------------------------------------------------------------------------
    def _checked(self, holder: str, body: PrivacyRequestFiling) -> tuple[dict[str, Any], str | None]:
        """What the request asks, checked; and the registry a fact to correct came from."""
        kind = body.kind
        if kind == "access":
            return {}, None
        reason = _required_reason(body.reason)
        if kind == "rectification":
            return self._checked_rectification(holder, body, reason)
        if kind == "cancellation":
            if not body.scope:
                raise ValidationFailed.field("scope", "is required: a list of what to cancel", code="invalid_scope")
            for index, item in enumerate(body.scope):
                if item not in ERASABLE and item not in KEPT:
                    raise ValidationFailed.field(
                        f"scope[{index}]",
                        "must be one of " + ", ".join([*ERASABLE, *KEPT]),
                        code="invalid_scope",
                    )
            scope = sorted(set(body.scope))
            assessment = [
                {"scope": item, "erasable": item in ERASABLE, "why": ERASABLE.get(item) or KEPT[item]} for item in scope
            ]
            return {"scope": scope, "reason": reason, "assessment": assessment}, None
        if body.processing not in notice.PROCESSING:
            raise ValidationFailed.field(
                "processing",
                "must name a non-essential processing of the notice: " + ", ".join(notice.PROCESSING),
                code="invalid_processing",
            )
        return {"processing": body.processing, "reason": reason}, None

    def _checked_rectification(
        self, holder: str, body: PrivacyRequestFiling, reason: str
    ) -> tuple[dict[str, Any], str | None]:
        target = body.target or ""
        correction = (body.correction or "").strip()
        if not correction:
            raise ValidationFailed.field(
                "correction", "is required: the right value, 1 to 2,000 characters", code="correction_required"
            )
        details = {"target": target, "correction": correction, "reason": reason}
        if target == PROFILE_NAME:
            if len(correction) > 200:
                raise ValidationFailed.field(
                    "correction", "a name takes at most 200 characters", code="invalid_correction"
                )
            return details, None
        if not target.startswith(FORM_TARGET):
            raise ValidationFailed.field(
                "target", "must be profile.name or applications/<id>/form.<field>", code="invalid_target"
            )
        application_id, field = _form_target(target)
        try:
            application = self.store.applications.get(application_id)
        except NotFound:
            application = None
        if application is None or application.owner != holder:
            raise ValidationFailed.field("target", "names no application of yours", code="invalid_target")
        form = self.definition(application)["form"]
        if field not in (form.get("properties") or {}):
            raise ValidationFailed.field("target", f"{field} is not a field of this form", code="invalid_target")
        typed = _typed(correction, form["properties"][field])
        problems = form_problems(form, {field: typed}, complete=False)
        if problems:
            raise ValidationFailed.field("correction", problems[0]["message"], code="invalid_correction")
        details["correction"] = typed
        source = (application.provenance or {}).get(f"data.{field}")
        registry = source.get("registry") if isinstance(source, dict) else None
        return details, (str(registry) if registry else None)

    def _holder(self, principal: Principal) -> str:
        if not principal.holder:
            raise Forbidden("only a holder of a record exercises these rights here", code="citizens_only")
        return principal.holder

    def _profile(self, principal: Principal, holder: str) -> Profile:
        profile = self.profiles.ensure(holder)
        sessions.check(principal, profile.signed_in_after)
        return profile

    @staticmethod
    def _officer(principal: Principal) -> None:
        if not principal.is_privacy_officer:
            raise Forbidden("only a privacy officer answers privacy requests", code="forbidden")


def _required_reason(reason: str | None) -> str:
    kept = (reason or "").strip()
    if not 3 <= len(kept) <= 1000:
        raise ValidationFailed.field("reason", "is required: 3 to 1,000 characters", code="reason_required")
    return kept


def _typed(correction: str, schema: Mapping[str, Any]) -> Any:
    """The correction as the field's type: a number or a yes/no arrives as text."""
    if schema.get("type") in ("integer", "number", "boolean"):
        try:
            return json.loads(correction)
        except ValueError:
            return correction  # the form's check names what is wrong with it
    return correction


def _form_target(target: str) -> tuple[str, str]:
    """``applications/<id>/form.<field>`` as (id, field); 422 naming ``target`` otherwise."""
    parts = target.split("/")
    if (
        len(parts) != 3
        or parts[0] != "applications"
        or not parts[1]
        or not parts[2].startswith("form.")
        or not parts[2][5:]
    ):
        raise ValidationFailed.field(
            "target", "must be profile.name or applications/<id>/form.<field>", code="invalid_target"
        )
    return parts[1], parts[2][5:]


def _filed(kind: str, registry: str | None) -> dict[str, Any]:
    return {"kind": kind, **({"registry": registry} if registry else {})}


def _event(
    at: str, principal: Principal, action: str, reason: str | None, details: Mapping[str, Any]
) -> dict[str, Any]:
    actor = (
        {"kind": "privacy_officer", "id": principal.username} if principal.is_privacy_officer else principal.describe()
    )
    return {"at": at, "actor": actor, "action": action, "reason": reason, "details": dict(details)}


def _sha256(value: Any) -> str | None:
    return None if value is None else hashlib.sha256(str(value).encode()).hexdigest()
