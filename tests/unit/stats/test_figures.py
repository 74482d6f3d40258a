"""The pure side of the statistics: an application's resolution read from its audit
events, percentiles from a histogram, and small-count suppression."""

from __future__ import annotations

from typing import Any

from chalicelib.stats import figures, opendata


def event(action: str, at: str, to_status: str | None = None, **details: Any) -> dict[str, Any]:
    return {"action": action, "at": at, "to_status": to_status, "details": details}


# Monday 2 to Wednesday 11 November 2026 (Mexico City): no holiday in between but the weekend.
TRAIL = [
    event("application.created", "2026-11-02T16:00:00.000Z", "draft"),
    event("application.submitted", "2026-11-02T17:00:00.000Z", "submitted"),
    event(
        "review.opened",
        "2026-11-02T17:00:05.000Z",
        "in_review",
        review_id="r1",
        step="revision",
        deadline="2026-11-09T05:59:59.999Z",
    ),
    event("review.changes_requested", "2026-11-03T17:00:00.000Z", "changes_requested", review_id="r1", step="revision"),
    event(
        "review.resumed",
        "2026-11-04T17:00:00.000Z",
        "in_review",
        review_id="r2",
        step="revision",
        deadline="2026-11-11T05:59:59.999Z",
    ),
    event(
        "review.approved",
        "2026-11-05T17:00:00.000Z",
        None,
        review_id="r2",
        step="revision",
        deadline="2026-11-11T05:59:59.999Z",
    ),
    event("payment.requested", "2026-11-05T17:00:01.000Z", "awaiting_payment", step="pago", reference="123"),
    event("payment.received", "2026-11-09T17:00:00.000Z", None, reference="123"),
    event("document.issued", "2026-11-11T17:00:00.000Z", "issued"),
]


def test_a_resolution_is_read_from_the_audit_trail() -> None:
    ended = figures.resolution(TRAIL)
    assert ended is not None
    assert (ended.outcome, ended.resolved, ended.corrections, ended.within_deadline) == ("issued", True, True, True)
    assert ended.days == 7  # Monday 2 to Wednesday 11, weekend skipped
    assert ended.steps == {"revision": 3, "pago": 2}
    assert figures.resolution(TRAIL[:-1]) is None  # not ended yet


def test_an_expired_review_or_a_late_decision_is_out_of_deadline() -> None:
    late = [
        *TRAIL[:5],
        event("review.approved", "2026-11-12T17:00:00.000Z", None, review_id="r2", step="revision"),
        TRAIL[-1],
    ]
    assert figures.resolution(late).within_deadline is False  # type: ignore[union-attr]
    deemed = [
        *TRAIL[:3],
        event("review.deemed_approved", "2026-11-09T06:00:00.000Z", None, review_id="r1", step="revision"),
        TRAIL[-1],
    ]
    ended = figures.resolution(deemed)
    assert ended is not None and ended.deemed_approved and not ended.within_deadline


def test_percentiles_from_a_histogram() -> None:
    histogram = {0: 2, 3: 1, 5: 4, 12: 3}  # 0 0 3 5 5 5 5 12 12 12
    assert figures.median(histogram) == 5.0
    assert figures.percentile(histogram, 90) == 12
    assert figures.median({1: 1, 4: 1}) == 2.5
    assert figures.median({}) is None and figures.percentile({}, 90) is None


def test_counts_under_five_are_withheld_and_zero_is_shown() -> None:
    assert [figures.count(value) for value in (0, 1, 4, 5, 12)] == [0, None, None, 5, 12]
    assert figures.share(2, 4) is None and figures.share(2, 5) == 0.4
    assert figures.mean(17, 4) is None and figures.mean(17, 5) == 3.4


def test_a_withheld_cell_cannot_be_recovered_from_the_total() -> None:
    # Months 7, 3, 9 add up to a published 19: withholding the 3 alone would give it away.
    assert figures.complementary(19, [7, None, 9], [7, 3, 9]) == {0}
    assert figures.complementary(19, [7, None, None], [7, 3, 9]) == set()  # two withheld reveal only their sum
    assert figures.complementary(None, [None, None], [2, 1]) == set()


def test_a_report_withholds_small_months_and_their_complement() -> None:
    items = [
        {
            "scope": "procedure",
            "code": "p",
            "month": "2026-10",
            "agency": "A",
            "submitted": 7,
            "issued": 6,
            "resolved": 6,
            "within_deadline": 6,
        },
        {
            "scope": "procedure",
            "code": "p",
            "month": "2026-11",
            "agency": "A",
            "submitted": 3,
            "issued": 2,
            "resolved": 2,
            "within_deadline": 1,
        },
    ]
    info = {"procedures": {"p": {"name": {"es": "P", "en": "P"}, "agency": "A", "steps": {}}}, "agencies": {}}
    report = opendata.build(items, info, "2026-10", "2026-11")
    [procedure] = report["procedures"]
    october, november = procedure["months"]
    assert procedure["totals"]["submitted"] == 10 and procedure["totals"]["issued"] == 8
    assert november["submitted"] is None and "submitted" in november["suppressed"]
    assert october["submitted"] is None and "submitted" in october["suppressed"]  # else 10 - 7 gives November away
    assert procedure["totals"]["within_deadline_share"] == round(7 / 8, 3)
    assert november["within_deadline_share"] is None and "within_deadline_share" in november["suppressed"]


def test_a_sum_with_one_unknown_gets_a_second_one_until_none_is_left() -> None:
    # A: 6 + 2 = 8 over two months; B: 5 + 0 = 5; the months add up to 11 and 2.
    raw = {"a1": 6, "a2": 2, "a": 8, "b1": 5, "b2": 0, "b": 5, "m1": 11, "m2": 2}
    sums = [("a", ["a1", "a2"]), ("b", ["b1", "b2"]), ("m1", ["a1", "b1"]), ("m2", ["a2", "b2"])]
    # a2 alone comes back as 8 - 6: a1 is withheld too, then m1 would give a1 back: b1 goes, and then b.
    assert figures.protect_sums(raw, {"a2", "m2"}, sums) == {"a2", "m2", "a1", "b1", "b"}
    # A total withheld while every part shows would be their sum: its smallest part goes.
    assert figures.protect_sums({"t": 9, "x": 5, "y": 4}, {"t", "y"}, [("t", ["x", "y"])]) == {"t", "y"}
    assert figures.protect_sums({"t": 11, "x": 5, "y": 6}, {"t"}, [("t", ["x", "y"])]) == {"t", "x"}


def procedure_item(month: str, **counters: int) -> dict[str, Any]:
    return {"scope": "procedure", "code": "p", "month": month, "agency": "A", **counters}


INFO = {"procedures": {"p": {"name": {"es": "P", "en": "P"}, "agency": "A", "steps": {}}}, "agencies": {}}


def test_assisted_filing_is_published_per_centre_with_small_centres_withheld() -> None:
    items = [
        procedure_item("2026-10", submitted=20, assisted=9, **{"assisted:CDC-OAXACA": 6, "assisted:CDC-MITLA": 3}),
        procedure_item("2026-11", submitted=10, assisted=5, **{"assisted:CDC-OAXACA": 5}),
    ]
    [procedure] = opendata.build(items, INFO, "2026-10", "2026-11")["procedures"]
    october, november = procedure["months"]
    totals = procedure["totals"]
    assert (totals["submitted"], totals["assisted"], totals["assisted_share"]) == (30, 14, round(14 / 30, 3))
    # Mitla's 3 is withheld, and Oaxaca's total with it (14 - 11 would give Mitla back).
    assert totals["centres"] == [
        {"centre": "CDC-MITLA", "submitted": None, "share": None},
        {"centre": "CDC-OAXACA", "submitted": None, "share": None},
    ]
    assert {"centres.CDC-MITLA", "centres.CDC-OAXACA"} <= set(totals["suppressed"])
    # In October the same: 9 - 6 would give Mitla's 3; November shows Oaxaca's 5 (its only centre).
    assert [centre["submitted"] for centre in october["centres"]] == [None, None]
    assert november["centres"] == [{"centre": "CDC-OAXACA", "submitted": 5, "share": 0.5}]
    assert november["assisted_share"] == 0.5


def test_an_assisted_share_goes_with_its_count() -> None:
    items = [
        procedure_item("2026-11", submitted=12, assisted=2, **{"assisted:CDC-OAXACA": 2}),
        procedure_item("2026-10", submitted=3),
    ]
    [procedure] = opendata.build(items, INFO, "2026-10", "2026-11")["procedures"]
    october, november = procedure["months"]
    assert november["assisted"] is None and november["assisted_share"] is None  # 2 / 12 would say 2
    assert {"assisted", "assisted_share", "centres.CDC-OAXACA"} <= set(november["suppressed"])
    assert (october["assisted"], october["centres"]) == (0, [])
    assert october["assisted_share"] is None and "assisted_share" in october["suppressed"]  # 3 submitted: withheld
    lines = opendata.centre_lines(opendata.build(items, INFO, "2026-10", "2026-11"))
    assert lines == [
        {"procedure": "p", "month": "2026-11", "centre": "CDC-OAXACA", "submitted": None, "share": None},
        {"procedure": "p", "month": "total", "centre": "CDC-OAXACA", "submitted": None, "share": None},
    ]
    assert opendata.to_csv([], opendata.CENTRE_COLUMNS) == "procedure,month,centre,submitted,share\r\n"
