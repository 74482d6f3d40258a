from __future__ import annotations

from typing import Any

import pytest

from chalicelib.api.routes import parse
from chalicelib.reviews.requests import REASON_RULE, ReportWindow, ReviewDecision
from tests.support.parsing import refusal


def test_a_reason_is_kept_trimmed_and_counted_trimmed() -> None:
    decided = parse(ReviewDecision, {"decision": "reject", "reason": "  Documentos ilegibles \n"}, "body")
    assert decided.reason == "Documentos ilegibles"
    assert refusal(ReviewDecision, {"decision": "reject", "reason": "  ab  "}) == (
        "reason_required",
        "reason",
        REASON_RULE,
    )
    assert parse(ReviewDecision, {"decision": "approve", "reason": " " + "x" * 1000 + " "}, "body").reason == "x" * 1000


@pytest.mark.parametrize("decision", ["aprobar", None, 1])
def test_a_decision_is_one_of_three(decision: Any) -> None:
    assert refusal(ReviewDecision, {"decision": decision, "reason": "Todo en orden"}) == (
        "invalid_decision",
        "decision",
        "must be one of approve, reject, request_changes",
    )


def test_a_reason_to_jump_the_queue_is_text_or_nothing() -> None:
    assert parse(ReviewDecision, {"decision": "approve", "reason": "Bien", "reason_out_of_order": None}, "body")
    code, field, _ = refusal(ReviewDecision, {"decision": "approve", "reason": "Bien", "reason_out_of_order": 5})
    assert (code, field) == ("reason_out_of_order_required", "reason_out_of_order")


def test_the_report_window_is_read_from_the_query_string() -> None:
    assert parse(ReportWindow, {}, "query") == ReportWindow(days=90, min_applications=3)
    assert parse(ReportWindow, {"days": "7"}, "query").days == 7
    assert refusal(ReportWindow, {"days": "0"}, "query") == (
        "invalid_parameter",
        "days",
        "must be a whole number from 1 to 400",
    )
    assert refusal(ReportWindow, {"min_applications": "x"}, "query")[:2] == ("invalid_parameter", "min_applications")
