"""The bank's notification is read only after its signature is checked, as it was sent:
each field is checked whole, with the codes the bank has always been answered."""

from __future__ import annotations

from typing import Any

import pytest

from chalicelib.api.routes import parse
from chalicelib.core.errors import ValidationFailed
from chalicelib.payments.requests import AMOUNT_RULE, EVENT_ID_RULE, REFERENCE_RULE, BankWebhook, decode
from tests.support.parsing import refusal

REFERENCE = "26112780244763066564"
PAID = {"event_id": "evt-2611-000123", "reference": REFERENCE, "amount": "1016.00"}


def test_a_notification_reads_its_amount_as_a_number() -> None:
    assert str(parse(BankWebhook, {**PAID, "currency": "MXN"}, "body").paid) == "1016.00"


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"event_id": "evt\n"}, ("validation_failed", "event_id", EVENT_ID_RULE)),
        ({"event_id": ""}, ("validation_failed", "event_id", EVENT_ID_RULE)),
        ({"reference": REFERENCE[:-1] + "5"}, ("invalid_reference", "reference", REFERENCE_RULE)),
        ({"reference": REFERENCE + "\n"}, ("invalid_reference", "reference", REFERENCE_RULE)),
        ({"reference": 5}, ("invalid_reference", "reference", REFERENCE_RULE)),
        ({"amount": 1016.0}, ("validation_failed", "amount", AMOUNT_RULE)),
        ({"amount": "1016.00\n"}, ("validation_failed", "amount", AMOUNT_RULE)),
        ({"currency": "USD"}, ("unsupported_currency", "currency", "must be MXN")),
        ({"currency": None}, ("unsupported_currency", "currency", "must be MXN")),
    ],
)
def test_each_field_is_checked_whole(change: dict[str, Any], expected: tuple[str, str, str]) -> None:
    assert refusal(BankWebhook, {**PAID, **change}) == expected


def test_what_is_not_json_or_not_an_object_is_refused() -> None:
    with pytest.raises(ValidationFailed) as refused:
        decode(b"{nope")
    assert refused.value.message == "body: must be JSON"
    assert refusal(BankWebhook, decode(b"")) == ("validation_failed", "body", "must be a JSON object")
