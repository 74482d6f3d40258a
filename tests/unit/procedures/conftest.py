"""Procedure definitions for the compiler and validator tests: the shipped licence, and a multi-agency one."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

WORKFLOWS = Path(__file__).resolve().parents[3] / "workflows"
LICENCE_SOURCE = WORKFLOWS / "licencia-conducir.json"
LICENCE_ASL = WORKFLOWS / "licencia-conducir.asl.json"
_LICENCE = json.loads(LICENCE_SOURCE.read_text("utf-8"))


@pytest.fixture
def licence() -> dict[str, Any]:
    """A fresh deep copy of workflows/licencia-conducir.json, free to mutate."""
    return copy.deepcopy(_LICENCE)


def review(agency: str, **flow: Any) -> dict[str, Any]:
    return {
        "type": "review",
        "agency": agency,
        "deadline_days": 5,
        "on_deadline": "afirmativa_ficta",
        **(flow or {"end": True}),
    }


@pytest.fixture
def multi_agency(licence: dict[str, Any]) -> dict[str, Any]:
    """The licence with a choice and two reviews in parallel by two agencies."""
    licence["agencies"]["SALUD"] = {"es": "Secretaría de Salud", "en": "Health Department"}
    steps = licence["steps"]
    licence["steps"] = {
        "verificacion": {**steps["verificacion"], "next": "ruta"},
        "ruta": {
            "type": "choice",
            "choices": [
                {"when": {"fact": "form.primera_vez", "op": "==", "value": True}, "next": "revisiones"},
                {"when": {"fact": "citizen.age", "op": ">=", "value": 70}, "next": "revisiones"},
            ],
            "default": "pago",
        },
        "revisiones": {
            "type": "parallel",
            "branches": [
                {"start": "revision_movilidad", "steps": {"revision_movilidad": review("SEMOVI")}},
                {"start": "revision_salud", "steps": {"revision_salud": review("SALUD")}},
            ],
            "next": "pago",
        },
        "pago": steps["pago"],
        "emision": steps["emision"],
    }
    return licence
