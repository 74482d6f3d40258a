"""Error messages in the caller's language (Spanish or English, by ``Accept-Language``).

The sentence for each error code is written once, for the web pages, in
``web/i18n/{es,en}.json`` (``apiError.<code>``); ``messages.json`` beside this module is
generated from those files, so the API and the pages say the same thing. The same file
carries the few phrases the API composes into its own answers from the pages' wording
(``PHRASES``: the legal deadline and what silence means, as the procedure page says them;
the workflow diagram's labels), under their full keys:

    python -m chalicelib.api.messages          # rewrite messages.json
    python -m chalicelib.api.messages --check  # CI: fail when it is stale

What an answer says, by language (the ``code`` and ``field`` never change):

- **English**: the domain's own message, which names the field, the limit, the state
  (the domain writes its messages in English, the language of the API's documentation).
- **Spanish** (the default: the service is Mexican; English only when the header prefers
  it): a field error whose message is one of the generic rules (required, the wrong type,
  too long, too short, not JSON...) is said in Spanish with the field's name; any other
  error is the code's sentence, or, for a code without one, the sentence of its HTTP
  status (as the pages fall back, ``web/js/errors.js``). A ``details[].message`` that is
  not a generic rule stays in English (it carries facts such as the attempts left).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from functools import cache
from pathlib import Path
from typing import Any

from chalicelib.api import problem_messages

SPANISH = "es"
ENGLISH = "en"
LANGUAGES = (SPANISH, ENGLISH)
DEFAULT = SPANISH
CATALOGUE = Path(__file__).with_name("messages.json")
WEB_I18N = Path(__file__).resolve().parents[2] / "web" / "i18n"
PREFIX = "apiError."
# the pages' phrases the API says too (kept under their full key: no error code has a dot)
PHRASES = ("days.business.", "silence.", "procedure.legalDeadline", "procedure.silence", "diagram.", "preview.")
# the sentence an error without its own says, by status (as web/js/errors.js chooses)
BY_STATUS = {
    401: "unauthenticated",
    403: "forbidden",
    404: "not_found",
    409: "conflict",
    413: "too_large",
    400: "invalid",
    422: "invalid",
    429: "busy",
    503: "busy",
}
FALLBACK = "unexpected"

# The generic rules a field breaks (chalicelib/api/routes.py words msgspec's, http.py its own), in Spanish.
_FIELD_RULES = problem_messages.compiled(
    (
        (r"^is required$", lambda m: "es obligatorio"),
        (r"^must be a string$", lambda m: "debe ser texto"),
        (r"^must be a whole number$", lambda m: "debe ser un número entero"),
        (r"^must be true or false$", lambda m: "debe ser verdadero o falso"),
        (r"^must be a JSON object$", lambda m: "debe ser un objeto JSON"),
        (r"^must be `array`$", lambda m: "debe ser una lista"),
        (r"^must be a string of length <= (\d+)$", lambda m: f"debe tener como máximo {m[1]} caracteres"),
        (r"^must be a string of length >= (\d+)$", lambda m: f"debe tener al menos {m[1]} caracteres"),
        (r"^must be a whole number <= (-?\d+)$", lambda m: f"debe ser un número entero de {m[1]} o menos"),
        (r"^must be a whole number >= (-?\d+)$", lambda m: f"debe ser un número entero de {m[1]} o más"),
        (r"^must be `array` of length <= (\d+)$", lambda m: f"debe ser una lista de {m[1]} elementos o menos"),
        (r"^must be `array` of length >= (\d+)$", lambda m: f"debe ser una lista de al menos {m[1]} elementos"),
        (r"^is not valid JSON$", lambda m: "no es JSON válido"),
        (r"^is nested deeper than (\d+) levels$", lambda m: f"tiene más de {m[1]} niveles de anidación"),
        (r"^must be application/json$", lambda m: "debe ser application/json"),
        (r"^this operation takes no body \(or an empty object\)$", lambda m: "esta operación no lleva cuerpo"),
        # a form's answers (chalicelib/applications: jsonschema's words, whose value is left out)
        (r"^is not a field of this form$", lambda m: "no es un campo de este formulario"),
        (r"^must be an object of form answers$", lambda m: "debe ser un objeto con las respuestas del formulario"),
        (r"^.+ is too long$", lambda m: "es demasiado largo"),
        (r"^.+ is too short$", lambda m: "es demasiado corto"),
        (r"^.+ does not match '.+'$", lambda m: "no tiene el formato esperado"),
        (r"^.+ is not a '([^']+)'$", lambda m: f"no es un valor válido de tipo {m[1]}"),
        (r"^.+ is less than the minimum of (\S+)$", lambda m: f"debe ser {m[1]} o más"),
        (r"^.+ is greater than the maximum of (\S+)$", lambda m: f"debe ser {m[1]} o menos"),
        (r"^.+ is not of type '([a-z]+)'$", lambda m: f"no es del tipo esperado ({m[1]})"),
        (r"^.+ is not one of \[.*\]$", lambda m: "no es una de las opciones permitidas"),
        (r"^is required and was not uploaded$", lambda m: "es obligatorio y no se subió"),
        (r"^was declared but never uploaded$", lambda m: "se declaró pero no se subió"),
    )
)


def generate(web_i18n: Path = WEB_I18N) -> dict[str, dict[str, str]]:
    """The ``apiError.*`` sentences of the web's translations, by language and code."""
    catalogue = {}
    for language in LANGUAGES:
        keys = json.loads((web_i18n / f"{language}.json").read_text("utf-8"))
        catalogue[language] = {
            key[len(PREFIX) :]: value for key, value in sorted(keys.items()) if key.startswith(PREFIX)
        }
        catalogue[language].update({key: value for key, value in sorted(keys.items()) if key.startswith(PHRASES)})
    return catalogue


def rendered(catalogue: dict[str, dict[str, str]]) -> str:
    return json.dumps(catalogue, ensure_ascii=False, indent=1, sort_keys=True) + "\n"


@cache
def catalogue() -> dict[str, dict[str, str]]:
    loaded: dict[str, dict[str, str]] = json.loads(CATALOGUE.read_text("utf-8"))
    return loaded


def language(accept_language: str | None) -> str:
    """The language an ``Accept-Language`` header prefers among ours (RFC 9110 weights);
    Spanish when it names neither, or is absent."""
    best, best_weight = DEFAULT, 0.0
    for part in (accept_language or "").split(","):
        tag, _, parameters = part.strip().partition(";")
        primary = tag.strip().lower().split("-")[0]
        if primary not in LANGUAGES:
            continue
        weight = 1.0
        match = re.search(r"q\s*=\s*([0-9.]+)", parameters)
        if match:
            try:
                weight = float(match[1])
            except ValueError:
                continue
        if weight > best_weight:  # the first of equal weights wins, as the header lists them by preference
            best, best_weight = primary, weight
    return best


def sentence(code: str, status: int, lang: str) -> str:
    """The code's sentence in ``lang``, or its status's."""
    sentences = catalogue()[lang]
    return sentences.get(code) or sentences.get(BY_STATUS.get(status, FALLBACK)) or sentences[FALLBACK]


def field_message(message: str, lang: str) -> str | None:
    """A generic field rule in ``lang``; None when the message is not one of them."""
    if lang == ENGLISH:
        return message
    return problem_messages.said(_FIELD_RULES, message)


def phrase(key: str, lang: str, **values: object) -> str:
    """One of the pages' phrases (``PHRASES``) in ``lang``, its ``{name}`` filled as ``t()`` fills it."""
    text = catalogue()[lang][key]
    for name, value in values.items():
        text = text.replace("{" + name + "}", str(value))
    return text


def business_days(days: int, lang: str) -> str:
    """ "5 días hábiles", "1 working day": the pages' ``tn("days.business", n)``."""
    return phrase(f"days.business.{'one' if days == 1 else 'other'}", lang, n=f"{days:,}")


def problem_message(message: str, lang: str) -> str:
    """A procedure definition's problem (``validator``) in ``lang``: English as the
    validator words it, Spanish by ``problem_messages`` (English when no rule knows it)."""
    if lang == ENGLISH:
        return message
    return problem_messages.spanish(message) or field_message(message, lang) or message


def localised(error: dict[str, Any], status: int, lang: str) -> dict[str, Any]:
    """The ``error`` object of an answer, its messages in ``lang`` (code and fields as they are)."""
    if lang == ENGLISH:
        return error
    code = str(error.get("code", ""))
    details = error.get("details")
    out = {**error, "message": sentence(code, status, lang)}
    if isinstance(details, list) and all(isinstance(item, dict) and "message" in item for item in details):
        translated = [{**item, "message": field_message(str(item["message"]), lang)} for item in details]
        out["details"] = [
            item if said["message"] is None else said for item, said in zip(details, translated, strict=True)
        ]
        first = translated[0] if len(translated) == 1 else None
        if first and first["message"] is not None and "field" in first:
            out["message"] = f"{first['field']}: {first['message']}"
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="fail when messages.json is not what the web says")
    arguments = parser.parse_args(argv)
    wanted = rendered(generate())
    if arguments.check:
        if not CATALOGUE.exists() or CATALOGUE.read_text("utf-8") != wanted:
            sys.stderr.write(f"{CATALOGUE} is stale: run python -m chalicelib.api.messages\n")
            return 1
        return 0
    CATALOGUE.write_text(wanted, "utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
