"""The legal clock of a review: what deadline the citizen and the official see."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest

from chalicelib.legal.calendar import add_business_days, business_days_between, end_of_day
from chalicelib.legal.clock import LegalClock, timer_seconds


def noon(day: date) -> datetime:
    """Midday in Mexico City (18:00 UTC), well away from any day boundary."""
    return datetime(day.year, day.month, day.day, 18, 0, tzinfo=UTC)


def test_a_started_clock_ends_at_the_end_of_its_last_business_day() -> None:
    clock = LegalClock.start(10, noon(date(2026, 1, 5)))
    assert not clock.paused
    assert clock.deadline() == end_of_day(date(2026, 1, 19))


def test_a_filing_late_in_the_evening_counts_from_that_day_in_mexico_city() -> None:
    friday_21h_in_mexico_city = datetime(2026, 1, 31, 3, 0, tzinfo=UTC)
    assert LegalClock.start(1, friday_21h_in_mexico_city).deadline() == end_of_day(date(2026, 2, 3))


@pytest.mark.parametrize(
    ("started", "paused", "resumed", "days"),
    [
        (date(2026, 1, 5), date(2026, 1, 7), date(2026, 1, 14), 10),  # a plain week
        (date(2026, 1, 26), date(2026, 1, 29), date(2026, 2, 4), 5),  # over a weekend and Constitution Day
        (date(2025, 12, 15), date(2025, 12, 19), date(2026, 1, 7), 15),  # over Christmas and New Year
        (date(2026, 1, 5), date(2026, 1, 7), date(2026, 1, 7), 10),  # answered the same day
        (date(2026, 1, 5), date(2026, 1, 10), date(2026, 1, 11), 10),  # paused over a weekend only
    ],
)
def test_a_pause_moves_the_deadline_by_exactly_the_business_days_spent_paused(
    started: date, paused: date, resumed: date, days: int
) -> None:
    clock = LegalClock.start(days, noon(started))
    original = clock.deadline()

    clock.pause(noon(paused))
    assert clock.paused
    clock.resume(noon(resumed))
    assert not clock.paused

    spent_paused = business_days_between(paused, resumed)
    assert clock.deadline() == end_of_day(add_business_days(original.date(), spent_paused))


def test_the_worked_example_of_a_pause() -> None:
    clock = LegalClock.start(10, noon(date(2026, 1, 5)))  # due Monday 19 January
    clock.pause(noon(date(2026, 1, 7)))  # corrections asked on Wednesday
    clock.resume(noon(date(2026, 1, 14)))  # answered a week later: five business days
    assert clock.deadline() == end_of_day(date(2026, 1, 26))


def test_while_paused_the_deadline_shown_is_as_if_it_resumed_the_day_it_paused() -> None:
    clock = LegalClock.start(10, noon(date(2026, 1, 5)))
    clock.pause(noon(date(2026, 1, 7)))
    assert clock.deadline() == end_of_day(date(2026, 1, 19))


def test_two_pauses_add_up() -> None:
    clock = LegalClock.start(10, noon(date(2026, 1, 5)))
    clock.pause(noon(date(2026, 1, 6)))
    clock.resume(noon(date(2026, 1, 8)))  # 2 business days paused
    clock.pause(noon(date(2026, 1, 12)))
    clock.resume(noon(date(2026, 1, 15)))  # 3 more
    assert clock.deadline() == end_of_day(add_business_days(date(2026, 1, 19), 5))


def test_pausing_a_paused_clock_or_resuming_a_running_one_changes_nothing() -> None:
    clock = LegalClock.start(10, noon(date(2026, 1, 5)))
    clock.resume(noon(date(2026, 1, 6)))
    assert clock.deadline() == end_of_day(date(2026, 1, 19))

    clock.pause(noon(date(2026, 1, 7)))
    clock.pause(noon(date(2026, 1, 9)))  # a second request for corrections does not count the 8th and 9th as used
    clock.resume(noon(date(2026, 1, 14)))
    assert clock.deadline() == end_of_day(date(2026, 1, 26))


@pytest.mark.parametrize("pause", [False, True])
def test_the_clock_survives_a_round_trip_through_its_stored_form(pause: bool) -> None:
    clock = LegalClock.start(10, noon(date(2026, 1, 5)))
    clock.pause(noon(date(2026, 1, 7)))
    if not pause:
        clock.resume(noon(date(2026, 1, 14)))

    stored = json.loads(json.dumps(clock.to_dict()))
    restored = LegalClock.from_dict(stored)

    assert restored == clock
    assert restored.deadline() == clock.deadline()
    assert restored.paused is pause


def test_the_stored_form_is_plain_data() -> None:
    clock = LegalClock.start(10, noon(date(2026, 1, 5)))
    clock.pause(noon(date(2026, 1, 7)))
    assert clock.to_dict() == {"business_days": 10, "used": 2, "running_since": None, "paused_since": "2026-01-07"}


NOW = datetime(2026, 1, 5, 18, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("remaining", "legal_day_seconds", "expected"),
    [
        (timedelta(days=2), Decimal(86400), 172800),  # on AWS a legal day is a real day
        (timedelta(days=2), Decimal(60), 120),  # locally a day lasts a minute
        (timedelta(hours=1), Decimal(60), 3),  # 2.5 s, rounded up: never early
        (timedelta(seconds=10), Decimal(60), 1),  # never below Step Functions' minimum
        (timedelta(0), Decimal(86400), 1),
        (-timedelta(days=3), Decimal(86400), 1),  # already past: fire at once
    ],
)
def test_timer_seconds_scales_the_legal_day(remaining: timedelta, legal_day_seconds: Decimal, expected: int) -> None:
    assert timer_seconds(NOW + remaining, NOW, legal_day_seconds) == expected
