"""Fee formulas under hostile input: an agency's formula is arithmetic or a
``FormulaError`` — never another exception, never Python's ``eval`` — and any answers a
citizen gives either price the procedure in centavos or refuse with a ``FormulaError``."""

from __future__ import annotations

import builtins
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from chalicelib.procedures.fees import FormulaError, compute_fee, formula_names

FUZZ = settings(max_examples=300, deadline=None, database=None, derandomize=True)
FIELDS = ("superficie_m2", "niveles", "asistentes")
INJECTIONS = [
    "__import__('os').system('id')",
    "superficie_m2.__class__.__mro__",
    "open('/etc/passwd').read()",
    "eval('1+1')",
    "(lambda: 1)()",
    "[x for x in (1, 2)]",
    "superficie_m2 ** 999999999",
    "9 ** 9 ** 9",
    "'a' * 10",
    "superficie_m2 if 1 else 2",
    "superficie_m2 < 2",
    "superficie_m2; 1",
    "min(superficie_m2, key=print)",
    "f'{superficie_m2}'",
    "superficie_m2 @ 2",
    "getattr(superficie_m2, 'real')",
    "superficie_m2 // 2",
    "superficie_m2 % 2",
    "True * 5",
    "-" * 150 + "1",
    "(" * 100 + "1" + ")" * 100,
    "1e999 * superficie_m2",
    "ｓｕｐｅｒｆｉｃｉｅ_m2 * ２",
    "superficie_m2\u202e * 2",
]


@contextmanager
def no_eval() -> Iterator[None]:
    """Pricing never reaches Python's eval or exec."""

    def forbidden(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("a fee formula reached eval/exec")

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(builtins, "eval", forbidden)
        patch.setattr(builtins, "exec", forbidden)
        yield


@pytest.mark.parametrize("formula", INJECTIONS)
def test_what_is_not_arithmetic_is_a_formula_error(formula: str) -> None:
    try:
        with no_eval():
            names = formula_names(formula)
    except FormulaError:
        return
    # the few survivors are harmless arithmetic (Python folds full-width names to ASCII)
    assert names <= set(FIELDS), (formula, names)


@FUZZ
@given(formula=st.text(max_size=250))
@example("superficie_m2 * 45.50")
@example("1" * 250)
def test_any_text_is_a_formula_or_a_formula_error(formula: str) -> None:
    try:
        names = formula_names(formula)
    except FormulaError:
        return
    assert all(isinstance(name, str) and name.isidentifier() for name in names)


def arithmetic() -> st.SearchStrategy[str]:
    leaves = st.one_of(
        st.sampled_from(FIELDS),
        st.integers(min_value=0, max_value=10**12).map(str),
        st.decimals(min_value=0, max_value=10**6, places=2, allow_nan=False, allow_infinity=False).map(str),
    )

    def extend(inner: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
        return st.one_of(
            st.tuples(inner, st.sampled_from(["+", "-", "*", "/"]), inner).map(lambda t: f"({t[0]} {t[1]} {t[2]})"),
            st.tuples(st.sampled_from(["min", "max"]), st.lists(inner, min_size=2, max_size=3)).map(
                lambda t: f"{t[0]}({', '.join(t[1])})"
            ),
            st.tuples(st.sampled_from(["ceil", "floor", "-"]), inner).map(lambda t: f"{t[0]}({t[1]})"),
        )

    return st.recursive(leaves, extend, max_leaves=12).filter(lambda text: len(text) <= 200)


ANSWER = st.one_of(
    st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(allow_nan=False, allow_infinity=False),
    st.none(),
    st.booleans(),
    st.text(max_size=5),
    st.lists(st.integers(), max_size=2),
)


@FUZZ
@given(
    formula=arithmetic(),
    form=st.fixed_dictionaries({}, optional={name: ANSWER for name in FIELDS}),
    bounds=st.fixed_dictionaries(
        {},
        optional={
            "minimum": st.sampled_from(["0.00", "100.00"]),
            "maximum": st.sampled_from(["5000.00", "999999999.99"]),
        },
    ),
)
def test_any_arithmetic_over_any_answers_prices_in_centavos_or_refuses(
    formula: str, form: dict[str, Any], bounds: dict[str, str]
) -> None:
    try:
        with no_eval():
            fee = compute_fee({"formula": formula, **bounds}, form)
    except FormulaError:
        return
    assert isinstance(fee, Decimal) and fee.is_finite() and fee >= 0
    assert fee == fee.quantize(Decimal("0.01"))
    if "maximum" in bounds:
        assert fee <= Decimal(bounds["maximum"])
