"""A per-phone rate limit: at most N messages to one phone in a fixed window.

One conditional UpdateItem per message on a counter item of the phone's partition; the
counter carries an expiration so that DynamoDB's TTL removes it afterwards.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from chalicelib.store.phones import PhoneStore

HOUR = 3600


class RateLimiter:
    def __init__(self, limits: Mapping[str, tuple[int, int]], store: PhoneStore) -> None:
        """``limits``: bucket -> (messages, window in seconds)."""
        self._limits = dict(limits)
        self._store = store

    def allow(self, phone: str, bucket: str, now: datetime) -> bool:
        """Count one message for the phone; False when the window's budget is spent."""
        limit, window = self._limits[bucket]
        start = int(now.timestamp()) // window * window
        return self._store.count_message(phone, bucket, start, limit, expiration=start + 2 * window)
