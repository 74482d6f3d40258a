"""Business days for administrative deadlines (días hábiles).

Federal administrative procedure law (Ley Federal de Procedimiento Administrativo,
art. 28) excludes Saturdays, Sundays and these days: 1 January, the first Monday of
February, the third Monday of March, 1 and 5 May, 16 September, the third Monday of
November, 25 December, and the day power passes to a new federal executive (1 October
every six years since 2024; 1 December every six years before).  Further days an
authority declares non-working in its official gazette (Holy Week, year-end vacations)
are published as that agency's calendar (``chalicelib.legal.calendars``) and passed in
as ``extra`` to the clocks of its reviews.

Time is legal time in America/Mexico_City; a deadline falls at the end of its last
business day.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from chalicelib.core.clock import parse_iso

MEXICO_CITY = ZoneInfo("America/Mexico_City")


def _nth_monday(year: int, month: int, n: int) -> date:
    first = date(year, month, 1)
    offset = (7 - first.weekday()) % 7
    return first + timedelta(days=offset + 7 * (n - 1))


FEDERAL_REFERENCE = {
    "es": "Ley Federal de Procedimiento Administrativo, art. 28; Ley Federal del Trabajo, art. 74",
    "en": "Federal Administrative Procedure Act, art. 28; Federal Labour Act, art. 74",
}


@lru_cache(maxsize=64)
def federal_holiday_names(year: int) -> dict[date, tuple[str, str]]:
    """Each federal non-working day of ``year`` with its name, in Spanish and English."""
    days = {
        date(year, 1, 1): ("Año Nuevo", "New Year's Day"),
        _nth_monday(year, 2, 1): ("Día de la Constitución", "Constitution Day"),
        _nth_monday(year, 3, 3): ("Natalicio de Benito Juárez", "Benito Juárez's birthday"),
        date(year, 5, 1): ("Día del Trabajo", "Labour Day"),
        date(year, 5, 5): ("Batalla de Puebla", "Battle of Puebla"),
        date(year, 9, 16): ("Día de la Independencia", "Independence Day"),
        _nth_monday(year, 11, 3): ("Día de la Revolución", "Revolution Day"),
        date(year, 12, 25): ("Navidad", "Christmas Day"),
    }
    handover = ("Transmisión del Poder Ejecutivo Federal", "Transfer of federal executive power")
    if year >= 2024 and (year - 2024) % 6 == 0:
        days[date(year, 10, 1)] = handover
    elif year < 2024 and (year - 2018) % 6 == 0:
        days[date(year, 12, 1)] = handover
    return days


@lru_cache(maxsize=64)
def federal_holidays(year: int) -> frozenset[date]:
    return frozenset(federal_holiday_names(year))


def is_business_day(day: date, extra: Iterable[date] = ()) -> bool:
    skip = extra if isinstance(extra, (set, frozenset)) else set(extra)
    return day.weekday() < 5 and day not in federal_holidays(day.year) and day not in skip


def legal_date(moment: datetime) -> date:
    return moment.astimezone(MEXICO_CITY).date()


def add_business_days(start: date, days: int, extra: Iterable[date] = ()) -> date:
    """The ``days``-th business day after ``start`` (the start day itself never counts)."""
    if days < 0:
        raise ValueError("days must not be negative")
    skip = frozenset(extra)
    current = start
    remaining = days
    while remaining:
        current += timedelta(days=1)
        if is_business_day(current, skip):
            remaining -= 1
    return current


def deadline_after(start: date, days: int, extra: Iterable[date] = ()) -> datetime:
    """A legal deadline: the end of the ``days``-th business day after ``start``."""
    return end_of_day(add_business_days(start, days, extra))


def business_days_between(start: date, end: date, extra: Iterable[date] = ()) -> int:
    """Business days in (start, end]: how many a clock running from start to end used."""
    skip = frozenset(extra)
    count = 0
    current = start
    while current < end:
        current += timedelta(days=1)
        if is_business_day(current, skip):
            count += 1
    return count


def end_of_day(day: date) -> datetime:
    """The last instant of a legal day, as an aware datetime in Mexico City."""
    return datetime.combine(day, time(23, 59, 59), tzinfo=MEXICO_CITY)


def local_date(value: str | None) -> str:
    """An ISO instant shown as the date people read, in Mexico City (``DD/MM/YYYY``)."""
    if not value:
        return ""
    return parse_iso(value).astimezone(MEXICO_CITY).strftime("%d/%m/%Y")
