"""The delivery log: every message, its status, segments and template version.

Entries live in their application's partition (the citizen reads them there) and in
the ``by_queue`` index under the phone (operators, and STOP replies, find them there).
Messages held by quiet hours also get a pointer in the partition of the day they become
due, which the scheduled sender reads (``due``) without any scan.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

from pynamodb.exceptions import UpdateError
from pynamodb.expressions.update import Action

from chalicelib.core.clock import iso
from chalicelib.legal.calendar import MEXICO_CITY
from chalicelib.notifications import phones
from chalicelib.notifications.states import QUEUED, SENDING
from chalicelib.store import keys
from chalicelib.store.models import Entity, QueuedSms, SmsMessage, transaction

CATCH_UP_DAYS = 3
PAGE = 100


def queue_day(moment: datetime) -> str:
    return moment.astimezone(MEXICO_CITY).date().isoformat()


class DeliveryLog:
    def add(self, message: SmsMessage) -> None:
        message.save(condition=SmsMessage.pk.does_not_exist())

    def hold(self, message: SmsMessage) -> None:
        """Log a message held by quiet hours, and queue it for its ``send_after``."""
        assert message.send_after
        pointer = QueuedSms(
            keys.sms_queue(queue_day(datetime.fromisoformat(message.send_after.replace("Z", "+00:00")))),
            keys.sms_queue_order(message.send_after, message.created_at, message.id),
            message_pk=message.pk,
            message_sk=message.sk,
            send_after=message.send_after,
        )
        with transaction() as write:
            write.save(message, condition=SmsMessage.pk.does_not_exist())
            write.save(pointer, condition=Entity.pk.does_not_exist())

    def finish(self, message: SmsMessage, status: str, now: datetime, **fields: Any) -> None:
        actions: list[Action] = [SmsMessage.status.set(status), SmsMessage.updated_at.set(iso(now))]
        actions += [getattr(SmsMessage, name).set(value) for name, value in fields.items() if value is not None]
        message.update(actions=actions)

    def due(self, now: datetime) -> Iterator[QueuedSms]:
        """Queued messages whose time has come, the last few days included (a missed run)."""
        until = f"{iso(now)}#~"
        today = now.astimezone(MEXICO_CITY).date()
        for back in range(CATCH_UP_DAYS, -1, -1):
            day = (today - timedelta(days=back)).isoformat()
            yield from QueuedSms.query(keys.sms_queue(day), QueuedSms.sk <= until, consistent_read=True)

    def claim(self, pointer: QueuedSms, now: datetime) -> SmsMessage | None:
        """Take a queued message for sending; None if another run took it (or it is gone)."""
        try:
            message = SmsMessage.get(pointer.message_pk, pointer.message_sk, consistent_read=True)
            message.update(
                actions=[SmsMessage.status.set(SENDING), SmsMessage.updated_at.set(iso(now))],
                condition=SmsMessage.status == QUEUED,
            )
        except SmsMessage.DoesNotExist:
            message = None
        except UpdateError as error:
            if error.cause_response_code != "ConditionalCheckFailedException":
                raise
            message = None
        pointer.delete()
        return message

    def for_application(self, application_id: str) -> list[SmsMessage]:
        return list(
            SmsMessage.query(
                keys.application(application_id), SmsMessage.sk.startswith(keys.SMS_PREFIX), consistent_read=True
            )
        )

    def to_phone(self, phone: str, limit: int = PAGE) -> list[SmsMessage]:
        """The latest messages to a phone, newest first."""
        return [
            item
            for item in Entity.by_queue.query(keys.sms_to(phone), scan_index_forward=False, limit=limit)
            if isinstance(item, SmsMessage)
        ]


def view(message: SmsMessage, operator: bool = False) -> dict[str, Any]:
    shown = {
        "id": message.id,
        "application_id": message.application_id,
        "event": message.event,
        "template": message.template,
        "language": message.language,
        "phone": phones.mask(message.phone),
        "subscription_id": message.subscription_id,  # which phone, where two masks look alike
        "text": message.text,
        "encoding": message.encoding,
        "segments": message.segments,
        "status": message.status,
        "detail": message.detail,
        "send_after": message.send_after,
        "sent_at": message.sent_at,
        "created_at": message.created_at,
    }
    if operator:
        shown.update(agency=message.agency, provider_id=message.provider_id, updated_at=message.updated_at)
    return shown
