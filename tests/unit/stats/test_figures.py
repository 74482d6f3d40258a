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
    event("review.opened", "2026-11-02T17:00:05.000Z", "in_review", review_id="r1", step="revision", deadline="2026-11-09T05:59:59.999Z"),
    event("review.changes_requested", "2026-11-03T17:00:00.000Z", "changes_requested", review_id="r1", step="revision"),
    event("review.resumed", "2026-11-04T17:00:00.000Z", "in_review", review_id="r2", step="revision", deadline="2026-11-11T05:59:59.999Z"),
    event("review.approved", "2026-11-05T17:00:00.000Z", None, review_id="r2", step="revision", deadline="2026-11-11T05:59:59.999Z"),
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
    late = [*TRAIL[:5], event("review.approved", "2026-11-12T17:00:00.000Z", None, review_id="r2", step="revision"), TRAIL[-1]]
    assert figures.resolution(late).within_deadline is False  # type: ignore[union-attr]
    deemed = [*TRAIL[:3], event("review.deemed_approved", "2026-11-09T06:00:00.000Z", None, review_id="r1", step="revision"), TRAIL[-1]]
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
        {"scope": "procedure", "code": "p", "month": "2026-10", "agency": "A", "submitted": 7, "issued": 6, "resolved": 6, "within_deadline": 6},
        {"scope": "procedure", "code": "p", "month": "2026-11", "agency": "A", "submitted": 3, "issued": 2, "resolved": 2, "within_deadline": 1},
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
