"""The projector counts each audit event the table's stream delivers: a failure to count
is raised, for the stream to deliver the event again (its marker keeps it from counting
twice)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pytest
from pynamodb.exceptions import QueryError

from chalicelib.core import observability
from chalicelib.core.errors import TransientFailure
from chalicelib.stats.projector import Projector
from chalicelib.store.models import Application, AuditEvent

APPLICATION = Application(
    "APP#a1",
    "APP",
    id="a1",
    owner="o",
    procedure_code="licencia",
    procedure_version=1,
    state_machine_arn="arn",
    agency="sedeco",
    status="issued",
    created_at="2026-01-05T16:00:00Z",
    updated_at="2026-01-12T16:00:00Z",
)


def event(seq: int, action: str, to_status: str | None = None) -> AuditEvent:
    return AuditEvent(
        "APP#a1",
        f"EV#{seq:06d}",
        application_id="a1",
        seq=seq,
        at=f"2026-01-{4 + seq:02d}T16:00:00Z",
        actor={"kind": "citizen"},
        action=action,
        to_status=to_status,
        details={},
        prev_hash="",
        hash="",
    )


TRAIL = [event(1, "application.created", "draft"), event(2, "application.submitted", "submitted")]


class Statistics:
    def __init__(self, failure: Exception | None = None) -> None:
        self.failure = failure
        self.counted: list[tuple[int, str, Mapping[Any, Mapping[str, int]]]] = []

    def count_event(
        self, application_id: str, seq: int, counted_at: str, month: str, owner: str | None, changes: Any
    ) -> bool:
        if self.failure:
            raise self.failure
        self.counted.append((seq, month, changes))
        return True

    def counted_markers(self, application_id: str) -> set[int]:
        return {1}


class Applications:
    def __init__(self, failure: Exception | None = None, trail: list[AuditEvent] = TRAIL) -> None:
        self.failure = failure
        self.trail = trail

    def get(self, application_id: str, *, consistent: bool = False) -> Application:
        return APPLICATION

    def audit(self, application_id: str) -> list[AuditEvent]:
        if self.failure:
            raise self.failure
        return self.trail


@pytest.fixture
def metrics(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    emitted: list[str] = []
    monkeypatch.setattr(observability, "emit", lambda name, *args, **kwargs: emitted.append(name))
    return emitted


def project(statistics: Statistics, applications: Applications) -> Projector:
    return Projector(statistics, applications)  # type: ignore[arg-type]


def test_an_event_is_counted_in_its_month(metrics: list[str]) -> None:
    statistics = Statistics()
    assert project(statistics, Applications()).count(TRAIL[1])
    assert statistics.counted == [(2, "2026-01", {("procedure", "licencia"): {"submitted": 1}})]
    assert metrics == []


@pytest.mark.parametrize("failure", [TransientFailure("busy"), QueryError("the database failed")])
def test_a_failure_to_count_is_raised_for_the_stream_to_deliver_the_event_again(failure: Exception) -> None:
    with pytest.raises(type(failure)):
        project(Statistics(failure), Applications()).count(TRAIL[1])
    with pytest.raises(type(failure)):
        project(Statistics(), Applications(failure)).count(event(3, "application.issued", "issued"))


def test_a_resolution_delivered_late_counts_the_history_up_to_it_only() -> None:
    issued = event(3, "application.issued", "issued")
    later = [*TRAIL, issued, event(4, "rating.submitted")]
    statistics = Statistics()
    assert project(statistics, Applications(trail=later)).count(issued)
    ((seq, _, changes),) = statistics.counted
    assert seq == 3 and changes[("procedure", "licencia")]["issued"] == 1


def test_catching_up_counts_only_what_was_not_counted(metrics: list[str]) -> None:
    statistics = Statistics()
    assert project(statistics, Applications()).catch_up(APPLICATION) == {"counted": 1, "already": 0}
    assert [seq for seq, _, _ in statistics.counted] == [2]


@pytest.mark.parametrize(
    ("action", "counter"),
    [
        ("appeal.filed", "appeals_filed"),
        ("appeal.confirmed", "appeals_confirmed"),
        ("appeal.revoked", "appeals_revoked"),
        ("appeal.new_review", "appeals_new_review"),
    ],
)
def test_an_appeal_and_its_resolution_count_for_the_agency_that_rejected(action: str, counter: str) -> None:
    from chalicelib.stats.projector import counts
    from chalicelib.store.statistics import AGENCY, PROCEDURE

    appealed = {"seq": 5, "at": "2026-01-09T16:00:00Z", "action": action, "details": {"agency": "SEMOVI"}}
    assert counts(APPLICATION, appealed) == {(PROCEDURE, "licencia"): {counter: 1}, (AGENCY, "SEMOVI"): {counter: 1}}
