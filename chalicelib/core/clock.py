"""Wall-clock time in one place: UTC, ISO-8601 with a Z.

``shift`` and ``travel`` are the one seam for tests and demos that need another time:
``shift`` moves the clock forward (legal deadlines pass without waiting for them),
``travel`` makes it read a given moment (the quiet hours of SMS); both only change an
offset, so the clock runs on from there for every caller in the process and durations
computed from it stay right.  Never called on AWS.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

_offset = timedelta(0)


def utcnow() -> datetime:
    return datetime.now(UTC) + _offset


def shift(delta: timedelta) -> None:
    """Move the clock forward by ``delta`` (cumulative); ``reset_shift`` undoes it."""
    global _offset
    _offset += delta


def reset_shift() -> None:
    global _offset
    _offset = timedelta(0)


@contextmanager
def travel(moment: datetime) -> Iterator[None]:
    """Tests and demos only: make ``utcnow()`` read ``moment`` now, and run on from there."""
    global _offset
    previous = _offset
    _offset = moment - datetime.now(UTC)
    try:
        yield
    finally:
        _offset = previous


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def parse_iso(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))
