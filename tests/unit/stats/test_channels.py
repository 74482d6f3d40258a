"""The open data by channel, from statistics rows: which channel started an application,
and which counts are withheld so that none comes back by subtraction."""

from __future__ import annotations

from typing import Any

import pytest

from chalicelib.stats import channels
from chalicelib.stats.projector import counts
from chalicelib.store.models import Application

MONTHS = ["2031-01", "2031-02"]


def procedure(month: str, **counters: int) -> dict[str, Any]:
    return {"scope": "procedure", "code": "licencia", "month": month, **counters}


def queries(month: str, **counters: int) -> dict[str, Any]:
    return {"scope": "queries", "code": "status", "month": month, **counters}


@pytest.mark.parametrize(
    ("kind", "channel"), [("citizen", "web"), ("assistant", "centre"), ("agent", "phone"), ("official", None)]
)
def test_an_application_is_counted_under_the_channel_of_whoever_started_it(kind: str, channel: str | None) -> None:
    application = Application("APP#a1", "APP", id="a1", procedure_code="licencia", agency="SEMOVI")
    event = {"seq": 1, "at": "2031-01-10T18:00:00Z", "action": "application.created", "actor": {"kind": kind}}
    [counter] = counts(application, event).values()
    expected = {"started": 1, **({f"started_{channel}": 1} if channel else {})}
    assert dict(counter) == expected


def test_small_channels_are_withheld_with_the_smallest_other_of_the_month() -> None:
    items = [
        procedure("2031-01", started=13, started_web=6, started_centre=5, started_phone=2),
        procedure("2031-02", started=20, started_web=20),
    ]
    table = channels.report(items, MONTHS)["applications"]
    january, february = table["months"]
    assert january == {
        "month": "2031-01",
        "web": 6,
        "sms": 0,
        "phone": None,
        "centre": None,
        "suppressed": ["centre", "phone"],
    }
    assert february == {"month": "2031-02", "web": 20, "sms": 0, "phone": 0, "centre": 0, "suppressed": []}
    # the window: 5 by centre and 2 by phone; phone's 2 withheld, and then centre's 5 too
    # (33 - 26 - 0 - 5 would give it back); down the months nothing is left to subtract from
    assert table["totals"] == {
        "month": "total",
        "web": 26,
        "sms": 0,
        "phone": None,
        "centre": None,
        "suppressed": ["centre", "phone"],
    }


def test_a_channels_months_are_protected_against_its_window_total() -> None:
    items = [queries("2031-01", sms=3, phone=9), queries("2031-02", sms=7, phone=8)]
    table = channels.report(items, MONTHS)["status_queries"]
    # January's 3 by SMS is withheld; the total of 10 is shown, so February's 7 goes too
    assert [row["sms"] for row in table["months"]] == [None, None]
    assert table["totals"]["sms"] == 10
    assert [row["phone"] for row in table["months"]] == [9, 8] and table["totals"]["phone"] == 17


def test_rows_of_other_months_and_scopes_are_ignored() -> None:
    items = [
        procedure("2030-12", started=50, started_web=50),
        {"scope": "agency", "code": "SEMOVI", "month": "2031-01", "decisions": 9},
        queries("2031-01", sms=5),
    ]
    report = channels.report(items, MONTHS)
    assert report["applications"]["totals"]["web"] == 0
    assert report["status_queries"]["totals"] == {"month": "total", "sms": 5, "phone": 0, "suppressed": []}


def test_only_sms_and_phone_status_queries_are_counted() -> None:
    with pytest.raises(ValueError, match="web"):
        channels.count_status_query("web")
