"""One rule for blank text: white space and the zero-width characters around a text are
trimmed, by the domain (``trimmed``, ``stripped``) and by the published schema's pattern alike."""

from __future__ import annotations

import re

import pytest

from chalicelib.core.errors import ValidationFailed
from chalicelib.core.fields import blank_answers, stripped, trimmed, trimmed_text

TEXTS = [
    "Documentos ilegibles",
    "  Documentos  ",
    "\u200b\u200c\u200d\u2060\ufeff",
    " \u200b\t\u00a0\u2060 \u3000\ufeff ",
    "\u200bab\u200b",
    "\u2060abc\u200d",
    "a\u200bb",
]


@pytest.mark.parametrize("text", TEXTS)
def test_the_schema_pattern_and_the_domain_agree_on_what_is_long_enough(text: str) -> None:
    schema = trimmed_text(3, 100)
    # Python's Unicode ``\s`` is ECMA-262's for these texts (it adds only U+001C..U+001F)
    by_schema = bool(re.search(schema["pattern"], text)) and 3 <= len(text) <= 100
    try:
        trimmed(text, 3, 100, field="reason", message="m", code="c")
        by_domain = True
    except ValidationFailed:
        by_domain = False
    assert by_schema == by_domain


def test_zero_width_characters_alone_are_blank() -> None:
    assert stripped("\u200b \u2060\ufeff\u200c\u200d\n") == ""
    assert stripped("\u200bHola\u200d") == "Hola"
    assert stripped("Ho\u200bla") == "Ho\u200bla"  # inside a word it is the writer's


def test_a_blank_answer_is_named_as_missing_or_to_be_left_out() -> None:
    answers = {"domicilio": " \u200b ", "referencias": "\u2060", "colonia": "Centro", "edad": 0}
    assert blank_answers(answers, ["domicilio"], "data") == [
        {"field": "data.domicilio", "message": "is required (a blank answer is none)"},
        {"field": "data.referencias", "message": "must not be blank: leave it out instead"},
    ]
