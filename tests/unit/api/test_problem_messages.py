"""A definition's problems in Spanish: every problem the validator's cases report has a
Spanish sentence, the values it names kept as they are."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from typing import Any

import pytest

from chalicelib.api import messages
from chalicelib.api.problem_messages import spanish
from chalicelib.procedures.validator import validate_definition
from tests.unit.procedures.conftest import LICENCE_SOURCE
from tests.unit.procedures.test_validator import CASES

LICENCE = json.loads(LICENCE_SOURCE.read_text("utf-8"))


@pytest.mark.parametrize("mutate", [pytest.param(case[0], id=case[0].__name__) for case in CASES])
def test_every_problem_the_validator_reports_is_said_in_spanish(mutate: Callable[[dict[str, Any]], None]) -> None:
    definition = copy.deepcopy(LICENCE)
    mutate(definition)
    for problem in validate_definition(definition):
        assert spanish(problem["message"]) is not None, problem


@pytest.mark.parametrize(
    ("message", "said"),
    [
        ("'steps' is required here", "falta 'steps': es obligatorio aquí"),
        ("5 is not of type 'string'", "debe ser de tipo texto"),
        (
            "'x' does not match '^[a-z][a-z0-9-]{2,40}$'",
            "'x' no tiene el formato esperado (patrón '^[a-z][a-z0-9-]{2,40}$')",
        ),
        (
            "'rapido' is not one of ['check', 'review']",
            "'rapido' no es uno de los valores permitidos: ['check', 'review']",
        ),
        ("0 is less than the minimum of 1", "debe ser 1 o más"),
        ("400 is greater than the maximum of 365", "debe ser 365 o menos"),
        ("'' should be non-empty", "no puede estar vacío"),
        ("'ab' is too short", "es demasiado corto (o tiene muy pocos elementos)"),
        (
            "Additional properties are not allowed ('colour' was unexpected)",
            "no se permiten propiedades adicionales: sobra 'colour'",
        ),
        ("uses 'm2', which is not a field of the form", "usa 'm2', que no es un campo del formulario"),
        ("step 'pago' can never be reached from 'verificacion'", "al paso 'pago' nunca se llega desde 'verificacion'"),
    ],
)
def test_the_common_rules_read_as_spanish(message: str, said: str) -> None:
    assert messages.problem_message(message, "es") == said
    assert messages.problem_message(message, "en") == message


def test_an_unknown_problem_stays_as_written_rather_than_guessed() -> None:
    assert messages.problem_message("something nobody wrote a rule for", "es") == "something nobody wrote a rule for"
