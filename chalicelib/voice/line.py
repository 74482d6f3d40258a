"""What a calling phone hears about its applications: the same linking rule as ESTADO."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from msgspec import Struct

from chalicelib.callbacks.service import Callbacks
from chalicelib.core import ids
from chalicelib.core.errors import Conflict, NotFound
from chalicelib.identity.profiles import calling_number
from chalicelib.legal.calendar import local_date
from chalicelib.notifications.service import Notifications
from chalicelib.store.models import Application
from chalicelib.store.repositories import Repositories
from chalicelib.voice import connect, speech
from chalicelib.voice.connect import Answer


class StatusLine(Struct, frozen=True, kw_only=True):
    store: Repositories
    notifier: Notifications  # its ``linked_language`` is the rule; its ``status_values`` what to say
    callbacks: Callbacks  # the agencies' call-me-back queues (menu 3)
    # counts a status query answered, by channel (the open data by channel: ``stats.channels``)
    count_query: Callable[[str], object] | None = None

    # --- Connect's events ------------------------------------------------------------------
    def status_event(self, event: Mapping[str, Any]) -> Answer:
        """``voice_status``: the caller's linked applications, newest first."""
        lang = connect.language(event)
        phone = connect.caller(event)
        return self._counted(connect.within_deadline(lambda: self.status(phone, lang), lang))

    def folio_event(self, event: Mapping[str, Any]) -> Answer:
        """``voice_folio``: one application by the folio typed (``Parameters.folio``)."""
        lang = connect.language(event)
        typed = str(connect.parameters(event).get("folio") or "").strip().rstrip("#")
        if ids.folio_shape(typed) is not None:
            return connect.flat({"result": "invalid", "say": speech.said("invalid_folio", lang)})  # no read
        phone = connect.caller(event)
        return self._counted(connect.within_deadline(lambda: self.folio(phone, typed, lang), lang))

    def callback_event(self, event: Mapping[str, Any]) -> Answer:
        """``voice_callback``: the caller asks the agency holding the application whose folio they
        typed to call them back (``Parameters.folio``)."""
        lang = connect.language(event)
        typed = str(connect.parameters(event).get("folio") or "").strip().rstrip("#")
        if ids.folio_shape(typed) is not None:
            return connect.flat({"result": "invalid", "say": speech.said("invalid_folio", lang)})  # no read
        phone = connect.caller(event)
        return connect.within_deadline(lambda: self.request_callback(phone, typed, lang), lang)

    def request_callback(self, phone: str | None, folio: str, lang: str) -> Answer:
        """Ask for a call about the application of a well-formed ``folio`` from ``phone``: only a
        phone linked to it (ESTADO's rule, checked by ``Callbacks.request``); any other hears
        ESTADO's neutral answer, so a guessed folio learns nothing."""
        if phone is None:
            return {"result": "none", "say": speech.neutral(folio, lang)}
        try:
            callback = self.callbacks.request(ids.application_id_of(folio), phone, "phone")
        except NotFound:
            return {"result": "none", "say": speech.neutral(folio, lang)}
        except Conflict as refused:
            if refused.code not in ("callback_already_requested", "callback_not_filed", "application_ended"):
                raise
            return {"result": "refused", "say": speech.said(refused.code, lang)}
        deadline = speech.date(local_date(str(callback.deadline)))
        return {
            "result": "requested",
            "say": speech.said("callback_requested", lang, date="{date}").replace("{date}", deadline),
        }

    def _counted(self, answer: Answer) -> Answer:
        """A status answered (found, or the neutral answer) is a status query by phone, as an
        ESTADO answered is one by SMS; a fallback answered nothing."""
        if answer.get("result") in ("found", "none") and self.count_query is not None:
            self.count_query("phone")
        return answer

    # --- the answers -----------------------------------------------------------------------
    def status(self, phone: str | None, lang: str) -> Answer:
        mine = self.linked(phone) if phone else []
        if not mine:
            return {"result": "none", "count": "0", "say": speech.neutral("", lang)}
        spoken = mine[: speech.MAX_SPOKEN]
        if len(mine) == 1:
            head = speech.said("count_one", lang)
        elif len(mine) == len(spoken):
            head = speech.said("count_many", lang, count=len(mine))
        else:
            head = speech.said("count_more", lang, count=len(mine), spoken=len(spoken))
        sentences = [self._sentence(application, lang) for application in spoken]
        return {"result": "found", "count": str(len(mine)), "say": " ".join([head, *sentences])}

    def folio(self, phone: str | None, typed: str, lang: str) -> Answer:
        """A well-formed folio: its application if the phone is linked to it, else ESTADO's neutral answer."""
        application = self.store.applications.find(ids.application_id_of(typed))
        if application is None or phone is None or self.notifier.linked_language(phone, application) is None:
            return {"result": "none", "count": "0", "say": speech.neutral(typed, lang)}
        return {"result": "found", "count": "1", "say": self._sentence(application, lang)}

    def linked(self, phone: str) -> list[Application]:
        """The applications ``phone`` is linked to, newest first: the candidates filed under the
        phone (its holders' records, its subscriptions), each kept only if ESTADO's rule says so."""
        filed = self.store.callers.linked_to(phone)
        found: dict[str, Application] = {}
        for holder in filed.holders:
            found.update((application.id, application) for application in self.store.callers.applications_of(holder))
        for application_id in filed.applications:
            if application_id not in found:
                application = self.store.applications.find(application_id)
                if application is not None:
                    found[application_id] = application
        mine = [item for item in found.values() if self.notifier.linked_language(phone, item) is not None]
        return sorted(mine, key=lambda item: (str(item.created_at), str(item.id)), reverse=True)

    def _sentence(self, application: Application, lang: str) -> str:
        definition = self.notifier.catalogue.get(application.procedure_code, int(application.procedure_version))
        names = definition.definition.get("name")
        procedure = str(names.get(lang) or names.get("es")) if isinstance(names, dict) else application.procedure_code
        values = self.notifier.status_values(application, lang)
        return speech.application(values, procedure, application.phone_folio, lang)

    # --- filing what was written before the line existed -------------------------------------
    def file_holder(self, holder: str) -> dict[str, int]:
        """File the holder's profile and subscriptions under their phones (``ops voice-file``):
        items written before the status line are not under ``keys.caller`` until then.  Safe to
        run again: what is filed already is left alone."""
        callers = self.store.callers
        profile, subscriptions = callers.unfiled(holder)
        phone = calling_number(profile.phone) if profile is not None else None
        if profile is not None and phone is not None:
            callers.file_profile(profile, phone)
        for subscription in subscriptions:
            callers.file_subscription(subscription)
        return {"profiles": int(phone is not None), "subscriptions": len(subscriptions)}
