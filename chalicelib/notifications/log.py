"""The days of the quiet-hours queue.

Every message, its status, segments and template version is an entry of the delivery
log (``store.sms_log``; ``chalicelib/api/views/notifications.py`` shows it): the citizen
reads their application's, operators a phone's.  Messages held by quiet hours are queued
by the (Mexico City) day they become due; the scheduled sender reads the last few days
too, in case a run was missed.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from chalicelib.legal.calendar import MEXICO_CITY

CATCH_UP_DAYS = 3


def queue_day(moment: datetime) -> str:
    """The (Mexico City) day whose queue holds a message due at ``moment``."""
    return moment.astimezone(MEXICO_CITY).date().isoformat()


def due_days(now: datetime) -> list[str]:
    """The queues to read at ``now``, oldest first: today's and those of the last few days
    (a missed run)."""
    today = now.astimezone(MEXICO_CITY).date()
    return [(today - timedelta(days=back)).isoformat() for back in range(CATCH_UP_DAYS, -1, -1)]
