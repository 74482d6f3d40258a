"""SMS templates: one per event, in Spanish and English, versioned and checked.

The platform ships a text for every event (``PLATFORM``); a procedure definition may
override the text of its own application events in its ``notifications`` object, and
the override is versioned with the procedure.  Every text is checked when it is
published (``definition_problems``, called by the procedure validator; the platform's
own texts by the unit tests):

* placeholders are plain ``{name}`` fields among those the event offers — never a
  CURP or a name: a message identifies the application by its short reference only;
* rendered with the longest values its placeholders can take, and transliterated to
  GSM-7 as it will be sent (``segments.to_gsm``), it fits in ``MAX_SEGMENTS``.

``python -m chalicelib.notifications.templates [definition.json ...]`` prints the
segment count of each template, as written and as sent.
"""

from __future__ import annotations

import json
import string
import sys
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

from msgspec import Struct

from chalicelib.notifications import commands, segments

LANGUAGES = ("es", "en")
MAX_SEGMENTS = 2
COMMON = frozenset({"ref", "procedure", "agency", "deadline", "url"})
PERSONAL = frozenset({"curp", "rfc", "name", "nombre", "phone", "telefono", "email", "address", "domicilio"})

# Application events (what ``Transitions`` passes as ``notify``) and what each offers.
EVENTS: dict[str, frozenset[str]] = {
    "submitted": COMMON,
    "evidence_review": COMMON,
    "in_review": COMMON,
    "review_near_deadline": COMMON,
    "changes_requested": COMMON,
    "approved": COMMON,
    "deemed_approved": COMMON,
    "rejected": COMMON,
    "awaiting_payment": COMMON | {"amount", "reference", "expires"},
    "payment_received": COMMON | {"amount"},
    "issued": COMMON,
    "withdrawn": COMMON,
    "error": COMMON,
    # the appeal of a rejection (recurso de revisión) and its three resolutions
    "appeal_filed": COMMON,
    "appeal_confirmed": COMMON,
    "appeal_revoked": COMMON,
    "appeal_new_review": COMMON,
}
# What a citizen is texted about unless they choose more: what needs them to act (confirm
# the registries' data, corrections, the payment reference), what changes their rights (a
# resolution, issued, rejected or deemed; an appeal's outcome) and an error.  Nothing for
# what they just did on screen (filed, paid, withdrew, appealed) or mere progress.
BY_DEFAULT = frozenset(
    {
        "evidence_review",
        "changes_requested",
        "awaiting_payment",
        "issued",
        "rejected",
        "deemed_approved",
        "error",
        "appeal_confirmed",
        "appeal_revoked",
        "appeal_new_review",
    }
)
# What a citizen may ask for besides, per application, and an agency may make legally due
# for its procedure (``sms_required``).
ON_REQUEST = frozenset(EVENTS) - BY_DEFAULT
# Messages about the subscription itself: platform-only, and urgent (they answer
# something the person just did, so quiet hours do not hold them back).
SYSTEM: dict[str, frozenset[str]] = {
    "subscription_code": frozenset({"ref", "code"}),
    "opted_out": frozenset({"agency"}),
    "opted_out_all": frozenset(),
    # answers to two-way SMS commands (``commands``)
    "status_reply": frozenset({"ref", "status", "step", "deadline", "next"}),
    "status_unknown": frozenset({"ref"}),
    "help": frozenset(),
    # the citizen's consent to an assistant of a community centre (assisted filing)
    "delegation_code": frozenset({"centre", "code"}),
    # the same, to a call-centre agent on the phone with the citizen
    "delegation_code_phone": frozenset({"centre", "code"}),
    # a privacy (ARCO) request of the holder's was answered or moved (no personal data in it)
    "privacy_request": frozenset({"request"}),
}
URGENT = frozenset(SYSTEM)

# The longest value each placeholder takes, to check the segment budget at publish time.
LONGEST = {
    "ref": "ABCDEFGHJK",
    "procedure": "P" * 60,
    "agency": "A" * 16,
    "deadline": "31/12/2026",
    "expires": "31/12/2026",
    "amount": "999,999,999.99",
    "reference": "9" * 20,
    "url": "https://www.ventanilla.gob.mx/#/applications/ABCDEFGHJK",
    "code": "123456",
    "status": commands.longest(commands.STATUS_LABELS),
    "step": "S" * commands.MAX_STEP,
    "next": commands.longest(commands.NEXT_ACTIONS),
    "centre": "C" * 20,
    "request": "ARCO-ABCDEFGHJK",
}


class Template(Struct, frozen=True):
    event: str
    version: int
    texts: Mapping[str, str]
    source: str = "platform"

    @property
    def label(self) -> str:
        """Which text went out, as the delivery log records it."""
        return f"{self.source}@{self.version}/{self.event}"

    @property
    def urgent(self) -> bool:
        return self.event in URGENT

    def text(self, language: str) -> str:
        return self.texts.get(language) or self.texts["es"]


def _platform(version: int, es: str, en: str) -> tuple[int, dict[str, str]]:
    return version, {"es": es, "en": en}


PLATFORM_TEXTS: dict[str, tuple[int, dict[str, str]]] = {
    "submitted": _platform(
        2,
        (
            "Ventanilla: recibimos su trámite {ref} ({procedure}). Le avisaremos aquí cada cambio. Responda BAJA para "
            "no recibir más."
        ),
        (
            "Ventanilla: we received your application {ref} ({procedure}). We will text you each change. Reply STOP "
            "to opt out."
        ),
    ),
    "evidence_review": _platform(
        1,
        "Ventanilla: confirme los datos que tomaremos de los registros para su trámite {ref} antes del {deadline}.",
        "Ventanilla: confirm the registry data we will use for your application {ref} by {deadline}.",
    ),
    "in_review": _platform(
        2,
        "Ventanilla: su trámite {ref} está en revisión en {agency}. Fecha límite: {deadline}.",
        "Ventanilla: your application {ref} is under review at {agency}. Deadline: {deadline}.",
    ),
    "review_near_deadline": _platform(
        1,
        "Ventanilla: {agency} debe resolver su trámite {ref} a más tardar el {deadline}.",
        "Ventanilla: {agency} must decide on your application {ref} by {deadline}.",
    ),
    "changes_requested": _platform(
        2,
        "Ventanilla: su trámite {ref} requiere correcciones. Entre a Ventanilla antes del {deadline}.",
        "Ventanilla: your application {ref} needs corrections. Sign in to Ventanilla before {deadline}.",
    ),
    "approved": _platform(
        1,
        "Ventanilla: {agency} aprobó su trámite {ref}. Le avisaremos el siguiente paso.",
        "Ventanilla: {agency} approved your application {ref}. We will text you the next step.",
    ),
    "deemed_approved": _platform(
        2,
        "Ventanilla: venció el plazo legal de {agency}; su trámite {ref} se tiene por aprobado (afirmativa ficta).",
        "Ventanilla: {agency} missed its legal deadline; application {ref} is deemed approved.",
    ),
    "rejected": _platform(
        2,
        "Ventanilla: su trámite {ref} fue rechazado. Vea el motivo en Ventanilla.",
        "Ventanilla: your application {ref} was rejected. See the reason in Ventanilla.",
    ),
    "awaiting_payment": _platform(
        2,
        (
            "Ventanilla: trámite {ref} aprobado. Pague ${amount} MXN con la línea de captura {reference} antes del "
            "{expires}."
        ),
        "Ventanilla: application {ref} approved. Pay MXN {amount} with payment reference {reference} before {expires}.",
    ),
    "payment_received": _platform(
        2,
        "Ventanilla: recibimos su pago de ${amount} MXN del trámite {ref}.",
        "Ventanilla: we received your payment of MXN {amount} for application {ref}.",
    ),
    "issued": _platform(
        2,
        "Ventanilla: su documento del trámite {ref} fue emitido. Consúltelo en {url}",
        "Ventanilla: the document for application {ref} has been issued. See it at {url}",
    ),
    "withdrawn": _platform(
        3,
        "Ventanilla: su trámite {ref} se cerró sin resolución. Vea el motivo en Ventanilla.",
        "Ventanilla: your application {ref} was closed without a decision. See the reason in Ventanilla.",
    ),
    "error": _platform(
        2,
        "Ventanilla: hubo un problema técnico con su trámite {ref}. Lo estamos atendiendo; no necesita hacer nada.",
        "Ventanilla: there was a technical problem with application {ref}. We are on it; you need not do anything.",
    ),
    "appeal_filed": _platform(
        1,
        (
            "Ventanilla: recibimos su recurso contra el rechazo del trámite {ref}. {agency} debe resolverlo antes "
            "del {deadline}."
        ),
        (
            "Ventanilla: we received your appeal against the rejection of application {ref}. {agency} must decide "
            "by {deadline}."
        ),
    ),
    "appeal_confirmed": _platform(
        1,
        "Ventanilla: su recurso del trámite {ref} se resolvió: el rechazo se confirma. Vea el motivo en Ventanilla.",
        (
            "Ventanilla: your appeal on application {ref} was decided: the rejection stands. See the reason in "
            "Ventanilla."
        ),
    ),
    "appeal_revoked": _platform(
        1,
        "Ventanilla: su recurso del trámite {ref} procede: el rechazo se revoca y su trámite continúa.",
        (
            "Ventanilla: your appeal on application {ref} succeeded: the rejection is revoked and your application "
            "goes on."
        ),
    ),
    "appeal_new_review": _platform(
        1,
        "Ventanilla: por su recurso, otro servidor público revisará de nuevo su trámite {ref}.",
        "Ventanilla: following your appeal, another official will review application {ref} again.",
    ),
    "subscription_code": _platform(
        1,
        (
            "Ventanilla: su código para recibir avisos del trámite {ref} es {code}. Vence en 15 minutos. Si usted no "
            "lo pidió, ignore este mensaje."
        ),
        (
            "Ventanilla: your code to get texts about application {ref} is {code}. It expires in 15 minutes. If you "
            "did not ask for it, ignore this text."
        ),
    ),
    "opted_out": _platform(
        1,
        "Ventanilla: ya no recibirá mensajes de {agency}. Para no recibir ninguno, responda BAJA TODO.",
        "Ventanilla: you will get no more texts from {agency}. To stop every text, reply STOP ALL.",
    ),
    "opted_out_all": _platform(
        1,
        "Ventanilla: ya no recibirá mensajes nuestros. Para volver a recibirlos, suscríbase de nuevo en Ventanilla.",
        "Ventanilla: you will get no more texts from us. To get them again, subscribe again in Ventanilla.",
    ),
    "status_reply": _platform(
        1,
        "Ventanilla: trámite {ref}: {status}. Paso: {step}. Fecha límite: {deadline}. Qué hacer: {next}.",
        "Ventanilla: application {ref}: {status}. Step: {step}. Deadline: {deadline}. What to do: {next}.",
    ),
    "status_unknown": _platform(
        1,
        "Ventanilla: no hay un trámite {ref} ligado a este teléfono. Revise la referencia o envíe AYUDA.",
        "Ventanilla: there is no application {ref} linked to this phone. Check the reference or text HELP.",
    ),
    "help": _platform(
        1,
        (
            "Ventanilla: envíe ESTADO y la referencia de su trámite (ej. ESTADO 8Q9FQ5PXS4) para saber cómo va. BAJA: "
            "no recibir mensajes de esa dependencia; BAJA TODO: de ninguna."
        ),
        (
            "Ventanilla: text STATUS and your application reference (e.g. STATUS 8Q9FQ5PXS4) to see how it is going. "
            "STOP: no texts from that agency; STOP ALL: none at all."
        ),
    ),
    "delegation_code": _platform(
        1,
        (
            "Ventanilla: el centro {centre} pide hacer trámites por usted. Si está ahí y de acuerdo, dé este código a "
            "quien le atiende: {code}. Vence en 15 min. Es gratuito."
        ),
        (
            "Ventanilla: centre {centre} asks to file applications for you. If you are there and agree, give this "
            "code to the helper: {code}. Expires in 15 min. It is free."
        ),
    ),
    "delegation_code_phone": _platform(
        1,
        (
            "Ventanilla: la línea {centre} pide hacer trámites por usted hoy. Si está en esa llamada y de acuerdo, "
            "diga este código al agente: {code}. Vence en 15 min. Es gratuito."
        ),
        (
            "Ventanilla: phone line {centre} asks to file applications for you today. If you are on that call and "
            "agree, tell the agent this code: {code}. Expires in 15 min. It is free."
        ),
    ),
    "privacy_request": _platform(
        1,
        "Ventanilla: su solicitud de derechos ARCO {request} tiene respuesta o cambió. Consúltela en Mis datos.",
        "Ventanilla: your ARCO request {request} was answered or changed. See it in My data.",
    ),
}
PLATFORM: dict[str, Template] = {
    event: Template(event, version, texts) for event, (version, texts) in PLATFORM_TEXTS.items()
}


def offered(event: str) -> frozenset[str]:
    return EVENTS.get(event) or SYSTEM.get(event) or frozenset()


def template_for(event: str, definition: Mapping[str, Any] | None = None) -> Template | None:
    """The text an event sends for a procedure (its override, else the platform's); None: no SMS."""
    overrides = (definition or {}).get("notifications") or {}
    if event in EVENTS and event in overrides:
        assert definition is not None
        return Template(event, int(definition["version"]), overrides[event], source=str(definition["code"]))
    return PLATFORM.get(event)


class _Blank(dict[str, Any]):
    def __missing__(self, key: str) -> str:
        return ""


def render(template: Template, language: str, values: Mapping[str, Any]) -> str:
    """The message as sent: placeholders filled (unknown ones blank), in GSM-7."""
    return segments.to_gsm(sentence(template, language, values))


def sentence(template: Template, language: str, values: Mapping[str, Any]) -> str:
    """The message's words before they are fitted to GSM-7 (what the status line says)."""
    return template.text(language).format_map(_Blank(values))


# --- checks at publish time -----------------------------------------------------------


def _placeholder_problems(text: str, event: str) -> Iterator[str]:
    try:
        fields = list(string.Formatter().parse(text))
    except ValueError as error:
        yield f"braces must pair up around a placeholder name ({error}); write {{{{ or }}}} for a literal brace"
        return
    allowed = offered(event)
    for _, name, spec, conversion in fields:
        if name is None:
            continue
        if not name.isidentifier() or spec or conversion:
            yield (
                f"{{{name}{'!' + conversion if conversion else ''}{':' + spec if spec else ''}}} is not a plain "
                f"placeholder; write {{name}}"
            )
        elif name.lower() in PERSONAL:
            yield f"{{{name}}}: an SMS carries no personal data; identify the application by {{ref}}"
        elif name not in allowed:
            choices = ", ".join("{" + item + "}" for item in sorted(allowed)) or "none"
            yield f"unknown placeholder {{{name}}}; the {event!r} message offers {choices}"


def longest_values(definition: Mapping[str, Any] | None, language: str) -> dict[str, str]:
    values = dict(LONGEST)
    if definition:
        values["procedure"] = str(definition.get("name", {}).get(language, values["procedure"]))
        values["agency"] = max(
            (str(code) for code in definition.get("agencies", {})), key=len, default=values["agency"]
        )
    return values


def cost(template: Template, language: str, definition: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """Segments of a template filled with the longest values, as written and as sent."""
    filled = template.text(language).format_map(_Blank(longest_values(definition, language)))
    written, sent = segments.count(filled), segments.count(segments.to_gsm(filled))
    return {
        "event": template.event,
        "language": language,
        "template": template.label,
        "written": {"encoding": written.encoding, "segments": written.segments},
        "sent": {"encoding": sent.encoding, "segments": sent.segments, "characters": sent.units},
    }


def template_problems(
    template: Template, definition: Mapping[str, Any] | None = None, path: str = "$"
) -> Iterator[dict[str, str]]:
    for language in LANGUAGES:
        text = template.texts.get(language)
        where = f"{path}.{language}"
        if not isinstance(text, str) or not text.strip():
            yield {"path": where, "message": f"the {template.event!r} message needs a {language} text"}
            continue
        placeholder_problems = list(_placeholder_problems(text, template.event))
        for message in placeholder_problems:
            yield {"path": where, "message": message}
        if placeholder_problems:
            continue
        sent = cost(template, language, definition)["sent"]
        if sent["segments"] > MAX_SEGMENTS:
            yield {
                "path": where,
                "message": f"takes {sent['segments']} SMS segments ({sent['characters']} characters in GSM-7 with the "
                f"longest values of its placeholders); at most {MAX_SEGMENTS} ({segments.GSM7_PART * MAX_SEGMENTS} "
                "characters) are allowed",
            }


def sent_for(definition: Mapping[str, Any], chosen: Iterable[str] | None) -> frozenset[str]:
    """The events an application's subscribers are texted about: the default ones, those
    its procedure makes legally due, and those its holder chose."""
    return BY_DEFAULT | frozenset(definition.get("sms_required") or ()) | frozenset(chosen or ())


def definition_problems(definition: Mapping[str, Any]) -> Iterator[dict[str, str]]:
    """Problems of a procedure's SMS: its overrides, and the platform texts with its names."""
    overrides = definition.get("notifications") or {}
    for event in sorted(overrides):
        if event not in EVENTS:
            yield {
                "path": f"$.notifications.{event}",
                "message": f"unknown event {event!r}; a procedure can override {', '.join(sorted(EVENTS))}",
            }
            continue
        template = template_for(event, definition)
        assert template is not None
        yield from template_problems(template, definition, f"$.notifications.{event}")
    for event in sorted(set(EVENTS) - set(overrides)):
        for problem in template_problems(PLATFORM[event], definition, f"$.notifications.{event}"):
            language = problem["path"].rsplit(".", 1)[-1]
            yield {
                "path": f"$.name.{language}",
                "message": (
                    f"with this name the platform's {event!r} message {problem['message']}; shorten the name or "
                    f"override notifications.{event}"
                ),
            }


def report(definition: Mapping[str, Any] | None = None) -> list[dict[str, Any]]:
    """The segment cost of every template a procedure (or the platform) sends."""
    events = sorted(EVENTS) + (sorted(SYSTEM) if definition is None else [])
    rows: list[dict[str, Any]] = []
    for event in events:
        template = template_for(event, definition)
        assert template is not None
        rows.extend(cost(template, language, definition) for language in LANGUAGES)
    return rows


def main(argv: list[str]) -> int:
    targets: list[tuple[str, Mapping[str, Any] | None]] = [("platform", None)]
    targets += [(path, json.loads(Path(path).read_text("utf-8"))) for path in argv]
    for name, definition in targets:
        print(
            f"{name}: template, language, as written -> as sent (segments of {segments.GSM7_PART} GSM-7 / "
            f"{segments.UCS2_PART} UCS-2 characters)"
        )
        for row in report(definition):
            written, sent = row["written"], row["sent"]
            print(
                f"  {row['template']:<40} {row['language']}  {written['encoding']} x{written['segments']} -> "
                f"{sent['encoding']} x{sent['segments']} ({sent['characters']} chars)"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
