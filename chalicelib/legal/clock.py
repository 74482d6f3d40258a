"""The legal clock of one step of one application (plazo).

It starts when the filing is complete, pauses while the citizen has been asked for
corrections (prevención) and resumes on resubmission, counting business days only.
Its state is plain data stored on the review item, so the citizen, the official and
the workflow all read the same deadline.  Besides the federal calendar it skips the
non-working days of the reviewing agency (``extra``), read afresh each time a deadline
is computed: a day the agency publishes while the clock runs moves the deadline.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from chalicelib.legal.calendar import business_days_between, deadline_after, legal_date

SECONDS_PER_DAY = 86400


@dataclass
class LegalClock:
    business_days: int
    running_since: date | None
    used: int = 0
    paused_since: date | None = None

    @classmethod
    def start(cls, business_days: int, now: datetime) -> LegalClock:
        return cls(business_days=business_days, running_since=legal_date(now))

    @property
    def paused(self) -> bool:
        return self.running_since is None

    @property
    def base(self) -> date:
        """The day the clock counts from: it started or resumed (or, paused, the day it paused)."""
        base = self.running_since or self.paused_since
        assert base is not None
        return base

    def deadline(self, days_before: int = 0, extra: Iterable[date] = ()) -> datetime:
        """End of the last business day (or of the one ``days_before`` business days earlier);
        while paused, as if it resumed the day it paused."""
        return deadline_after(self.base, max(0, self.business_days - self.used - days_before), extra)

    def pause(self, now: datetime, extra: Iterable[date] = ()) -> None:
        if self.running_since is None:
            return
        today = legal_date(now)
        used = business_days_between(self.running_since, today, extra)
        self.used = min(self.business_days, self.used + used)
        self.running_since = None
        self.paused_since = today

    def resume(self, now: datetime) -> None:
        if self.running_since is not None:
            return
        self.running_since = legal_date(now)
        self.paused_since = None

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        for name in ("running_since", "paused_since"):
            data[name] = data[name].isoformat() if data[name] else None
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> LegalClock:
        return cls(
            business_days=int(data["business_days"]),
            used=int(data.get("used", 0)),
            running_since=date.fromisoformat(data["running_since"]) if data.get("running_since") else None,
            paused_since=date.fromisoformat(data["paused_since"]) if data.get("paused_since") else None,
        )


def timer_seconds(deadline: datetime, now: datetime, legal_day_seconds: Decimal) -> int:
    """Wall-clock seconds a Step Functions timer waits for a legal deadline.

    On AWS a legal day lasts 86,400 s; the local stack and tests compress it
    (``LEGAL_DAY_SECONDS``) so that deadlines pass in seconds.  Never less than 1 s,
    the smallest timeout Step Functions accepts.
    """
    remaining = (deadline - now).total_seconds()
    scaled = Decimal(str(max(remaining, 0))) * legal_day_seconds / SECONDS_PER_DAY
    return max(1, math.ceil(scaled))
