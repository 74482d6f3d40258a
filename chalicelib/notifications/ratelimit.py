"""A per-phone rate limit: at most N messages to one phone in a fixed window.

One conditional UpdateItem per message on a counter item of the phone's partition; the
counter carries an ``expiration`` so that DynamoDB's TTL removes it afterwards.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from pynamodb.exceptions import UpdateError

from chalicelib.store import keys
from chalicelib.store.models import RateCounter

HOUR = 3600


class RateLimiter:
    def __init__(self, limits: Mapping[str, tuple[int, int]]) -> None:
        """``limits``: bucket -> (messages, window in seconds)."""
        self._limits = dict(limits)

    def allow(self, phone: str, bucket: str, now: datetime) -> bool:
        """Count one message for the phone; False when the window's budget is spent."""
        limit, window = self._limits[bucket]
        start = int(now.timestamp()) // window * window
        counter = RateCounter(keys.phone(phone), keys.rate(bucket, str(start)))
        try:
            counter.update(
                actions=[
                    RateCounter.sent.add(1),
                    RateCounter.expiration.set(start + 2 * window),
                    RateCounter.kind.set(RateCounter),
                ],
                condition=RateCounter.sent.does_not_exist() | (RateCounter.sent < limit),
            )
        except UpdateError as error:
            if error.cause_response_code == "ConditionalCheckFailedException":
                return False
            raise
        return True
