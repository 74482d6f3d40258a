"""The privacy notice (aviso de privacidad integral), as data: its version, when it took
effect, its text in Spanish and English, and the processing a holder may oppose.

Change the text and ``VERSION`` must move too: ``TEXT_SHA256`` is the digest of the text
this version published, and a test refuses a text that no longer matches it.  Holders who
accepted an earlier version are asked again (``GET /me`` shows ``accepted`` behind
``current``).
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from msgspec import Struct

from chalicelib.core.errors import Conflict
from chalicelib.store.models import Profile

VERSION = 1
EFFECTIVE_AT = "2026-12-07T00:00:00-06:00"
TEXT_SHA256 = "592328b8a7f307657f3a9249e54d4ba46f973818ce52f0d324eac3145119ed3f"

# Processing the holder may oppose: none of it is needed to file, decide or issue.
PROGRESS_SMS = "progress_sms"
REGISTRY_PREFILL = "registry_prefill"
PROCESSING: dict[str, dict[str, str]] = {
    PROGRESS_SMS: {
        "es": "Mensajes SMS de avance que usted eligió además de los obligatorios (presentado, en revisión, "
        "aprobado, pago recibido). Al oponerse, solo recibe los que le piden actuar o cambian sus derechos.",
        "en": "Progress text messages you chose besides the required ones (filed, in review, approved, payment "
        "received). Once you oppose, you only get those that need you to act or change your rights.",
    },
    REGISTRY_PREFILL: {
        "es": "Prellenado de formularios con datos del Registro Nacional de Población. Al oponerse, usted "
        "escribe esos datos; la dependencia puede verificarlos después cuando la ley se lo permite.",
        "en": "Pre-filling forms with data from the National Population Registry. Once you oppose, you type "
        "those data yourself; the agency may still verify them later where the law allows it.",
    },
}

RESPONSIBLE = {
    "es": "Ventanilla Única de Trámites, plataforma de gobierno digital operada por la Agencia de Transformación "
    "Digital. Domicilio para oír y recibir notificaciones: Av. Insurgentes Sur 1235, Col. del Valle, 03100, "
    "Ciudad de México. Oficial de protección de datos: privacidad@ventanilla.gob.mx.",
    "en": "Ventanilla, the single window for government procedures, a digital-government platform run by the "
    "Digital Transformation Agency. Address for notices: Av. Insurgentes Sur 1235, Col. del Valle, 03100, Mexico "
    "City. Data-protection officer: privacidad@ventanilla.gob.mx.",
}

SECTIONS: dict[str, list[dict[str, str]]] = {
    "es": [
        {"heading": "Responsable", "body": RESPONSIBLE["es"]},
        {
            "heading": "Datos que tratamos",
            "body": "Su CURP o RFC, nombre, teléfono, idioma, las respuestas de sus formularios, los documentos que "
            "sube, sus pagos, los documentos emitidos a su nombre, su e.firma cuando la usa y la bitácora de cada "
            "trámite.",
        },
        {
            "heading": "Finalidades necesarias",
            "body": "Recibir, turnar, resolver y emitir sus trámites; cobrar sus derechos; avisarle por SMS lo que "
            "le pide actuar o cambia sus derechos; verificar documentos emitidos; llevar la bitácora de auditoría "
            "que la ley exige. Sin estos datos no es posible atender el trámite.",
        },
        {
            "heading": "Finalidades no necesarias (puede oponerse)",
            "body": " ".join(item["es"] for item in PROCESSING.values())
            + " Oponerse no afecta ningún trámite: solicítelo desde «Mis datos» (oposición).",
        },
        {
            "heading": "Transferencias",
            "body": "Consultamos y registramos datos en los registros públicos que cada trámite señala (RENAPO, SAT, "
            "IMSS, catastro) con el fundamento que cada consulta cita, y compartimos su expediente con las "
            "dependencias que resuelven su trámite. Cada consulta queda en «Quién usó mis datos». No vendemos ni "
            "cedemos sus datos a particulares.",
        },
        {
            "heading": "Derechos ARCO",
            "body": "Puede acceder a sus datos (descargarlos completos en JSON o PDF), rectificarlos, cancelar los "
            "que la ley no nos obliga a conservar y oponerse a las finalidades no necesarias. Presente su solicitud "
            "en «Mis datos»; la respuesta llega dentro de 20 días hábiles (ampliables una vez por 10 con causa) y, "
            "si procede, se hace efectiva dentro de 15 días hábiles. Los datos que vienen de un registro público se "
            "corrigen en ese registro: turnamos su solicitud y le informamos su respuesta.",
        },
        {
            "heading": "Cambios a este aviso",
            "body": "Publicamos cada versión en esta página; cuando cambia, se la pedimos aceptar de nuevo al entrar.",
        },
    ],
    "en": [
        {"heading": "Responsible party", "body": RESPONSIBLE["en"]},
        {
            "heading": "Data we process",
            "body": "Your CURP or RFC, name, phone, language, your form answers, the documents you upload, your "
            "payments, the documents issued to you, your e.firma when you use it, and the log of each procedure.",
        },
        {
            "heading": "Essential purposes",
            "body": "Receiving, routing, deciding and issuing your procedures; collecting fees; texting you what "
            "needs you to act or changes your rights; verifying issued documents; keeping the audit log the law "
            "requires. Without these data the procedure cannot be handled.",
        },
        {
            "heading": "Non-essential purposes (you may oppose them)",
            "body": " ".join(item["en"] for item in PROCESSING.values())
            + " Opposing affects no procedure: ask from “My data” (opposition).",
        },
        {
            "heading": "Transfers",
            "body": "We consult and register data with the public registries each procedure names (RENAPO, SAT, "
            "IMSS, cadastre) under the legal basis each consultation cites, and share your file with the agencies "
            "that decide your procedure. Every consultation is listed in “Who used my data”. We never sell or pass "
            "your data to private parties.",
        },
        {
            "heading": "ARCO rights",
            "body": "You may access your data (download all of it as JSON or PDF), rectify it, cancel what the law "
            "does not oblige us to keep, and oppose the non-essential purposes. File your request from “My data”; "
            "the answer comes within 20 business days (extendable once by 10, with a reason) and, if granted, takes "
            "effect within 15 business days. Data that came from a public registry are corrected in that registry: "
            "we refer your request and tell you its answer.",
        },
        {
            "heading": "Changes to this notice",
            "body": "Each version is published on this page; when it changes, we ask you to accept it again.",
        },
    ],
}
TITLES = {"es": "Aviso de privacidad integral", "en": "Privacy notice"}


def document() -> dict[str, Any]:
    """The notice as ``GET /privacy-notice`` answers it."""
    return {
        "version": VERSION,
        "effective_at": EFFECTIVE_AT,
        **{language: {"title": TITLES[language], "sections": SECTIONS[language]} for language in ("es", "en")},
    }


def digest() -> str:
    """The SHA-256 of the notice's text (both languages, the processing list): what ``VERSION`` published."""
    text = {"titles": TITLES, "sections": SECTIONS, "processing": PROCESSING}
    return hashlib.sha256(json.dumps(text, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


class NoticeStatus(Struct, frozen=True, kw_only=True):
    current: int
    accepted: int | None
    accepted_at: str | None


def notice_status(profile: Profile | None) -> NoticeStatus:
    accepted = (profile.privacy_notice if profile is not None else None) or {}
    version = accepted.get("version")
    return NoticeStatus(
        current=VERSION,
        accepted=int(version) if version is not None else None,
        accepted_at=accepted.get("accepted_at"),
    )


def require_accepted(profile: Profile | None) -> None:
    """Refuse a holder whose profile has not accepted the version in force (never, or an
    earlier one): they read it and accept it (``POST /me/privacy-notice``), then go on."""
    status = notice_status(profile)
    if status.accepted == status.current:
        return
    message = (
        f"accept the privacy notice version {status.current} first (POST /me/privacy-notice)"
        if status.accepted is None
        else f"the privacy notice changed to version {status.current}; you accepted version {status.accepted}: "
        "read it and accept it again"
    )
    raise Conflict(
        f"privacy_notice: {message}",
        details=[{"field": "privacy_notice", "message": message}],
        code="privacy_notice_required",
    )
