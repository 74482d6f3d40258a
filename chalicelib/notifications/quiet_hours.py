"""Quiet hours: no non-urgent SMS at night in Mexico City; such messages wait for morning."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from msgspec import Struct

from chalicelib.legal.calendar import MEXICO_CITY

OFF = ("", "off", "none")


class QuietHours(Struct, frozen=True):
    start: time | None = time(21, 0)
    end: time = time(8, 0)
    zone: ZoneInfo = MEXICO_CITY

    @classmethod
    def parse(cls, value: str) -> QuietHours:
        """``"21:00-08:00"`` (the default), or ``"off"``."""
        if value.strip().lower() in OFF:
            return cls(start=None)
        try:
            start, end = (time.fromisoformat(part.strip()) for part in value.split("-"))
        except ValueError:
            raise ValueError(f"SMS_QUIET_HOURS must look like 21:00-08:00 or be off; got {value!r}") from None
        return cls(start=start, end=end)

    def is_quiet(self, now: datetime) -> bool:
        if self.start is None or self.start == self.end:
            return False
        local = now.astimezone(self.zone).time()
        if self.start > self.end:  # the window spans midnight
            return local >= self.start or local < self.end
        return self.start <= local < self.end

    def defer_until(self, now: datetime) -> datetime | None:
        """When a non-urgent message may go out: None if now, else the end of the quiet hours."""
        if not self.is_quiet(now):
            return None
        local = now.astimezone(self.zone)
        day = local.date() if local.time() < self.end else local.date() + timedelta(days=1)
        return datetime.combine(day, self.end, tzinfo=self.zone)
