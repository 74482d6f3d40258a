"""Wall-clock time in one place: UTC, ISO-8601 with a Z.

``travel`` is the one seam for tests and demos that need another time of day (quiet
hours of SMS, for instance): while it is active the clock reads the given moment and
runs on from there, for every caller in the process.  Only the offset changes, so
durations computed from it (timers, deadlines) stay right.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

_offset = timedelta(0)


def utcnow() -> datetime:
    return datetime.now(UTC) + _offset


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
