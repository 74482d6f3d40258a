"""What the SMS routes take, parsed at the edge: each field missing or of the wrong type is
refused with the code and message the API answered before the types existed."""

from __future__ import annotations

from typing import Any

import pytest

from chalicelib.api.notifications import MessagesQuery
from chalicelib.api.routes import parse
from chalicelib.core.errors import ValidationFailed
from chalicelib.core.fields import UNSET
from chalicelib.notifications.phones import REQUIRED, normalise
from chalicelib.notifications.requests import ConfirmSubscription, CreateSubscription
from tests.support.parsing import refusal

SUBSCRIBE = {"application_id": "8Q9FQ5PXS4", "phone": "044 55 8765 4321"}
CODE_REQUIRED = "is required: the six digits sent to the phone"


def test_a_subscription_takes_the_citizens_language_unless_one_is_given() -> None:
    assert parse(CreateSubscription, SUBSCRIBE, "body").language is UNSET
    assert parse(CreateSubscription, {**SUBSCRIBE, "language": "en"}, "body").language == "en"


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (
            {"application_id": ""},
            ("validation_failed", "application_id", "is required: the application whose messages the phone gets"),
        ),
        (
            {"application_id": 5},
            ("validation_failed", "application_id", "is required: the application whose messages the phone gets"),
        ),
        ({"phone": None}, ("invalid_phone", "phone", REQUIRED)),
        ({"phone": 5512345678}, ("invalid_phone", "phone", REQUIRED)),
        ({"language": "fr"}, ("invalid_language", "language", "must be one of es, en")),
        ({"language": None}, ("invalid_language", "language", "must be one of es, en")),
    ],
)
def test_each_field_of_a_subscription_keeps_its_code(change: dict[str, Any], expected: tuple[str, str, str]) -> None:
    assert refusal(CreateSubscription, {**SUBSCRIBE, **change}) == expected


def test_a_missing_phone_is_refused_as_the_domain_refuses_an_empty_one() -> None:
    assert refusal(CreateSubscription, {"application_id": "8Q9FQ5PXS4"}) == ("invalid_phone", "phone", REQUIRED)
    with pytest.raises(ValidationFailed) as empty:
        normalise("")
    assert empty.value.message == f"phone: {REQUIRED}"


@pytest.mark.parametrize("code", [None, 123456, "12", "1234567", "123456\n", "١٢٣٤٥٦", " 123456"])
def test_a_confirmation_code_is_six_ascii_digits_checked_whole(code: Any) -> None:
    assert refusal(ConfirmSubscription, {"code": code}) == ("invalid_code", "code", CODE_REQUIRED)


def test_a_confirmation_without_code_is_refused_with_its_code() -> None:
    assert refusal(ConfirmSubscription, {}) == ("invalid_code", "code", CODE_REQUIRED)
    assert parse(ConfirmSubscription, {"code": "012345"}, "body").code == "012345"


def test_the_operators_filter_takes_any_text_and_nothing_is_required() -> None:
    assert parse(MessagesQuery, {}, "query") == MessagesQuery()
    found = parse(MessagesQuery, {"phone": "+52 55 1234 5678", "application_id": ""}, "query")
    assert (found.phone, found.application_id) == ("+52 55 1234 5678", "")
