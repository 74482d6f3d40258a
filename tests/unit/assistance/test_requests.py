"""What the assisted-filing routes take, parsed at the edge: each field missing or of the
wrong type is refused with the code and message the API answered before the types existed;
what depends on data (a CURP's check digit, the assistant's centres) stays in the domain."""

from __future__ import annotations

from typing import Any

import pytest

from chalicelib.api.routes import parse
from chalicelib.assistance.requests import CODE_MESSAGE, ConfirmDelegation, CreateDelegation, DelegationFlags
from chalicelib.core.fields import UNSET
from tests.support.parsing import refusal

CURP = "GOMC800101MDFMRR00"


def test_a_request_names_the_citizen_and_maybe_a_code_and_a_centre() -> None:
    asked = parse(CreateDelegation, {"curp": CURP}, "body")
    assert (asked.curp, asked.code, asked.centre) == (CURP, UNSET, UNSET)
    # lower case and padding reach the domain, which has always taken them
    assert parse(CreateDelegation, {"curp": f" {CURP.lower()} "}, "body").curp == f" {CURP.lower()} "


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ({}, ("invalid_curp", "curp", "must be a text of 18 characters")),
        ({"curp": 5}, ("invalid_curp", "curp", "must be a text of 18 characters")),
        ({"curp": CURP, "code": "12"}, ("invalid_code", "code", CODE_MESSAGE)),
        ({"curp": CURP, "code": None}, ("invalid_code", "code", CODE_MESSAGE)),
        ({"curp": CURP, "code": 123456}, ("invalid_code", "code", CODE_MESSAGE)),
        ({"curp": CURP, "code": "123456\n"}, ("invalid_code", "code", CODE_MESSAGE)),
        ({"curp": CURP, "centre": None}, ("unknown_centre", "centre", "must be one of your centres")),
    ],
)
def test_each_field_of_a_request_keeps_its_code(body: dict[str, Any], expected: tuple[str, str, str]) -> None:
    assert refusal(CreateDelegation, body) == expected


@pytest.mark.parametrize("code", [None, "12", "123456\n", "١٢٣٤٥٦"])
def test_a_confirmation_code_is_six_ascii_digits_checked_whole(code: Any) -> None:
    assert refusal(ConfirmDelegation, {"code": code}) == ("invalid_code", "code", CODE_MESSAGE)


@pytest.mark.parametrize("flag", [None, "true", 1])
def test_documents_allowed_is_true_or_false(flag: Any) -> None:
    assert refusal(DelegationFlags, {"documents_allowed": flag}) == (
        "invalid_flag",
        "documents_allowed",
        "must be true or false",
    )
    assert refusal(DelegationFlags, {}) == ("invalid_flag", "documents_allowed", "must be true or false")
