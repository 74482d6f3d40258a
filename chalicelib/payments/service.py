"""Fees by línea de captura: the workflow asks for payment, the bank confirms it.

The payment step creates the reference and waits; the bank's signed webhook marks it
paid exactly once (a conditional write) and resumes the workflow.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import timedelta
from decimal import Decimal
from typing import Any

from aws_lambda_powertools import Logger
from msgspec import Struct

from chalicelib.adapters.ports import TaskGone, WorkflowEngine
from chalicelib.applications import transitions as status
from chalicelib.applications.transitions import SYSTEM, Change, Transitions
from chalicelib.core.clock import iso, parse_iso, utcnow
from chalicelib.core.errors import Conflict, NotFound, ValidationFailed
from chalicelib.legal.calendar import end_of_day, legal_date, local_date
from chalicelib.legal.clock import timer_seconds
from chalicelib.payments import signature
from chalicelib.payments.reference import is_valid_reference, new_reference
from chalicelib.payments.requests import BankWebhook
from chalicelib.store.models import Application, Payment
from chalicelib.store.repositories import Repositories
from chalicelib.store.writes import Write, create

logger = Logger(child=True)
PENDING, PAID = "pending", "paid"
CANCELLED = "cancelled"  # its application was withdrawn before it was paid
Once = Callable[[str, str, Any, Callable[[], Any]], Any]
DEFAULT_EXPIRY_DAYS = 30


class Payments(Struct, frozen=True):
    store: Repositories
    transitions: Transitions
    engine: WorkflowEngine
    legal_day_seconds: Decimal
    webhook_secret: Callable[[], str]
    once: Once

    # --- the workflow's side -------------------------------------------------------
    def open(self, application: Application, step_id: str, step: Mapping[str, Any], key: str) -> dict[str, Any]:
        if application.payment_reference:  # a replayed step, or an operator's retry: keep the reference
            payment = self.get(application.payment_reference)
            if payment.status == PAID or parse_iso(payment.expires_at) > utcnow():
                return {
                    "timeout_seconds": timer_seconds(parse_iso(payment.expires_at), utcnow(), self.legal_day_seconds)
                }
        now = utcnow()
        expires = iso(end_of_day(legal_date(now) + timedelta(days=step.get("expires_days", DEFAULT_EXPIRY_DAYS))))
        reference = new_reference(legal_date(now))
        amount = application.fee or "0.00"
        payment = self.store.payments.new(
            reference,
            application_id=application.id,
            amount=amount,
            expires_at=expires,
            status=PENDING,
            created_at=iso(now),
        )
        self.transitions.record(
            application,
            SYSTEM,
            Change(
                "payment.requested",
                to_status=status.AWAITING_PAYMENT,
                details={
                    "reference": reference,
                    "amount": amount,
                    "currency": "MXN",
                    "expires_at": expires,
                    "step": step_id,
                },
                notify="awaiting_payment",
                notify_values={"amount": amount, "reference": reference, "expires": local_date(expires)},
            ),
            fields={
                "payment_reference": reference,
                "current_step": step_id,
                "current_agency": None,
                "deadline": expires,
            },
            also=[create(payment)],
            key=key,
        )
        return {"timeout_seconds": timer_seconds(parse_iso(expires), now, self.legal_day_seconds)}

    def attach_token(self, application: Application, token: str) -> None:
        payment = self.get(application.payment_reference or "")
        self.store.payments.await_payment(payment, token)
        if payment.status == PAID:  # the bank was quicker than the workflow
            self._resume(payment)

    # --- the citizen's side --------------------------------------------------------
    def slip(self, application: Application) -> Payment:
        """The payment the application awaits (its línea de captura), once there is one."""
        if not application.payment_reference:
            raise Conflict(
                f"the application is {application.status}; there is nothing to pay yet", code="nothing_to_pay"
            )
        return self.get(application.payment_reference)

    def withdrawing(self, application: Application) -> list[Write]:
        """What withdrawing the application does to its payment, written with the change: a
        pending reference is cancelled (if the bank pays it meanwhile, the change fails as a
        whole).  Refused while the application awaits a payment the bank already made: its
        document is being issued."""
        if not application.payment_reference:
            return []
        payment = self.get(application.payment_reference)
        if payment.status == PENDING:
            return [self.store.payments.cancelling(payment, PENDING, CANCELLED)]
        if payment.status == PAID and application.status == status.AWAITING_PAYMENT:
            raise Conflict(
                "the fee was already paid; the document is being issued and the application can no longer be withdrawn",
                code="already_paid",
            )
        return []

    # --- the bank's side -----------------------------------------------------------
    def authenticate(self, raw_body: bytes, signature_header: str | None) -> None:
        """Refuse a notification the bank did not sign: checked over the raw bytes, before
        anything in them is read."""
        signature.verify(self.webhook_secret(), raw_body, signature_header)

    def confirm(self, notification: BankWebhook) -> dict[str, Any]:
        """A bank notification whose signature was checked (``authenticate``); each event
        id is processed once (repeats get the same answer: what it stored)."""
        amount = notification.paid
        described = {"reference": notification.reference, "amount": str(amount)}
        event_id = notification.event_id
        result: dict[str, Any] = self.once(
            "bank-event", event_id, described, lambda: self._confirm(event_id, notification.reference, amount)
        )
        return result

    def _confirm(self, event_id: str, reference: str, amount: Decimal) -> dict[str, Any]:
        payment = self.get(reference)
        if payment.status == CANCELLED:
            raise Conflict(
                "this payment reference was cancelled (its application was withdrawn); the bank must refuse it",
                code="reference_cancelled",
            )
        if Decimal(payment.amount) != amount:
            raise ValidationFailed.field(
                "amount", f"does not match the amount due for this reference ({payment.amount})", code="amount_mismatch"
            )
        if payment.status == PAID:
            return {"status": "already_recorded", "reference": payment.reference, "event_id": payment.bank_event_id}
        if parse_iso(payment.expires_at) < utcnow():
            raise Conflict("this payment reference has expired; the bank must refuse it", code="reference_expired")
        if not self._record_received(payment, event_id):
            return {"status": "already_recorded", "reference": payment.reference}
        self._resume(payment)
        return {"status": "recorded", "reference": payment.reference, "event_id": event_id}

    def get(self, reference: str) -> Payment:
        if not is_valid_reference(reference):
            raise NotFound("no such payment reference", code="unknown_reference")
        return self.store.payments.get(reference)

    def _record_received(self, payment: Payment, event_id: str) -> bool:
        """Mark the reference paid and record it in the application's audit, in one
        transaction; False if another notification recorded it first."""
        paying = self.store.payments.paying(payment, PENDING, PAID, event_id, iso(utcnow()))
        for _ in range(3):
            application = self.store.applications.get(payment.application_id, consistent=True)
            try:
                return self.transitions.record(
                    application,
                    {"kind": "bank", "id": "webhook"},
                    Change(
                        "payment.received",
                        details={"reference": payment.reference, "amount": payment.amount, "event_id": event_id},
                        notify="payment_received",
                        notify_values={"amount": payment.amount},
                    ),
                    key=f"payment/{payment.reference}",
                    also=[paying],
                )
            except Conflict as error:
                if error.code == "precondition_failed":
                    return False
                if error.code != "concurrent_change":
                    raise
        raise Conflict(
            "the application kept changing; the bank may send the notification again", code="concurrent_change"
        )

    def _resume(self, payment: Payment) -> None:
        if not payment.task_token:
            return
        try:
            self.engine.resume(payment.task_token, {"paid": True, "reference": payment.reference})
        except TaskGone:
            logger.error("payment confirmed after the workflow stopped waiting", extra={"reference": payment.reference})
