"""Warnings to an agency's officials that a legal deadline is near (by SMS)."""

from __future__ import annotations

from aws_lambda_powertools import Logger

from chalicelib.adapters.ports import DeliveryFailed, Directory, SmsSender
from chalicelib.identity import groups
from chalicelib.legal.calendar import local_date
from chalicelib.store.models import Application, Review

logger = Logger(child=True)


class AgencyAlerts:
    def __init__(self, directory: Directory, sms: SmsSender) -> None:
        self._directory = directory
        self._sms = sms

    def __call__(self, agency: str, application: Application, review: Review) -> None:
        text = (
            f"Ventanilla {agency}: el tramite {application.id} vence el {local_date(review.deadline)}. Resuelvalo en "
            f"su bandeja antes del plazo legal."
        )
        group = groups.supervisor(agency) if review.escalated else groups.official(agency)
        for phone in self._directory.phones_in_group(group):
            try:
                self._sms.send(phone, text)
            except DeliveryFailed:
                logger.exception(
                    "deadline warning not sent", extra={"application_id": application.id, "agency": agency}
                )
