"""Who answers for a procedure: the federation, a state or a municipality.

A definition names its ``jurisdiction`` (its agency's, and every agency's unless
``agency_jurisdictions`` says otherwise).  States and municipalities go by their INEGI
codes: a state's two digits, a municipality's five (its state's two, then its own three),
so a municipality's code also says its state.  That code is the jurisdiction's key: the
Cognito group ``admin-<code>`` publishes its procedures; the federation has no code, and
its procedures are published by the national ``admin`` alone.

The catalogue answers "what can I do here": a place (a state, or a municipality) sees
the federal procedures, its state's, and its municipalities' (a state) or its own (a
municipality).  Municipalities are autonomous (Constitution, art. 115): a state's
publishers do not publish for the municipalities in it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from chalicelib.core.errors import Forbidden, ValidationFailed

FEDERAL, STATE, MUNICIPAL = "federal", "state", "municipal"
LEVELS = (FEDERAL, STATE, MUNICIPAL)
STATE_CODE = r"^(0[1-9]|[12][0-9]|3[0-2])$"  # the 32 federal entities
MUNICIPALITY_CODE = r"^(0[1-9]|[12][0-9]|3[0-2])[0-9]{3}$"
STATE_ERROR = {"code": "invalid_state", "message": "must be a state's INEGI code: two digits, 01 to 32"}
MUNICIPALITY_ERROR = {
    "code": "invalid_municipality",
    "message": "must be a municipality's INEGI code: five digits, its state's two first",
}
HOMOCLAVE = r"^[A-Z][A-Z0-9]{1,15}-[0-9]{2}-[0-9]{3}(-[A-Z])?$"  # as procedure.schema.json's
# What a version published before jurisdictions were declared answers to: the single
# window was national, and only the national administrators may publish its next version.
NATIONAL: dict[str, Any] = {"level": FEDERAL, "name": {"es": "Gobierno de México", "en": "Government of Mexico"}}


class OutsideJurisdiction(Forbidden):
    code = "outside_jurisdiction"


def of(definition: Mapping[str, Any]) -> dict[str, Any]:
    """The jurisdiction that answers for the procedure."""
    return dict(definition.get("jurisdiction") or NATIONAL)


def of_agency(definition: Mapping[str, Any], agency: str) -> dict[str, Any]:
    """The jurisdiction an agency of the procedure belongs to."""
    return dict((definition.get("agency_jurisdictions") or {}).get(agency) or of(definition))


def calendars_of(definition: Mapping[str, Any], agency: str) -> tuple[str, ...]:
    """The calendars an agency's legal clocks skip besides the federal one: its own, and its
    jurisdiction's (a state's or a municipality's; a municipality's clocks do not follow its
    state's, municipalities being autonomous)."""
    key = code(of_agency(definition, agency))
    return (agency, key) if key else (agency,)


def code(jurisdiction: Mapping[str, Any]) -> str | None:
    """The key of a state (``"20"``) or a municipality (``"20067"``); None for the federation."""
    if jurisdiction["level"] == MUNICIPAL:
        return str(jurisdiction["municipality"])
    if jurisdiction["level"] == STATE:
        return str(jurisdiction["state"])
    return None


def problems(jurisdiction: Mapping[str, Any], path: str) -> list[dict[str, str]]:
    """What the JSON Schema cannot say: a municipality lies in the state it names."""
    municipality, state = jurisdiction.get("municipality"), jurisdiction.get("state")
    if municipality and state and not str(municipality).startswith(str(state)):
        return [
            {
                "path": f"{path}.municipality",
                "message": (
                    f"municipality {municipality!r} is not in state {state!r}: "
                    "a municipality's INEGI code starts with its state's two digits"
                ),
            }
        ]
    return []


def place(state: str | None, municipality: str | None) -> tuple[str | None, str | None]:
    """A place to filter the catalogue by, its state implied by its municipality's code; a
    municipality outside the state also given is refused, naming ``municipality``."""
    # the query's type checks the patterns with ``re.search``, whose ``$`` also matches
    # before a final line break: "20067\n" would pass it
    if state is not None and not re.fullmatch(STATE_CODE, state):
        raise ValidationFailed.field(
            "state", "must be a state's INEGI code: two digits, 01 to 32", code="invalid_state"
        )
    if municipality is not None and not re.fullmatch(MUNICIPALITY_CODE, municipality):
        raise ValidationFailed.field("municipality", MUNICIPALITY_ERROR["message"], code=MUNICIPALITY_ERROR["code"])
    if municipality is None:
        return state, None
    if state is not None and not municipality.startswith(state):
        raise ValidationFailed.field(
            "municipality",
            f"{municipality!r} is not a municipality of state {state!r} (its code would start with {state!r})",
            code="municipality_outside_state",
        )
    return municipality[:2], municipality


def applies_in(definition: Mapping[str, Any], state: str | None, municipality: str | None) -> bool:
    """Whether a citizen of that place can file the procedure (no place: everyone can)."""
    jurisdiction = of(definition)
    level = jurisdiction["level"]
    if level == FEDERAL or state is None:
        return True
    if jurisdiction["state"] != state:
        return False
    return level == STATE or municipality is None or jurisdiction["municipality"] == municipality


def ensure_may_publish(definition: Mapping[str, Any], publisher_for: Iterable[str]) -> None:
    """A jurisdiction's publisher publishes only what that jurisdiction answers for."""
    jurisdiction = of(definition)
    key = code(jurisdiction)
    theirs = set(publisher_for)
    if key in theirs:
        return
    whose = f"jurisdiction {key}" if key else "the federation"
    raise OutsideJurisdiction(
        f"{definition.get('code', 'this procedure')} answers to {whose} ({jurisdiction['name']['es']}); "
        f"you publish for jurisdiction {', '.join(sorted(theirs)) or 'none'} only"
    )
