"""Wall-clock time in one place: UTC, ISO-8601 with a Z.

``shift`` moves the platform's clock forward for tests and demos of legal deadlines
(business days pass without waiting for them); it is never called on AWS.
"""

from __future__ import annotations

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


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def parse_iso(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))
