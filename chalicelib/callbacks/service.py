"""Call me back: a person asks the agency holding their application to phone them.

From the web the holder asks on the application's page (the phone on their record, or a
Mexican number they type); from the telephone line the caller's number must be linked to
the application by the same rule as the SMS ``ESTADO`` command (the owner's phone on
record, or a confirmed subscriber), and any other number learns nothing: the same 404 as
an unknown application.  The request goes into the agency's own callback queue with its
own deadline (``CALLBACK_BUSINESS_DAYS`` on the agency's legal calendar) and is audited
on the application's chain (``callback.requested``); an official of that agency records
what came of the call (``callback.completed``: reached, no_answer or wrong_number, and a
note), which the holder reads in the timeline.  The chain keeps the phone masked; the
request item keeps it whole only until the call's outcome is recorded, and is itself removed
by DynamoDB's TTL a retention period later (``legal.retention_schedule``: ``callbacks``).

An application has at most one open request (``Application.open_callback``, written with
the audit event under the application's version, so two requests at once cannot both
pass).
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from typing import Any

from msgspec import Struct

from chalicelib.applications import transitions as status
from chalicelib.applications.audit import masked_phone
from chalicelib.applications.service import Applications
from chalicelib.applications.transitions import Change, Transitions
from chalicelib.callbacks.requests import CallbackAsk, CallbackOutcome
from chalicelib.core.clock import iso, utcnow
from chalicelib.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from chalicelib.core.ids import new_id
from chalicelib.identity.principal import Principal
from chalicelib.legal.calendar import deadline_after, legal_date
from chalicelib.legal.retention_schedule import days_of
from chalicelib.notifications.phones import MEXICO, any_e164, normalise
from chalicelib.notifications.service import Notifications
from chalicelib.procedures import jurisdictions
from chalicelib.store.callbacks import OPEN
from chalicelib.store.models import Application, CallbackRequest
from chalicelib.store.pages import Page, PageRequest
from chalicelib.store.repositories import Repositories

# Two business days on the agency's legal calendar: a call is a courtesy, not a legal act, so it
# has no statutory term; two days is the shortest an office with one phone shift a day can keep
# across a day off, and short enough to matter to a person waiting on a review of 5 to 20 days.
CALLBACK_BUSINESS_DAYS = 2
CHANNELS = ("web", "phone")
SECONDS_PER_DAY = 86400
ID_LENGTH = 6  # after the application's id: a handful of requests per application
ATTEMPTS = 4  # a request made while the workflow moves the application is tried again on a fresh read
REQUESTED = "callback.requested"
COMPLETED = "callback.completed"


class Callbacks(Struct, frozen=True):
    applications: Applications
    store: Repositories
    transitions: Transitions
    notifications: Notifications

    # --- the holder's side -----------------------------------------------------------
    def ask(self, principal: Principal, application_id: str, body: CallbackAsk) -> CallbackRequest:
        """The holder (or their assistant) asks from the web: the phone typed, else the record's."""
        application = self.applications.owned(principal, application_id, consistent=True)
        profile = self.applications.profiles.get(application.owner)
        if body.phone is not None:
            phone = normalise(body.phone, (MEXICO,), field="phone")
        elif profile is not None and profile.phone:
            phone = normalise(profile.phone, (MEXICO,), field="phone")
        else:
            raise ValidationFailed.field(
                "phone",
                "is required: your record has no phone; type a Mexican number of 10 digits",
                code="invalid_phone",
            )
        language = str(profile.language or "es") if profile is not None else "es"
        return self._open(
            application,
            lambda: self.applications.owned(principal, application_id, consistent=True),
            phone,
            "web",
            lambda current: self.applications.actor(principal, current),
            body.note,
            language,
        )

    def request(
        self, application_id: str, phone: str, channel: str = "phone", note: str | None = None
    ) -> CallbackRequest:
        """A caller asks by telephone (the IVR): ``phone`` is the caller's number, which must be
        linked to the application as for ``ESTADO``; otherwise 404, as for an unknown application."""
        if channel not in CHANNELS:
            raise ValueError(f"unknown channel {channel!r}")
        phone = any_e164(phone)  # as Connect gives it, or as a person typed it: compared in E.164
        application = self.store.applications.find(application_id, consistent=True)
        language = self.notifications.linked_language(phone, application) if application is not None else None
        if application is None or language is None:
            raise NotFound("no such application", code="unknown_application")
        actor = {"kind": "caller", "id": masked_phone(phone)}
        found = application
        return self._open(
            application,
            lambda: self.store.applications.find(application_id, consistent=True) or found,
            phone,
            channel,
            lambda _: actor,
            note,
            language,
        )

    def _open(
        self,
        application: Application,
        reload: Callable[[], Application],
        phone: str,
        channel: str,
        actor_of: Callable[[Application], dict[str, Any]],
        note: str | None,
        language: str,
    ) -> CallbackRequest:
        """Open the request on ``application`` as read; when the workflow (or another request)
        changes it between the read and the write, read it again and decide again."""
        for _ in range(ATTEMPTS):
            try:
                return self._open_once(application, phone, channel, actor_of, note, language)
            except Conflict as error:
                if error.code != "concurrent_change":
                    raise
                time.sleep(random.uniform(0.01, 0.1))
                application = reload()
        raise Conflict(
            "the application kept changing (perhaps a call was just requested); reload and retry",
            code="concurrent_change",
        )

    def _open_once(
        self,
        application: Application,
        phone: str,
        channel: str,
        actor_of: Callable[[Application], dict[str, Any]],
        note: str | None,
        language: str,
    ) -> CallbackRequest:
        if application.status == status.DRAFT:
            raise Conflict(
                "the application is a draft: no agency holds it yet; submit it first", code="callback_not_filed"
            )
        if application.status in status.FINAL:
            raise Conflict(
                f"the application is {application.status}: it has ended, so no agency will call about it",
                code="application_ended",
            )
        if application.open_callback:
            raise Conflict(
                "a call is already requested for this application; the agency will call",
                code="callback_already_requested",
            )
        agency = str(application.current_agency or application.agency)
        now = utcnow()
        requested_at = iso(now)
        days_off = self.store.calendars.days_off(self._calendars(application, agency), legal_date(now))
        deadline = iso(deadline_after(legal_date(now), CALLBACK_BUSINESS_DAYS, days_off))
        callback = self.store.callbacks.new(
            application.id,
            new_id(ID_LENGTH),
            agency,
            requested_at,
            deadline,
            procedure_code=application.procedure_code,
            phone=phone,
            channel=channel,
            note=note,
            language=language,
        )
        self.transitions.record(
            application,
            actor_of(application),
            Change(
                REQUESTED,
                reason=note,
                details={
                    "callback_id": callback.id,
                    "agency": agency,
                    "channel": channel,
                    "phone": phone,  # masked by the chain
                    "deadline": deadline,
                },
            ),
            fields={"open_callback": callback.id},
            also=[self.store.callbacks.creating(callback)],
        )
        return callback

    # --- the agency's side -----------------------------------------------------------
    def queue(self, principal: Principal, agency: str, page: PageRequest) -> Page[CallbackRequest]:
        if agency not in principal.official_of and agency not in principal.supervisor_of:
            raise Forbidden(f"only officials of {agency} see its callbacks", code="other_agency")
        return self.store.callbacks.queue(agency, page)

    def complete(self, principal: Principal, callback_id: str, body: CallbackOutcome) -> CallbackRequest:
        """An official of the request's agency records what came of the call."""
        callback = self.store.callbacks.get(callback_id, consistent=True)
        if callback is None:
            raise NotFound("no such callback request", code="unknown_callback")
        if callback.agency not in principal.official_of and callback.agency not in principal.supervisor_of:
            raise Forbidden(f"this callback belongs to {callback.agency}; you cannot close it", code="other_agency")
        if callback.status != OPEN:
            raise Conflict(f"this callback was already answered ({callback.outcome})", code="callback_closed")
        application = self.applications.load(callback.application_id, consistent=True)
        now = utcnow()
        completed_at = iso(now)
        fields = {
            "outcome": body.outcome,
            "outcome_note": body.note,
            "completed_at": completed_at,
            "completed_by": principal.username,
            "phone": masked_phone(callback.phone),  # called: the number is no longer needed
            "expiration": int(now.timestamp()) + days_of("callbacks") * SECONDS_PER_DAY,
        }
        try:
            self.transitions.record(
                application,
                principal.describe(),
                Change(
                    COMPLETED,
                    reason=body.note,
                    details={"callback_id": callback.id, "outcome": body.outcome, "phone": callback.phone},
                ),
                fields={"open_callback": None},
                also=[self.store.callbacks.closing(callback, fields)],
            )
        except Conflict as error:
            if error.code == "precondition_failed":
                raise Conflict("this callback was already answered", code="callback_closed") from None
            raise
        for name, value in {**fields, "status": "done"}.items():
            setattr(callback, name, value)
        return callback

    def _calendars(self, application: Application, agency: str) -> tuple[str, ...]:
        version = self.applications.catalogue.get(application.procedure_code, int(application.procedure_version))
        return jurisdictions.calendars_of(version.definition, agency)
