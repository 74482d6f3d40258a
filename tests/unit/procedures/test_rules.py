"""Conditions agencies write in definitions: automatic checks, choices, conditional documents."""

from __future__ import annotations

from typing import Any

import pytest

from chalicelib.procedures.rules import evaluate, facts_in

FACTS = {
    "form": {"superficie_m2": 120, "tipo_sangre": "O+", "primera_vez": True, "niveles": 2.5},
    "citizen": {"age": 18, "sex": "M", "birth_state": "VZ"},
}


def fact(name: str, op: str, value: Any) -> dict[str, Any]:
    return {"fact": name, "op": op, "value": value}


@pytest.mark.parametrize(
    ("condition", "expected"),
    [
        (fact("citizen.age", "==", 18), True),
        (fact("citizen.age", "==", 17), False),
        (fact("citizen.age", "!=", 17), True),
        (fact("citizen.age", "!=", 18), False),
        (fact("citizen.age", ">", 17), True),
        (fact("citizen.age", ">", 18), False),
        (fact("citizen.age", ">=", 18), True),
        (fact("citizen.age", ">=", 19), False),
        (fact("citizen.age", "<", 19), True),
        (fact("citizen.age", "<", 18), False),
        (fact("citizen.age", "<=", 18), True),
        (fact("citizen.age", "<=", 17), False),
        (fact("citizen.birth_state", "in", ["VZ", "OC"]), True),
        (fact("citizen.birth_state", "in", ["DF", "JC"]), False),
        (fact("form.tipo_sangre", "==", "O+"), True),
        (fact("form.tipo_sangre", "==", "o+"), False),
        (fact("form.primera_vez", "==", True), True),
        (fact("form.primera_vez", "==", False), False),
        (fact("form.superficie_m2", "==", 120.0), True),  # 120 and 120.0 are the same area
        (fact("form.niveles", ">", 2.4), True),
        (fact("form.niveles", "<=", 2.5), True),
    ],
)
def test_each_operator(condition: dict[str, Any], expected: bool) -> None:
    assert evaluate(condition, FACTS) is expected


ADULT = fact("citizen.age", ">=", 18)
MINOR = fact("citizen.age", "<", 18)
FIRST = fact("form.primera_vez", "==", True)


@pytest.mark.parametrize(
    ("condition", "expected"),
    [
        ({"all": [ADULT, FIRST]}, True),
        ({"all": [ADULT, MINOR]}, False),
        ({"any": [MINOR, FIRST]}, True),
        ({"any": [MINOR, {"not": FIRST}]}, False),
        ({"not": MINOR}, True),
        ({"not": ADULT}, False),
        ({"all": [ADULT, {"any": [MINOR, {"not": {"not": FIRST}}]}]}, True),
    ],
)
def test_all_any_and_not_combine(condition: dict[str, Any], expected: bool) -> None:
    assert evaluate(condition, FACTS) is expected


@pytest.mark.parametrize(
    ("condition", "expected"),
    [
        (fact("form.licencia_previa", "==", True), False),  # an unanswered question does not satisfy ==
        (fact("form.licencia_previa", ">=", 1), False),
        (fact("form.licencia_previa", "in", [True]), False),
        (fact("form.licencia_previa", "!=", True), True),  # but it is indeed different from True
        (fact("form.licencia_previa", "!=", None), False),
        (fact("vehicle.age", ">=", 0), False),  # a scope the application does not have
    ],
)
def test_missing_facts(condition: dict[str, Any], expected: bool) -> None:
    assert evaluate(condition, FACTS) is expected


def test_a_missing_fact_inside_not_makes_the_negation_true() -> None:
    assert evaluate({"not": fact("form.licencia_previa", "==", True)}, FACTS) is True


def test_facts_in_an_empty_record_are_all_missing() -> None:
    assert evaluate(ADULT, {}) is False


@pytest.mark.parametrize(
    "condition",
    [fact("form.tipo_sangre", ">", 3), fact("citizen.age", ">=", "18"), fact("citizen.age", "in", 18)],
)
def test_comparing_different_kinds_of_value_is_false_not_an_error(condition: dict[str, Any]) -> None:
    assert evaluate(condition, FACTS) is False


def test_facts_in_lists_every_fact_a_condition_reads_in_order() -> None:
    condition = {
        "all": [
            ADULT,
            {"any": [FIRST, {"not": fact("form.superficie_m2", ">", 100)}]},
            {"not": {"all": [fact("citizen.birth_state", "in", ["VZ"])]}},
        ]
    }
    assert list(facts_in(condition)) == ["citizen.age", "form.primera_vez", "form.superficie_m2", "citizen.birth_state"]
    assert list(facts_in(ADULT)) == ["citizen.age"]
