"""Evidence from the source: what a requirement's registry (or an earlier credential) says,
shown to the citizen before anything is used, and used only once they approve it.

The workflow's ``lookup`` steps build each query from the application's facts, ask the
registry, keep only the fields the definition ``take``s and check its ``match``; the
outcome is recorded in ``application.evidence`` and in the audit trail (hashes, not
values).  A registry that stays down falls back to an upload, with the reason in the
timeline.  Then the application waits in ``evidence_review`` until the citizen says, for
each requirement, whether the registry's answer or an uploaded document is to be used.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable, Mapping
from datetime import timedelta
from decimal import Decimal
from typing import Any

from aws_lambda_powertools import Logger
from msgspec import Struct

from chalicelib.adapters.ports import WorkflowEngine, resume_quietly
from chalicelib.applications import transitions as status
from chalicelib.applications.audit import canonical_json
from chalicelib.applications.transitions import SYSTEM, Change, Transitions
from chalicelib.core.clock import iso, parse_iso, utcnow
from chalicelib.core.errors import Conflict, Forbidden, NotFound, TransientFailure
from chalicelib.credentials.service import Credentials
from chalicelib.identity.curp import is_curp
from chalicelib.identity.principal import Principal
from chalicelib.legal.calendar import end_of_day, legal_date
from chalicelib.legal.clock import timer_seconds
from chalicelib.registries.catalogue import REGISTRIES
from chalicelib.registries.facts import fact, facts_of
from chalicelib.registries.port import Answer, Context, Registries, RegistryUnavailable, sha256
from chalicelib.store.models import Application, Credential, Review
from chalicelib.store.repositories import Repositories

logger = Logger(child=True)

FETCHED, NOT_FOUND, MISMATCH, UNAVAILABLE = "fetched", "not_found", "mismatch", "unavailable"
APPROVED, UPLOAD = "approved", "upload"
USE_REGISTRY, USE_UPLOAD = "registry", "upload"
CREDENTIAL = "ventanilla"  # the pseudo-registry of a credential Ventanilla issued
# How long the citizen has to approve what was fetched before the application closes.
REVIEW_DAYS = 10
POPULATION = "population"
CHECK_PURPOSE = {
    "es": "Comprobar en la fuente un dato de su solicitud, a petición del servidor público que la revisa",
    "en": "To check a fact of your application at its source, at the request of the official reviewing it",
}
PREFILL_PURPOSE = {
    "es": "Llenar su solicitud con sus datos del RENAPO",
    "en": "To fill in your application with your details from RENAPO",
}
PREFILL_BASIS = {
    "es": "Ley General de Población, arts. 85 a 91 (Clave Única de Registro de Población)",
    "en": "General Population Law, arts. 85 to 91 (Unique Population Registry Code)",
}


def evidence_requirements(definition: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    return {requirement["code"]: requirement for requirement in definition["requirements"] if "evidence" in requirement}


def needs_upload(requirement: Mapping[str, Any], application: Application) -> bool:
    """Whether the citizen must upload the requirement's document: always without evidence;
    with evidence, only once it could not be used (not found, mismatch, registry down) or
    the citizen chose to upload instead.  Before the lookups, nothing is due."""
    if "evidence" not in requirement:
        return True
    entry = (application.evidence or {}).get(requirement["code"])
    return entry is not None and entry["state"] not in (FETCHED, APPROVED)


def values_sha256(values: Mapping[str, Any]) -> str:
    return sha256(canonical_json(dict(values)))


def _article(name: str) -> str:
    return f"El {name}"


def _reason_unavailable(registry: str, requirement: Mapping[str, Any]) -> dict[str, str]:
    name = REGISTRIES[registry].name
    title = requirement["name"]
    return {
        "es": f"{_article(name['es'])} no respondió; suba el documento «{title['es']}».",
        "en": f"The {name['en']} did not answer; upload the document «{title['en']}».",
    }


class Evidence(Struct, frozen=True):
    store: Repositories
    transitions: Transitions
    registries: Registries
    credentials: Credentials
    engine: WorkflowEngine
    legal_day_seconds: Decimal

    # --- the workflow's side ----------------------------------------------------------
    def lookup(
        self,
        application: Application,
        definition: Mapping[str, Any],
        code: str,
        execution: str,
        key: str,
        *,
        fallback: bool = False,
    ) -> dict[str, Any]:
        """Fetch one requirement's evidence and record what came back.

        ``RegistryUnavailable`` propagates: the state machine retries, then calls this again
        with ``fallback``.  The exchange id is derived from the execution and the requirement,
        so a retried Task asks the registry under the same id (a registry answers a repeated
        id as it did the first time) and, once recorded, does not ask again."""
        requirement = evidence_requirements(definition)[code]
        source = requirement["evidence"]
        exchange_id = hashlib.sha256(f"{execution}/{code}".encode()).hexdigest()[:24]
        recorded = (application.evidence or {}).get(code)
        if key in (application.applied_keys or []) or (
            recorded and recorded.get("exchange_id") == exchange_id and not fallback
        ):
            return {"state": recorded["state"] if recorded else None}
        now = iso(utcnow())
        if fallback:
            entry = self._unavailable(source, requirement, exchange_id, now)
        elif "credential" in source:
            entry = self._credential(application, source, now)
        else:
            entry = self._registry(
                application, definition, requirement, exchange_id, {"kind": "workflow", "execution": execution}
            )
        self._record(application, code, entry, key)
        return {"state": entry["state"]}

    def _registry(
        self,
        application: Application,
        definition: Mapping[str, Any],
        requirement: Mapping[str, Any],
        exchange_id: str,
        requester: Mapping[str, Any],
        purpose: Mapping[str, str] | None = None,
    ) -> dict[str, Any]:
        source = requirement["evidence"]
        registry, operation = source["registry"], source["operation"]
        facts = facts_of(application)
        query = {name: fact(facts, path) for name, path in source["query"].items()}
        base: dict[str, Any] = {
            "source": "registry",
            "registry": registry,
            "registry_name": REGISTRIES[registry].name,
            "operation": operation,
            "purpose": purpose or source["purpose"],
            "take": list(source["take"]),
            "exchange_id": exchange_id,
        }
        if any(value in (None, "") for value in query.values()):
            missing = sorted(source["query"][name] for name, value in query.items() if value in (None, ""))
            return {
                **base,
                "state": NOT_FOUND,
                "values": {},
                "fetched_at": iso(utcnow()),
                "reason": {
                    "es": f"Falta el dato {', '.join(missing)} para consultar; suba el documento "
                    f"«{requirement['name']['es']}».",
                    "en": f"{', '.join(missing)} is missing to ask; upload the document «{requirement['name']['en']}».",
                },
            }
        answer: Answer = self.registries.exchange(
            registry,
            operation,
            query,
            Context(
                holder=application.owner,
                purpose=purpose or source["purpose"],
                legal_basis=source.get("legal_basis") or definition["legal_basis"],
                agency=str(requester.get("agency") or definition["agency"]),
                agency_name=definition["agencies"].get(str(requester.get("agency") or definition["agency"])),
                requester=dict(requester),
                application_id=application.id,
                procedure=application.procedure_code,
                exchange_id=exchange_id,
            ),
        )
        base.update(fetched_at=answer.at, result_sha256=answer.result_sha256)
        if answer.status != "found":
            return {**base, "state": NOT_FOUND, "values": {}, "reason": self._not_found(registry, requirement)}
        result = answer.result
        values = {name: result.get(name) for name in source["take"]}
        mismatched = [
            name for name, path in (source.get("match") or {}).items() if result.get(name) != fact(facts, path)
        ]
        if result.get("deceased") is True:
            mismatched.append("deceased")
        if mismatched:
            return {
                **base,
                "state": MISMATCH,
                "values": values,
                "mismatched": mismatched,
                "reason": self._mismatch(registry, requirement, mismatched),
            }
        return {**base, "state": FETCHED, "values": values}

    @staticmethod
    def _not_found(registry: str, requirement: Mapping[str, Any]) -> dict[str, str]:
        name, title = REGISTRIES[registry].name, requirement["name"]
        return {
            "es": f"{_article(name['es'])} no tiene un registro con esos datos; suba el documento «{title['es']}».",
            "en": f"The {name['en']} has no record with those details; upload the document «{title['en']}».",
        }

    @staticmethod
    def _mismatch(registry: str, requirement: Mapping[str, Any], fields: list[str]) -> dict[str, str]:
        name, title = REGISTRIES[registry].name, requirement["name"]
        if "deceased" in fields:
            return {
                "es": f"{_article(name['es'])} registra a esta persona como fallecida; suba el documento "
                f"«{title['es']}».",
                "en": f"The {name['en']} records this person as deceased; upload the document «{title['en']}».",
            }
        if any(field.startswith("owner") for field in fields):
            return {
                "es": f"{_article(name['es'])} registra a otra persona como titular; suba el documento "
                f"«{title['es']}».",
                "en": f"The {name['en']} lists someone else as the owner; upload the document «{title['en']}».",
            }
        return {
            "es": f"Lo que registra {_article(name['es']).lower()} no coincide con su solicitud ({', '.join(fields)}); "
            f"suba el documento «{title['es']}».",
            "en": f"What the {name['en']} records does not match your application ({', '.join(fields)}); upload the "
            f"document «{title['en']}».",
        }

    def _unavailable(
        self, source: Mapping[str, Any], requirement: Mapping[str, Any], exchange_id: str, now: str
    ) -> dict[str, Any]:
        registry = source.get("registry", CREDENTIAL)
        return {
            "source": "registry",
            "registry": registry,
            "registry_name": REGISTRIES[registry].name if registry in REGISTRIES else None,
            "operation": source.get("operation"),
            "purpose": source["purpose"],
            "take": list(source.get("take") or []),
            "exchange_id": exchange_id,
            "state": UNAVAILABLE,
            "values": {},
            "fetched_at": now,
            "reason": _reason_unavailable(registry, requirement)
            if registry in REGISTRIES
            else {"es": "No se pudo consultar; suba el documento.", "en": "It could not be checked; upload it."},
        }

    def _credential(self, application: Application, source: Mapping[str, Any], now: str) -> dict[str, Any]:
        """A valid credential of the type, held by the application's holder: its signature
        checks, it is current, and it was not revoked.  No registry is asked."""
        wanted = source["credential"]
        take = list(source.get("take") or ["number", "valid_until", "title"])
        base: dict[str, Any] = {
            "source": "credential",
            "registry": CREDENTIAL,
            "registry_name": {"es": "Ventanilla (documentos emitidos)", "en": "Ventanilla (issued documents)"},
            "operation": wanted,
            "purpose": source["purpose"],
            "take": take,
            "exchange_id": None,
            "fetched_at": now,
        }
        today = legal_date(utcnow()).isoformat()
        held = [
            item
            for item in self.store.applications.record_of(application.owner)
            if isinstance(item, Credential) and item.type == wanted
        ]
        for credential in sorted(held, key=lambda item: str(item.issued_at), reverse=True):
            genuine, payload = self.credentials.check(credential)
            revoked = getattr(credential, "revoked_at", None) or payload.get("revoked_at")
            if not genuine or revoked or not payload.get("valid_from", "") <= today <= payload.get("valid_until", ""):
                continue
            values = {name: payload.get(name) for name in take}
            return {
                **base,
                "state": FETCHED,
                "values": values,
                "credential_id": credential.id,
                "result_sha256": values_sha256(payload),
            }
        return {
            **base,
            "state": NOT_FOUND,
            "values": {},
            "reason": {
                "es": f"No tiene un documento vigente de tipo «{wanted}» emitido por Ventanilla; súbalo.",
                "en": f"You hold no current «{wanted}» document issued by Ventanilla; upload it.",
            },
        }

    # --- the official's side ------------------------------------------------------------
    def check_at_source(
        self,
        principal: Principal,
        review: Review,
        code: str,
        definition_of: Callable[[Application], Mapping[str, Any]],
    ) -> dict[str, Any]:
        """An official of the review's agency asks the registry again, in their own name: what
        it says now, and whether that is what the application used.  Logged like any lookup
        (the citizen sees the official by name) and audited; nothing on the application changes."""
        if review.agency not in principal.official_of:
            raise Forbidden(f"this review belongs to {review.agency}; you cannot check its facts", code="other_agency")
        application = self.store.applications.get(review.application_id, consistent=True)
        definition = definition_of(application)
        requirement = evidence_requirements(definition).get(code)
        if requirement is None or "registry" not in requirement["evidence"]:
            raise NotFound(f"no requirement {code!r} of this procedure comes from a registry", code="unknown_evidence")
        requester = {"kind": "official", "username": principal.username, "agency": review.agency}
        if principal.name:
            requester["name"] = principal.name
        entry = self._registry(application, definition, requirement, secrets.token_hex(12), requester, CHECK_PURPOSE)
        used = (application.evidence or {}).get(code)
        same = used is not None and used.get("values") == entry["values"]
        self.transitions.record(
            application,
            principal.describe(),
            Change(
                "evidence.checked",
                details={
                    "requirement": code,
                    "registry": entry["registry"],
                    "exchange_id": entry["exchange_id"],
                    "state": entry["state"],
                    "values_sha256": values_sha256(entry["values"]),
                    "same_as_used": same,
                },
            ),
        )
        return {**entry, "same_as_used": same}

    def _record(self, application: Application, code: str, entry: dict[str, Any], key: str) -> None:
        """Record one requirement's outcome.  Parallel lookups write the same application:
        on a concurrent change reload and merge, without asking the registry again."""
        details = {
            "requirement": code,
            "registry": entry["registry"],
            "operation": entry["operation"],
            "state": entry["state"],
            "exchange_id": entry["exchange_id"],
            "values_sha256": values_sha256(entry["values"]),
            **({"credential_id": entry["credential_id"]} if entry.get("credential_id") else {}),
            **({"reason_text": entry["reason"]} if entry.get("reason") else {}),
        }
        change = Change(
            f"evidence.{entry['state']}",
            reason=entry["reason"]["es"] if entry.get("reason") else None,
            details=details,
        )
        for attempt in range(5):
            try:
                self.transitions.record(
                    application,
                    SYSTEM,
                    change,
                    fields={"evidence": {**(application.evidence or {}), code: entry}, "current_step": "evidence"},
                    key=key,
                )
                return
            except Conflict as error:
                if error.code != "concurrent_change" or attempt == 4:
                    raise TransientFailure(error.message) from error
                application = self.store.applications.get(application.id, consistent=True)
                if key in (application.applied_keys or []):
                    return

    def open(self, application: Application, key: str) -> dict[str, Any]:
        """Everything was asked: the application waits for the citizen's approval."""
        now = utcnow()
        deadline = end_of_day(legal_date(now) + timedelta(days=REVIEW_DAYS))
        if key in (application.applied_keys or []) and application.deadline:
            deadline = parse_iso(application.deadline)
        else:
            evidence = application.evidence or {}
            self.transitions.record(
                application,
                SYSTEM,
                Change(
                    "evidence.ready",
                    to_status=status.EVIDENCE_REVIEW,
                    details={
                        "deadline": iso(deadline),
                        "evidence": {
                            code: {
                                "registry": entry["registry"],
                                "state": entry["state"],
                                "exchange_id": entry.get("exchange_id"),
                                "values_sha256": values_sha256(entry.get("values") or {}),
                            }
                            for code, entry in sorted(evidence.items())
                        },
                    },
                    notify="evidence_review",
                ),
                fields={"current_step": "evidence", "current_agency": None, "deadline": iso(deadline)},
                key=key,
            )
        return {"timeout_seconds": timer_seconds(deadline, now, self.legal_day_seconds)}

    def attach_token(self, application: Application, token: str) -> None:
        """Keep the wait's token where the citizen's approval finds it.  The citizen may have
        answered before it was attached: both sides write, then read the other's write, so
        whichever comes second resumes the workflow."""
        self.store.applications.await_evidence(application, token)
        fresh = self.store.applications.get(application.id, consistent=True)
        if fresh.status != status.EVIDENCE_REVIEW and _decided(fresh):
            resume_quietly(self.engine, token, {"approved": True})

    # --- the citizen's side -----------------------------------------------------------
    def approve(
        self,
        application: Application,
        definition: Mapping[str, Any],
        actor: dict[str, Any],
        use: Mapping[str, str],
        applies: frozenset[str],
        checked: Mapping[str, Mapping[str, Any]] | None = None,
    ) -> Application:
        """Record the citizen's choice for every evidence requirement that applies and resume
        the workflow.  ``applies``: the requirement codes this application's answers call for
        (the caller has checked that every one marked ``upload`` was uploaded); ``checked``:
        those uploads' records naming the S3 version checked, kept so their links serve it."""
        evidence = dict(application.evidence or {})
        chosen: dict[str, dict[str, Any]] = {}
        for code in sorted(evidence):
            entry = evidence[code]
            if code not in applies:
                continue
            choice = use[code]
            state = APPROVED if choice == USE_REGISTRY else UPLOAD
            evidence[code] = {**entry, "state": state, "use": choice}
            chosen[code] = {
                "use": choice,
                "registry": entry["registry"],
                "exchange_id": entry.get("exchange_id"),
                **({"credential_id": entry["credential_id"]} if entry.get("credential_id") else {}),
                "values_sha256": values_sha256(entry.get("values") or {}) if choice == USE_REGISTRY else None,
                **({"document_sha256": (application.documents or {})[code]["sha256"]} if choice == USE_UPLOAD else {}),
                **({"document_version": checked[code]["version_id"]} if checked and code in checked else {}),
            }
        self.transitions.record(
            application,
            actor,
            Change("evidence.approved", to_status=status.SUBMITTED, details=chosen, notify=None),
            fields={
                "evidence": evidence,
                "deadline": None,
                "current_step": None,
                **({"documents": {**(application.documents or {}), **checked}} if checked else {}),
            },
        )
        fresh = self.store.applications.get(application.id, consistent=True)
        if fresh.evidence_token:
            resume_quietly(self.engine, fresh.evidence_token, {"approved": True})
        return application


def _decided(application: Application) -> bool:
    return any(entry.get("use") for entry in (application.evidence or {}).values())


def check_use(
    application: Application,
    definition: Mapping[str, Any],
    use: Mapping[str, str],
    applies: frozenset[str],
) -> list[dict[str, str]]:
    """What is wrong with the citizen's answer (``use.<code>`` problems): every evidence
    requirement that applies must be answered, ``registry`` only for fetched evidence."""
    problems = []
    wanted = evidence_requirements(definition)
    evidence = application.evidence or {}
    for code in sorted(set(use) - (set(wanted) & applies)):
        problems.append({"field": f"use.{code}", "message": "is not a requirement of this application met by evidence"})
    for code in sorted(set(wanted) & applies):
        choice = use.get(code)
        entry = evidence.get(code)
        if choice is None:
            problems.append({"field": f"use.{code}", "message": "must be answered: registry or upload"})
        elif choice not in (USE_REGISTRY, USE_UPLOAD):
            problems.append({"field": f"use.{code}", "message": "must be registry or upload"})
        elif choice == USE_REGISTRY and (entry is None or entry["state"] != FETCHED):
            state = entry["state"] if entry else "missing"
            problems.append(
                {"field": f"use.{code}", "message": f"the evidence is {state}: upload the document instead"}
            )
    return problems


# --- pre-filled forms -----------------------------------------------------------------
def prefilled_fields(form: Mapping[str, Any]) -> dict[str, Mapping[str, Any]]:
    """Form properties the population registry fills: name -> its ``x-registry``."""
    return {
        name: prop["x-registry"]
        for name, prop in (form.get("properties") or {}).items()
        if isinstance(prop, Mapping) and "x-registry" in prop
    }


def prefill(
    registries: Registries,
    definition: Mapping[str, Any],
    holder: str,
    application_id: str,
    requester: Mapping[str, Any],
) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any] | None]:
    """The answers the registry gives for the form's ``x-registry`` fields, their provenance,
    and how the pre-fill went (None when the form has no such field).  A registry that
    does not answer leaves the fields to the citizen."""
    fields = prefilled_fields(definition["form"])
    if not fields:
        return {}, {}, None
    now = iso(utcnow())
    if not is_curp(holder):
        return {}, {}, {"state": UNAVAILABLE, "registry": POPULATION, "at": now, "reason": _no_person()}
    try:
        answer = registries.exchange(
            POPULATION,
            "person",
            {"curp": holder},
            Context(
                holder=holder,
                purpose=PREFILL_PURPOSE,
                legal_basis=PREFILL_BASIS,
                agency=definition["agency"],
                agency_name=definition["agencies"].get(definition["agency"]),
                requester=dict(requester),
                application_id=application_id,
                procedure=definition["code"],
            ),
        )
    except RegistryUnavailable as error:
        logger.warning("pre-fill not possible", extra={"application_id": application_id, "error": error.message})
        return {}, {}, {"state": UNAVAILABLE, "registry": POPULATION, "at": now, "reason": _unanswered()}
    if answer.status != "found":
        return {}, {}, {"state": NOT_FOUND, "registry": POPULATION, "at": answer.at, "reason": _no_person()}
    data: dict[str, Any] = {}
    provenance: dict[str, Any] = {}
    for name, source in fields.items():
        value = answer.result.get(source["field"])
        if value is None:
            continue
        data[name] = value
        provenance[f"data.{name}"] = {
            "registry": POPULATION,
            "field": source["field"],
            "at": answer.at,
            "exchange_id": answer.exchange_id,
        }
    return (
        data,
        provenance,
        {"state": "filled", "registry": POPULATION, "at": answer.at, "exchange_id": answer.exchange_id},
    )


def _unanswered() -> dict[str, str]:
    name = REGISTRIES[POPULATION].name
    return {
        "es": f"{_article(name['es'])} no respondió: llene usted estos datos.",
        "en": f"The {name['en']} did not answer: fill in these details yourself.",
    }


def _no_person() -> dict[str, str]:
    name = REGISTRIES[POPULATION].name
    return {
        "es": f"{_article(name['es'])} no tiene un registro para su CURP: llene usted estos datos.",
        "en": f"The {name['en']} has no record for your CURP: fill in these details yourself.",
    }
