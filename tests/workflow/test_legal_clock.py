"""The legal clock over a real workflow: a prevención pauses it, and the deadline moves
by exactly the business days the citizen took to answer."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest

from chalicelib.core import clock
from chalicelib.core.clock import parse_iso
from chalicelib.legal.calendar import add_business_days, business_days_between, legal_date
from tests.support import documents
from tests.support.client import wait_for
from tests.support.flows import decide, open_review, submitted_licence, upload, wait_status
from tests.support.inprocess import Aws


@pytest.fixture
def time_travel() -> Iterator[None]:
    yield
    clock.reset_shift()


def test_prevencion_pauses_the_clock_and_the_deadline_moves_by_the_paused_business_days(
    aws: Aws, time_travel: None
) -> None:
    citizen = aws.user()
    official = aws.official("oficial.reloj")
    application_id = submitted_licence(citizen)
    first = open_review(official, application_id)
    original = parse_iso(first["deadline"])

    clock.shift(timedelta(days=2))  # the official takes two days to ask for corrections
    paused_on = legal_date(clock.utcnow())
    assert decide(official, application_id, "request_changes", "Falta la firma en el comprobante.").status_code == 200
    wait_status(citizen, application_id, "changes_requested")

    clock.shift(timedelta(days=9))  # the citizen answers nine calendar days later
    resumed_on = legal_date(clock.utcnow())
    upload(citizen, application_id, "comprobante_domicilio", documents.pdf("comprobante firmado"))
    assert citizen.post(f"/applications/{application_id}/submit").status_code == 202
    reopened = wait_for(
        lambda: (r := open_review(official, application_id))["review_id"] != first["review_id"] and r,
        "the reopened review",
    )

    paused_business_days = business_days_between(paused_on, resumed_on)
    assert paused_business_days >= 5
    expected = add_business_days(legal_date(original), paused_business_days)
    assert legal_date(parse_iso(reopened["deadline"])) == expected
    resumed = [
        e
        for e in citizen.get(f"/applications/{application_id}/audit").body["events"]
        if e["action"] == "review.resumed"
    ][-1]
    assert resumed["details"]["used_days"] == business_days_between(
        legal_date(parse_iso(first["opened_at"])), paused_on
    )
