"""The catalogue by place: who answers for each procedure, and the filters by state and
municipality (INEGI codes), refused by name when they are not codes or do not agree."""

from __future__ import annotations

from typing import Any

import pytest

from tests.support.inprocess import Aws

SHIPPED = {"licencia-conducir", "licencia-construccion", "apertura-empresa", "aviso-funcionamiento"}
FEDERAL = {"apertura-empresa", "aviso-funcionamiento"}


def listing(aws: Aws, query: str = "") -> dict[str, dict[str, Any]]:
    reply = aws.anonymous().get(f"/procedures{query}")
    assert reply.status_code == 200, reply.body
    return {item["code"]: item for item in reply.body["procedures"]}


def test_each_procedure_says_who_answers_for_it_and_its_homoclave(aws: Aws) -> None:
    found = listing(aws)
    assert found["licencia-conducir"]["jurisdiction"] == {
        "level": "state",
        "state": "09",
        "name": {"es": "Gobierno de la Ciudad de México", "en": "Government of Mexico City"},
    }
    assert found["licencia-construccion"]["jurisdiction"] == {
        "level": "municipal",
        "state": "20",
        "municipality": "20067",
        "name": {"es": "Municipio de Oaxaca de Juárez", "en": "Municipality of Oaxaca de Juárez"},
    }
    assert found["apertura-empresa"]["jurisdiction"]["level"] == "federal"
    assert "state" not in found["apertura-empresa"]["jurisdiction"]
    assert {code: found[code]["homoclave"] for code in SHIPPED} == {
        "licencia-conducir": "SEMOVI-01-001",
        "licencia-construccion": "DUMUN-01-001",
        "apertura-empresa": "SE-01-001",
        "aviso-funcionamiento": "COFEPRIS-05-001-A",
    }
    # the business start-up is federal, with a municipal office among its agencies
    definition = aws.anonymous().get("/procedures/apertura-empresa").body["definition"]
    assert definition["agency_jurisdictions"]["MUNICIPIO"]["municipality"] == "20067"


@pytest.mark.parametrize(
    ("query", "shown"),
    [
        ("?state=09", FEDERAL | {"licencia-conducir"}),
        ("?state=20", FEDERAL | {"licencia-construccion"}),
        ("?municipality=20067", FEDERAL | {"licencia-construccion"}),
        ("?state=20&municipality=20067", FEDERAL | {"licencia-construccion"}),
        ("?municipality=20001", FEDERAL),  # another municipality of Oaxaca
        ("?state=31", FEDERAL),  # Yucatán: nothing of its own yet
    ],
)
def test_the_catalogue_of_a_place_holds_the_federal_procedures_and_that_places_own(
    aws: Aws, query: str, shown: set[str]
) -> None:
    found = listing(aws, query)
    assert set(found) & SHIPPED == shown
    # and whatever else is published there (other tests publish some) is federal or of that place
    place = dict(part.split("=") for part in query.lstrip("?").split("&"))
    state = place.get("state") or place["municipality"][:2]
    for item in found.values():
        jurisdiction = item["jurisdiction"]
        assert jurisdiction["level"] == "federal" or jurisdiction["state"] == state, item
        if "municipality" in place and jurisdiction["level"] == "municipal":
            assert jurisdiction["municipality"] == place["municipality"], item


def test_without_a_place_the_catalogue_lists_everything(aws: Aws) -> None:
    assert set(listing(aws)) >= SHIPPED
    assert listing(aws, "?lang=es").keys() == listing(aws).keys()  # an unknown parameter changes nothing


@pytest.mark.parametrize(
    ("query", "field", "code"),
    [
        ("?state=9", "state", "invalid_state"),
        ("?state=33", "state", "invalid_state"),
        ("?state=OAX", "state", "invalid_state"),
        ("?state=", "state", "invalid_state"),
        ("?municipality=2006", "municipality", "invalid_municipality"),
        ("?municipality=33001", "municipality", "invalid_municipality"),
        ("?municipality=20067%0A", "municipality", "invalid_municipality"),
        ("?state=09&municipality=20067", "municipality", "municipality_outside_state"),
    ],
)
def test_a_place_that_is_not_an_inegi_code_is_refused_by_name(aws: Aws, query: str, field: str, code: str) -> None:
    reply = aws.anonymous().get(f"/procedures{query}")
    assert reply.status_code == 422, reply.body
    error = reply.body["error"]
    assert error["code"] == code and error["details"][0]["field"] == field, error
    assert error["message"].startswith(f"{field}: "), error
