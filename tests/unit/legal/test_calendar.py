"""Business days under Ley Federal de Procedimiento Administrativo, art. 28.

The holiday table below is written by hand from the law and a calendar, not derived
from the module, so a wrong weekday rule or a forgotten day shows up as a diff.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chalicelib.legal.calendar import (
    MEXICO_CITY,
    add_business_days,
    business_days_between,
    end_of_day,
    federal_holidays,
    is_business_day,
    legal_date,
)


def days_of(year: int, *month_days: str) -> list[date]:
    return [date(year, *map(int, month_day.split("-"))) for month_day in month_days]


# New Year, Constitution Day (first Monday of February), Benito Juárez (third Monday of
# March), 1 and 5 May, Independence, Revolution (third Monday of November), Christmas.
NON_BUSINESS_DAYS = {
    2025: days_of(2025, "01-01", "02-03", "03-17", "05-01", "05-05", "09-16", "11-17", "12-25"),
    2026: days_of(2026, "01-01", "02-02", "03-16", "05-01", "05-05", "09-16", "11-16", "12-25"),
    2027: days_of(2027, "01-01", "02-01", "03-15", "05-01", "05-05", "09-16", "11-15", "12-25"),
}


@pytest.mark.parametrize("year", sorted(NON_BUSINESS_DAYS))
def test_federal_holidays_are_the_days_of_article_28(year: int) -> None:
    assert federal_holidays(year) == frozenset(NON_BUSINESS_DAYS[year])


@pytest.mark.parametrize(
    ("year", "transfer"),
    [(2018, date(2018, 12, 1)), (2024, date(2024, 10, 1)), (2030, date(2030, 10, 1)), (2036, date(2036, 10, 1))],
)
def test_the_transfer_of_federal_executive_power_is_a_holiday_in_its_year(year: int, transfer: date) -> None:
    assert transfer in federal_holidays(year)


@pytest.mark.parametrize("year", [2025, 2026, 2027, 2028, 2029, 2031])
def test_no_transfer_of_power_between_elections(year: int) -> None:
    assert date(year, 10, 1) not in federal_holidays(year)
    assert date(year, 12, 1) not in federal_holidays(year)


@pytest.mark.parametrize(
    ("day", "business"),
    [
        (date(2026, 2, 3), True),  # an ordinary Tuesday
        (date(2026, 2, 2), False),  # Constitution Day, a Monday
        (date(2026, 1, 31), False),  # Saturday
        (date(2026, 2, 1), False),  # Sunday
        (date(2026, 12, 25), False),
    ],
)
def test_is_business_day(day: date, business: bool) -> None:
    assert is_business_day(day) is business


@pytest.mark.parametrize(
    ("start", "days", "expected"),
    [
        (date(2026, 1, 30), 1, date(2026, 2, 3)),  # Friday; Monday 2 February is a holiday
        (date(2025, 1, 3), 1, date(2025, 1, 6)),  # Friday to Monday
        (date(2026, 1, 31), 1, date(2026, 2, 3)),  # from a Saturday
        (date(2025, 12, 24), 1, date(2025, 12, 26)),  # over Christmas
        (date(2025, 12, 24), 5, date(2026, 1, 2)),  # over Christmas, two weekends and New Year
        (date(2026, 4, 30), 2, date(2026, 5, 6)),  # 1 May (Friday) and 5 May (Tuesday)
        (date(2026, 9, 15), 1, date(2026, 9, 17)),  # Independence Day
        (date(2026, 1, 5), 10, date(2026, 1, 19)),  # two plain weeks
        (date(2026, 1, 30), 0, date(2026, 1, 30)),  # zero days: the start day itself
    ],
)
def test_add_business_days_skips_weekends_and_holidays(start: date, days: int, expected: date) -> None:
    assert add_business_days(start, days) == expected


def test_declared_non_working_days_are_skipped_too() -> None:
    holy_thursday_and_friday = [date(2026, 4, 2), date(2026, 4, 3)]
    assert add_business_days(date(2026, 4, 1), 1) == date(2026, 4, 2)
    assert add_business_days(date(2026, 4, 1), 1, extra=holy_thursday_and_friday) == date(2026, 4, 6)
    assert add_business_days(date(2026, 4, 1), 1, extra=iter(holy_thursday_and_friday)) == date(2026, 4, 6)
    assert business_days_between(date(2026, 3, 31), date(2026, 4, 6), extra=holy_thursday_and_friday) == 2
    assert not is_business_day(date(2026, 4, 3), extra=holy_thursday_and_friday)


def test_a_negative_number_of_days_is_refused() -> None:
    with pytest.raises(ValueError, match="must not be negative"):
        add_business_days(date(2026, 1, 5), -1)


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        (date(2026, 1, 30), date(2026, 2, 3), 1),  # Sat, Sun, holiday Monday, then Tuesday
        (date(2026, 1, 30), date(2026, 1, 30), 0),
        (date(2026, 2, 3), date(2026, 1, 30), 0),  # backwards: nothing used
        (date(2025, 12, 31), date(2026, 12, 31), 253),  # 261 weekdays in 2026, 8 of them holidays
        (date(2026, 1, 5), date(2026, 1, 7), 2),  # the start day is not counted, the end day is
    ],
)
def test_business_days_between(start: date, end: date, expected: int) -> None:
    assert business_days_between(start, end) == expected


@settings(deadline=None, database=None)
@given(
    start=st.dates(min_value=date(2025, 1, 1), max_value=date(2027, 12, 31)),
    days=st.integers(min_value=0, max_value=60),
)
def test_between_counts_back_what_add_counted_forward(start: date, days: int) -> None:
    end = add_business_days(start, days)
    assert business_days_between(start, end) == days
    if days:
        assert is_business_day(end)
        previous = add_business_days(start, days - 1)
        skipped = [previous + timedelta(days=offset) for offset in range(1, (end - previous).days)]
        assert not any(is_business_day(day) for day in skipped)


def test_the_legal_day_is_the_day_in_mexico_city() -> None:
    late_friday_evening_in_mexico_city = datetime(2026, 1, 31, 3, 0, tzinfo=UTC)
    assert legal_date(late_friday_evening_in_mexico_city) == date(2026, 1, 30)
    assert legal_date(datetime(2026, 1, 31, 6, 0, tzinfo=UTC)) == date(2026, 1, 31)


def test_a_deadline_falls_at_the_end_of_its_last_day_in_mexico_city() -> None:
    end = end_of_day(date(2026, 2, 3))
    assert end.tzinfo == MEXICO_CITY
    assert (end.date(), end.time()) == (date(2026, 2, 3), time(23, 59, 59))
    assert end.astimezone(UTC) == datetime(2026, 2, 4, 5, 59, 59, tzinfo=UTC)
