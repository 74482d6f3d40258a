from __future__ import annotations

import pytest

from chalicelib.notifications.commands import Command, parse_command, step_name


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("ESTADO 8Q9FQ5PXS4", Command("status", "es", "8Q9FQ5PXS4")),
        ("estado 8q9fq5pxs4", Command("status", "es", "8Q9FQ5PXS4")),
        ("Estádo: 8Q9F-Q5PX-S4.", Command("status", "es", "8Q9FQ5PXS4")),
        ("STATUS 8q9fq5pxso", Command("status", "en", "8Q9FQ5PXS0")),
        ("estatus", Command("status", "es", "")),
        ("AYUDA", Command("help", "es")),
        ("help?", Command("help", "en")),
    ],
)
def test_commands_ignore_case_accents_and_punctuation(text: str, expected: Command) -> None:
    assert parse_command(text) == expected


@pytest.mark.parametrize("text", ["", "BAJA", "hola", "AYUDA POR FAVOR", None, 42])
def test_other_texts_are_not_commands(text: object) -> None:
    assert parse_command(text) is None


def test_step_names_are_cut_to_the_budget() -> None:
    definition = {"steps": {"a": {"name": {"es": "x" * 60, "en": "Short"}}}}
    assert len(step_name(definition, "a", "es")) == 40
    assert step_name(definition, "a", "en") == "Short"
    assert step_name(definition, None, "es") == "-"
