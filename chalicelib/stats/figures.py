"""The pure side of the statistics: what one application's audit trail says about it,
percentiles from a histogram, and small-count suppression.

``resolution`` reads an application's audit events (as ``GET /applications/{id}/audit``
returns them) and answers what the statistics count once per application when it ends:
its outcome, business days from submission to resolution, whether the authority kept
every legal deadline, whether corrections were needed, and how long each step took.
The projector and the operator's replay both use it, so the figures are, by
construction, a function of the audit trail.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Iterable, Mapping, Sequence
from datetime import date
from typing import Any, TypeVar

from msgspec import Struct, field

from chalicelib.core.clock import parse_iso
from chalicelib.legal.calendar import business_days_between, legal_date

Cell = TypeVar("Cell", bound=Hashable)  # a cell of a table of sums, however it is named

THRESHOLD = 5  # no published count, and no figure derived from fewer applications, below this
FINAL = ("issued", "rejected", "withdrawn")
RESOLVED = ("issued", "rejected")
DECISIONS = ("review.approved", "review.rejected", "review.changes_requested")
EXPIRIES = ("review.deemed_approved", "review.deemed_denied", "review.escalated")
STEP_ENDS = ("review.approved", "review.rejected", "review.deemed_approved", "review.deemed_denied")
MAX_DAYS = 250  # longer resolutions share the last histogram bucket ("250 or more")


def month_of(at: str) -> str:
    """The legal (Mexico City) month of an instant, ``YYYY-MM``."""
    return legal_date(parse_iso(at)).strftime("%Y-%m")


def business_days(start: str, end: str) -> int:
    """Business days between two instants, counted as the legal clock counts them."""
    return business_days_between(legal_date(parse_iso(start)), legal_date(parse_iso(end)))


class Resolution(Struct, frozen=True):
    """What an application that ended contributes to its procedure's statistics."""

    outcome: str  # issued, rejected or withdrawn
    at: str
    days: int | None  # submission to resolution; None if it was never submitted
    deemed_approved: bool
    deemed_denied: bool
    within_deadline: bool
    corrections: bool
    steps: dict[str, int] = field(default_factory=dict)

    @property
    def resolved(self) -> bool:
        return self.outcome in RESOLVED


def resolution(events: Sequence[Mapping[str, Any]]) -> Resolution | None:
    """The resolution of an application from its audit events; None if it has not ended."""
    final = next((event for event in reversed(events) if event.get("to_status") in FINAL), None)
    if final is None:
        return None
    submitted = next((event["at"] for event in events if event["action"] == "application.submitted"), None)
    deadlines = {
        event["details"].get("review_id"): event["details"].get("deadline")
        for event in events
        if event["action"] in ("review.opened", "review.resumed", "review.escalated")
    }
    late = any(event["action"] in EXPIRIES for event in events) or any(
        decided_late(event, deadlines) for event in events if event["action"] in DECISIONS
    )
    return Resolution(
        outcome=final["to_status"],
        at=final["at"],
        days=min(business_days(submitted, final["at"]), MAX_DAYS) if submitted else None,
        deemed_approved=any(event["action"] == "review.deemed_approved" for event in events),
        deemed_denied=any(event["action"] == "review.deemed_denied" for event in events),
        within_deadline=not late,
        corrections=any(event["action"] == "review.changes_requested" for event in events),
        steps=step_days(events),
    )


def decided_late(event: Mapping[str, Any], deadlines: Mapping[str | None, str | None] | None = None) -> bool:
    """A decision recorded after its review's legal deadline."""
    details = event.get("details") or {}
    deadline = details.get("deadline") or (deadlines or {}).get(details.get("review_id"))
    return isinstance(deadline, str) and bool(deadline) and parse_iso(event["at"]) > parse_iso(deadline)


def step_days(events: Iterable[Mapping[str, Any]]) -> dict[str, int]:
    """Business days each finished review or payment step took, first opening to its end
    (a pause for corrections included: the time the citizen waited for that step)."""
    started: dict[str, str] = {}
    ended: dict[str, str] = {}
    payments: dict[str, str] = {}
    for event in events:
        details = event.get("details") or {}
        step = details.get("step")
        if event["action"] == "review.opened" and step:
            started.setdefault(step, event["at"])
        elif event["action"] in STEP_ENDS and step:
            ended[step] = event["at"]
        elif event["action"] == "payment.requested" and step:
            started.setdefault(step, event["at"])
            payments[details.get("reference", "")] = step
        elif event["action"] == "payment.received" and details.get("reference") in payments:
            ended[payments[details["reference"]]] = event["at"]
    return {step: business_days(started[step], at) for step, at in ended.items() if step in started}


# --- percentiles from a histogram of whole business days ------------------------------------------
def median(histogram: Mapping[int, int]) -> float | None:
    """The median (the mean of the two middle values when the count is even)."""
    ordered = _expanded(histogram)
    n = len(ordered)
    if not n:
        return None
    middle = n // 2
    return float(ordered[middle]) if n % 2 else (ordered[middle - 1] + ordered[middle]) / 2


def percentile(histogram: Mapping[int, int], p: float) -> int | None:
    """Nearest-rank percentile: the smallest value with at least ``p`` % of values at or below it."""
    ordered = _expanded(histogram)
    if not ordered:
        return None
    rank = max(1, math.ceil(p / 100 * len(ordered)))
    return ordered[rank - 1]


def _expanded(histogram: Mapping[int, int]) -> list[int]:
    return [value for value, count in sorted(histogram.items()) for _ in range(int(count))]


# --- small-count suppression ------------------------------------------------------------------------
def count(value: int) -> int | None:
    """A count as published: 1 to 4 are withheld (they could point at a person); 0 is shown."""
    return None if 0 < value < THRESHOLD else value


def share(part: int, whole: int) -> float | None:
    """A proportion, withheld when computed from fewer than ``THRESHOLD`` applications."""
    return None if whole < THRESHOLD else round(part / whole, 3)


def mean(total: float, n: int, digits: int = 2) -> float | None:
    return None if n < THRESHOLD else round(total / n, digits)


def from_enough(n: int, value: float | None) -> float | None:
    """A figure derived from ``n`` applications, withheld when ``n`` is too small."""
    return None if n < THRESHOLD else value


def complementary(parent: int | None, children: Sequence[int | None], raw: Sequence[int]) -> set[int]:
    """Cells to withhold as well so that no withheld cell can be recovered by subtraction.

    ``children`` are published values (None = withheld) whose ``raw`` values add up to a
    published ``parent``: when exactly one child is withheld, the smallest other non-zero
    child is withheld too (two withheld cells only reveal their sum, itself one of
    several splits).  Returns the indexes to withhold.
    """
    withheld = [index for index, value in enumerate(children) if value is None]
    if parent is None or len(withheld) != 1:
        return set()
    candidates = sorted(
        (raw[index], index) for index, value in enumerate(children) if value is not None and raw[index] > 0
    )
    return {candidates[0][1]} if candidates else set()


def protect_sums(
    raw: Mapping[Cell, int], withheld: Iterable[Cell], sums: Sequence[tuple[Cell, Sequence[Cell]]]
) -> set[Cell]:
    """Every cell to withhold, starting from ``withheld``, so that none comes back by
    subtraction from the sums of a table.

    ``sums`` are ``(total, parts)``: cells whose ``raw`` values satisfy
    ``total = sum(parts)``.  Wherever exactly one cell of such a sum (total or part) is
    withheld, the equation would give it back: the smallest other non-zero part is
    withheld too, or the total when no such part is shown.  A cell withheld for one sum
    may leave another sum with a single unknown, so this repeats until none has one.
    Unlike ``complementary`` it also covers a total withheld while all its parts show.
    """
    hidden = set(withheld)
    changed = True
    while changed:
        changed = False
        for total, parts in sums:
            if sum(1 for cell in (total, *parts) if cell in hidden) != 1:
                continue
            shown = [(raw[part], index) for index, part in enumerate(parts) if part not in hidden and raw[part] > 0]
            if shown:
                hidden.add(parts[min(shown)[1]])
            elif total not in hidden:
                hidden.add(total)
            else:
                continue  # a withheld total whose parts are all zero: it is zero, nothing to hide
            changed = True
    return hidden


def day_histogram(row: Mapping[str, Any], prefix: str = "days_") -> dict[int, int]:
    return {
        int(name[len(prefix) :]): int(value)
        for name, value in row.items()
        if name.startswith(prefix) and name[len(prefix) :].isdigit() and value
    }


def months_between(first: str, last: str) -> list[str]:
    """``YYYY-MM`` months from ``first`` to ``last`` inclusive."""
    year, month = (int(part) for part in first.split("-"))
    out = []
    while f"{year:04d}-{month:02d}" <= last:
        out.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return out


def shift_month(month: str, delta: int) -> str:
    year, number = (int(part) for part in month.split("-"))
    index = year * 12 + number - 1 + delta
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def today_month(today: date) -> str:
    return today.strftime("%Y-%m")
