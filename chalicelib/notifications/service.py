"""Status messages by SMS to the phone on the citizen's record, in their language."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools import Logger

from chalicelib.applications.profiles import Profiles
from chalicelib.core.clock import parse_iso
from chalicelib.core.ports import DeliveryFailed, SmsSender
from chalicelib.legal.calendar import MEXICO_CITY
from chalicelib.notifications import templates
from chalicelib.procedures.catalogue import Catalogue
from chalicelib.store.models import Application

logger = Logger(child=True)


def local_date(value: str | None) -> str:
    """An ISO instant shown as the date people read, in Mexico City."""
    if not value:
        return ""
    return parse_iso(value).astimezone(MEXICO_CITY).strftime("%d/%m/%Y")


class Notifier:
    def __init__(self, sms: SmsSender, profiles: Profiles, catalogue: Catalogue, web_url: str) -> None:
        self._sms = sms
        self._profiles = profiles
        self._catalogue = catalogue
        self._web_url = web_url

    def __call__(self, application: Application, event: str, values: dict[str, Any]) -> None:
        profile = self._profiles.get(application.owner_curp)
        if profile is None or not profile.phone:
            logger.info("no phone on record; SMS not sent", extra={"application_id": application.id, "event": event})
            return
        definition = self._catalogue.get(application.procedure_code, application.procedure_version).definition
        language = profile.language or "es"
        agency = application.current_agency or application.agency
        context = {
            "ref": application.id,
            "procedure": definition["name"][language],
            "agency": agency,
            "deadline": local_date(application.deadline),
            "url": f"{self._web_url}/#/applications/{application.id}",
            **values,
        }
        template = templates.template_for(event, definition)
        if template is None:
            return
        text = templates.render(template, language, context)
        try:
            message_id = self._sms.send(profile.phone, text)
        except DeliveryFailed:
            logger.exception("SMS not sent", extra={"application_id": application.id, "event": event})
            return
        logger.info("SMS sent", extra={"application_id": application.id, "event": event, "message_id": message_id})
