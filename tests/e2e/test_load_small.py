"""The load test (``bench/loadtest.py``, ``make load``) at a size CI can afford: twenty
citizens at once with flaky clients against the running stack, and nothing lost or
doubled."""

from __future__ import annotations

from bench.loadtest import run
from tests.support.client import Api


def test_twenty_citizens_at_once_lose_and_double_nothing(stack: Api) -> None:
    report = run(stack.base_url, citizens=20, retry_share=0.1, seed=20, timeout=150, ramp_up=2)
    print("\n".join(report.lines()))
    assert report.ok, "\n".join(report.lines())
    assert sum(1 for call in report.calls if call.retry) > 0, "no request was repeated: the flaky client did not flake"
