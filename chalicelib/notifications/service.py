"""The SMS service: status messages to each confirmed subscriber, exactly once.

``Notifications.tell`` sends what an audit event asks for (its ``notify``, written with
the change); the stream's messages consumer (``chalicelib.events``) calls it for each
new audit event.  For each confirmed subscriber of the application (the owner's phone on
record is one, implicitly) it delivers one message, in that subscriber's language,
through ``deliver`` — which Powertools Idempotency wraps (see the composition root),
keyed by application, event, audit sequence and phone, so a redelivered batch or a
retried workflow step sends nothing twice.  The idempotency record is the claim: written
(in progress) before the carrier is asked, completed after the delivery log says what
happened.  A delivery that stopped between the two is sent again only once its claim
expires (``SMS_IDEMPOTENCY_SECONDS``): the one window in which a message may go twice
(docs/events.md).

Delivering checks, in order: consent (our per-agency opt-outs; skipped messages are
logged ``opted_out_skipped``), quiet hours (a non-urgent message is logged ``queued``
with ``send_after`` and sent by ``send_due``, which a schedule runs), the per-phone rate
limit (``rate_limited``), then hands the text to the ``SmsSender`` port (``sent`` or
``failed``).  Every outcome is an entry of the delivery log.

``inbound`` handles replies (the SNS two-way SMS payload): STOP/BAJA/ALTO opt the phone
out of the agency whose message it answers, "STOP TODO" out of everything;
``ESTADO <ref>``/``STATUS <ref>`` and ``AYUDA``/``HELP`` are answered (see ``commands``),
at most ``command`` (a rate-limit bucket) times an hour per phone.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable, Mapping
from functools import cached_property
from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.idempotency.exceptions import (
    IdempotencyAlreadyInProgressError,
    IdempotencyPersistenceLayerError,
)
from msgspec import Struct

from chalicelib.adapters.ports import DeliveryFailed, SmsSender
from chalicelib.applications.audit import canonical_json
from chalicelib.core.clock import iso, parse_iso, utcnow
from chalicelib.core.errors import ValidationFailed
from chalicelib.core.ids import ALPHABET, new_id
from chalicelib.identity.profiles import Profiles
from chalicelib.legal.calendar import local_date
from chalicelib.notifications import commands, segments, templates
from chalicelib.notifications.consent import Consent, parse_reply
from chalicelib.notifications.log import due_days, queue_day
from chalicelib.notifications.phones import PhoneRules, any_e164
from chalicelib.notifications.quiet_hours import QuietHours
from chalicelib.notifications.ratelimit import RateLimiter
from chalicelib.notifications.states import (
    ALL_AGENCIES,
    CONFIRMED,
    FAILED,
    OPTED_OUT_SKIPPED,
    QUEUED,
    RATE_LIMITED,
    SENT,
)
from chalicelib.privacy.notice import PROGRESS_SMS
from chalicelib.procedures.catalogue import Catalogue
from chalicelib.store.errors import StoreFailure
from chalicelib.store.models import Application, AuditEvent, SmsMessage, Subscription
from chalicelib.store.repositories import Repositories
from chalicelib.store.sms_log import SmsLogStore

NO_APPLICATION = "-"  # the delivery-log partition of answers about no application (help, neutral)

logger = Logger(child=True)

Once = Callable[[Callable[..., dict[str, Any]]], Callable[..., dict[str, Any]]]
SECRET_PLACEHOLDERS = ("code",)
# Failures of the side effect after a change committed: logged, never raised into the
# command that made the change (its change stands; the delivery log tells what happened).
_NOT_DELIVERED = (StoreFailure, IdempotencyAlreadyInProgressError, IdempotencyPersistenceLayerError)


class Recipient(Struct, frozen=True):
    """Whom one message goes to: a subscription, or a phone answered without one (a reply
    to a command, a code to confirm a delegation: ``id`` None)."""

    id: str | None
    phone: str
    language: str
    confirmed_at: str | None  # when the subscription was last confirmed with a code

    @classmethod
    def of(cls, subscription: Subscription) -> Recipient:
        return cls(subscription.id, subscription.phone, subscription.language, subscription.confirmed_at)


def message_id_for(key: Mapping[str, Any]) -> str:
    """The delivery log's id of the one message a delivery key stands for (16 characters of
    Crockford's base32): a delivery run again after a crash finds what the first one logged."""
    digest = int.from_bytes(hashlib.sha256(canonical_json(key).encode()).digest()[:10], "big")
    return "".join(ALPHABET[(digest >> (5 * place)) & 31] for place in range(16))


def _no_idempotency(function: Callable[..., dict[str, Any]]) -> Callable[..., dict[str, Any]]:
    return function


class Notifications(Struct, frozen=True, kw_only=True, dict=True):  # dict: room for its cached delivery
    store: Repositories
    profiles: Profiles
    catalogue: Catalogue
    sms: SmsSender
    web_url: str
    phones: PhoneRules
    quiet_hours: QuietHours
    limiter: RateLimiter
    consent: Consent
    once: Once = _no_idempotency
    count_sent: Callable[[SmsMessage], None] | None = None
    # counts a status query answered, by channel ("sms" here), in the open data by channel
    count_query: Callable[[str], object] | None = None

    @property
    def log(self) -> SmsLogStore:
        """The delivery log (operators read it too)."""
        return self.store.sms_log

    @cached_property
    def _deliver_once(self) -> Callable[..., dict[str, Any]]:
        return self.once(self.deliver)

    # --- status messages ----------------------------------------------------------------
    def tell(self, application: Application, event: AuditEvent, *, folded: bool = False) -> None:
        """Send what ``event`` asks its application's subscribers to be told; raises what
        kept a message from being delivered, for the stream to deliver the event again.
        ``folded``: a later message of the application tells where it is now, so news the
        holder merely asked for is left to it (never what needs them, changes their rights
        or is legally due)."""
        telling = event.notify or {}
        definition = self.catalogue.get(application.procedure_code, int(application.procedure_version)).definition
        chosen = [str(item) for item in application.sms_events or []]
        if chosen and self._opposed(application.owner, PROGRESS_SMS):
            chosen = []  # the holder opposed the progress messages they had chosen (privacy notice)
        if telling["event"] not in templates.sent_for(definition, chosen):
            return
        if folded and telling["event"] not in templates.sent_for(definition, ()):
            return
        template = templates.template_for(telling["event"], definition)
        if template is None:
            return
        for subscription in self.recipients(application):
            language = subscription.language if subscription.language in templates.LANGUAGES else "es"
            context = {
                "ref": application.id,
                "procedure": definition["name"][language],
                "url": f"{self.web_url}/#/applications/{application.id}",
                **telling["values"],
            }
            self.submit(
                application.id,
                application.agency,
                Recipient.of(subscription),
                template,
                context,
                key={
                    "application": application.id,
                    "event": telling["event"],
                    "seq": int(event.seq),
                    "phone": subscription.phone,
                },
                procedure=application.procedure_code,
                quietly=False,
            )

    def tell_holder(self, holder: str, event: str, values: Mapping[str, Any], key: dict[str, Any]) -> None:
        """Text the holder's phone on record about something of theirs that is no application
        (a privacy request's answer), at most once per ``key``; a holder without a phone
        this deployment texts is told nothing, and a message that cannot go is logged."""
        profile = self.profiles.get(holder)
        if profile is None or not profile.phone:
            return
        try:
            phone = self.phones.normalise(profile.phone)
        except ValidationFailed:
            return
        language = profile.language if profile.language in templates.LANGUAGES else "es"
        recipient = Recipient(id=None, phone=phone, language=language, confirmed_at=None)
        self.submit(NO_APPLICATION, "", recipient, templates.PLATFORM[event], values, key=key)

    def _opposed(self, holder: str, processing: str) -> bool:
        profile = self.profiles.get(holder)
        return profile is not None and processing in (profile.opposed or [])

    def submit(
        self,
        application_id: str,
        agency: str,
        recipient: Recipient,
        template: templates.Template,
        values: Mapping[str, Any],
        key: dict[str, Any],
        procedure: str | None = None,
        *,
        quietly: bool = True,
    ) -> dict[str, Any]:
        """Deliver one message to one subscriber, at most once per ``key``.  ``quietly``: a
        delivery that could not be decided is logged and answered ``not_delivered`` (the
        change that asked for it stands) rather than raised."""
        language = recipient.language if recipient.language in templates.LANGUAGES else "es"
        masked = {**values, **{name: "*" * len(str(values[name])) for name in SECRET_PLACEHOLDERS if name in values}}
        delivery = {
            "key": key,
            "application_id": application_id,
            "agency": agency,
            "procedure": procedure,
            "event": template.event,
            "template": template.label,
            "urgent": template.urgent,
            "language": language,
            "phone": recipient.phone,
            "subscription_id": recipient.id,
            "confirmed_at": recipient.confirmed_at,
            "text": templates.render(template, language, values),
            "logged_text": templates.render(template, language, masked),
        }
        try:
            return self._deliver_once(delivery=delivery)
        except _NOT_DELIVERED:
            if not quietly:
                raise
            logger.exception("SMS not delivered", extra={"application_id": application_id, "event": template.event})
            return {"status": "not_delivered"}

    def deliver(self, delivery: dict[str, Any]) -> dict[str, Any]:
        """Decide and log the fate of one message (wrapped by the idempotency layer)."""
        now = utcnow()
        count = segments.count(delivery["text"])
        message_id = message_id_for(delivery["key"])
        earlier = self._logged(delivery["application_id"], message_id)
        if earlier is not None:
            # a delivery that stopped before its claim completed (the process died): what it
            # decided stands; one that stopped between logging the message and the carrier's
            # answer is sent now — it may have gone already (docs/events.md: the one window)
            if earlier.status == QUEUED and earlier.send_after is None:
                return {"message_id": earlier.id, "status": self._send(earlier, delivery["text"])}
            return {"message_id": earlier.id, "status": earlier.status, "send_after": earlier.send_after}

        def entry(status: str, **fields: Any) -> SmsMessage:
            return self.log.new(
                delivery["application_id"],
                message_id,
                delivery["phone"],
                iso(now),
                agency=delivery["agency"],
                procedure=delivery.get("procedure"),
                event=delivery["event"],
                template=delivery["template"],
                language=delivery["language"],
                text=delivery["logged_text"],
                encoding=count.encoding,
                segments=count.segments,
                urgent=delivery["urgent"],
                status=status,
                subscription_id=delivery["subscription_id"],
                **fields,
            )

        blocked = (
            None
            if delivery["event"] in templates.URGENT
            else self.consent.blocking(delivery["phone"], delivery["agency"], delivery["confirmed_at"])
        )
        if blocked is not None:
            message = entry(OPTED_OUT_SKIPPED, detail=f"{blocked.keyword} at {blocked.at}")
            self.log.add(message)
            return {"message_id": message.id, "status": message.status}
        send_after = None if delivery["urgent"] else self.quiet_hours.defer_until(now)
        if send_after is not None:
            message = entry(QUEUED, send_after=iso(send_after))
            self.log.hold(message, queue_day(parse_iso(message.send_after)))
            return {"message_id": message.id, "status": QUEUED, "send_after": message.send_after}
        message = entry(QUEUED)
        self.log.add(message)
        return {"message_id": message.id, "status": self._send(message, delivery["text"])}

    def _logged(self, application_id: str, message_id: str) -> SmsMessage | None:
        """The message already logged under this id (answers about no application are
        never delivered again: their partition holds every phone's)."""
        if application_id == NO_APPLICATION:
            return None
        return next((item for item in self.log.for_application(application_id) if item.id == message_id), None)

    def _send(self, message: SmsMessage, text: str) -> str:
        now = utcnow()
        if not self.limiter.allow(message.phone, "sms", now):
            self.log.finish(message, RATE_LIMITED, iso(now), detail="too many messages to this phone in the last hour")
            return RATE_LIMITED
        try:
            provider_id = self.sms.send(message.phone, text)
        except DeliveryFailed as error:
            self.log.finish(message, FAILED, iso(now), detail=f"not accepted by the carrier: {error}")
            return FAILED
        self.log.finish(message, SENT, iso(now), sent_at=iso(now), provider_id=provider_id)
        if self.count_sent:
            self.count_sent(message)
        logger.info(
            "SMS sent",
            extra={"application_id": message.application_id, "event": message.event, "segments": message.segments},
        )
        return SENT

    # --- subscribers ---------------------------------------------------------------------
    def subscriptions_of(self, application_id: str) -> list[Subscription]:
        return self.store.subscriptions.of_application(application_id)

    def recipients(self, application: Application) -> list[Subscription]:
        """Confirmed subscribers; the owner's phone on record is subscribed on first use."""
        subscriptions = self.subscriptions_of(application.id)
        owner = self._owner_subscription(application, subscriptions)
        if owner is not None:
            subscriptions.append(owner)
        return [subscription for subscription in subscriptions if subscription.status == CONFIRMED]

    def _owner_subscription(self, application: Application, existing: Iterable[Subscription]) -> Subscription | None:
        profile = self.profiles.get(application.owner)
        if profile is None or not profile.phone:
            return None
        try:
            phone = self.phones.normalise(profile.phone)
        except ValidationFailed:
            logger.info(
                "the phone on record is not one this deployment texts", extra={"application_id": application.id}
            )
            return None
        if any(subscription.phone == phone for subscription in existing):
            return None
        now = iso(utcnow())
        subscription = self.new_subscription(application, phone, profile.language or "es", CONFIRMED, "profile", now)
        return self.store.subscriptions.create(subscription)

    def new_subscription(
        self, application: Application, phone: str, language: str, status: str, origin: str, now: str
    ) -> Subscription:
        """A subscription of ``phone`` to the application, not yet saved; its id starts
        with the application's (which is how a subscription's owner is checked)."""
        suffix = new_id(6)
        return self.store.subscriptions.new(
            f"{application.id}-{suffix}",
            application.id,
            application.owner,
            phone,
            now,
            agency=application.agency,
            language=language,
            status=status,
            origin=origin,
        )

    # --- quiet hours ---------------------------------------------------------------------
    def send_due(self) -> dict[str, int]:
        """Send the messages quiet hours held whose time has come (run by a schedule)."""
        now = utcnow()
        outcome: dict[str, int] = {}
        for pointer in self.log.due(due_days(now), iso(now)):
            message = self.log.claim(pointer, iso(now))
            if message is None:
                continue
            status = self._send_held(message)
            outcome[status] = outcome.get(status, 0) + 1
        return outcome

    def _send_held(self, message: SmsMessage) -> str:
        now = utcnow()
        subscription = next(
            (item for item in self.subscriptions_of(message.application_id) if item.phone == message.phone), None
        )
        if subscription is None or subscription.status != CONFIRMED:
            self.log.finish(message, OPTED_OUT_SKIPPED, iso(now), detail="unsubscribed while the message waited")
            return OPTED_OUT_SKIPPED
        blocked = self.consent.blocking(message.phone, message.agency, subscription.confirmed_at)
        if blocked is not None:
            self.log.finish(message, OPTED_OUT_SKIPPED, iso(now), detail=f"{blocked.keyword} at {blocked.at}")
            return OPTED_OUT_SKIPPED
        return self._send(message, message.text)

    # --- replies -------------------------------------------------------------------------
    def inbound_records(self, event: Mapping[str, Any]) -> list[dict[str, Any]]:
        """An SNS event of two-way SMS replies (one JSON message per record)."""
        results = []
        for record in event.get("Records", []):
            try:
                message = json.loads(record["Sns"]["Message"])
            except (KeyError, TypeError, ValueError):
                logger.warning("an inbound SMS record that is not two-way SMS JSON was ignored")
                continue
            results.append(self.inbound(message))
        return results

    def inbound(self, message: Mapping[str, Any]) -> dict[str, Any]:
        """Handle one reply: ``originationNumber``, ``messageBody`` and, when the reply
        answers one of our messages, ``previousPublishedMessageId``."""
        command = commands.parse_command(message.get("messageBody"))
        request = parse_reply(message.get("messageBody"))
        if request is None and command is None:
            return {"action": "ignored"}
        try:
            phone = any_e164(message.get("originationNumber"), field="originationNumber")
        except ValidationFailed:
            return {"action": "ignored"}
        if command is not None:
            return self._answer(phone, command, str(message.get("inboundMessageId") or f"{phone}/{iso(utcnow())}"))
        assert request is not None
        answered = self._answered(phone, message.get("previousPublishedMessageId"))
        agency = ALL_AGENCIES if request.everything or answered is None else answered.agency
        now = iso(utcnow())
        self.consent.opt_out(phone, agency, request.keyword, now)
        logger.info("SMS opt-out", extra={"agency": agency})
        if answered is not None:
            template = templates.PLATFORM["opted_out_all" if agency == ALL_AGENCIES else "opted_out"]
            recipient = Recipient(answered.subscription_id, phone, answered.language, confirmed_at=None)
            inbound_id = str(message.get("inboundMessageId") or f"{phone}/{now}")
            self.submit(
                answered.application_id,
                answered.agency,
                recipient,
                template,
                {"agency": answered.agency},
                key={"inbound": inbound_id, "phone": phone},
                procedure=answered.procedure,
            )
        return {"action": "opted_out", "agency": agency}

    def _answer(self, phone: str, command: commands.Command, inbound_id: str) -> dict[str, Any]:
        """Answer a command: the status only to a phone linked to the application; the
        same neutral text for an unknown reference and for a phone that is not linked."""
        if not self.limiter.allow(phone, "command", utcnow()):
            logger.info("SMS command over the per-phone limit; not answered")
            return {"action": "rate_limited"}
        application_id, agency, language = NO_APPLICATION, "", command.language
        values: dict[str, Any] = {}
        if command.name == "help":
            template = templates.PLATFORM["help"]
        else:
            application = self._application(command.reference)
            linked_language = self.linked_language(phone, application) if application is not None else None
            if application is None or linked_language is None:
                template, values = templates.PLATFORM["status_unknown"], {"ref": command.reference[:10] or "-"}
            else:
                template, language = templates.PLATFORM["status_reply"], linked_language
                application_id, agency = application.id, application.agency
                values = self.status_values(application, language)
        recipient = Recipient(id=None, phone=phone, language=language, confirmed_at=None)
        self.submit(application_id, agency, recipient, template, values, key={"inbound": inbound_id, "phone": phone})
        if command.name == "status" and self.count_query:
            self.count_query("sms")
        return {"action": template.event}

    def _application(self, reference: str) -> Application | None:
        if not reference or len(reference) > 20:
            return None
        return self.store.applications.find(reference)

    def linked_language(self, phone: str, application: Application) -> str | None:
        """``ESTADO``'s rule, which the other channels that act on a caller's number share (the
        status line, a callback asked by telephone): the language to answer in when the phone is
        linked to the application, else None: a phone confirmed as a subscriber of it, or the
        owner's phone on record."""
        for subscription in self.subscriptions_of(application.id):
            if subscription.phone == phone and subscription.status == CONFIRMED:
                return str(subscription.language or "es")
        profile = self.profiles.get(application.owner)
        if profile is not None and profile.phone:
            try:
                if self.phones.normalise(profile.phone) == phone:
                    return str(profile.language or "es")
            except ValidationFailed:
                return None
        return None

    def status_values(self, application: Application, language: str) -> dict[str, Any]:
        definition = self.catalogue.get(application.procedure_code, int(application.procedure_version)).definition
        state = str(application.status)
        return {
            "ref": application.id,
            "status": commands.STATUS_LABELS.get(state, {}).get(language, state),
            "step": commands.step_name(definition, application.current_step, language),
            "deadline": local_date(application.deadline) or commands.NO_DEADLINE[language],
            "next": commands.NEXT_ACTIONS.get(state, {}).get(language, "-"),
        }

    def _answered(self, phone: str, provider_id: Any) -> SmsMessage | None:
        """The message a reply answers: the one it names, else the latest sent to the phone
        about an agency's application (not an answer to a command about none)."""
        sent = [
            message
            for message in self.log.to_phone(phone)
            if isinstance(message, SmsMessage) and message.status == SENT and message.agency
        ]
        return next(
            (message for message in sent if provider_id and message.provider_id == provider_id),
            sent[0] if sent else None,
        )
