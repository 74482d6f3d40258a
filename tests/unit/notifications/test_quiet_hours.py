"""Quiet hours: 21:00 to 08:00 in Mexico City, nothing non-urgent goes out."""

from __future__ import annotations

from datetime import UTC, datetime, time

import pytest

from chalicelib.legal.calendar import MEXICO_CITY
from chalicelib.notifications.quiet_hours import QuietHours

DEFAULT = QuietHours.parse("21:00-08:00")


def mexico(hour: int, minute: int = 0, day: int = 27) -> datetime:
    return datetime(2026, 11, day, hour, minute, tzinfo=MEXICO_CITY)


@pytest.mark.parametrize(("hour", "minute"), [(8, 0), (12, 0), (20, 59)])
def test_daytime_sends_now(hour: int, minute: int) -> None:
    assert DEFAULT.defer_until(mexico(hour, minute)) is None


def test_the_evening_waits_for_the_next_morning() -> None:
    assert DEFAULT.defer_until(mexico(21, 0)) == mexico(8, 0, day=28)
    assert DEFAULT.defer_until(mexico(23, 59)) == mexico(8, 0, day=28)


def test_the_small_hours_wait_for_the_same_morning() -> None:
    assert DEFAULT.defer_until(mexico(0, 0)) == mexico(8, 0)
    assert DEFAULT.defer_until(mexico(7, 59)) == mexico(8, 0)


def test_the_clock_in_utc_is_read_in_mexico_city() -> None:
    three_utc = datetime(2026, 11, 28, 3, 30, tzinfo=UTC)  # 21:30 of the 27th in Mexico City
    assert DEFAULT.defer_until(three_utc) == mexico(8, 0, day=28)
    assert DEFAULT.defer_until(datetime(2026, 11, 28, 18, 0, tzinfo=UTC)) is None


def test_a_window_within_one_day_and_off() -> None:
    siesta = QuietHours.parse("14:00-16:00")
    assert siesta.defer_until(mexico(15, 0)) == mexico(16, 0)
    assert siesta.defer_until(mexico(13, 59)) is None
    off = QuietHours.parse("off")
    assert off.defer_until(mexico(3, 0)) is None
    assert QuietHours.parse("") == off


def test_a_bad_setting_says_how_to_write_it() -> None:
    with pytest.raises(ValueError, match="21:00-08:00"):
        QuietHours.parse("nine to eight")
    assert QuietHours.parse(" 22:00 - 07:30 ") == QuietHours(start=time(22, 0), end=time(7, 30))
