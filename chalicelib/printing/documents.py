"""The documents people keep, as PDF: the acuse de recibo of a filing, each resolution,
and each issued credential.

Each prints what was signed (the cadena original, or the credential's signed content),
every signature over it and a QR code that carries what an offline verifier needs
(``chalicelib.credentials.offline``).  The labels are Spanish: these are Mexican legal
documents; an English name follows in parentheses where the procedure gives one.  The
same callers may read them as may read the application (the acuse, the resolutions) or
receive the issued document (the credential).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from msgspec import Struct

from chalicelib.applications.service import Applications
from chalicelib.core.clock import parse_iso
from chalicelib.core.errors import Conflict, NotFound
from chalicelib.credentials import offline
from chalicelib.credentials.service import Credentials
from chalicelib.identity.curp import is_curp
from chalicelib.identity.principal import Principal
from chalicelib.printing.pdf import Printable, SignatureBlock, printed_time, render
from chalicelib.registries.catalogue import REGISTRIES
from chalicelib.store.models import Application, Credential

PLATFORM = "Ventanilla"
DECISIONS = {"approve": "Aprobada", "reject": "Rechazada", "request_changes": "Se solicitan correcciones"}
OFFLINE_NOTE = (
    "El código lleva el texto firmado y el sello de la plataforma, para comprobarlos sin conexión con la llave "
    "pública que se publica en la dirección de abajo."
)
ACUSE_FOOTER = (
    "Acuse de recibo emitido por Ventanilla. El plazo legal del trámite corre desde la fecha y hora del sello de la "
    "plataforma."
)
RESOLUTION_FOOTER = (
    "Resolución firmada electrónicamente. La e.firma se comprueba con el certificado del servidor público; el "
    "sello, con la llave pública de la plataforma."
)
CREDENTIAL_FOOTER = (
    "Documento expedido por medios electrónicos. Su contenido firmado se imprime como cadena original; compruebe "
    "su validez en la dirección del código QR."
)


class Pdf(Struct, frozen=True):
    filename: str
    content: bytes


class SignedDocuments(Struct, frozen=True):
    applications: Applications
    credentials: Credentials
    keys_url: str  # where the platform's public keys are published: the acuse's and resolutions' QR address

    def acuse(self, principal: Principal, application_id: str) -> Pdf:
        """The acuse de recibo, for whoever may read the application; 404 ``no_acuse``
        before it is filed."""
        application = self.applications.readable(principal, application_id)
        if not application.acuse:
            raise NotFound(
                "the application has no acuse de recibo yet: it is issued when the application is filed",
                code="no_acuse",
            )
        definition = self.applications.definition(application)
        return Pdf(f"acuse-{application.id}.pdf", render(acuse(application, definition, self.keys_url)))

    def resolution(self, principal: Principal, application_id: str, review_id: str) -> Pdf:
        """One official's resolution on the application, for whoever may read it."""
        application = self.applications.readable(principal, application_id)
        found = next((item for item in application.resolutions or [] if item.get("review_id") == review_id), None)
        if found is None:
            raise NotFound("no resolution of that review on this application", code="unknown_resolution")
        definition = self.applications.definition(application)
        step = self.applications.step(application, found["step"])
        printable = resolution(application, definition, step, found, self.keys_url)
        return Pdf(f"resolucion-{application.id}-{_safe(review_id)}.pdf", render(printable))

    def credential(self, principal: Principal, document_id: str) -> Pdf:
        """An issued document, for its holder (or their assistant, if the citizen allowed
        it); 409 ``seal_invalid`` if what is stored no longer matches its seal."""
        credential = self.credentials.get(document_id)
        application = self.applications.document_owner(principal, credential.application_id)
        genuine, payload = self.credentials.check(credential)
        if not genuine:
            raise Conflict("this document's content does not match its seal: it cannot be printed", code="seal_invalid")
        definition = self.applications.definition(application)
        url = self.credentials.verify_url(credential.id)
        printable = issued(credential, payload, definition, url)
        return Pdf(f"{_safe(str(payload.get('type', 'documento')))}-{credential.id}.pdf", render(printable))


# --- what each document prints --------------------------------------------------------------


def acuse(application: Application, definition: Mapping[str, Any], keys_url: str) -> Printable:
    sealed = application.acuse
    firma, sello = sealed.get("firma"), sealed["sello"]
    text = sealed["cadena_original"]
    rows = [
        ("Folio", application.id),
        ("Trámite", f"{definition['name']['es']} (versión {int(application.procedure_version)})"),
        ("Solicitante", firma["holder"]["name"] if firma else ""),
        (_holder_key(application.owner), application.owner),
        ("Recibido", printed_time(parse_iso(sello["sealed_at"]))),
        ("Documentos", _filed_documents(text, application, definition)),
    ]
    signatures = []
    if firma:
        signatures.append(
            SignatureBlock(
                role="Firma del solicitante",
                signer=firma["holder"]["name"],
                certificate_serial=firma["serial"],
                signed_at=parse_iso(firma["signed_at"]),
                seal=firma["signature"],
            )
        )
    signatures.append(_platform(sello["key_id"], sello["algorithm"], sello["sealed_at"], sello["seal"]))
    return Printable(
        title="Acuse de recibo",
        subtitle=_bilingual(definition["name"]),
        issuer=definition["agencies"][definition["agency"]]["es"],
        fields=[(label, value) for label, value in rows if value],
        cadena_original=text,
        signatures=signatures,
        qr_payload=offline.qr_payload(keys_url, text, sello["key_id"], sello["seal"]),
        verify_url=keys_url,
        verification_note=OFFLINE_NOTE,
        footer=ACUSE_FOOTER,
    )


def resolution(
    application: Application,
    definition: Mapping[str, Any],
    step: Mapping[str, Any],
    found: Mapping[str, Any],
    keys_url: str,
) -> Printable:
    firma, sello, official = found.get("firma"), found["sello"], found["official"]
    agency = _agency(definition, found["agency"])
    text = found["cadena_original"]
    rows = [
        ("Folio", application.id),
        ("Trámite", f"{definition['name']['es']} (versión {int(application.procedure_version)})"),
        ("Etapa", _bilingual(step.get("name") or {"es": found["step"]})),
        ("Dependencia", agency),
        ("Sentido", DECISIONS.get(found["decision"], found["decision"])),
        ("Motivo", found.get("reason") or ""),
        (_holder_key(application.owner), application.owner),
    ]
    if firma:
        decided = SignatureBlock(
            role="Firma del servidor público",
            signer=firma["holder"]["name"],
            position=official["position"]["es"],
            agency=agency,
            certificate_serial=firma["serial"],
            signed_at=parse_iso(firma["signed_at"]),
            seal=firma["signature"],
        )
    else:
        # the step takes the platform's seal alone: who decided, without a sello of their own
        decided = SignatureBlock(
            role="Servidor público que resolvió (con el sello de la plataforma)",
            signer=official["name"],
            position=official["position"]["es"],
            agency=agency,
            signed_at=parse_iso(sello["sealed_at"]),
        )
    return Printable(
        title="Resolución",
        subtitle=_bilingual(definition["name"]),
        issuer=agency,
        fields=[(label, value) for label, value in rows if value],
        cadena_original=text,
        signatures=[decided, _platform(sello["key_id"], sello["algorithm"], sello["sealed_at"], sello["seal"])],
        qr_payload=offline.qr_payload(keys_url, text, sello["key_id"], sello["seal"]),
        verify_url=keys_url,
        verification_note=OFFLINE_NOTE,
        footer=RESOLUTION_FOOTER,
    )


def issued(
    credential: Credential, payload: Mapping[str, Any], definition: Mapping[str, Any], verify_url: str
) -> Printable:
    """An issued credential: its signed content (what the platform sealed, printed as its
    cadena original), who approved it, and the platform's seal."""
    valid = f"del {_day(payload['valid_from'])} al {_day(payload['valid_until'])}"
    rows = [
        ("Número de documento", credential.id),
        *_registration(payload),
        ("Titular", payload.get("holder_name") or payload.get("holder_initials") or ""),
        ("Vigencia", valid),
        ("Expedido", printed_time(parse_iso(payload["issued_at"]))),
        ("Trámite", definition["name"]["es"]),
        ("Folio de la solicitud", credential.application_id),
        (
            "Afirmativa ficta",
            "Expedido porque la autoridad no resolvió en el plazo legal." if payload.get("deemed_approved") else "",
        ),
        *_answers(definition, payload.get("data") or {}),
    ]
    approvals = [
        SignatureBlock(
            role="Aprobó con e.firma" if item.get("serial") else "Aprobó (con el sello de la plataforma)",
            signer=item["name"],
            position=(item.get("position") or {}).get("es", ""),
            agency=_agency(definition, item["agency"]),
            certificate_serial=item.get("serial") or "",
            signed_at=parse_iso(item["signed_at"]),
        )
        for item in payload.get("signatories") or []
    ]
    seal = _platform(credential.key_id, credential.algorithm, payload["issued_at"], credential.signature)
    return Printable(
        title=payload["title"]["es"],
        subtitle=f"({payload['title']['en']})" if payload["title"].get("en") else "",
        issuer=payload["agency_name"]["es"],
        fields=[(label, value) for label, value in rows if value],
        cadena_original=credential.payload,
        signatures=[*approvals, seal],
        qr_payload=offline.qr_payload(verify_url, credential.payload, credential.key_id, credential.signature),
        verify_url=verify_url,
        footer=CREDENTIAL_FOOTER,
    )


def _registration(payload: Mapping[str, Any]) -> Sequence[tuple[str, str]]:
    """A registration's number and who assigned it (an RFC by the SAT, a registro patronal by
    the IMSS, a folio by Ventanilla itself)."""
    if not payload.get("number"):
        return []
    registry = REGISTRIES.get(str(payload.get("registry")))
    return [
        ("Número de registro", str(payload["number"])),
        ("Asignado por", registry.name["es"] if registry else "Ventanilla"),
    ]


def _platform(key_id: str, algorithm: str, at: str, seal: str) -> SignatureBlock:
    return SignatureBlock(
        role="Sello de la plataforma",
        signer=PLATFORM,
        key_id=key_id,
        algorithm=algorithm,
        signed_at=parse_iso(at),
        seal=seal,
    )


def _bilingual(text: Mapping[str, str]) -> str:
    spanish, english = text.get("es", ""), text.get("en", "")
    return f"{spanish}\n({english})" if english and english != spanish else spanish


def _agency(definition: Mapping[str, Any], code: str) -> str:
    name: str = (definition.get("agencies") or {}).get(code, {}).get("es") or code
    return name


def _holder_key(holder: str) -> str:
    return "CURP" if is_curp(holder) else "RFC"


def _filed_documents(text: str, application: Application, definition: Mapping[str, Any]) -> str:
    """The documents the filing's cadena original lists, by their requirement's name, with
    the file's name where the application still holds that same file."""
    names = {item["code"]: item["name"]["es"] for item in definition.get("requirements") or []}
    fields = text[2:-2].split("|")
    listed = fields[7] if len(fields) > 7 and fields[1] == "ACUSE" else ""
    lines = []
    for entry in filter(None, listed.split(";")):
        code, _, sha256 = entry.partition(":")
        held = (application.documents or {}).get(code) or {}
        filename = f": {held['filename']}" if held.get("sha256") == sha256 and held.get("filename") else ""
        lines.append(f"{names.get(code, code)}{filename}")
    return "\n".join(lines)


def _answers(definition: Mapping[str, Any], data: Mapping[str, Any]) -> Sequence[tuple[str, str]]:
    """The signed form answers, labelled with the form's own titles, in the form's order."""
    properties: Mapping[str, Any] = (definition.get("form") or {}).get("properties") or {}
    order = [name for name in properties if name in data] + sorted(name for name in data if name not in properties)
    return [(str((properties.get(name) or {}).get("title") or name), _value(data[name])) for name in order]


def _value(value: Any) -> str:
    if isinstance(value, bool):
        return "Sí" if value else "No"
    return str(value)


def _day(value: str) -> str:
    return date.fromisoformat(value).strftime("%d/%m/%Y")


def _safe(name: str) -> str:
    """A name fit for a file name in a Content-Disposition header."""
    return re.sub(r"[^A-Za-z0-9_-]+", "-", name)[:64] or "documento"
