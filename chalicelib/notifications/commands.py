"""Two-way SMS commands: ``ESTADO <ref>`` / ``STATUS <ref>`` and ``AYUDA`` / ``HELP``.

A person without a smartphone texts the short reference of an application and gets its
status, current step, legal deadline and what they must do next, in their language.
Only a phone linked to that application gets the answer: the owner's phone on record, or
a phone confirmed as a subscriber of it.  An unknown reference and a phone that is not
linked get the same neutral answer, word for word, so a guessed reference learns nothing.

Parsing ignores case, accents and punctuation around the words (``Estado: abc-123``
works); the reference is read as Crockford base32 (``O`` is ``0``, ``I``/``L`` are ``1``).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping

from msgspec import Struct

STATUS_WORDS = {"ESTADO": "es", "STATUS": "en", "ESTATUS": "es"}
HELP_WORDS = {"AYUDA": "es", "HELP": "en", "INFO": "es"}
_NOT_A_WORD = re.compile(r"[^A-Z0-9]+")
_CROCKFORD = str.maketrans({"O": "0", "I": "1", "L": "1"})
MAX_STEP = 40  # characters of a step's name in a reply (the segment budget counts on it)


class Command(Struct, frozen=True):
    name: str  # "status" or "help"
    language: str  # the language of the word used (the neutral and help answers use it)
    reference: str = ""


def parse_command(text: object) -> Command | None:
    """The command an inbound SMS carries, or None when it is none of ours."""
    if not isinstance(text, str):
        return None
    plain = "".join(char for char in unicodedata.normalize("NFKD", text) if not unicodedata.combining(char)).upper()
    words = _NOT_A_WORD.sub(" ", plain).split()
    if not words:
        return None
    if words[0] in HELP_WORDS and len(words) == 1:
        return Command("help", HELP_WORDS[words[0]])
    if words[0] in STATUS_WORDS:
        return Command("status", STATUS_WORDS[words[0]], "".join(words[1:]).translate(_CROCKFORD)[:40])
    return None


STATUS_LABELS: dict[str, dict[str, str]] = {
    "draft": {"es": "borrador", "en": "draft"},
    "submitted": {"es": "recibido", "en": "received"},
    "in_review": {"es": "en revisión", "en": "under review"},
    "changes_requested": {"es": "requiere correcciones", "en": "needs corrections"},
    "awaiting_payment": {"es": "espera su pago", "en": "awaiting payment"},
    "issued": {"es": "emitido", "en": "issued"},
    "rejected": {"es": "rechazado", "en": "rejected"},
    "deemed_approved": {"es": "aprobado por afirmativa ficta", "en": "deemed approved"},
    "withdrawn": {"es": "cerrado sin resolución", "en": "closed without a decision"},
    "error": {"es": "en atención técnica", "en": "being fixed by our team"},
}
NEXT_ACTIONS: dict[str, dict[str, str]] = {
    "draft": {"es": "complete y envíe su solicitud en Ventanilla", "en": "complete and submit it in Ventanilla"},
    "submitted": {"es": "nada, espere la resolución", "en": "nothing, wait for the decision"},
    "in_review": {"es": "nada, espere la resolución", "en": "nothing, wait for the decision"},
    "changes_requested": {"es": "corrija su solicitud en Ventanilla", "en": "correct it in Ventanilla"},
    "awaiting_payment": {
        "es": "pague con la línea de captura de Ventanilla",
        "en": "pay with the Ventanilla payment reference",
    },
    "issued": {"es": "consulte su documento en Ventanilla", "en": "see your document in Ventanilla"},
    "rejected": {"es": "vea el motivo en Ventanilla", "en": "see the reason in Ventanilla"},
    "deemed_approved": {"es": "nada, espere la emisión", "en": "nothing, wait for the document"},
    "withdrawn": {"es": "nada", "en": "nothing"},
    "error": {"es": "nada, lo estamos atendiendo", "en": "nothing, we are on it"},
}
NO_DEADLINE = {"es": "sin plazo", "en": "none"}


def longest(table: Mapping[str, Mapping[str, str]]) -> str:
    return max((text for texts in table.values() for text in texts.values()), key=len)


def step_name(definition: Mapping[str, object], step: str | None, language: str) -> str:
    """The current step as people read it, cut to ``MAX_STEP`` characters; ``-`` for none."""
    steps = definition.get("steps")
    entry = steps.get(step) if isinstance(steps, dict) and step else None
    names = entry.get("name") if isinstance(entry, dict) else None
    name = str(names.get(language) or names.get("es")) if isinstance(names, dict) else (step or "-")
    return name if len(name) <= MAX_STEP else name[: MAX_STEP - 1].rstrip() + "…"
