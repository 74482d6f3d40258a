"""Subscriptions: the phones that get an application's messages, in its partition (one
per phone) and in the owner's record."""

from __future__ import annotations

from typing import Any

from pynamodb.exceptions import PutError

from chalicelib.notifications.states import CANCELLED, CONFIRMED, PENDING
from chalicelib.store import codes, keys
from chalicelib.store.models import Subscription
from chalicelib.store.pages import Page, PageRequest, paged_prefix


class SubscriptionStore:
    # --- reads -----------------------------------------------------------------------
    def of_application(self, application_id: str) -> list[Subscription]:
        """Every subscription of an application, whatever its status: one Query."""
        return list(
            Subscription.query(
                keys.application(application_id),
                Subscription.sk.startswith(keys.SUBSCRIPTION_PREFIX),
                consistent_read=True,
            )
        )

    def page_of_application(self, application_id: str, page: PageRequest) -> Page[Subscription]:
        """A page of an application's subscriptions, by phone: one Query."""
        pk = keys.application(application_id)
        return paged_prefix(Subscription, pk, keys.SUBSCRIPTION_PREFIX, page, consistent=True)

    # --- new items -------------------------------------------------------------------
    def new(
        self, subscription_id: str, application_id: str, owner: str, phone: str, created_at: str, **fields: Any
    ) -> Subscription:
        """A subscription not yet saved (``create``, ``confirm_own`` or ``await_code`` saves it)."""
        return Subscription(
            keys.application(application_id),
            keys.subscription(phone),
            **keys.by_owner(owner, keys.owner_order("SUB", created_at, subscription_id)),
            **keys.by_queue(keys.caller(phone), keys.caller_subscription(application_id)),
            id=subscription_id,
            application_id=application_id,
            owner=owner,
            phone=phone,
            created_at=created_at,
            updated_at=created_at,
            **fields,
        )

    # --- writes ----------------------------------------------------------------------
    def create(self, subscription: Subscription) -> Subscription:
        """Save a new subscription; if a concurrent request saved one for the same phone
        meanwhile, that one is returned (a conditional put)."""
        try:
            subscription.save(condition=Subscription.pk.does_not_exist())
        except PutError as error:
            if error.cause_response_code != "ConditionalCheckFailedException":
                raise
            return Subscription.get(subscription.pk, subscription.sk, consistent_read=True)
        return subscription

    def confirm_own(self, subscription: Subscription, language: str, at: str) -> None:
        """The owner's phone on record, confirmed without a code (saved whole)."""
        subscription.status, subscription.origin, subscription.language, subscription.updated_at = (
            CONFIRMED,
            "profile",
            language,
            at,
        )
        subscription.code_hash = subscription.code_expires_at = None
        subscription.save()

    def await_code(
        self, subscription: Subscription, language: str, code_hash: str, code_expires_at: str, at: str
    ) -> None:
        """Pending until the code whose hash is ``code_hash`` is given (saved whole: a code
        sent earlier is replaced, its attempts forgotten)."""
        subscription.status, subscription.origin, subscription.language, subscription.updated_at = (
            PENDING,
            "code",
            language,
            at,
        )
        subscription.code_hash, subscription.code_expires_at, subscription.attempts = code_hash, code_expires_at, 0
        subscription.save()

    def set_language(self, subscription: Subscription, language: str, at: str) -> None:
        subscription.update(actions=[Subscription.language.set(language), Subscription.updated_at.set(at)])

    def spend_attempt(self, subscription: Subscription) -> bool:
        """A wrong code; False when a new code replaced the one checked."""
        return codes.spend_attempt(subscription)

    def confirm(self, subscription: Subscription, at: str) -> bool:
        """The right code: confirmed at ``at``; False when a new code replaced it meanwhile."""
        return codes.confirm(subscription, CONFIRMED, at, Subscription.updated_at.set(at))

    def cancel(self, subscription: Subscription, at: str) -> None:
        subscription.update(
            actions=[
                Subscription.status.set(CANCELLED),
                Subscription.updated_at.set(at),
                Subscription.code_hash.remove(),
                Subscription.code_expires_at.remove(),
            ]
        )
