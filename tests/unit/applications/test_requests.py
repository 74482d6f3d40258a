"""A body is parsed once into its type: each shape error names the field, with the code
and message the API has always answered for it."""

from __future__ import annotations

from typing import Any

import pytest

from chalicelib.api.routes import parse
from chalicelib.applications.requests import (
    FILENAME_RULE,
    SHA256_RULE,
    ApplicationUpdate,
    DocumentDeclaration,
    NewApplication,
)
from tests.support.parsing import refusal

DECLARED = {
    "requirement": "identificacion",
    "filename": "ine.pdf",
    "content_type": "application/pdf",
    "size": 1000,
    "sha256": "A" * 64,
}


def test_a_declaration_keeps_what_it_was_given() -> None:
    declared = parse(DocumentDeclaration, DECLARED, "body")
    assert (declared.filename, declared.size, declared.sha256) == ("ine.pdf", 1000, "A" * 64)


@pytest.mark.parametrize(
    ("field", "value", "code", "message"),
    [
        ("filename", "ine.pdf\n", "invalid_filename", FILENAME_RULE),  # a pattern's $ would let it through
        ("filename", "a..b.pdf", "invalid_filename", FILENAME_RULE),
        ("filename", ".htaccess", "invalid_filename", FILENAME_RULE),
        ("filename", "a" * 121, "invalid_filename", FILENAME_RULE),
        ("filename", 7, "invalid_filename", FILENAME_RULE),
        ("size", True, "invalid_size", "must be the file size in bytes"),
        ("size", 0, "invalid_size", "must be the file size in bytes"),
        ("size", 1.5, "invalid_size", "must be the file size in bytes"),
        ("sha256", "a" * 64 + "\n", "invalid_sha256", SHA256_RULE),
        ("sha256", "ａ" * 64, "invalid_sha256", SHA256_RULE),
        ("requirement", None, "unknown_requirement", "must be one of the procedure's requirement codes"),
        ("content_type", 7, "unsupported_type", "must be one of application/pdf, image/jpeg, image/png"),
    ],
)
def test_a_declaration_is_refused_field_by_field(field: str, value: Any, code: str, message: str) -> None:
    assert refusal(DocumentDeclaration, {**DECLARED, field: value}) == (code, field, message)


def test_a_whole_number_written_with_a_point_is_a_whole_number() -> None:
    # JSON Schema's integer takes 1.0, and the document says integer
    assert parse(DocumentDeclaration, {**DECLARED, "size": 2048.0}, "body").size == 2048


def test_a_missing_field_answers_as_a_wrong_one() -> None:
    body = {name: value for name, value in DECLARED.items() if name != "size"}
    assert refusal(DocumentDeclaration, body) == ("invalid_size", "size", "must be the file size in bytes")


def test_a_new_application_needs_a_procedure_and_an_object_of_answers() -> None:
    assert refusal(NewApplication, {}) == (
        "validation_failed",
        "procedure",
        "is required: the code of a procedure in the catalogue",
    )
    assert refusal(NewApplication, {"procedure": "x", "data": []})[:2] == ("invalid_form", "data")
    assert refusal(NewApplication, {"procedure": "x", "citizen": 7})[:2] == ("invalid_curp", "citizen")
    assert refusal(NewApplication, []) == ("validation_failed", "body", "must be a JSON object")
    drafted = parse(NewApplication, {"procedure": "x", "citizen": None}, "body")
    assert (drafted.data, drafted.citizen) == ({}, None)


def test_an_update_needs_an_object_of_answers() -> None:
    assert refusal(ApplicationUpdate, {}) == ("validation_failed", "data", "must be a JSON object")
