"""The facts a registry request may be built from, named as procedure definitions name
them (a requirement's evidence ``query`` and ``match``, a registration's ``query``):
``citizen.curp`` (the holder, when a person), ``form.<field>`` (the answers) and, within
an issue step, ``registration.<document type>`` (the number an earlier registration got)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from chalicelib.identity.curp import is_curp
from chalicelib.store.models import Application


def facts_of(application: Application, registrations: Mapping[str, str] | None = None) -> dict[str, Mapping[str, Any]]:
    """The application's facts; a company's record has no CURP (its ``citizen.curp`` is none)."""
    return {
        "citizen": {"curp": application.owner if is_curp(application.owner) else None},
        "form": application.data or {},
        "registration": registrations or {},
    }


def fact(facts: Mapping[str, Mapping[str, Any]], path: str) -> Any:
    """The value at ``scope.name`` (None where there is none: the validator allowed the path)."""
    scope, _, name = path.partition(".")
    return (facts.get(scope) or {}).get(name)
