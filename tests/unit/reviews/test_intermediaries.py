from __future__ import annotations

from typing import Any

from chalicelib.reviews.intermediaries import report


def decision(procedure: str, hours: float, centre: str | None = None, application_id: str = "A") -> dict[str, Any]:
    return {
        "application_id": application_id,
        "procedure": procedure,
        "centre": centre,
        "assistant": "asesor" if centre else None,
        "decision": "approve",
        "hours": hours,
        "decided_at": "2026-11-28T00:00:00.000Z",
    }


def test_a_centre_decided_much_faster_than_the_procedure_is_flagged() -> None:
    decisions = [decision("licencia", 48) for _ in range(6)]
    decisions += [decision("licencia", 2, "CDC-RAPIDO", f"R{n}") for n in range(3)]
    decisions += [decision("licencia", 50, "CDC-NORMAL", f"N{n}") for n in range(3)]
    result = report(decisions)
    assert result["procedures"] == {"licencia": {"decisions": 12, "median_hours": 48.0}}
    fast, normal = result["centres"]
    assert (fast["centre"], fast["unusual"], fast["applications"], fast["median_hours"]) == ("CDC-RAPIDO", True, 3, 2.0)
    assert fast["ratio"] == round(2 / 48, 4) and fast["share_of_procedure"] == 0.25
    assert [item["application_id"] for item in fast["items"]] == ["R0", "R1", "R2"]
    assert (normal["centre"], normal["unusual"]) == ("CDC-NORMAL", False)


def test_too_few_applications_are_not_a_pattern() -> None:
    decisions = [decision("licencia", 48) for _ in range(6)] + [decision("licencia", 1, "CDC-RAPIDO")]
    assert report(decisions)["centres"][0]["unusual"] is False
    assert report(decisions, min_applications=1)["centres"][0]["unusual"] is True


def test_each_procedure_has_its_own_median() -> None:
    decisions = [decision("rapido", 1) for _ in range(3)] + [decision("rapido", 1, "CDC-A", f"A{n}") for n in range(3)]
    decisions += [decision("lento", 100) for _ in range(3)]
    result = report(decisions)
    assert (
        result["procedures"]["rapido"]["median_hours"] == 1.0 and result["procedures"]["lento"]["median_hours"] == 100.0
    )
    assert result["centres"][0]["unusual"] is False  # as fast as everyone else on that procedure
