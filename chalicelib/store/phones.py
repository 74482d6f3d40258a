"""What the platform keeps about a phone, in the phone's partition: its opt-outs (per
agency, or of all) and its rate-limit counters."""

from __future__ import annotations

from collections.abc import Iterator

from msgspec import Struct
from pynamodb.exceptions import UpdateError

from chalicelib.store import keys
from chalicelib.store.models import Application, Entity, OptOut, Profile, RateCounter, Subscription


class PhoneStore:
    # --- opt-outs --------------------------------------------------------------------
    def opt_out(self, phone: str, agency: str, keyword: str, at: str) -> OptOut:
        """Record (or renew) an opt-out of one agency's messages, or of all (``agency = "*"``)."""
        item = OptOut(keys.phone(phone), keys.opt_out(agency), phone=phone, agency=agency, keyword=keyword, at=at)
        item.save()
        return item

    def opt_outs(self, phone: str) -> Iterator[OptOut]:
        """The phone's opt-outs, read page by page as the caller goes (one Query while it
        stops at the first page)."""
        yield from OptOut.query(keys.phone(phone), OptOut.sk.startswith(keys.OPT_OUT_PREFIX), consistent_read=True)

    # --- rate counters ---------------------------------------------------------------
    def count_message(self, phone: str, bucket: str, window_start: int, limit: int, expiration: int) -> bool:
        """Count one message in the phone's ``bucket`` for the window starting at
        ``window_start`` (epoch seconds); False when ``limit`` messages were counted already.
        The counter is removed by DynamoDB's TTL after ``expiration``."""
        counter = RateCounter(keys.phone(phone), keys.rate(bucket, str(window_start)))
        try:
            counter.update(
                actions=[
                    RateCounter.sent.add(1),
                    RateCounter.expiration.set(expiration),
                    RateCounter.kind.set(RateCounter),
                ],
                condition=RateCounter.sent.does_not_exist() | (RateCounter.sent < limit),
            )
        except UpdateError as error:
            if error.cause_response_code == "ConditionalCheckFailedException":
                return False
            raise
        return True


class Linked(Struct, frozen=True):
    """Who a phone is filed under (``keys.caller``): holders whose profile has it, and the
    applications it is a subscriber of (whatever the subscription's status)."""

    holders: list[str]
    applications: list[str]


class CallerStore:
    def linked_to(self, phone: str) -> Linked:
        """One Query of the phone's ``by_queue`` partition (the status line's first read)."""
        holders: list[str] = []
        applications: list[str] = []
        for item in Entity.by_queue.query(keys.caller(phone)):
            if isinstance(item, Profile):
                holders.append(str(item.holder))
            elif isinstance(item, Subscription):
                applications.append(str(item.application_id))
        return Linked(holders, applications)

    def applications_of(self, holder: str) -> list[Application]:
        """A holder's applications, newest first: one Query of their record's applications."""
        found = Entity.by_owner.query(keys.owner(holder), Entity.gsi1sk.startswith("APP#"), scan_index_forward=False)
        return [item for item in found if isinstance(item, Application)]

    def unfiled(self, holder: str) -> tuple[Profile | None, list[Subscription]]:
        """The holder's profile and subscriptions not yet filed under a phone (written before
        the status line existed): one Query of their record."""
        profile: Profile | None = None
        subscriptions: list[Subscription] = []
        for item in Entity.by_owner.query(keys.owner(holder)):
            if isinstance(item, Profile) and item.phone and not item.gsi2pk:
                profile = item
            elif isinstance(item, Subscription) and not item.gsi2pk:
                subscriptions.append(item)
        return profile, subscriptions

    def file_profile(self, profile: Profile, phone: str) -> None:
        filed = keys.by_caller(phone, str(profile.holder))
        profile.update(actions=[getattr(Profile, name).set(value) for name, value in filed.items()])

    def file_subscription(self, subscription: Subscription) -> None:
        filed = keys.by_queue(keys.caller(subscription.phone), keys.caller_subscription(subscription.application_id))
        subscription.update(actions=[getattr(Subscription, name).set(value) for name, value in filed.items()])
