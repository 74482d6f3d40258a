"""The delivery log as people see it, and the days of the quiet-hours queue.

Every message, its status, segments and template version is an entry of the log
(``store.sms_log``): the citizen reads their application's, operators a phone's.
Messages held by quiet hours are queued by the (Mexico City) day they become due;
the scheduled sender reads the last few days too, in case a run was missed.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from chalicelib.legal.calendar import MEXICO_CITY
from chalicelib.notifications import phones
from chalicelib.store.models import SmsMessage

CATCH_UP_DAYS = 3


def queue_day(moment: datetime) -> str:
    """The (Mexico City) day whose queue holds a message due at ``moment``."""
    return moment.astimezone(MEXICO_CITY).date().isoformat()


def due_days(now: datetime) -> list[str]:
    """The queues to read at ``now``, oldest first: today's and those of the last few days
    (a missed run)."""
    today = now.astimezone(MEXICO_CITY).date()
    return [(today - timedelta(days=back)).isoformat() for back in range(CATCH_UP_DAYS, -1, -1)]


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
