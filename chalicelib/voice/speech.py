"""What the status line says, in Mexican Spanish or English, as text ready to go inside
``<speak>`` (escaped for XML; dates marked with ``say-as``)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from xml.sax.saxutils import escape

from chalicelib.notifications import templates

LANGUAGES = ("es", "en")
# how many applications a call reads out (the newest); the count says how many there are
MAX_SPOKEN = 3

_SAID: dict[str, dict[str, str]] = {
    "count_one": {
        "es": "Tiene un trámite ligado a este teléfono.",
        "en": "You have one application linked to this phone.",
    },
    "count_many": {
        "es": "Tiene {count} trámites ligados a este teléfono.",
        "en": "You have {count} applications linked to this phone.",
    },
    "count_more": {
        "es": "Tiene {count} trámites ligados a este teléfono; le digo los {spoken} más recientes.",
        "en": "You have {count} applications linked to this phone; here are the {spoken} newest.",
    },
    "application": {
        "es": "{procedure}, folio terminación {tail}: {status}. Paso actual: {step}. Fecha límite: {deadline}. "
        "Qué hacer: {next}.",
        "en": "{procedure}, folio ending in {tail}: {status}. Current step: {step}. Deadline: {deadline}. "
        "What to do: {next}.",
    },
    "invalid_folio": {
        "es": "El número que marcó no es un folio válido. Revise los 17 dígitos de su folio telefónico.",
        "en": "The number you entered is not a valid folio. Check the 17 digits of your phone folio.",
    },
    "callback_requested": {
        "es": "Listo. La dependencia le llamará a este teléfono a más tardar el {date}.",
        "en": "Done. The agency will call this phone by {date}.",
    },
    "callback_already_requested": {
        "es": "Ya pidió que le llamen sobre este trámite. La dependencia le llamará.",
        "en": "You have already asked for a call about this application. The agency will call you.",
    },
    "callback_not_filed": {
        "es": "Ese trámite todavía es un borrador: ninguna dependencia lo tiene. "
        "Envíelo en Ventanilla y pida la llamada después.",
        "en": "That application is still a draft: no agency holds it yet. "
        "Submit it in Ventanilla, then ask for the call.",
    },
    "application_ended": {
        "es": "Ese trámite ya terminó: la dependencia ya no llama sobre él.",
        "en": "That application has ended: the agency no longer calls about it.",
    },
    "fallback": {
        "es": "Por ahora no podemos consultar sus trámites. Intente más tarde o envíe ESTADO por SMS.",
        "en": "We cannot look up your applications right now. Please try later or text STATUS.",
    },
}


def language_of(value: object) -> str:
    """The caller's language: English only when they chose it (``en``), else Spanish."""
    return "en" if isinstance(value, str) and value.strip().lower().startswith("en") else "es"


def said(key: str, language: str, **values: Any) -> str:
    return escape(_SAID[key][language].format(**values))


def neutral(reference: str, language: str) -> str:
    """ESTADO's neutral answer, word for word (``templates.PLATFORM["status_unknown"]``):
    what any phone hears about an application it is not linked to, or none.  ``reference``:
    the folio typed (read digit by digit), or none ("-", as ESTADO says for none)."""
    text = escape(templates.sentence(templates.PLATFORM["status_unknown"], language, {"ref": "{ref}"}))
    return text.replace("{ref}", f'<say-as interpret-as="digits">{reference}</say-as>' if reference else "-")


def application(values: Mapping[str, Any], procedure: str, folio: str, language: str) -> str:
    """One application as a sentence: ``values`` are ESTADO's (``Notifications.status_values``)."""
    deadline = str(values["deadline"])
    spoken_deadline = date(deadline) if deadline.count("/") == 2 else escape(deadline)
    return said(
        "application",
        language,
        procedure=procedure,
        tail=" ".join(folio[-4:]),
        status=values["status"],
        step=values["step"],
        deadline="{deadline}",
        next=values["next"],
    ).replace("{deadline}", spoken_deadline)


def date(value: str) -> str:
    """A ``DD/MM/YYYY`` date marked for Polly to read as a date."""
    return f'<say-as interpret-as="date" format="dmy">{escape(value)}</say-as>'
