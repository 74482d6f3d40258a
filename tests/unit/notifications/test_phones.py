"""Phone numbers as people type them, to E.164; clear errors for the rest."""

from __future__ import annotations

import pytest

from chalicelib.core.errors import ValidationFailed
from chalicelib.notifications.phones import PhoneRules, mask, normalise

MEXICO_CITY_MOBILE = "+525512345678"


@pytest.mark.parametrize(
    "typed",
    [
        "5512345678",
        "55 1234 5678",
        "55-1234-5678",
        "55.1234.5678",
        "(55) 1234-5678",
        " 55 1234 5678 ",
        "+52 55 1234 5678",
        "+52 (55) 1234-5678",
        "+525512345678",
        "+52 1 55 1234 5678",  # the mobile "1" dropped in 2019
        "0052 55 1234 5678",
        "52 55 1234 5678",
        "521 55 1234 5678",
        "044 55 1234 5678",  # legacy mobile prefixes
        "045 55 1234 5678",
        "01 55 1234 5678",  # legacy long-distance prefix
        "044-55-1234-5678",
    ],
)
def test_mexican_numbers_in_every_form_people_type(typed: str) -> None:
    assert normalise(typed) == MEXICO_CITY_MOBILE


def test_other_area_codes_keep_their_ten_digits() -> None:
    assert normalise("33 1234 5678") == "+523312345678"
    assert normalise("999 123 4567") == "+529991234567"


@pytest.mark.parametrize(
    ("typed", "code", "says"),
    [
        ("", "invalid_phone", "is required"),
        ("55 1234 567", "invalid_phone", "10 digits"),
        ("55 1234 56789", "invalid_phone", "10 digits"),
        ("+52 55 1234 567", "invalid_phone", "10 digits"),
        ("0 55 1234 567", "invalid_phone", "never starts with 0"),
        ("55 1234 5678 ext 2", "invalid_phone", "only digits"),
        ("cincuenta y cinco", "invalid_phone", "only digits"),
        ("٥٥١٢٣٤٥٦٧٨", "invalid_phone", "only digits"),
        ("+1 415 555 0100", "phone_country_not_allowed", "Mexican numbers"),
        ("+44 20 7946 0958", "phone_country_not_allowed", "Mexican numbers"),
    ],
)
def test_bad_numbers_are_refused_saying_why(typed: str, code: str, says: str) -> None:
    with pytest.raises(ValidationFailed) as refused:
        normalise(typed)
    assert refused.value.code == code
    assert says in refused.value.message
    assert refused.value.details == [{"field": "phone", "message": refused.value.message.removeprefix("phone: ")}]


def test_not_a_string_is_refused() -> None:
    with pytest.raises(ValidationFailed):
        normalise(5512345678)


def test_other_countries_only_where_the_deployment_allows_them() -> None:
    rules = PhoneRules.from_setting("US, gt")
    assert rules.normalise("+1 (415) 555-0100") == "+14155550100"
    assert rules.normalise("+502 2345 6789") == "+50223456789"
    assert rules.normalise("55 1234 5678") == MEXICO_CITY_MOBILE  # Mexico always
    with pytest.raises(ValidationFailed) as short:
        rules.normalise("+1 415 555 010")
    assert short.value.code == "invalid_phone" and "10 digits" in short.value.message
    with pytest.raises(ValidationFailed) as elsewhere:
        rules.normalise("+44 20 7946 0958")
    assert elsewhere.value.code == "phone_country_not_allowed"
    assert "GT, US" in elsewhere.value.message


def test_a_country_without_a_numbering_plan_is_a_configuration_error() -> None:
    with pytest.raises(ValueError, match="SMS_ALLOWED_COUNTRIES"):
        PhoneRules.from_setting("MX,XX")


def test_numbers_shown_back_are_masked() -> None:
    assert mask(MEXICO_CITY_MOBILE) == "+52 55 **** **78"
    assert mask("+14155550100") == "+14*******00"
