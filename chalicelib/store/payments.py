"""Payment references (líneas de captura), each in its own partition."""

from __future__ import annotations

from typing import Any

from chalicelib.core.errors import NotFound
from chalicelib.store import keys
from chalicelib.store.models import Payment
from chalicelib.store.reads import get
from chalicelib.store.writes import Write, change


class PaymentStore:
    def get(self, reference: str) -> Payment:
        missing = NotFound("no such payment reference", code="unknown_reference")
        return get(Payment, keys.payment(reference), keys.PAYMENT_SK, missing)

    def new(self, reference: str, **fields: Any) -> Payment:
        return Payment(keys.payment(reference), keys.PAYMENT_SK, reference=reference, **fields)

    def await_payment(self, payment: Payment, token: str) -> None:
        """Keep the task token of the workflow's wait for this payment."""
        payment.update(actions=[Payment.task_token.set(token)])

    @staticmethod
    def paying(payment: Payment, pending: str, paid: str, event_id: str, at: str) -> Write:
        """A ``pending`` reference becomes ``paid`` by the bank's event: part of the
        application's change (its audit event), so that both are written or neither; if
        another notification recorded it first, nothing is written."""
        actions = [Payment.status.set(paid), Payment.paid_at.set(at), Payment.bank_event_id.set(event_id)]
        return change(payment, actions, Payment.status == pending)

    @staticmethod
    def cancelling(payment: Payment, pending: str, cancelled: str) -> Write:
        """A reference still ``pending`` is cancelled (its application was withdrawn): the
        bank is refused a payment of it, and the workflow's token is dropped.  Part of the
        application's change: if the bank paid it first, nothing is written."""
        return change(payment, [Payment.status.set(cancelled), Payment.task_token.remove()], Payment.status == pending)

    def forget_token(self, reference: str) -> None:
        """Drop the workflow's token (a wait attached just as its application was withdrawn)."""
        Payment(keys.payment(reference), keys.PAYMENT_SK).update(
            actions=[Payment.task_token.remove()], condition=Payment.pk.exists()
        )
