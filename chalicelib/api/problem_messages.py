"""A procedure definition's problems in Spanish (``POST /procedures/validate`` and
``/procedures/preview`` answer them in the caller's language).

The validator (``chalicelib.procedures.validator``) and the JSON Schema library word
their problems in English, with the values that break the rule; each rule below reads one
of those sentences and says it in Spanish, keeping the values (names, paths, limits) as
they are. A problem no rule knows stays in English rather than being guessed.
"""

from __future__ import annotations

import re
from collections.abc import Callable

Rule = Callable[[re.Match[str]], str]
Rules = tuple[tuple[re.Pattern[str], Rule], ...]


def compiled(rules: tuple[tuple[str, Rule], ...], flags: int = 0) -> Rules:
    return tuple((re.compile(pattern, flags), rule) for pattern, rule in rules)


def said(rules: Rules, message: str) -> str | None:
    """The first rule that reads ``message``, saying it; None when none does."""
    for pattern, rule in rules:
        match = pattern.match(message)
        if match:
            return rule(match)
    return None


# JSON Schema's names of types, as a Spanish reader says them
TYPES = {
    "string": "texto",
    "number": "número",
    "integer": "número entero",
    "object": "objeto JSON",
    "array": "lista",
    "boolean": "verdadero o falso",
    "null": "nulo",
}


def _types(listed: str) -> str:
    names = [TYPES.get(name, name) for name in re.findall(r"'([a-z]+)'", listed)]
    return " o ".join(names) if names else listed


def _nested(text: str) -> str:
    """A problem quoted inside another (a form's broken schema, a platform text with this name)."""
    return spanish(text) or text


_SCHEMA: tuple[tuple[str, Rule], ...] = (
    # the validator's own wording of some schema rules (validator._schema_problem)
    (r"^unknown step type (.+); use one of (.+)$", lambda m: f"tipo de paso desconocido {m[1]}; use uno de {m[2]}"),
    (r"^(.+) is required here when (.+) is given$", lambda m: f"{m[1]} es obligatorio aquí cuando se da {m[2]}"),
    (r"^(.+) is required here$", lambda m: f"falta {m[1]}: es obligatorio aquí"),
    (
        r"^(.+) is not allowed beside 'credential': a credential is its own source$",
        lambda m: f"{m[1]} no se permite junto a 'credential': una credencial es su propia fuente",
    ),
    (r"^(.+) is not allowed here$", lambda m: f"{m[1]} no se permite aquí"),
    (
        r"^(.+) is not an amount in MXN with two decimals, at most (\S+)$",
        lambda m: f"{m[1]} no es un importe en MXN con dos decimales, de {m[2]} como máximo",
    ),
    # jsonschema's own words
    (r"^(.+) is not of type (.+)$", lambda m: f"debe ser de tipo {_types(m[2])}"),
    (r"^(.+) does not match (.+)$", lambda m: f"{m[1]} no tiene el formato esperado (patrón {m[2]})"),
    (r"^(.+) is not one of (\[.*\])$", lambda m: f"{m[1]} no es uno de los valores permitidos: {m[2]}"),
    (r"^(.+) was expected$", lambda m: f"se esperaba {m[1]}"),
    (r"^(.+) is less than or equal to the minimum of (\S+)$", lambda m: f"debe ser mayor que {m[2]}"),
    (r"^(.+) is greater than or equal to the maximum of (\S+)$", lambda m: f"debe ser menor que {m[2]}"),
    (r"^(.+) is less than the minimum of (\S+)$", lambda m: f"debe ser {m[2]} o más"),
    (r"^(.+) is greater than the maximum of (\S+)$", lambda m: f"debe ser {m[2]} o menos"),
    (r"^(.+) is not a multiple of (\S+)$", lambda m: f"debe ser múltiplo de {m[2]}"),
    (r"^(.+) should be non-empty$", lambda m: "no puede estar vacío"),
    (r"^(.+) is expected to be empty$", lambda m: "debe estar vacío"),
    (r"^(.+) is too short$", lambda m: "es demasiado corto (o tiene muy pocos elementos)"),
    (r"^(.+) is too long$", lambda m: "es demasiado largo (o tiene demasiados elementos)"),
    (r"^(.+) has non-unique elements$", lambda m: "tiene elementos repetidos"),
    (r"^(.+) does not have enough properties$", lambda m: "tiene muy pocas propiedades"),
    (r"^(.+) has too many properties$", lambda m: "tiene demasiadas propiedades"),
    (
        r"^Additional properties are not allowed \((.+) (?:was|were) unexpected\)$",
        lambda m: f"no se permiten propiedades adicionales: sobra {m[1]}",
    ),
    (
        r"^(.+) does not match any of the regexes: (.+)$",
        lambda m: f"{m[1]} no es un nombre permitido aquí ({m[2]})",
    ),
    (
        r"^(.+) is not valid under any of the given schemas$",
        lambda m: "no corresponde a ninguna de las formas permitidas",
    ),
    (r"^(.+) is valid under each of (.+)$", lambda m: "corresponde a más de una de las formas permitidas"),
    (r"^(.+) should not be valid under (.+)$", lambda m: "no se permite aquí"),
    (r"^(.+) is not a '([^']+)'$", lambda m: f"{m[1]} no es un valor válido de tipo {m[2]}"),
    (r"^False schema does not allow (.+)$", lambda m: f"{m[1]} no se permite aquí"),
    (r"^(.+) does not contain items matching the given schema$", lambda m: "no contiene ningún elemento válido"),
)

_MEANING: tuple[tuple[str, Rule], ...] = (
    (r"^a procedure definition must be a JSON object$", lambda m: "una definición de trámite debe ser un objeto JSON"),
    (r"^not a valid JSON Schema: (.+)$", lambda m: f"no es un JSON Schema válido: {_nested(m[1])}"),
    (
        r"^a form is self-contained: references \(\$ref\) are not allowed, write the field's rules in place$",
        lambda m: (
            "un formulario es autónomo: no se permiten referencias ($ref); escriba las reglas del campo ahí mismo"
        ),
    ),
    (
        r"^requires (.+), which is not a field of the form$",
        lambda m: f"exige {m[1]}, que no es un campo del formulario",
    ),
    (r"^every field needs an English title$", lambda m: "cada campo necesita un título en inglés"),
    (r"^agency (.+) is not listed in \$\.agencies$", lambda m: f"la dependencia {m[1]} no está en $.agencies"),
    (
        r"^(.+) owns the procedure: its jurisdiction is \$\.jurisdiction, give it there$",
        lambda m: f"{m[1]} es la dependencia del trámite: su jurisdicción es $.jurisdiction; indíquela ahí",
    ),
    (
        r"^municipality (.+) is not in state (.+): a municipality's INEGI code starts with its state's two digits$",
        lambda m: (
            f"el municipio {m[1]} no está en el estado {m[2]}: la clave INEGI de un municipio empieza con los dos "
            "dígitos de su estado"
        ),
    ),
    (r"^duplicate requirement code (.+)$", lambda m: f"código de requisito repetido {m[1]}"),
    (
        r"^step id (.+) is already used at (\S+); step ids must be unique$",
        lambda m: f"el identificador de paso {m[1]} ya se usa en {m[2]}; cada paso necesita uno distinto",
    ),
    (
        r"^(.+) names the registry lookups the platform runs before the first step; rename this step$",
        lambda m: (
            f"{m[1]} nombra las consultas a registros que la plataforma hace antes del primer paso; renombre el paso"
        ),
    ),
    (
        r"^a review that escalates at its deadline needs escalation_days: the supervisors' legal deadline$",
        lambda m: (
            "una revisión que pasa a supervisión al vencer su plazo necesita escalation_days: el plazo legal de "
            "la supervisión"
        ),
    ),
    (
        r"^the warning must come before the deadline \(warn_days < deadline_days\)$",
        lambda m: "el aviso debe llegar antes del vencimiento (warn_days < deadline_days)",
    ),
    (r"^a payment step needs a fee above 0\.00$", lambda m: "un paso de pago necesita derechos mayores que 0.00"),
    (
        r"^(.+) is not a top-level step: a revoked rejection resumes at one of (.+)$",
        lambda m: f"{m[1]} no es un paso del nivel principal: un rechazo revocado continúa en uno de {m[2]}",
    ),
    (
        r"^reads (.+), but no earlier registration of this step issues (\S+)(?: \(before it: (.+)\))?$",
        lambda m: (
            f"lee {m[1]}, pero ningún registro anterior de este paso emite {m[2]}"
            + (f" (antes de él: {m[3]})" if m[3] else "")
        ),
    ),
    (
        r"^reads (.+), but the form has no field (.+)$",
        lambda m: f"lee {m[1]}, pero el formulario no tiene el campo {m[2]}",
    ),
    (r"^reads (.+); citizen facts are (.+)$", lambda m: f"lee {m[1]}; los datos del ciudadano son {m[2]}"),
    (r"^reads (.+); a registry can be given (.+)$", lambda m: f"lee {m[1]}; a un registro se le puede enviar {m[2]}"),
    (
        r"^only the (.+) registry fills form fields, not (.+)$",
        lambda m: f"solo el registro {m[1]} llena campos del formulario, no {m[2]}",
    ),
    (
        r"^(.+) is not in (\S+)'s answer; it answers (.+)$",
        lambda m: f"{m[1]} no está en la respuesta de {m[2]}; responde {m[3]}",
    ),
    (
        r"^a field filled from a registry must be of type 'string', not (.+)$",
        lambda m: f"un campo llenado desde un registro debe ser de tipo 'string', no {m[1]}",
    ),
    (
        r"^(.+) cannot name a requirement with evidence: the state machine's own state (\S+) has that name$",
        lambda m: f"{m[1]} no puede nombrar un requisito con evidencia: el estado {m[2]} de la máquina ya se llama así",
    ),
    (
        r"^(.+) is not part of an issued credential; it holds (.+)$",
        lambda m: f"{m[1]} no forma parte de una credencial emitida; esta contiene {m[2]}",
    ),
    (
        r"^document type (.+) is already issued at (\S+); each credential needs its own$",
        lambda m: f"el tipo de documento {m[1]} ya se emite en {m[2]}; cada credencial necesita el suyo",
    ),
    (
        r"^with no registry the number is Ventanilla's own: write (.+), not (.+)$",
        lambda m: f"sin registro, el número es el de Ventanilla: escriba {m[1]}, no {m[2]}",
    ),
    (
        r"^unknown registry (.+); registries are (.+)$",
        lambda m: f"registro desconocido {m[1]}; los registros son {m[2]}",
    ),
    (
        r"^registry (.+) has no operation (.+); its operations are (.+)$",
        lambda m: f"el registro {m[1]} no tiene la operación {m[2]}; sus operaciones son {m[3]}",
    ),
    (
        r"^(\S+) is a (\w+); evidence needs a lookup$",
        lambda m: f"{m[1]} es de tipo {m[2]}; la evidencia necesita una consulta (lookup)",
    ),
    (
        r"^(\S+) is a (\w+); a registration needs a registration$",
        lambda m: f"{m[1]} es de tipo {m[2]}; una inscripción necesita una operación de inscripción (registration)",
    ),
    (
        r"^(\S+) needs (.+); give each of its parameters: (.+)$",
        lambda m: f"{m[1]} necesita {m[2]}; dé cada uno de sus parámetros: {m[3]}",
    ),
    (
        r"^(.+) is not a parameter of (\S+); it takes (.+)$",
        lambda m: f"{m[1]} no es un parámetro de {m[2]}; recibe {m[3]}",
    ),
    # the fee's formula (fees.formula_names)
    (r"^formula longer than 200 characters$", lambda m: "la fórmula tiene más de 200 caracteres"),
    (r"^not an arithmetic expression \((.+)\)$", lambda m: f"no es una expresión aritmética ({m[1]})"),
    (
        r"^(\w+) is not allowed; use numbers, field names, \+ - \* / and min/max/ceil/floor$",
        lambda m: f"{m[1]} no se permite; use números, nombres de campos, + - * / y min/max/ceil/floor",
    ),
    (r"^only numeric constants are allowed$", lambda m: "solo se permiten constantes numéricas"),
    (r"^numbers must be finite$", lambda m: "los números deben ser finitos"),
    (
        r"^only min, max, ceil and floor may be called$",
        lambda m: "solo se pueden usar las funciones min, max, ceil y floor",
    ),
    (r"^(ceil|floor) takes exactly one value$", lambda m: f"{m[1]} recibe exactamente un valor"),
    (r"^(min|max) takes two or more values$", lambda m: f"{m[1]} recibe dos valores o más"),
    (r"^uses (.+), which is not a field of the form$", lambda m: f"usa {m[1]}, que no es un campo del formulario"),
    (r"^uses (.+), which is not a numeric field$", lambda m: f"usa {m[1]}, que no es un campo numérico"),
    (r"^minimum is above maximum$", lambda m: "el mínimo es mayor que el máximo"),
    # the flow of steps
    (r"^starts at (.+), which is not a step here$", lambda m: f"empieza en {m[1]}, que no es un paso de este flujo"),
    (
        r"^goes to (.+), which is not a step in the same flow$",
        lambda m: f"sigue a {m[1]}, que no es un paso del mismo flujo",
    ),
    (r"^step (.+) can never be reached from (.+)$", lambda m: f"al paso {m[1]} nunca se llega desde {m[2]}"),
    (
        r"^step (.+) never reaches an end \(a loop with no way out\)$",
        lambda m: f"el paso {m[1]} nunca llega a un final (un ciclo sin salida)",
    ),
    # the SMS texts (notifications.templates)
    (r"^the (.+) message needs a (es|en) text$", lambda m: f"el mensaje {m[1]} necesita un texto en {_language(m[2])}"),
    (
        r"^braces must pair up around a placeholder name \((.+)\); write \{\{ or \}\} for a literal brace$",
        lambda m: f"las llaves deben cerrar el nombre de un campo ({m[1]}); escriba {{{{ o }}}} para una llave literal",
    ),
    (
        r"^(\{.*\}) is not a plain placeholder; write \{name\}$",
        lambda m: f"{m[1]} no es un campo simple; escriba {{nombre}}",
    ),
    (
        r"^(\{.+\}): an SMS carries no personal data; identify the application by \{ref\}$",
        lambda m: f"{m[1]}: un SMS no lleva datos personales; identifique el trámite por {{ref}}",
    ),
    (
        r"^unknown placeholder (\{.+\}); the (.+) message offers (.+)$",
        lambda m: f"campo desconocido {m[1]}; el mensaje {m[2]} ofrece {m[3]}",
    ),
    (
        r"^takes (\d+) SMS segments \((\d+) characters in GSM-7 with the longest values of its placeholders\); at most "
        r"(\d+) \((\d+) characters\) are allowed$",
        lambda m: (
            f"ocupa {m[1]} segmentos de SMS ({m[2]} caracteres en GSM-7 con los valores más largos de sus "
            f"campos); se permiten {m[3]} como máximo ({m[4]} caracteres)"
        ),
    ),
    (
        r"^unknown event (.+); a procedure can override (.+)$",
        lambda m: f"evento desconocido {m[1]}; un trámite puede redefinir {m[2]}",
    ),
    (
        r"^with this name the platform's (.+) message (.+); shorten the name or override notifications\.(\S+)$",
        lambda m: (
            f"con este nombre, el mensaje {m[1]} de la plataforma {_nested(m[2])}; acorte el nombre o redefina "
            f"notifications.{m[3]}"
        ),
    ),
)


def _language(code: str) -> str:
    return "español" if code == "es" else "inglés"


_RULES = compiled((*_MEANING, *_SCHEMA), re.DOTALL)


def spanish(message: str) -> str | None:
    """The problem in Spanish; None when no rule knows it."""
    return said(_RULES, message)
