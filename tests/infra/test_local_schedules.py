"""The local stack runs what ``app.py`` schedules, on its cadence scaled to the legal day."""

from __future__ import annotations

from typing import Any

import app
from infra.local.schedules import MIN_INTERVAL, Scheduled, Scheduler, scheduled


def test_every_scheduled_function_runs_on_its_rate_scaled_to_the_legal_day() -> None:
    jobs = {job.name: job for job in scheduled(app.app, app, "240")}  # a legal day of four minutes

    assert {name: job.interval for name, job in jobs.items()} == {
        "retention": 240.0,  # daily
        "deadline_watch": 10.0,  # hourly
        "sms_send_queued": 2.5,  # every 15 minutes
    }
    assert jobs["retention"].handler is app.retention
    assert jobs["deadline_watch"].handler is app.deadline_watch
    assert jobs["sms_send_queued"].handler is app.sms_send_queued


def test_a_real_day_keeps_the_rates_of_aws_and_a_very_short_day_is_floored() -> None:
    real = {job.name: job.interval for job in scheduled(app.app, app, "86400")}
    assert real == {"retention": 86400.0, "deadline_watch": 3600.0, "sms_send_queued": 900.0}
    short = {job.name: job.interval for job in scheduled(app.app, app, "10")}
    assert short["sms_send_queued"] == MIN_INTERVAL


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_the_scheduler_calls_each_handler_when_its_interval_has_passed() -> None:
    clock = Clock()
    calls: list[tuple[str, dict[str, Any]]] = []

    def recorder(name: str) -> Any:
        return lambda event, context: calls.append((name, event))

    daily = Scheduled("daily", 240.0, recorder("daily"))
    hourly = Scheduled("hourly", 10.0, recorder("hourly"))
    scheduler = Scheduler([daily, hourly], clock=clock)

    assert scheduler.tick() == []
    clock.now += 10
    assert scheduler.tick() == ["hourly"]
    clock.now += 5
    assert scheduler.tick() == []
    clock.now += 225  # 240 s after start: both due
    assert scheduler.tick() == ["daily", "hourly"]
    clock.now += 100  # late by many intervals: run once, then on the cadence from now
    assert scheduler.tick() == ["hourly"]
    assert scheduler.due["hourly"] == clock.now + 10
    assert [name for name, _ in calls] == ["hourly", "daily", "hourly", "hourly"]
    assert calls[0][1]["detail-type"] == "Scheduled Event" and calls[0][1]["source"] == "aws.events"


def test_a_failing_run_does_not_stop_the_schedule() -> None:
    clock = Clock()

    def failing(event: dict[str, Any], context: Any) -> None:
        raise RuntimeError("the table is busy")

    scheduler = Scheduler([Scheduled("flaky", 10.0, failing)], clock=clock)
    clock.now += 10
    assert scheduler.tick() == ["flaky"]
    clock.now += 10
    assert scheduler.tick() == ["flaky"]
