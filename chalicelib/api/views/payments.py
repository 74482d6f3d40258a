"""Payments as the API shows them: the citizen's slip, the bank's confirmation."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any

from msgspec import Meta

from chalicelib.api.views.common import NullableInstant, choices, shown
from chalicelib.core.fields import UNSET, Instant, Money, PaymentReference, Struct, Text, UnsetType
from chalicelib.payments.reference import formatted
from chalicelib.store.models import Application, Payment

# printed on every slip: against middlemen who sell "speed"
NO_OTHER_CHARGE = Text(
    es="Este trámite no tiene ningún otro costo. Nadie puede cobrarle por agilizarlo.",
    en="This procedure has no other charge. Nobody may charge you to speed it up.",
)


class PaymentSlip(Struct, kw_only=True):
    reference: PaymentReference
    reference_formatted: Annotated[
        str, Meta(description="Groups of four digits, for printing.", examples=["2611 2780 2447 6306 6564"])
    ]
    amount: Money
    currency: Annotated[str, choices("MXN")]
    expires_at: Instant
    status: Annotated[str, choices("pending", "paid", "cancelled")]
    paid_at: NullableInstant
    application_id: str
    notice: Annotated[Text, Meta(description="That the procedure has no other charge (against middlemen).")]


class BankWebhookResult(Struct, kw_only=True):
    status: Annotated[str, choices("recorded", "already_recorded")]
    reference: PaymentReference
    event_id: Annotated[
        str | UnsetType | None,
        Meta(
            description=(
                "The notification that recorded the payment (absent when a concurrent notification won the race)."
            )
        ),
    ] = UNSET


def slip(application: Application, payment: Payment) -> PaymentSlip:
    return shown(
        PaymentSlip,
        payment,
        reference_formatted=formatted(payment.reference),
        application_id=application.id,
        notice=NO_OTHER_CHARGE,
    )


def webhook_result(result: Mapping[str, Any]) -> BankWebhookResult:
    """What ``Payments.confirm`` answered (or stored, for a repeated notification)."""
    return shown(BankWebhookResult, result)
