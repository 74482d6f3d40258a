"""Counting in the statistics: a refused mark means counted before, contention on the
month's shared rows is retried, anything else is a failure the projector leaves to the
replay.  DynamoDB's answers are stood in for at ``commit``."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

import pytest

from chalicelib.core.errors import TransientFailure
from chalicelib.store import keys, statistics
from chalicelib.store.statistics import AGENCY, ATTEMPTS, PROCEDURE, StatisticsStore
from chalicelib.store.writes import CONDITION_FAILED, CONFLICT, Cancelled, Write

CHANGES = {(PROCEDURE, "licencia"): {"decisions": 1, "out_of_order": 1}, (AGENCY, "sedeco"): {"decisions": 1}}


class Answers:
    """What each successive transaction gets: None commits, a list of reasons cancels it."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, *answers: list[str | None] | None) -> None:
        self.answers: Iterator[list[str | None] | None] = iter(answers)
        self.sent: list[Sequence[Write]] = []
        monkeypatch.setattr(statistics, "commit", self.commit)
        monkeypatch.setattr(statistics, "_pause", lambda attempt: None)

    def commit(self, writes: Sequence[Write]) -> None:
        self.sent.append(writes)
        reasons = next(self.answers)
        if reasons is not None:
            raise Cancelled(reasons)


def count(store: StatisticsStore) -> bool:
    return store.count_event("a1", 4, "2026-01-09T16:00:01Z", "2026-01", "sedeco", CHANGES)


def test_an_event_is_counted_with_its_mark_first_and_each_row_once(monkeypatch: pytest.MonkeyPatch) -> None:
    answers = Answers(monkeypatch, None)
    assert count(StatisticsStore()) is True
    [writes] = answers.sent
    shard = f"{keys.stats_shard('a1'):02d}"  # the application's shard of each row
    assert [(write.item.pk, write.item.sk) for write in writes] == [
        ("APP#a1", "STATS#000004"),
        ("STATS", f"M#2026-01#A#sedeco#{shard}"),
        ("STATS", f"M#2026-01#P#licencia#{shard}"),
    ]
    assert writes[0].actions is None and writes[0].condition is not None  # the mark: only if absent
    assert all(write.condition is None and not write.versioned for write in writes[1:])


def test_a_refused_mark_means_counted_before_and_is_not_retried(monkeypatch: pytest.MonkeyPatch) -> None:
    answers = Answers(monkeypatch, [CONDITION_FAILED, None, None])
    assert count(StatisticsStore()) is False
    assert len(answers.sent) == 1


def test_contention_on_the_rows_is_retried_until_it_commits(monkeypatch: pytest.MonkeyPatch) -> None:
    conflict: list[str | None] = [None, CONFLICT, None]
    answers = Answers(monkeypatch, *[conflict] * (ATTEMPTS - 1), None)
    assert count(StatisticsStore()) is True
    assert len(answers.sent) == ATTEMPTS


def test_contention_that_outlasts_the_attempts_is_a_transient_failure(monkeypatch: pytest.MonkeyPatch) -> None:
    conflict: list[str | None] = [None, CONFLICT, None]
    answers = Answers(monkeypatch, *[conflict] * ATTEMPTS)
    with pytest.raises(TransientFailure):
        count(StatisticsStore())
    assert len(answers.sent) == ATTEMPTS


def test_another_refusal_is_a_transient_failure_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    answers = Answers(monkeypatch, [None, "ValidationError", None])
    with pytest.raises(TransientFailure):
        count(StatisticsStore())
    assert len(answers.sent) == 1
