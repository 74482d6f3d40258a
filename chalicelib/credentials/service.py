"""Issued documents (licences, permits, constancias) signed with the KMS key.

The signed payload is canonical JSON; anyone can check it through the public verify
endpoint (or offline with the published public key).  The verify answer carries only
what a checker needs: type, holder's initials, validity and issuing agency.
"""

from __future__ import annotations

import base64
import json
import secrets
from collections.abc import Mapping
from datetime import datetime
from functools import partial
from typing import Any

import msgspec
from msgspec import Struct

from chalicelib.adapters.ports import Signer
from chalicelib.applications import transitions as status
from chalicelib.applications.transitions import SYSTEM, Change, Transitions
from chalicelib.core.clock import iso, utcnow
from chalicelib.core.errors import Conflict, NotFound
from chalicelib.credentials import registrations
from chalicelib.credentials.archive import IssuedArchive
from chalicelib.credentials.payload import signed_payload
from chalicelib.efirma.verification import Signature, recheck
from chalicelib.identity.profiles import Profiles
from chalicelib.legal.calendar import legal_date
from chalicelib.registries.port import Registries
from chalicelib.store.models import Application, Credential
from chalicelib.store.repositories import Repositories
from chalicelib.store.writes import create


def verify_url(api_url: str, document_id: str) -> str:
    """Where anyone checks an issued document (what its QR code opens)."""
    return f"{api_url}/verify/{document_id}"


def new_document_id() -> str:
    return secrets.token_urlsafe(16)


def canonical(payload: Mapping[str, Any]) -> bytes:
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


class SignatureCheck(Struct, frozen=True, kw_only=True):
    """One signature behind an issued document, checked again from what was stored: the
    holder's e.firma on the acuse, an official's on a resolution, or the platform's seal."""

    what: str  # "acuse" or "resolution"
    signer: str  # "holder", "official" or "platform"
    valid: bool
    at: str
    serial: str | None = None  # the e.firma's número de certificado
    name: str | None = None  # officials only: a checker never learns the holder's name
    position: Mapping[str, str] | None = None
    agency: str | None = None
    problems: tuple[str, ...] = ()


class Verification(Struct, frozen=True):
    """The public check of an issued document: whether its signature is genuine, whether
    it is valid today (genuine and within its validity), its signed content, and every
    signature of the filing and the resolutions that led to it."""

    document_id: str
    genuine: bool
    valid: bool
    expired: bool
    payload: Mapping[str, Any]
    signatures: tuple[SignatureCheck, ...] = ()


class Credentials(Struct, frozen=True):
    store: Repositories
    transitions: Transitions
    profiles: Profiles
    signer: Signer  # signs what is issued
    sealer: Signer  # sealed the acuse and the resolutions behind it
    public_api_url: str
    registries: Registries  # where the issue step's registrations are made
    archive: IssuedArchive | None = None  # where issued PDFs are kept under object lock

    def verify_url(self, document_id: str) -> str:
        return verify_url(self.public_api_url, document_id)

    def issue(
        self,
        application: Application,
        definition: Mapping[str, Any],
        step_id: str,
        step: Mapping[str, Any],
        key: str,
        facts: Mapping[str, Mapping[str, Any]],
    ) -> dict[str, Any]:
        """Issue the step's document and make its registrations (those whose ``when`` holds
        on ``facts``), each a credential of its own: all written with one status change, so
        a retried step issues nothing twice."""
        if key in (application.applied_keys or []):
            done = self._already_issued(application, step)
            # a retry after the status change: the PDFs it had not kept yet are kept now
            self._keep([self.store.credentials.get(document_id) for document_id in done["documents"]], definition)
            return done
        registered = registrations.register(self.registries, application, definition, step_id, step, facts)
        now = utcnow()
        today = legal_date(now)
        profile = self.profiles.get(application.owner)
        holder_name = profile.name if profile else None
        deemed = bool(application.deemed_approved)
        document = step["document"]
        title = document["title"]
        if deemed:
            title = {
                "es": f"Constancia de afirmativa ficta: {title['es']}",
                "en": f"Certificate of deemed approval: {title['en']}",
            }
        signed = partial(signed_payload, application, definition, holder_name=holder_name, today=today, now=now)
        payloads = [signed(document, document_id=new_document_id(), title=title)]
        payloads += [
            signed(
                made.document,
                document_id=new_document_id(),
                title=made.document["title"],
                number=made.number,
                registry=made.registry,
            )
            for made in registered
        ]
        credentials = [self._credential(application, payload, now) for payload in payloads]
        own = payloads[0]
        issued = [*(application.issued or []), *({"id": item["id"], "type": item["type"]} for item in payloads)]
        self.transitions.record(
            application,
            SYSTEM,
            Change(
                "document.issued",
                to_status=status.ISSUED,
                reason="Emitido por afirmativa ficta: la autoridad no resolvió en el plazo legal." if deemed else None,
                details={
                    "document_id": own["id"],
                    "type": own["type"],
                    "valid_until": own["valid_until"],
                    "key_id": self.signer.key_id,
                    "step": step_id,
                    **(
                        {
                            "registrations": [
                                {
                                    "document_id": payload["id"],
                                    "type": payload["type"],
                                    "number": payload["number"],
                                    "registry": payload["registry"],
                                    "exchange_id": made.exchange_id,
                                }
                                for payload, made in zip(payloads[1:], registered, strict=True)
                            ]
                        }
                        if registered
                        else {}
                    ),
                },
                notify="issued",
                notify_values={"url": self.verify_url(own["id"])},
            ),
            fields={"issued": issued, "current_step": None, "current_agency": None, "deadline": None},
            also=[create(credential) for credential in credentials],
            key=key,
        )
        self._keep(credentials, definition)
        return {"document_id": own["id"], "documents": [payload["id"] for payload in payloads]}

    def _credential(self, application: Application, payload: Mapping[str, Any], now: datetime) -> Credential:
        text = canonical(payload)
        return self.store.credentials.new(
            payload["id"],
            application.owner,
            iso(now),
            application_id=application.id,
            type=payload["type"],
            payload=text.decode(),
            signature=base64.b64encode(self.signer.sign(text)).decode(),
            key_id=self.signer.key_id,
            algorithm=self.signer.algorithm,
        )

    def _keep(self, credentials: list[Credential], definition: Mapping[str, Any]) -> None:
        """Each issued document's PDF, kept once under object lock (after the status change,
        so a document that was never issued is never kept)."""
        if self.archive is None:
            return
        for credential in credentials:
            self.archive.keep(credential, json.loads(credential.payload), definition)

    @staticmethod
    def _already_issued(application: Application, step: Mapping[str, Any]) -> dict[str, Any]:
        """What a step that already ran issued (its document, then its registrations)."""
        types = {step["document"]["type"], *(item["document"]["type"] for item in step.get("registrations") or ())}
        ids = [item["id"] for item in application.issued or [] if item["type"] in types]
        return {"document_id": ids[0] if ids else None, "documents": ids}

    def get(self, document_id: str) -> Credential:
        if not isinstance(document_id, str) or not 10 <= len(document_id) <= 64:
            raise NotFound("no such document", code="unknown_document")
        return self.store.credentials.get(document_id)

    def check(self, credential: Credential) -> tuple[bool, dict[str, Any]]:
        """(signature valid, payload) for a stored credential."""
        try:
            payload = json.loads(credential.payload)
            signature = base64.b64decode(credential.signature, validate=True)
        except ValueError:
            return False, {}
        valid = self.signer.verify(canonical(payload), signature) and canonical(payload).decode() == credential.payload
        return valid, payload

    def verify(self, document_id: str) -> Verification:
        """The public check a QR code opens.  Every call is counted beside the document; the
        first of each hour (per document) is also an audit event on the application, so an
        anonymous caller's writes are one small counter, never the audit chain at will."""
        credential = self.get(document_id)
        genuine, payload = self.check(credential)
        now = utcnow()
        today = legal_date(now).isoformat()
        current = genuine and payload.get("valid_from", "") <= today <= payload.get("valid_until", "")
        expired = genuine and today > payload["valid_until"]
        hour = verification_hour(now)
        counted = self.store.credentials.count_verification(document_id, hour)
        if counted.first_of_hour:
            details = {"document_id": document_id, "valid": bool(current), "hour": hour}
            application = self._audit_verification(
                credential.application_id, details | {"verifications": counted.verifications}
            )
        else:
            application = self.store.applications.get(credential.application_id)
        signatures = self.signatures(application) if genuine else ()
        return Verification(document_id, genuine, bool(current), expired, payload, signatures)

    def signatures(self, application: Application) -> tuple[SignatureCheck, ...]:
        """Every e.firma and seal of the application's acuse and resolutions, proved again
        with nothing but what was stored (valid after the signers' certificates expire)."""
        checks: list[SignatureCheck] = []
        signed = [("acuse", application.acuse)] if application.acuse else []
        for what, sealed in [*signed, *(("resolution", item) for item in application.resolutions or [])]:
            text, firma = sealed["cadena_original"], sealed.get("firma")
            official = sealed.get("official") or {}
            if firma:
                problems = tuple(recheck(msgspec.convert(firma, Signature), text))
                checks.append(
                    SignatureCheck(
                        what=what,
                        signer="official" if official else "holder",
                        valid=not problems,
                        at=firma["signed_at"],
                        serial=firma["serial"],
                        name=official.get("name"),
                        position=official.get("position"),
                        agency=official.get("agency"),
                        problems=problems,
                    )
                )
            seal = sealed["sello"]
            sealed_ok = self.sealer.verify(text.encode(), base64.b64decode(seal["seal"]))
            checks.append(
                SignatureCheck(
                    what=what,
                    signer="platform",
                    valid=sealed_ok,
                    at=seal["sealed_at"],
                    agency=official.get("agency"),
                    problems=() if sealed_ok else ("seal_invalid",),
                )
            )
        return tuple(checks)

    def _audit_verification(self, application_id: str, details: dict[str, Any]) -> Application:
        for _ in range(3):
            application = self.store.applications.get(application_id, consistent=True)
            try:
                self.transitions.record(
                    application, {"kind": "anonymous", "id": "verify"}, Change("document.verified", details=details)
                )
                return application
            except Conflict:
                continue
        return application


def verification_hour(moment: datetime) -> str:
    """The hour a public check is counted in: UTC, ``YYYY-MM-DDTHH``.  (Mexico City keeps
    UTC-6 all year, so its hours begin at the same instants.)"""
    return iso(moment)[:13]
