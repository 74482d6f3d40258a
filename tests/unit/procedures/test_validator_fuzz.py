"""The definition validator under hostile input: any JSON gets a list of problems, each
at a JSON path — never an exception — and whatever it accepts compiles into a state
machine AWS would take, under a name AWS would take."""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chalicelib.applications.service import form_problems
from chalicelib.procedures.catalogue import state_machine_name
from chalicelib.procedures.compiler import compile_definition, render
from chalicelib.procedures.validator import validate_definition

FUZZ = settings(
    max_examples=300, deadline=None, database=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow]
)
WORKFLOWS = Path(__file__).resolve().parents[3] / "workflows"
SHIPPED = [
    json.loads((WORKFLOWS / f"{code}.json").read_text("utf-8"))
    for code in ("licencia-conducir", "licencia-construccion", "apertura-empresa", "aviso-funcionamiento")
]
AWS_NAME = re.compile(r"[A-Za-z0-9_-]{1,80}")  # state machine names (and what we build them from)
ASL_STATE = re.compile(r"[^\x00-\x1f\x7f]{1,80}")

JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4),
    max_leaves=20,
)
# values that almost pass: what the published schema's patterns accept, as Python reads them
NEAR_MISSES = st.one_of(
    st.from_regex(r"^[a-z][a-z0-9-]{2,40}$"),
    st.from_regex(r"^[A-Z][A-Z0-9]{1,15}$"),
    st.from_regex(r"^[a-z][a-z0-9_]{1,40}$"),
    st.from_regex(r"^\d{1,9}\.\d{2}$"),
    st.integers(min_value=-2, max_value=400),
)


def paths(node: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix]
    if isinstance(node, dict):
        for key, value in node.items():
            found += paths(value, (*prefix, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            found += paths(value, (*prefix, index))
    return found


@st.composite
def mutated(draw: st.DrawFn) -> dict[str, Any]:
    """A shipped definition with one to three things changed, removed or replaced."""
    definition = copy.deepcopy(draw(st.sampled_from(SHIPPED)))
    for _ in range(draw(st.integers(min_value=1, max_value=3))):
        path = draw(st.sampled_from(paths(definition)[1:]))
        parent: Any = definition
        for part in path[:-1]:
            parent = parent[part]
        if path[-1] not in (parent if isinstance(parent, dict) else range(len(parent))):
            continue
        action = draw(st.sampled_from(["delete", "replace", "near_miss"]))
        if action == "delete":
            del parent[path[-1]]
        else:
            parent[path[-1]] = draw(JSON if action == "replace" else NEAR_MISSES)
    return definition


@FUZZ
@given(value=JSON)
def test_any_json_gets_problems_at_paths_and_never_an_exception(value: Any) -> None:
    problems = validate_definition(value)
    assert problems, "random JSON is never a procedure"
    assert all(set(problem) == {"path", "message"} and problem["path"].startswith("$") for problem in problems)


@FUZZ
@given(definition=mutated())
def test_a_mutated_definition_is_refused_at_a_path_or_compiles_into_what_aws_takes(definition: dict[str, Any]) -> None:
    problems = validate_definition(definition)
    assert all(
        set(problem) == {"path", "message"} and problem["path"].startswith("$") and problem["message"]
        for problem in problems
    )
    if problems:
        return
    assert AWS_NAME.fullmatch(state_machine_name("prod", definition["code"], 999)), definition["code"]
    asl = compile_definition({**definition, "version": 1})
    json.loads(render(asl))
    assert all(ASL_STATE.fullmatch(name) for name in asl["States"]), sorted(asl["States"])


@FUZZ
@given(
    code=st.from_regex(r"^[a-z][a-z0-9-]{2,40}$"),
    agency=st.from_regex(r"^[A-Z][A-Z0-9]{1,15}$"),
    step=st.from_regex(r"^[a-z][a-z0-9_]{1,40}$"),
)
def test_identifiers_the_schema_lets_through_make_legal_names(code: str, agency: str, step: str) -> None:
    definition = copy.deepcopy(SHIPPED[0])
    definition["code"] = code
    definition["agency"] = definition["steps"]["revision"]["agency"] = agency
    definition["agencies"] = {agency: definition["agencies"]["SEMOVI"]}
    definition["steps"][step] = definition["steps"].pop("pago")
    definition["steps"]["revision"]["next"] = step
    if validate_definition(definition):
        return
    assert AWS_NAME.fullmatch(state_machine_name("prod", code, 999)), code
    assert re.fullmatch(r"[A-Z0-9]{2,16}", agency), agency  # becomes the Cognito group official-<agency>
    assert all(ASL_STATE.fullmatch(name) for name in compile_definition({**definition, "version": 1})["States"])


@pytest.mark.parametrize(
    ("change", "path"),
    [
        (lambda d: d.update(code="licencia-conducir\n"), "$.code"),
        (lambda d: d["agencies"].update({"SEMOVI\n": {"es": "x", "en": "x"}}), "$.agencies"),
        (lambda d: d["steps"].update({"pago\n": d["steps"]["pago"]}), "$.steps"),
        (lambda d: d.update(fee={"amount": "１０１６.００"}), "$.fee"),
        (lambda d: d.update(fee={"amount": "1016.00\n"}), "$.fee"),
    ],
    ids=["code + newline", "agency + newline", "step id + newline", "full-width money", "money + newline"],
)
def test_schema_patterns_mean_what_the_spec_says(change: Any, path: str) -> None:
    definition = copy.deepcopy(SHIPPED[0])
    change(definition)
    assert any(problem["path"].startswith(path) for problem in validate_definition(definition)), validate_definition(
        definition
    )


@pytest.mark.parametrize("answer", ["03100\n", "０３１００", "0310\u0663"])
def test_form_patterns_mean_what_the_spec_says(answer: str) -> None:
    assert form_problems(SHIPPED[0]["form"], {"codigo_postal": answer}, complete=False) == [
        {"field": "data.codigo_postal", "message": f"{answer!r} does not match '^[0-9]{{5}}$'"}
    ]
    assert form_problems(SHIPPED[0]["form"], {"codigo_postal": "03100"}, complete=False) == []
