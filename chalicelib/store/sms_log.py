"""The SMS delivery log and the quiet-hours queue.

Entries live in their application's partition (the citizen reads them there) and in the
``by_queue`` index under the phone (operators, and STOP replies, find them there).  A
message held by quiet hours also gets a pointer in the partition of the day it becomes
due, which the scheduled sender reads (``due``) without any scan.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from pynamodb.exceptions import UpdateError
from pynamodb.expressions.update import Action

from chalicelib.notifications.states import QUEUED, SENDING
from chalicelib.store import keys
from chalicelib.store.models import Entity, QueuedSms, SmsMessage, transaction
from chalicelib.store.pages import QUEUE_KEYS, Page, PageRequest, paged, paged_prefix

PAGE = 100


class SmsLogStore:
    # --- reads -----------------------------------------------------------------------
    def for_application(self, application_id: str) -> list[SmsMessage]:
        return list(
            SmsMessage.query(
                keys.application(application_id), SmsMessage.sk.startswith(keys.SMS_PREFIX), consistent_read=True
            )
        )

    def page_for_application(self, application_id: str, page: PageRequest) -> Page[SmsMessage]:
        """One page of an application's messages, oldest first: one Query of its partition."""
        return paged_prefix(SmsMessage, keys.application(application_id), keys.SMS_PREFIX, page, consistent=True)

    def page_to_phone(self, phone: str, page: PageRequest) -> Page[SmsMessage]:
        """One page of the messages to a phone, newest first: one Query on ``by_queue``."""
        partition = keys.sms_to(phone)
        return paged(
            lambda **kw: Entity.by_queue.query(partition, scan_index_forward=False, **kw),
            page,
            {"gsi2pk": partition},
            QUEUE_KEYS,
            keep=lambda item: isinstance(item, SmsMessage),
        )

    def to_phone(self, phone: str, limit: int = PAGE) -> list[SmsMessage]:
        """The latest messages to a phone, newest first."""
        return [
            item
            for item in Entity.by_queue.query(keys.sms_to(phone), scan_index_forward=False, limit=limit)
            if isinstance(item, SmsMessage)
        ]

    def due(self, days: Iterable[str], until: str) -> Iterator[QueuedSms]:
        """Pointers to the held messages of each (Mexico City) day in ``days`` whose
        ``send_after`` is at or before ``until``, in due order; each day is queried only
        once the caller has gone through the previous one."""
        for day in days:
            yield from QueuedSms.query(keys.sms_queue(day), QueuedSms.sk <= f"{until}#~", consistent_read=True)

    # --- new entries -----------------------------------------------------------------
    def new(self, application_id: str, message_id: str, phone: str, created_at: str, **fields: Any) -> SmsMessage:
        """An entry not yet written (``add`` or ``hold`` writes it)."""
        return SmsMessage(
            keys.application(application_id),
            keys.sms_message(created_at, message_id),
            **keys.by_queue(keys.sms_to(phone), keys.sms_to_order(created_at, message_id)),
            id=message_id,
            application_id=application_id,
            phone=phone,
            created_at=created_at,
            updated_at=created_at,
            **fields,
        )

    # --- writes ----------------------------------------------------------------------
    def add(self, message: SmsMessage) -> None:
        message.save(condition=SmsMessage.pk.does_not_exist())

    def hold(self, message: SmsMessage, day: str) -> None:
        """Log a message held by quiet hours, and queue it in ``day``'s partition for its
        ``send_after`` (one transaction)."""
        assert message.send_after
        pointer = QueuedSms(
            keys.sms_queue(day),
            keys.sms_queue_order(message.send_after, message.created_at, message.id),
            message_pk=message.pk,
            message_sk=message.sk,
            send_after=message.send_after,
        )
        with transaction() as write:
            write.save(message, condition=SmsMessage.pk.does_not_exist())
            write.save(pointer, condition=Entity.pk.does_not_exist())

    def finish(
        self,
        message: SmsMessage,
        status: str,
        at: str,
        *,
        detail: str | None = None,
        sent_at: str | None = None,
        provider_id: str | None = None,
    ) -> None:
        """The message's outcome, with what is known of it (fields left None are not written)."""
        actions: list[Action] = [SmsMessage.status.set(status), SmsMessage.updated_at.set(at)]
        fields = {"detail": detail, "sent_at": sent_at, "provider_id": provider_id}
        actions += [getattr(SmsMessage, name).set(value) for name, value in fields.items() if value is not None]
        message.update(actions=actions)

    def claim(self, pointer: QueuedSms, at: str) -> SmsMessage | None:
        """Take a queued message for sending (the pointer is removed); None if another run
        took it, or it is gone."""
        try:
            message = SmsMessage.get(pointer.message_pk, pointer.message_sk, consistent_read=True)
            message.update(
                actions=[SmsMessage.status.set(SENDING), SmsMessage.updated_at.set(at)],
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
