"""Subscriptions: which phones get an application's messages, with their consent.

A citizen may subscribe, per application, the phone on their record (confirmed at
once: Cognito verified it at sign-up) and one more phone, a relative's, which has to
be confirmed with a six-digit code sent to it.  A phone that opted out of the
agency (STOP) needs a code again, even the citizen's own: re-subscribing needs a fresh
confirmation.  Codes are stored hashed, expire after 15 minutes, allow five attempts,
and at most three are sent to one phone per hour.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from chalicelib.applications import transitions as status
from chalicelib.applications.transitions import Change
from chalicelib.core.clock import iso, utcnow
from chalicelib.core.errors import Conflict, NotFound, TooManyRequests, ValidationFailed
from chalicelib.core.fields import UNSET
from chalicelib.identity.principal import Principal
from chalicelib.notifications import templates
from chalicelib.notifications.codes import CODE_TTL, code_hash, new_code, redeem
from chalicelib.notifications.requests import (
    LANGUAGE_CHOICES,
    ConfirmSubscription,
    CreateSubscription,
    SmsEvents,
    SmsEventsChoice,
)
from chalicelib.notifications.service import Notifications, Recipient
from chalicelib.notifications.states import CANCELLED, CONFIRMED, PENDING, RATE_LIMITED
from chalicelib.store.models import Application, Subscription
from chalicelib.store.pages import Page, PageRequest
from chalicelib.store.subscriptions import SubscriptionStore

if TYPE_CHECKING:
    from chalicelib.applications.service import Applications
    from chalicelib.identity.profiles import Profiles

MAX_PHONES = 2


class Subscriptions:
    def __init__(
        self, applications: Applications, profiles: Profiles, notifications: Notifications, store: SubscriptionStore
    ) -> None:
        self._applications = applications
        self._profiles = profiles
        self._notifications = notifications
        self._store = store

    def of_application(self, principal: Principal, application_id: str, page: PageRequest) -> Page[Subscription]:
        """A page of the phones subscribed to one's own application (pending, confirmed or cancelled)."""
        application = self._applications.owned(principal, application_id)
        return self._store.page_of_application(application.id, page)

    def subscribe(self, principal: Principal, request: CreateSubscription) -> tuple[Subscription, bool]:
        """Subscribe a phone to an application; returns (subscription, created)."""
        application = self._applications.owned(principal, request.application_id)
        if application.status in status.FINAL:
            raise Conflict(
                f"the application is {application.status}: it sends no more messages", code="application_closed"
            )
        phone = self._notifications.phones.normalise(request.phone)
        profile = self._profiles.ensure(application.owner)
        language = request.language if request.language is not UNSET else profile.language or "es"
        if language not in templates.LANGUAGES:  # a profile's language of old
            raise ValidationFailed.field("language", LANGUAGE_CHOICES, code="invalid_language")
        existing = {subscription.phone: subscription for subscription in self._notifications.recipients(application)}
        existing.update(
            {subscription.phone: subscription for subscription in self._notifications.subscriptions_of(application.id)}
        )
        others = [
            subscription
            for number, subscription in existing.items()
            if number != phone and subscription.status != CANCELLED
        ]
        if len(others) >= MAX_PHONES:
            raise Conflict(
                f"an application sends messages to at most {MAX_PHONES} phones; cancel one first",
                code="too_many_phones",
            )
        now = utcnow()
        subscription = existing.get(phone)
        consent = self._notifications.consent
        if (
            subscription is not None
            and subscription.status == CONFIRMED
            and consent.blocking(phone, application.agency, subscription.confirmed_at) is None
        ):
            if subscription.language != language:
                self._store.set_language(subscription, language, iso(now))
            return subscription, False
        own = phone == self._owner_phone(profile.phone)
        if own and consent.blocking(phone, application.agency, None) is None:
            subscription = subscription or self._notifications.new_subscription(
                application, phone, language, CONFIRMED, "profile", iso(now)
            )
            self._store.confirm_own(subscription, language, iso(now))
            return subscription, True
        if not self._notifications.limiter.allow(phone, "code", now):
            raise TooManyRequests(
                "too many codes were sent to this phone in the last hour; try again later", code="rate_limited"
            )
        subscription = subscription or self._notifications.new_subscription(
            application, phone, language, PENDING, "code", iso(now)
        )
        code = new_code()
        self._store.await_code(subscription, language, code_hash(subscription.id, code), iso(now + CODE_TTL), iso(now))
        sent = self._notifications.submit(
            application.id,
            application.agency,
            Recipient.of(subscription),
            templates.PLATFORM["subscription_code"],
            {"ref": application.id, "code": code},
            key={"subscription": subscription.id, "code": subscription.code_hash},
            procedure=application.procedure_code,
        )
        if sent.get("status") == RATE_LIMITED:
            raise TooManyRequests(
                "too many messages were sent to this phone in the last hour; try again later", code="rate_limited"
            )
        return subscription, True

    # --- what the subscribers are texted about ---------------------------------------------
    def events(self, principal: Principal, application_id: str) -> SmsEvents:
        return self._events(self._applications.owned(principal, application_id))

    def choose_events(self, principal: Principal, application_id: str, request: SmsEventsChoice) -> SmsEvents:
        """The holder's choice of events besides the default ones (audited)."""
        for index, event in enumerate(request.events):
            if event not in templates.ON_REQUEST:
                raise ValidationFailed.field(
                    f"events[{index}]",
                    f"must be one of {', '.join(sorted(templates.ON_REQUEST))}"
                    + (" (it is sent anyway)" if event in templates.BY_DEFAULT else ""),
                    code="unknown_sms_event",
                )
        chosen = sorted(set(request.events))
        application = self._applications.owned(principal, application_id, consistent=True)
        if chosen != sorted(str(event) for event in application.sms_events or []):
            self._applications.transitions.record(
                application,
                self._applications.actor(principal, application),
                Change("sms.events_chosen", details={"events": chosen}),
                fields={"sms_events": chosen},
            )
        return self._events(application)

    def _events(self, application: Application) -> SmsEvents:
        definition = self._applications.definition(application)
        return SmsEvents(
            default=sorted(templates.BY_DEFAULT),
            required=sorted(definition.get("sms_required") or []),
            chosen=sorted(str(event) for event in application.sms_events or []),
            on_request=sorted(templates.ON_REQUEST),
        )

    def confirm(self, principal: Principal, subscription_id: str, request: ConfirmSubscription) -> Subscription:
        """Confirm a pending subscription with the code sent to its phone (a confirmed one
        stays as it is)."""
        subscription = self._owned(principal, subscription_id)
        if subscription.status == CONFIRMED:
            return subscription
        if subscription.status != PENDING or not subscription.code_hash:
            raise Conflict("this subscription is not waiting for a code; subscribe the phone again", code="not_pending")
        now = utcnow()
        redeem(
            subscription,
            request.code,
            now,
            spend_attempt=lambda: self._store.spend_attempt(subscription),
            confirm=lambda: self._store.confirm(subscription, iso(now)),
            sent_to="the phone",
            again="subscribe the phone again",
        )
        return subscription

    def cancel(self, principal: Principal, subscription_id: str) -> Subscription:
        subscription = self._owned(principal, subscription_id)
        if subscription.status != CANCELLED:
            self._store.cancel(subscription, iso(utcnow()))
        return subscription

    def _owned(self, principal: Principal, subscription_id: str) -> Subscription:
        application_id, _, suffix = subscription_id.partition("-")
        if not suffix:
            raise NotFound("no such subscription", code="unknown_subscription")
        try:
            self._applications.owned(principal, application_id)
        except NotFound:
            raise NotFound("no such subscription", code="unknown_subscription") from None
        found = next(
            (item for item in self._notifications.subscriptions_of(application_id) if item.id == subscription_id), None
        )
        if found is None:
            raise NotFound("no such subscription", code="unknown_subscription")
        return found

    def _owner_phone(self, phone: str | None) -> str | None:
        try:
            return self._notifications.phones.normalise(phone) if phone else None
        except ValidationFailed:
            return None
