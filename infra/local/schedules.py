"""The local stack's EventBridge: runs the functions ``app.py`` schedules (``@app.schedule``)
on their cadence, scaled like the legal clock.

A legal day lasts ``LEGAL_DAY_SECONDS`` locally, so a function that runs daily on AWS runs
every ``LEGAL_DAY_SECONDS`` seconds here, an hourly one every twenty-fourth of that, and so
on (never more often than every ``MIN_INTERVAL`` seconds).  The rates are read from the
app's own declarations, and each run calls the same handler with the event EventBridge
sends; a run that fails is logged and the schedule goes on, as on AWS.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from chalice import Chalice, Rate
from chalice.app import ScheduledEventConfig

SECONDS_PER_DAY = Decimal(86400)
MIN_INTERVAL = 1.0
UNIT_SECONDS = {Rate.MINUTES: 60, Rate.HOURS: 3600, Rate.DAYS: 86400}

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Scheduled:
    name: str
    interval: float  # seconds between runs, scaled
    handler: Callable[[dict[str, Any], Any], Any]


def scheduled(app: Chalice, handlers: Any, legal_day_seconds: Decimal | str) -> list[Scheduled]:
    """Every function ``app`` schedules at a ``Rate``, with its interval scaled to a legal day
    of ``legal_day_seconds``; ``handlers`` is the module that defines them (``app``)."""
    scale = Decimal(str(legal_day_seconds)) / SECONDS_PER_DAY
    found = []
    for source in app.event_sources:
        if not isinstance(source, ScheduledEventConfig):
            continue
        rate = source.schedule_expression
        if not isinstance(rate, Rate):
            raise ValueError(f"{source.name}: only Rate schedules run locally, not {rate!r}")
        seconds = Decimal(rate.value * UNIT_SECONDS[rate.unit]) * scale
        handler = getattr(handlers, source.handler_string.rsplit(".", 1)[1])
        found.append(Scheduled(source.name, max(float(seconds), MIN_INTERVAL), handler))
    return found


def scheduled_event(name: str) -> dict[str, Any]:
    """What EventBridge sends a scheduled function."""
    return {
        "version": "0",
        "id": f"local-{name}-{time.time_ns()}",
        "detail-type": "Scheduled Event",
        "source": "aws.events",
        "account": "123456789012",
        "time": datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z"),
        "region": "us-east-1",
        "resources": [f"arn:aws:events:us-east-1:123456789012:rule/{name}"],
        "detail": {},
    }


@dataclass
class Scheduler:
    """Runs each of ``jobs`` every ``interval`` seconds of ``clock`` (first one interval after
    ``start``); ``tick`` is one look at the clock, the thread calls it when the next is due."""

    jobs: list[Scheduled]
    clock: Callable[[], float] = time.monotonic
    due: dict[str, float] = field(default_factory=dict)
    _stopped: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None

    def __post_init__(self) -> None:
        now = self.clock()
        self.due = {job.name: now + job.interval for job in self.jobs}

    def tick(self) -> list[str]:
        """Run every job due by now (once, however late); returns their names."""
        now = self.clock()
        ran = []
        for job in self.jobs:
            if self.due[job.name] > now:
                continue
            following = self.due[job.name] + job.interval
            self.due[job.name] = following if following > now else now + job.interval
            ran.append(job.name)
            try:
                job.handler(scheduled_event(job.name), None)
            except Exception:  # a failed run is retried at the next, as EventBridge does
                log.exception("scheduled function %s failed", job.name)
        return ran

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="ventanilla-schedules", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stopped.set()
        if self._thread is not None:
            self._thread.join(timeout=10)

    def _run(self) -> None:
        while not self._stopped.is_set():
            self.tick()
            wait = min(self.due.values(), default=self.clock() + 60) - self.clock()
            self._stopped.wait(max(wait, 0.05))
