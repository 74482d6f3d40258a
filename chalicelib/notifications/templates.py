"""SMS texts per application event, in Spanish and English.

Messages carry the application's short reference, never the CURP or the citizen's
name.  Placeholders: {ref} {procedure} {agency} {deadline} {amount} {reference}
{expires} {reason} {url}.
"""

from __future__ import annotations

import string
from collections.abc import Mapping
from typing import Any

TEMPLATES: dict[str, dict[str, str]] = {
    "submitted": {
        "es": "Ventanilla: recibimos su tramite {ref} ({procedure}). Le avisaremos aqui cada cambio.",
        "en": "Ventanilla: we received your application {ref} ({procedure}). We will text you each change.",
    },
    "in_review": {
        "es": "Ventanilla: su tramite {ref} esta en revision en {agency}. Fecha limite: {deadline}.",
        "en": "Ventanilla: your application {ref} is under review at {agency}. Deadline: {deadline}.",
    },
    "changes_requested": {
        "es": "Ventanilla: su tramite {ref} requiere correcciones. Entre a Ventanilla antes de {deadline}.",
        "en": "Ventanilla: your application {ref} needs corrections. Sign in to Ventanilla before {deadline}.",
    },
    "awaiting_payment": {
        "es": "Ventanilla: tramite {ref} aprobado. Pague ${amount} MXN con la linea de captura {reference} antes de {expires}.",
        "en": "Ventanilla: application {ref} approved. Pay MXN {amount} with payment reference {reference} before {expires}.",
    },
    "payment_received": {
        "es": "Ventanilla: recibimos su pago de ${amount} MXN del tramite {ref}.",
        "en": "Ventanilla: we received your payment of MXN {amount} for application {ref}.",
    },
    "issued": {
        "es": "Ventanilla: su documento del tramite {ref} fue emitido. Consultelo en {url}",
        "en": "Ventanilla: the document for application {ref} has been issued. See it at {url}",
    },
    "deemed_approved": {
        "es": "Ventanilla: vencio el plazo legal de {agency}; su tramite {ref} se tiene por aprobado (afirmativa ficta).",
        "en": "Ventanilla: {agency} missed its legal deadline; application {ref} is deemed approved.",
    },
    "rejected": {
        "es": "Ventanilla: su tramite {ref} fue rechazado. Vea el motivo en Ventanilla.",
        "en": "Ventanilla: your application {ref} was rejected. See the reason in Ventanilla.",
    },
    "withdrawn": {
        "es": "Ventanilla: su tramite {ref} se cerro sin resolucion ({reason}).",
        "en": "Ventanilla: your application {ref} was closed without a decision ({reason}).",
    },
    "error": {
        "es": "Ventanilla: hubo un problema tecnico con su tramite {ref}. Lo estamos atendiendo; no necesita hacer nada.",
        "en": "Ventanilla: there was a technical problem with application {ref}. We are on it; you need not do anything.",
    },
}


class _Blank(dict[str, Any]):
    def __missing__(self, key: str) -> str:
        return ""


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def render(event: str, language: str, values: Mapping[str, Any], overrides: Mapping[str, Mapping[str, str]] | None = None) -> str | None:
    """The message for an event, or None when the event sends no SMS."""
    texts = (overrides or {}).get(event) or TEMPLATES.get(event)
    if not texts:
        return None
    text = texts.get(language) or texts["es"]
    return text.format_map(_Blank(values))
