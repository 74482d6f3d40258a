"""Warnings to an agency's officials that a legal deadline is near (by SMS), sent from the
table's stream for each ``review.deadline_warning`` event: once per (application, event,
phone), however often the event is delivered."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools import Logger

from chalicelib.adapters.idempotency import Wrapper
from chalicelib.adapters.ports import DeliveryFailed, Directory, SmsSender
from chalicelib.identity import groups
from chalicelib.legal.calendar import local_date
from chalicelib.store.models import Application, Review

logger = Logger(child=True)


class AgencyAlerts:
    def __init__(self, directory: Directory, sms: SmsSender, once: Wrapper) -> None:
        self._directory = directory
        self._sms = sms
        self._send_once = once(self._send)

    def __call__(self, agency: str, application: Application, review: Review, seq: int) -> None:
        text = (
            f"Ventanilla {agency}: el tramite {application.id} vence el {local_date(review.deadline)}. Resuelvalo en "
            f"su bandeja antes del plazo legal."
        )
        group = groups.supervisor(agency) if review.escalated else groups.official(agency)
        for phone in self._directory.phones_in_group(group):
            key = {"application": application.id, "seq": seq, "phone": phone}
            self._send_once(delivery={"key": key, "phone": phone, "text": text, "agency": agency})

    def _send(self, delivery: dict[str, Any]) -> dict[str, Any]:
        try:
            return {"sent": self._sms.send(delivery["phone"], delivery["text"])}
        except DeliveryFailed:
            logger.exception("deadline warning not sent", extra={"application_id": delivery["key"]["application"]})
            return {"failed": True}
