"""Open data by channel: applications started on the web, at a community centre and by
phone, and status queries answered by SMS and by phone, with small counts withheld.

The figures are national (every procedure), so the test runs in a month of its own: the
clock travels to a month in the future that no other test writes in, and every count in
it is this module's.  Six drafts are started on the web, five by an assistant, two by a
call-centre agent; six ESTADO messages are answered and three status calls counted.
Phone's two applications are withheld, and so is the centre's five (13 started − 6 − 0
would give the two back); the three calls are withheld.
"""

from __future__ import annotations

import csv
import io
import random
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest

from chalicelib.core import clock
from tests.component.test_notifications import reply
from tests.component.test_voice import event, invoke
from tests.support.client import wait_for
from tests.support.flows import delegated, draft
from tests.support.inprocess import Aws, HttpUser
from tests.support.people import new_curp

# a month no other test writes in (the clock never reaches it otherwise)
MOMENT = datetime(random.randrange(2060, 2090), random.randrange(1, 13), 15, 18, 0, tzinfo=UTC)
MONTH = MOMENT.strftime("%Y-%m")
WINDOW = f"from={MONTH}&to={MONTH}"


def for_someone(aws: Aws, helper: HttpUser, citizen: HttpUser, centre: str, count: int) -> list[str]:
    delegated(aws, helper, citizen, centre)
    started = []
    for _ in range(count):
        created = helper.post("/applications", {"procedure": "licencia-conducir", "citizen": citizen.username})
        assert created.status_code == 201, created.body
        started.append(str(created.body["id"]))
    return started


def report(aws: Aws) -> dict[str, Any]:
    answer = aws.anonymous().get(f"/stats/channels?{WINDOW}")
    assert answer.status_code == 200, answer.body
    body: dict[str, Any] = answer.body
    return body


@pytest.fixture(scope="module")
def month(aws: Aws) -> Iterator[None]:
    with clock.travel(MOMENT):
        own = [aws.user(), aws.user()]
        for citizen in own:
            for _ in range(3):
                draft(citizen)
        assistant = aws.user(username=f"asesor.canal.{new_curp().lower()[:8]}", groups=("assistant-CDC-CANAL",))
        for_someone(aws, assistant, aws.user(), "CDC-CANAL", 5)
        agent = aws.user(username=f"agente.canal.{new_curp().lower()[:8]}", groups=("callcentre-LINEA-CANAL",))
        for_someone(aws, agent, aws.user(), "LINEA-CANAL", 2)
        for citizen in own:
            for _ in range(3):
                assert reply(aws, citizen.phone or "", "ESTADO ABCDEFGHJK") == {"action": "status_unknown"}
        for citizen in (*own, aws.user()):  # three status calls to the voice line
            assert invoke("voice_status", event("voice_status", citizen.phone or ""))["result"] in ("found", "none")
        wait_for(lambda: report(aws)["applications"]["totals"]["web"] == 6, "the web's drafts counted")
        yield


def test_applications_are_counted_by_the_channel_that_started_them(aws: Aws, month: None) -> None:
    applications = report(aws)["applications"]
    [only] = applications["months"]
    assert only["month"] == MONTH
    for row in (only, applications["totals"]):
        assert (row["web"], row["sms"]) == (6, 0)
        # two by phone are withheld, and the centre's five with them: 13 - 6 - 0 would give them back
        assert (row["phone"], row["centre"]) == (None, None)
        assert row["suppressed"] == ["centre", "phone"]


def test_status_queries_are_counted_by_channel_and_small_ones_withheld(aws: Aws, month: None) -> None:
    queries = report(aws)["status_queries"]
    assert queries["totals"] == {"month": "total", "sms": 6, "phone": None, "suppressed": ["phone"]}
    assert queries["months"] == [{"month": MONTH, "sms": 6, "phone": None, "suppressed": ["phone"]}]


def test_the_channels_csv_has_the_same_figures_with_withheld_cells_empty(aws: Aws, month: None) -> None:
    answer = aws.anonymous().request("GET", f"/stats/channels.csv?{WINDOW}", headers={"Accept": "text/csv"})
    assert answer.status_code == 200
    lines = list(csv.DictReader(io.StringIO(answer.body)))
    cells = {(line["figure"], line["month"], line["channel"]): line["count"] for line in lines}
    assert cells[("applications", MONTH, "web")] == "6" and cells[("applications", "total", "phone")] == ""
    assert cells[("status_queries", "total", "sms")] == "6" and cells[("status_queries", MONTH, "phone")] == ""


def test_a_bad_window_names_the_field(aws: Aws) -> None:
    answer = aws.anonymous().get("/stats/channels?to=2026-13")
    assert answer.status_code == 422 and answer.body["error"]["details"][0]["field"] == "to"
