"""What the retention job deletes beside an application: its subscriptions and its SMS
delivery log (each one Query of the application's partition), and the SMS answers that
belong to no application (one Query of their partition, by date)."""

from __future__ import annotations

from collections.abc import Iterable

from chalicelib.store import keys
from chalicelib.store.models import Entity, SmsMessage, Subscription

UNLINKED = "-"  # the application id of SMS answers about no application


class RetentionStore:
    def subscriptions(self, application_id: str) -> list[Subscription]:
        return list(
            Subscription.query(
                keys.application(application_id),
                Subscription.sk.startswith(keys.SUBSCRIPTION_PREFIX),
                consistent_read=True,
            )
        )

    def sms_log(self, application_id: str, limit: int) -> list[SmsMessage]:
        """Up to ``limit`` of the application's logged messages, oldest first."""
        query = SmsMessage.query(
            keys.application(application_id),
            SmsMessage.sk.startswith(keys.SMS_PREFIX),
            consistent_read=True,
            limit=limit,
        )
        return list(query)

    def unlinked_sms_until(self, day: str, limit: int) -> list[SmsMessage]:
        """Up to ``limit`` logged answers about no application sent by the end of ``day``
        (UTC, as they are stamped), oldest first."""
        query = SmsMessage.query(
            keys.application(UNLINKED),
            SmsMessage.sk.between(keys.SMS_PREFIX, f"{keys.SMS_PREFIX}{day}~"),
            consistent_read=True,
            limit=limit,
        )
        return list(query)

    def delete(self, items: Iterable[Entity]) -> None:
        """Delete each item (deleting one already gone is no error: a purge run again)."""
        with Entity.batch_write() as batch:
            for item in items:
                batch.delete(item)
