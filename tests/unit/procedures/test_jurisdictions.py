"""Jurisdictions: the place a catalogue filter names, who a procedure answers to, and the
publisher role the ``admin-<jurisdiction>`` groups grant."""

from __future__ import annotations

from typing import Any

import pytest

from chalicelib.core.errors import ValidationFailed
from chalicelib.identity.principal import ADMIN, PUBLISHER, Principal
from chalicelib.procedures import jurisdictions

NAME = {"es": "—", "en": "—"}
FEDERAL: dict[str, Any] = {"jurisdiction": {"level": "federal", "name": NAME}}
OAXACA: dict[str, Any] = {"jurisdiction": {"level": "state", "state": "20", "name": NAME}}
OAXACA_DE_JUAREZ: dict[str, Any] = {
    "jurisdiction": {"level": "municipal", "state": "20", "municipality": "20067", "name": NAME}
}


@pytest.mark.parametrize(
    ("state", "municipality", "federal", "state_20", "municipality_20067"),
    [
        (None, None, True, True, True),
        ("20", None, True, True, True),
        ("09", None, True, False, False),
        ("20", "20067", True, True, True),
        ("20", "20001", True, True, False),
    ],
)
def test_a_place_sees_the_federal_procedures_its_states_and_its_own(
    state: str | None, municipality: str | None, federal: bool, state_20: bool, municipality_20067: bool
) -> None:
    seen = [jurisdictions.applies_in(d, state, municipality) for d in (FEDERAL, OAXACA, OAXACA_DE_JUAREZ)]
    assert seen == [federal, state_20, municipality_20067]


def test_a_municipality_implies_its_state_and_must_agree_with_one_given() -> None:
    assert jurisdictions.place(None, "20067") == ("20", "20067")
    assert jurisdictions.place("20", "20067") == ("20", "20067")
    with pytest.raises(ValidationFailed) as refused:
        jurisdictions.place("09", "20067")
    assert refused.value.code == "municipality_outside_state"
    assert refused.value.details == [{"field": "municipality", "message": refused.value.message[14:]}]


def test_a_version_published_before_jurisdictions_answers_to_the_federation() -> None:
    assert jurisdictions.of({"code": "antiguo"})["level"] == "federal"
    assert jurisdictions.code(jurisdictions.of({})) is None
    assert jurisdictions.of_agency({**FEDERAL, "agency_jurisdictions": OAXACA}, "jurisdiction")["state"] == "20"


def test_admin_groups_of_a_jurisdiction_grant_the_publisher_role_not_the_admin_one() -> None:
    state = Principal("admin.oaxaca", frozenset({"admin-20"}))
    assert state.roles == {PUBLISHER} and state.publisher_for == {"20"} and not state.is_admin
    assert state.holder is None and state.describe() == {"kind": PUBLISHER, "id": "admin.oaxaca", "jurisdiction": "20"}
    national = Principal("admin", frozenset({"admin"}))
    assert national.roles == {ADMIN} and national.publisher_for == frozenset()
    jurisdictions.ensure_may_publish(OAXACA, state.publisher_for)
    for other in (FEDERAL, OAXACA_DE_JUAREZ):
        with pytest.raises(jurisdictions.OutsideJurisdiction):
            jurisdictions.ensure_may_publish(other, state.publisher_for)
