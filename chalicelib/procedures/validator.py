"""Validation of procedure definitions: the published JSON Schema, then the meaning.

Returns every problem at once, each with the JSON path of the offending value and a
message an agency's author can act on.  A definition with any problem never reaches
the compiler, let alone ``create_state_machine``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from decimal import Decimal
from functools import lru_cache
from importlib import resources
from typing import TYPE_CHECKING, Any

from chalicelib.core.errors import ValidationFailed
from chalicelib.core.fields import MONEY_PATTERN, MONEY_RULE, money_schema
from chalicelib.credentials.payload import CREDENTIAL_FIELDS
from chalicelib.notifications import templates
from chalicelib.procedures import jurisdictions, rules
from chalicelib.procedures.compiler import EVIDENCE, EVIDENCE_STATES
from chalicelib.procedures.fees import FormulaError, formula_names
from chalicelib.registries.catalogue import REGISTRIES, Kind, Operation

Problem = dict[str, str]
NUMERIC = ("integer", "number")
REFERENCE_KEYWORDS = frozenset({"$ref", "$dynamicRef", "$recursiveRef"})
DEPENDENCY = re.compile(r"'(.*)' is a dependency of '(.*)'")  # jsonschema's dependentRequired message
# The one fact of the citizen's record a registry is sent or compared with: the others
# (age, sex, birth state) are derived from it, and a registry answers them itself.
EXCHANGED_CITIZEN_FACTS = ("curp",)
FORM_REGISTRY, FORM_OPERATION = "population", "person"  # the one registry authoritative for form fields
FOLIO = "folio"  # the number of a registration no registry assigns: Ventanilla's own

if TYPE_CHECKING:
    from jsonschema.exceptions import SchemaError


class DefinitionInvalid(ValidationFailed):
    code = "invalid_definition"

    def __init__(self, problems: list[Problem]) -> None:
        first = problems[0]
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        super().__init__(f"{first['path']}: {first['message']}{more}", details=problems)


@lru_cache(maxsize=1)
def definition_schema() -> dict[str, Any]:
    text = resources.files("chalicelib.procedures").joinpath("procedure.schema.json").read_text("utf-8")
    schema: dict[str, Any] = json.loads(text)
    schema["$defs"]["money"] = money_schema()  # the bound of every amount, declared once
    return schema


@lru_cache(maxsize=1024)
def ecma_pattern(pattern: str) -> re.Pattern[str]:
    """A JSON Schema ``pattern`` read as the spec (ECMA-262) reads it, not as Python does:
    ``$`` is the end of the text (Python's also matches before a final newline, so
    ``"abc\\n"`` passed ``^[a-z]{3}$``: a line break in a state machine's name, in a postal
    code) and ``\\d``/``\\w`` are ASCII (Python's took "１０１６.００" for money)."""
    out, in_class, escaped = [], False, False
    for char in pattern:
        if escaped:
            escaped = False
        elif char == "\\":
            escaped = True
        elif char == "[" and not in_class:
            in_class = True
        elif char == "]" and in_class:
            in_class = False
        elif char == "$" and not in_class:
            out.append("(?!\\n)")
        out.append(char)
    return re.compile("".join(out), re.ASCII)


@lru_cache(maxsize=1)
def schema_validator_class() -> Any:
    """Draft 2020-12 whose ``pattern`` (``propertyNames`` patterns included) means what the
    spec says.  Built on first use: jsonschema costs ~100 ms no cold start needs."""
    from jsonschema import Draft202012Validator, validators
    from jsonschema.exceptions import ValidationError

    def pattern(validator: Any, pattern: str, instance: Any, schema: Any) -> Iterator[ValidationError]:
        if validator.is_type(instance, "string") and not ecma_pattern(pattern).search(instance):
            yield ValidationError(f"{instance!r} does not match {pattern!r}")

    return validators.extend(Draft202012Validator, {"pattern": pattern})


@lru_cache(maxsize=1)
def _schema_validator() -> Any:
    return schema_validator_class()(definition_schema())


def _schema_error() -> type[SchemaError]:
    """jsonschema's error for a broken schema, imported on first use (not at cold start)."""
    from jsonschema import exceptions

    error: type[SchemaError] = exceptions.SchemaError
    return error


def validate_definition(definition: Any) -> list[Problem]:
    """All problems of a definition; an empty list means it can be published."""
    if not isinstance(definition, dict):
        return [{"path": "$", "message": "a procedure definition must be a JSON object"}]
    problems = [_schema_problem(error) for error in _schema_validator().iter_errors(definition)]
    if problems:
        return sorted(problems, key=lambda problem: problem["path"])
    return list(_meaning_problems(definition))


def ensure_valid(definition: Any) -> None:
    problems = validate_definition(definition)
    if problems:
        raise DefinitionInvalid(problems)


def _json_path(parts: Any) -> str:
    path = "$"
    for part in parts:
        path += f"[{part}]" if isinstance(part, int) else f".{part}"
    return path


def _schema_problem(error: Any) -> Problem:
    if error.validator == "oneOf" and error.context:
        deepest = max(error.context, key=lambda sub: len(sub.absolute_path))
        if len(deepest.absolute_path) > len(error.absolute_path):
            error = deepest
    message = error.message
    path = list(error.absolute_path)
    if error.validator == "enum" and error.path and error.path[0] == "steps" and error.path[-1] == "type":
        message = f"unknown step type {error.instance!r}; use one of {', '.join(error.validator_value)}"
    elif error.validator == "required":
        message = message.replace("is a required property", "is required here")
    elif error.validator == "not" and error.validator_value == {} and path:
        # the schema's way of saying "never here" (a false schema's error would not name the key)
        message = f"{path[-1]!r} is not allowed here"
        if len(path) > 1 and path[-2] == "evidence":
            message = f"{path[-1]!r} is not allowed beside 'credential': a credential is its own source"
    elif error.validator == "pattern" and error.validator_value == MONEY_PATTERN:
        message = f"{error.instance!r} is not {MONEY_RULE}"
    elif error.validator == "dependentRequired" and (found := DEPENDENCY.fullmatch(message)):
        message = f"{found[1]!r} is required here when {found[2]!r} is given"
    return {"path": _json_path(path), "message": message}


def all_steps(steps: Mapping[str, Any], path: str = "$.steps") -> Iterator[tuple[str, str, dict[str, Any]]]:
    """Every step with its JSON path, those of parallel branches included, in order."""
    for step_id, step in steps.items():
        yield step_id, f"{path}.{step_id}", step
        for index, branch in enumerate(step.get("branches", ())):
            yield from all_steps(branch["steps"], f"{path}.{step_id}.branches[{index}].steps")


def _meaning_problems(definition: dict[str, Any]) -> Iterator[Problem]:
    form = definition["form"]
    fields: dict[str, Any] = form["properties"]
    agencies = definition["agencies"]

    try:
        _schema_validator().check_schema(form)
    except _schema_error() as error:
        yield {
            "path": _json_path(["form", *error.absolute_path]),
            "message": f"not a valid JSON Schema: {error.message}",
        }
    for reference in _references(form, ["form"]):
        yield {
            "path": _json_path(reference),
            "message": "a form is self-contained: references ($ref) are not allowed, write the field's rules in place",
        }
    for index, name in enumerate(form.get("required", [])):
        if name not in fields:
            yield {
                "path": f"$.form.required[{index}]",
                "message": f"requires {name!r}, which is not a field of the form",
            }
    for name, field in fields.items():
        english = field.get("x-i18n", {}).get("en")
        if not isinstance(english, dict) or "title" not in english:
            yield {"path": f"$.form.properties.{name}.x-i18n.en.title", "message": "every field needs an English title"}
        if "x-registry" in field:
            yield from _prefilled_problems(field, f"$.form.properties.{name}")

    if definition["agency"] not in agencies:
        yield {"path": "$.agency", "message": f"agency {definition['agency']!r} is not listed in $.agencies"}
    yield from jurisdictions.problems(definition["jurisdiction"], "$.jurisdiction")
    for agency, jurisdiction in definition.get("agency_jurisdictions", {}).items():
        path = f"$.agency_jurisdictions.{agency}"
        if agency not in agencies:
            yield {"path": path, "message": f"agency {agency!r} is not listed in $.agencies"}
        elif agency == definition["agency"]:
            yield {
                "path": path,
                "message": f"{agency!r} owns the procedure: its jurisdiction is $.jurisdiction, give it there",
            }
        yield from jurisdictions.problems(jurisdiction, path)

    seen_codes: set[str] = set()
    for index, requirement in enumerate(definition["requirements"]):
        if requirement["code"] in seen_codes:
            yield {
                "path": f"$.requirements[{index}].code",
                "message": f"duplicate requirement code {requirement['code']!r}",
            }
        seen_codes.add(requirement["code"])
        if "required_when" in requirement:
            yield from _fact_problems(requirement["required_when"], fields, f"$.requirements[{index}].required_when")
        if "evidence" in requirement:
            yield from _evidence_problems(requirement, fields, f"$.requirements[{index}]")
    with_evidence = any("evidence" in requirement for requirement in definition["requirements"])

    yield from _fee_problems(definition["fee"], fields)

    seen_ids: dict[str, str] = {}
    for step_id, path, step in all_steps(definition["steps"]):
        if step_id in seen_ids:
            yield {
                "path": path,
                "message": f"step id {step_id!r} is already used at {seen_ids[step_id]}; step ids must be unique",
            }
        seen_ids[step_id] = path
        if step_id == EVIDENCE and with_evidence:
            yield {
                "path": path,
                "message": (
                    f"{EVIDENCE!r} names the registry lookups the platform runs before the first step; rename this step"
                ),
            }
        if step["type"] == "issue" and "registrations" in step:
            yield from _registration_problems(step, fields, path)
        if step["type"] == "review" and step["agency"] not in agencies:
            yield {"path": f"{path}.agency", "message": f"agency {step['agency']!r} is not listed in $.agencies"}
        if step["type"] == "review" and step["on_deadline"] == "escalate" and "escalation_days" not in step:
            yield {
                "path": f"{path}.escalation_days",
                "message": (
                    "a review that escalates at its deadline needs escalation_days: the supervisors' legal deadline"
                ),
            }
        if step["type"] == "review" and step.get("warn_days", 0) >= step["deadline_days"]:
            yield {
                "path": f"{path}.warn_days",
                "message": "the warning must come before the deadline (warn_days < deadline_days)",
            }
        if step["type"] == "check":
            for index, rule in enumerate(step["rules"]):
                yield from _fact_problems(rule["when"], fields, f"{path}.rules[{index}].when")
        if step["type"] == "choice":
            for index, choice in enumerate(step["choices"]):
                yield from _fact_problems(choice["when"], fields, f"{path}.choices[{index}].when")
        if step["type"] == "payment" and Decimal(definition["fee"].get("amount", "1")) == 0:
            yield {"path": path, "message": "a payment step needs a fee above 0.00"}

    resume_at = definition.get("appeal", {}).get("resume_at")
    if resume_at is not None and resume_at not in definition["steps"]:
        yield {
            "path": "$.appeal.resume_at",
            "message": f"{resume_at!r} is not a top-level step: a revoked rejection resumes at one of "
            f"{', '.join(definition['steps'])}",
        }
    yield from _flow_problems(definition["start"], definition["steps"], "$")
    yield from templates.definition_problems(definition)


def _references(node: Any, path: list[Any]) -> Iterator[list[Any]]:
    """Where a schema points elsewhere: validating it would fetch (or fail on) what it names."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key in REFERENCE_KEYWORDS:
                yield [*path, key]
            yield from _references(value, [*path, key])
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _references(value, [*path, index])


def _fact_problems(condition: Mapping[str, Any], fields: Mapping[str, Any], path: str) -> Iterator[Problem]:
    for fact in rules.facts_in(condition):
        scope, name = fact.split(".", 1)
        if scope == "form" and name not in fields:
            yield {"path": path, "message": f"reads {fact!r}, but the form has no field {name!r}"}
        if scope == "citizen" and name not in rules.CITIZEN_FACTS:
            yield {
                "path": path,
                "message": f"reads {fact!r}; citizen facts are {', '.join(sorted(rules.CITIZEN_FACTS))}",
            }


def _prefilled_problems(field: Mapping[str, Any], path: str) -> Iterator[Problem]:
    source = field["x-registry"]
    person = REGISTRIES[FORM_REGISTRY].operations[FORM_OPERATION]
    if source["registry"] != FORM_REGISTRY:
        yield {
            "path": f"{path}.x-registry.registry",
            "message": f"only the {FORM_REGISTRY!r} registry fills form fields, not {source['registry']!r}",
        }
    elif source["field"] not in person.fields:
        yield {
            "path": f"{path}.x-registry.field",
            "message": _not_answered(source["field"], f"{FORM_REGISTRY}/{FORM_OPERATION}", person),
        }
    if field["type"] != "string":
        yield {
            "path": f"{path}.x-registry",
            "message": f"a field filled from a registry must be of type 'string', not {field['type']!r}",
        }


def _evidence_problems(requirement: Mapping[str, Any], fields: Mapping[str, Any], path: str) -> Iterator[Problem]:
    evidence = requirement["evidence"]
    at = f"{path}.evidence"
    if requirement["code"] in EVIDENCE_STATES:
        yield {
            "path": f"{path}.code",
            "message": (
                f"{requirement['code']!r} cannot name a requirement with evidence: the state machine's own state "
                f"{EVIDENCE}.{requirement['code']} has that name"
            ),
        }
    if "credential" in evidence:
        for index, name in enumerate(evidence.get("take", ())):
            if name not in CREDENTIAL_FIELDS:
                yield {
                    "path": f"{at}.take[{index}]",
                    "message": f"{name!r} is not part of an issued credential; it holds {', '.join(CREDENTIAL_FIELDS)}",
                }
        return
    operation, problems = _operation(evidence, "lookup", at)
    yield from problems
    if operation is None:
        return
    name = f"{evidence['registry']}/{evidence['operation']}"
    yield from _query_problems(evidence["query"], operation, name, fields, at, earlier=None)
    for index, taken in enumerate(evidence["take"]):
        if taken not in operation.fields:
            yield {"path": f"{at}.take[{index}]", "message": _not_answered(taken, name, operation)}
    for answered, fact in evidence.get("match", {}).items():
        if answered not in operation.fields:
            yield {"path": f"{at}.match.{answered}", "message": _not_answered(answered, name, operation)}
        yield from _exchanged_fact_problems(fact, fields, f"{at}.match.{answered}", earlier=None)


def _registration_problems(step: Mapping[str, Any], fields: Mapping[str, Any], path: str) -> Iterator[Problem]:
    """Each registration in order: a later one may send the number of an earlier one."""
    issued = {step["document"]["type"]: f"{path}.document.type"}
    earlier: list[str] = []
    for index, registration in enumerate(step["registrations"]):
        at = f"{path}.registrations[{index}]"
        kind = registration["document"]["type"]
        if kind in issued:
            yield {
                "path": f"{at}.document.type",
                "message": f"document type {kind!r} is already issued at {issued[kind]}; each credential needs its own",
            }
        issued.setdefault(kind, f"{at}.document.type")
        if "when" in registration:
            yield from _fact_problems(registration["when"], fields, f"{at}.when")
        if "registry" not in registration:
            if registration["number"] != FOLIO:
                yield {
                    "path": f"{at}.number",
                    "message": (
                        f"with no registry the number is Ventanilla's own: write {FOLIO!r}, "
                        f"not {registration['number']!r}"
                    ),
                }
        else:
            operation, problems = _operation(registration, "registration", at)
            yield from problems
            if operation is not None:
                name = f"{registration['registry']}/{registration['operation']}"
                yield from _query_problems(registration["query"], operation, name, fields, at, earlier=earlier)
                if registration["number"] not in operation.fields:
                    yield {"path": f"{at}.number", "message": _not_answered(registration["number"], name, operation)}
        earlier.append(kind)


def _operation(source: Mapping[str, Any], kind: Kind, path: str) -> tuple[Operation | None, list[Problem]]:
    """The catalogue's operation a source names, if it exists and is of the kind wanted."""
    registry = REGISTRIES.get(source["registry"])
    if registry is None:
        return None, [
            {
                "path": f"{path}.registry",
                "message": f"unknown registry {source['registry']!r}; registries are {', '.join(sorted(REGISTRIES))}",
            }
        ]
    operation = registry.operations.get(source["operation"])
    if operation is None:
        return None, [
            {
                "path": f"{path}.operation",
                "message": (
                    f"registry {source['registry']!r} has no operation {source['operation']!r}; "
                    f"its operations are {', '.join(sorted(registry.operations))}"
                ),
            }
        ]
    if operation.kind != kind:
        wanted = "evidence needs a lookup" if kind == "lookup" else "a registration needs a registration"
        return None, [
            {
                "path": f"{path}.operation",
                "message": f"{source['registry']}/{source['operation']} is a {operation.kind}; {wanted}",
            }
        ]
    return operation, []


def _query_problems(
    query: Mapping[str, str],
    operation: Operation,
    name: str,
    fields: Mapping[str, Any],
    path: str,
    earlier: list[str] | None,
) -> Iterator[Problem]:
    """A query gives exactly the operation's parameters, each from a fact a registry may be sent."""
    for param in operation.query:
        if param not in query:
            yield {
                "path": f"{path}.query",
                "message": f"{name} needs {param!r}; give each of its parameters: {', '.join(operation.query)}",
            }
    for param, fact in query.items():
        if param not in operation.query:
            yield {
                "path": f"{path}.query.{param}",
                "message": f"{param!r} is not a parameter of {name}; it takes {', '.join(operation.query)}",
            }
        yield from _exchanged_fact_problems(fact, fields, f"{path}.query.{param}", earlier)


def _exchanged_fact_problems(
    fact: str, fields: Mapping[str, Any], path: str, earlier: list[str] | None
) -> Iterator[Problem]:
    """A fact sent to a registry or compared with its answer: ``citizen.curp``, ``form.<field>``
    and, in registrations (``earlier`` given), ``registration.<an earlier registration's type>``."""
    scope, _, name = fact.partition(".")
    if scope == "citizen" and name in EXCHANGED_CITIZEN_FACTS:
        return
    if scope == "form":
        if name not in fields:
            yield {"path": path, "message": f"reads {fact!r}, but the form has no field {name!r}"}
        return
    if scope == "registration" and earlier is not None:
        if name not in earlier:
            before = f" (before it: {', '.join(earlier)})" if earlier else ""
            yield {
                "path": path,
                "message": f"reads {fact!r}, but no earlier registration of this step issues {name!r}{before}",
            }
        return
    facts = ["citizen.curp", "form.<field>"] + (["registration.<document type>"] if earlier is not None else [])
    yield {"path": path, "message": f"reads {fact!r}; a registry can be given {', '.join(facts)}"}


def _not_answered(field: str, name: str, operation: Operation) -> str:
    return f"{field!r} is not in {name}'s answer; it answers {', '.join(operation.fields)}"


def _fee_problems(fee: Mapping[str, Any], fields: Mapping[str, Any]) -> Iterator[Problem]:
    if "formula" in fee:
        try:
            names = formula_names(fee["formula"])
        except FormulaError as error:
            yield {"path": "$.fee.formula", "message": str(error)}
            names = set()
        for name in sorted(names):
            if name not in fields:
                yield {"path": "$.fee.formula", "message": f"uses {name!r}, which is not a field of the form"}
            elif fields[name].get("type") not in NUMERIC:
                yield {"path": "$.fee.formula", "message": f"uses {name!r}, which is not a numeric field"}
    if "minimum" in fee and "maximum" in fee and float(fee["minimum"]) > float(fee["maximum"]):
        yield {"path": "$.fee", "message": "minimum is above maximum"}


def _targets(step: Mapping[str, Any]) -> list[str]:
    targets = [step["next"]] if "next" in step else []
    if step["type"] == "choice":
        targets += [choice["next"] for choice in step["choices"]] + [step["default"]]
    return targets


def _flow_problems(start: str, steps: Mapping[str, Any], path: str) -> Iterator[Problem]:
    """References, reachability and termination within one flow (top level or a branch)."""
    steps_path = f"{path}.steps"
    if start not in steps:
        yield {"path": f"{path}.start", "message": f"starts at {start!r}, which is not a step here"}
        return
    for step_id, step in steps.items():
        for target in _targets(step):
            if target not in steps:
                yield {
                    "path": f"{steps_path}.{step_id}",
                    "message": f"goes to {target!r}, which is not a step in the same flow",
                }
        for index, branch in enumerate(step.get("branches", ())):
            yield from _flow_problems(branch["start"], branch["steps"], f"{steps_path}.{step_id}.branches[{index}]")

    reachable: set[str] = set()
    pending = [start]
    while pending:
        current = pending.pop()
        if current in reachable or current not in steps:
            continue
        reachable.add(current)
        pending.extend(_targets(steps[current]))
    for step_id in steps:
        if step_id not in reachable:
            yield {
                "path": f"{steps_path}.{step_id}",
                "message": f"step {step_id!r} can never be reached from {start!r}",
            }

    ends = {step_id for step_id, step in steps.items() if step.get("end")}
    finishing: set[str] = set(ends)
    changed = True
    while changed:
        changed = False
        for step_id, step in steps.items():
            if step_id not in finishing and any(target in finishing for target in _targets(step)):
                finishing.add(step_id)
                changed = True
    for step_id in sorted(reachable - finishing):
        yield {
            "path": f"{steps_path}.{step_id}",
            "message": f"step {step_id!r} never reaches an end (a loop with no way out)",
        }
