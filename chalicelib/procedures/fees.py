"""Fees: a fixed amount or a formula over numeric form answers, in MXN.

Formulas are arithmetic only (``+ - * / ( )``, numbers, form field names and the
functions ``min``, ``max``, ``ceil``, ``floor``), evaluated with simpleeval over
``Decimal`` values: no Python ``eval``, no attribute access, no other names.  The result
is bounded by the optional minimum/maximum and rounded half-up to centavos; one over
``MAX_AMOUNT`` (the bound of every amount) is refused.
"""

from __future__ import annotations

import ast
import math
from collections.abc import Mapping
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from simpleeval import SimpleEval

from chalicelib.core.fields import MAX_AMOUNT

CENT = Decimal("0.01")
FUNCTIONS = {"min": min, "max": max, "ceil": lambda x: Decimal(math.ceil(x)), "floor": lambda x: Decimal(math.floor(x))}
_ALLOWED_NODES = (ast.Expression, ast.BinOp, ast.UnaryOp, ast.Constant, ast.Name, ast.Load, ast.Call,
                  ast.Add, ast.Sub, ast.Mult, ast.Div, ast.USub, ast.UAdd)  # fmt: skip


class FormulaError(ValueError):
    pass


def formula_names(formula: str) -> set[str]:
    """Field names a formula reads; raises FormulaError if it is not plain arithmetic."""
    if len(formula) > 200:
        raise FormulaError("formula longer than 200 characters")
    try:
        tree = ast.parse(formula, mode="eval")
    except SyntaxError as error:
        raise FormulaError(f"not an arithmetic expression ({error.msg})") from None
    names: set[str] = set()
    for node in ast.walk(tree):
        if not isinstance(node, _ALLOWED_NODES):
            raise FormulaError(
                f"{type(node).__name__} is not allowed; use numbers, field names, + - * / and min/max/ceil/floor"
            )
        if isinstance(node, ast.Constant) and (isinstance(node.value, bool) or not isinstance(node.value, int | float)):
            raise FormulaError("only numeric constants are allowed")
        if isinstance(node, ast.Constant) and isinstance(node.value, float) and not math.isfinite(node.value):
            raise FormulaError("numbers must be finite")
        if isinstance(node, ast.Call):
            if not isinstance(node.func, ast.Name) or node.func.id not in FUNCTIONS or node.keywords:
                raise FormulaError("only min, max, ceil and floor may be called")
            if node.func.id in ("ceil", "floor") and len(node.args) != 1:
                raise FormulaError(f"{node.func.id} takes exactly one value")
            if node.func.id in ("min", "max") and len(node.args) < 2:
                raise FormulaError(f"{node.func.id} takes two or more values")
        elif isinstance(node, ast.Name) and node.id not in FUNCTIONS:
            names.add(node.id)
    return names


def money(value: Any) -> Decimal:
    return Decimal(str(value)).quantize(CENT, rounding=ROUND_HALF_UP)


def compute_fee(fee: Mapping[str, Any], form: Mapping[str, Any]) -> Decimal:
    if "amount" in fee:
        return money(fee["amount"])
    names = formula_names(fee["formula"])
    values: dict[str, Decimal] = {}
    for name in names:
        raw = form.get(name)
        if isinstance(raw, bool) or not isinstance(raw, int | float):
            raise FormulaError(f"the fee needs the number {name!r} from the form")
        values[name] = Decimal(str(raw))
    expression, constants = _decimal_constants(fee["formula"])
    evaluator = SimpleEval(functions=FUNCTIONS, names={**values, **constants})
    try:
        result = Decimal(str(evaluator.eval(expression)))
    except (ZeroDivisionError, InvalidOperation, ArithmeticError) as error:
        raise FormulaError(f"the fee cannot be computed ({error.__class__.__name__})") from None
    if "minimum" in fee:
        result = max(result, Decimal(fee["minimum"]))
    if "maximum" in fee:
        result = min(result, Decimal(fee["maximum"]))
    if result < 0:
        raise FormulaError("the fee came out negative")
    if result > MAX_AMOUNT:
        raise FormulaError(f"the fee is too large: it came out over {MAX_AMOUNT}, the largest amount accepted")
    try:
        return money(result)
    except InvalidOperation:
        raise FormulaError("the fee is too large to be an amount of money") from None


def _decimal_constants(formula: str) -> tuple[str, dict[str, Decimal]]:
    """Replace numeric literals by names bound to Decimals, so no cent is lost to floats."""
    constants: dict[str, Decimal] = {}

    class _Wrap(ast.NodeTransformer):
        def visit_Constant(self, node: ast.Constant) -> ast.AST:
            name = f"_c{len(constants)}"
            constants[name] = Decimal(str(node.value))
            return ast.Name(id=name, ctx=ast.Load())

    return ast.unparse(_Wrap().visit(ast.parse(formula, mode="eval"))), constants
