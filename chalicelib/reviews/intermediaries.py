"""Transparency of intermediaries: applications filed through a community centre that an
agency decided unusually fast.

The "middle person" sells speed.  Each decision an agency takes (approve or reject) is
kept as a ``Decision`` item in the agency's partition, with the hours from submission to
decision and the centre that filed it, if any (written in the decision's transaction).
The report reads one Query — the agency's decisions since a date — and compares, per
procedure, each centre's median hours with the median of all the procedure's decisions:
a centre with at least ``min_applications`` decisions whose median is under
``fast_ratio`` of the procedure's is flagged as unusual, with its applications listed
for an official to look at.  A flag is a reason to look, not a finding.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta
from statistics import median
from typing import TYPE_CHECKING, Any

from msgspec import Struct

from chalicelib.core.clock import iso, parse_iso, utcnow
from chalicelib.core.errors import Forbidden
from chalicelib.identity.principal import Principal
from chalicelib.store.models import Application, Review
from chalicelib.store.reviews import ReviewStore

if TYPE_CHECKING:
    from chalicelib.reviews.requests import ReportWindow

DEFAULT_DAYS = 90
MAX_DAYS = 400
MIN_APPLICATIONS = 3
MAX_MIN_APPLICATIONS = 1000
FAST_RATIO = 0.5


class Report(Struct, frozen=True):
    """The agency's decisions since ``since``, compared (``report``): per procedure its
    decisions and median hours, per centre and procedure how its decisions compare."""

    agency: str
    since: str
    min_applications: int
    fast_ratio: float
    procedures: dict[str, dict[str, Any]]
    centres: list[dict[str, Any]]


def decision_fields(application: Application, review: Review, decision: str, decided_at: datetime) -> dict[str, Any]:
    """What a decision leaves for the report (saved with the decision itself)."""
    submitted = application.submitted_at or application.created_at
    hours = max(0.0, (decided_at - parse_iso(submitted)).total_seconds() / 3600)
    assisted = application.assisted_by or {}
    return {
        "application_id": application.id,
        "procedure_code": application.procedure_code,
        "step": review.step,
        "decision": decision,
        "centre": application.centre,
        "assistant": assisted.get("assistant"),
        "submitted_at": submitted,
        "hours": round(hours, 4),
    }


def report(
    decisions: Iterable[Mapping[str, Any]], min_applications: int = MIN_APPLICATIONS, fast_ratio: float = FAST_RATIO
) -> dict[str, Any]:
    """Per procedure, its median; per (centre, procedure), how the centre's compare."""
    by_procedure: dict[str, list[float]] = defaultdict(list)
    by_centre: dict[tuple[str, str], list[Mapping[str, Any]]] = defaultdict(list)
    for item in decisions:
        by_procedure[item["procedure"]].append(float(item["hours"]))
        if item.get("centre"):
            by_centre[(item["centre"], item["procedure"])].append(item)
    procedures = {
        code: {"decisions": len(hours), "median_hours": round(median(hours), 4)}
        for code, hours in sorted(by_procedure.items())
    }
    centres = []
    for (centre, procedure), items in by_centre.items():
        centre_median = median(float(item["hours"]) for item in items)
        baseline = procedures[procedure]["median_hours"]
        ratio = centre_median / baseline if baseline > 0 else 1.0
        centres.append(
            {
                "centre": centre,
                "procedure": procedure,
                "applications": len(items),
                "share_of_procedure": round(len(items) / procedures[procedure]["decisions"], 4),
                "median_hours": round(centre_median, 4),
                "procedure_median_hours": baseline,
                "ratio": round(ratio, 4),
                "approved": sum(1 for item in items if item["decision"] == "approve"),
                "unusual": len(items) >= min_applications and ratio < fast_ratio,
                "items": [
                    {name: item[name] for name in ("application_id", "assistant", "decision", "hours", "decided_at")}
                    for item in items
                ],
            }
        )
    centres.sort(key=lambda row: (not row["unusual"], row["ratio"], row["centre"], row["procedure"]))
    return {"procedures": procedures, "centres": centres}


class Intermediaries:
    def __init__(self, store: ReviewStore) -> None:
        self._store = store

    def report(self, principal: Principal, agency: str, window: ReportWindow) -> Report:
        if agency not in principal.official_of:
            raise Forbidden(f"only officials of {agency} see its report", code="other_agency")
        since = iso(utcnow() - timedelta(days=window.days))
        items = self._store.decisions_since(agency, since)
        rows = [
            {
                "application_id": item.application_id,
                "procedure": item.procedure_code,
                "centre": item.centre,
                "assistant": item.assistant,
                "decision": item.decision,
                "hours": float(item.hours),
                "decided_at": item.decided_at,
            }
            for item in items
        ]
        compared = report(rows, window.min_applications)
        return Report(agency, since, window.min_applications, FAST_RATIO, compared["procedures"], compared["centres"])
