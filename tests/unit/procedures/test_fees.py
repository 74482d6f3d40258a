"""Fees: what a citizen is asked to pay, to the centavo, and what an agency may write."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from chalicelib.procedures.fees import FormulaError, compute_fee, formula_names

BY_AREA = {"formula": "superficie_m2 * 45.50"}
BOUNDED = {"formula": "superficie_m2 * 45.50", "minimum": "500.00", "maximum": "50000.00"}


def test_a_fixed_fee_is_its_amount() -> None:
    assert compute_fee({"amount": "1016.00"}, {}) == Decimal("1016.00")
    assert str(compute_fee({"amount": "1016"}, {})) == "1016.00"


@pytest.mark.parametrize(
    ("fee", "form", "expected"),
    [
        (BY_AREA, {"superficie_m2": 120}, "5460.00"),
        (BY_AREA, {"superficie_m2": 120.5}, "5482.75"),
        (BY_AREA, {"superficie_m2": 1.03}, "46.87"),  # 46.865: half-up, not banker's 46.86
        (BOUNDED, {"superficie_m2": 1}, "500.00"),  # 45.50 raised to the minimum
        (BOUNDED, {"superficie_m2": 2000}, "50000.00"),  # 91,000.00 capped at the maximum
        (BOUNDED, {"superficie_m2": 100}, "4550.00"),
        ({"formula": "ceil(superficie_m2 / 100) * 350"}, {"superficie_m2": 101}, "700.00"),
        ({"formula": "floor(superficie_m2 / 100) * 350"}, {"superficie_m2": 199}, "350.00"),
        (
            {"formula": "max(superficie_m2, 60) * 10 + min(niveles, 3) * 100"},
            {"superficie_m2": 40, "niveles": 5},
            "900.00",
        ),
        ({"formula": "(superficie_m2 - 10) * 2"}, {"superficie_m2": 15}, "10.00"),
        ({"formula": "superficie_m2 / 3"}, {"superficie_m2": 100}, "33.33"),
    ],
)
def test_formula_fees(fee: dict[str, Any], form: dict[str, Any], expected: str) -> None:
    amount = compute_fee(fee, form)
    assert amount == Decimal(expected)
    assert str(amount) == expected


def test_formula_fees_are_computed_in_decimal_not_binary_floating_point() -> None:
    assert compute_fee({"formula": "a + b"}, {"a": 0.1, "b": 0.2}) == Decimal("0.30")
    assert compute_fee({"formula": "0.3 - a - b"}, {"a": 0.1, "b": 0.2}) == Decimal(
        "0.00"
    )  # binary floats make this negative
    assert compute_fee({"formula": "x * 1.005"}, {"x": 1}) == Decimal("1.01")  # binary floats round this to 1.00


@pytest.mark.parametrize(
    "form", [{}, {"superficie_m2": None}, {"superficie_m2": "120"}, {"superficie_m2": True}, {"superficie_m2": [120]}]
)
def test_a_formula_needs_a_number_from_the_form(form: dict[str, Any]) -> None:
    with pytest.raises(FormulaError, match="needs the number 'superficie_m2'"):
        compute_fee(BY_AREA, form)


def test_a_formula_that_divides_by_zero_is_a_fee_error() -> None:
    with pytest.raises(FormulaError, match="cannot be computed"):
        compute_fee({"formula": "1000 / niveles"}, {"niveles": 0})


def test_a_negative_fee_is_refused() -> None:
    with pytest.raises(FormulaError, match="negative"):
        compute_fee({"formula": "100 - superficie_m2"}, {"superficie_m2": 150})


def test_an_absurdly_large_fee_is_a_fee_error_not_a_crash() -> None:
    with pytest.raises(FormulaError, match="too large"):
        compute_fee({"formula": "x * 1000000000000000000000000000000"}, {"x": 1})


def test_a_fee_over_the_largest_amount_is_refused_and_one_at_it_is_charged() -> None:
    with pytest.raises(FormulaError, match=r"over 10000000\.00"):
        compute_fee({"formula": "superficie_m2 * 1000"}, {"superficie_m2": 10_000.01})
    assert compute_fee({"formula": "superficie_m2 * 1000"}, {"superficie_m2": 10_000}) == Decimal("10000000.00")


def test_formula_names_lists_the_form_fields_a_formula_reads() -> None:
    assert formula_names("superficie_m2 * 45.50") == {"superficie_m2"}
    assert formula_names("max(superficie_m2, minimo) + ceil(niveles / 2) - floor(-sotanos)") == {
        "superficie_m2",
        "minimo",
        "niveles",
        "sotanos",
    }
    assert formula_names("1016") == set()


@pytest.mark.parametrize(
    "formula",
    [
        "__import__('os')",
        "__import__('os').system('id')",
        "().__class__.__bases__[0].__subclasses__()",
        "superficie_m2.__class__",
        "superficie_m2.real",
        "superficie_m2 ** 1000000",
        "2 ** 2",
        "superficie_m2 % 7",
        "superficie_m2 // 2",
        "(lambda: 1)()",
        "'a' * 10",
        "b'x'",
        "f'{superficie_m2}'",
        "[x for x in range(10)]",
        "{x for x in superficie_m2}",
        "sum(x for x in superficie_m2)",
        "[superficie_m2]",
        "superficie_m2[0]",
        "superficie_m2 if superficie_m2 else 1",
        "superficie_m2 > 100",
        "superficie_m2 and 1",
        "(superficie_m2 := 1)",
        "open('/etc/passwd')",
        "eval('1')",
        "min(superficie_m2, key=abs)",
        "min(*superficie_m2)",
        "min(superficie_m2)",
        "ceil(superficie_m2, 2)",
        "floor()",
        "None",
        "True * 100",
        "1e400",
        "superficie_m2 + " + " + ".join(["1"] * 100),  # longer than 200 characters
        "import os",
        "superficie_m2; 1",
        "",
    ],
)
def test_anything_but_plain_arithmetic_is_rejected(formula: str) -> None:
    with pytest.raises(FormulaError):
        formula_names(formula)
    with pytest.raises(FormulaError):
        compute_fee({"formula": formula}, {"superficie_m2": 100})


def test_the_rejection_says_what_is_allowed() -> None:
    with pytest.raises(
        FormulaError, match=r"Attribute is not allowed; use numbers, field names, \+ - \* / and min/max/ceil/floor"
    ):
        formula_names("superficie_m2.__class__")
    with pytest.raises(FormulaError, match="only min, max, ceil and floor may be called"):
        formula_names("__import__('os')")
    with pytest.raises(FormulaError, match="longer than 200 characters"):
        formula_names("1 + " * 60 + "1")
