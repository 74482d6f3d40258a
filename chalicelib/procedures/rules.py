"""Declarative conditions over an application's facts (form answers, citizen record).

A condition is ``{"fact": "form.x" | "citizen.age", "op": ">=", "value": 18}`` or a
combination with ``all`` / ``any`` / ``not``.  Agencies write them in procedure
definitions (automatic checks, choices, conditional requirements); nothing is ``eval``-ed.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Iterator, Mapping
from decimal import Decimal
from typing import Any

CITIZEN_FACTS = {"kind": "string", "age": "integer", "sex": "string", "birth_state": "string"}

_OPS: dict[str, Callable[[Any, Any], bool]] = {
    "==": operator.eq,
    "!=": operator.ne,
    ">": operator.gt,
    ">=": operator.ge,
    "<": operator.lt,
    "<=": operator.le,
    "in": lambda left, right: left in right,
}


def evaluate(condition: Mapping[str, Any], facts: Mapping[str, Mapping[str, Any]]) -> bool:
    if "all" in condition:
        return all(evaluate(part, facts) for part in condition["all"])
    if "any" in condition:
        return any(evaluate(part, facts) for part in condition["any"])
    if "not" in condition:
        return not evaluate(condition["not"], facts)
    scope, name = condition["fact"].split(".", 1)
    value = facts.get(scope, {}).get(name)
    expected = condition["value"]
    if value is None:
        return condition["op"] == "!=" and expected is not None
    try:
        return bool(_OPS[condition["op"]](_comparable(value), _comparable(expected)))
    except TypeError:
        return False


def facts_in(condition: Mapping[str, Any]) -> Iterator[str]:
    """Every ``scope.name`` fact a condition reads (for the validator)."""
    for key in ("all", "any"):
        for part in condition.get(key, ()):
            yield from facts_in(part)
    if "not" in condition:
        yield from facts_in(condition["not"])
    if "fact" in condition:
        yield condition["fact"]


def _comparable(value: Any) -> Any:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return value
    return Decimal(str(value))
