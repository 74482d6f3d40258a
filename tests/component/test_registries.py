"""Asking the sandbox registries through the port: signed both ways, retried, logged, and
shown to the citizen at ``GET /me/data-use`` (and to nobody else)."""

from __future__ import annotations

from collections.abc import Iterator

import msgspec
import pytest

from chalicelib.applications.audit import canonical_json
from chalicelib.core import jws
from chalicelib.registries.port import Context, Registries, RegistryUnavailable, sha256
from chalicelib.wiring import container
from infra.local import registries as sandbox
from tests.support.inprocess import Aws
from tests.support.people import new_curp

PURPOSE = {"es": "Comprobar su identidad", "en": "Check your identity"}
BASIS = {"es": "Ley General de Población, art. 91", "en": "General Population Law, art. 91"}


def context(holder: str, **extra: object) -> Context:
    return Context(
        holder=holder,
        purpose=PURPOSE,
        legal_basis=BASIS,
        agency="DUMUN",
        agency_name={"es": "Desarrollo Urbano", "en": "Urban Development"},
        requester={"kind": "workflow"},
        application_id="APP-TEST",
        procedure="licencia-construccion",
        **extra,  # type: ignore[arg-type]
    )


@pytest.fixture
def registries(aws: Aws) -> Iterator[Registries]:
    """The app's registries, quick to give up (so a failing registry costs a test little), all
    answering normally (other tests, the API fuzzer among them, switch them)."""
    sandbox.current().reset()
    yield msgspec.structs.replace(container().registries, backoff_seconds=0.01, timeout_seconds=1.0)
    sandbox.current().reset()


def test_a_lookup_is_signed_both_ways_logged_and_shown_to_its_citizen_only(aws: Aws, registries: Registries) -> None:
    citizen = aws.user()
    received_before = len(sandbox.current().registries["population"].received)

    answer = registries.exchange("population", "person", {"curp": citizen.username}, context(citizen.username))

    assert answer.status == "found" and answer.result["curp"] == citizen.username
    assert answer.result["birth_date"][2:4] + answer.result["birth_date"][5:7] == citizen.username[4:8]
    request = sandbox.current().registries["population"].received[received_before]
    assert (request["jti"], request["purpose"], request["legal_basis"]) == (answer.exchange_id, PURPOSE, BASIS)

    mine = citizen.get("/me/data-use")
    assert mine.status_code == 200, mine.body
    [entry] = mine.body["exchanges"]
    assert entry["exchange_id"] == answer.exchange_id
    assert (entry["registry"], entry["operation"], entry["outcome"]) == ("population", "person", "found")
    assert (entry["purpose"], entry["legal_basis"], entry["agency"]) == (PURPOSE, BASIS, "DUMUN")
    assert entry["registry_name"]["es"].startswith("Registro Nacional de Población")
    assert entry["result_sha256"] == answer.result_sha256
    assert aws.user().get("/me/data-use").body == {"exchanges": [], "next_cursor": None}
    assert aws.official(agency="DUMUN").get("/me/data-use").status_code == 403


def test_a_registry_that_stays_down_is_retried_then_given_up_and_the_attempt_logged(
    aws: Aws, registries: Registries
) -> None:
    citizen = aws.user()
    switched = aws.anonymous().post("/sandbox/registries/mode", {"registry": "cadastre", "mode": "failing"})
    assert switched.status_code == 200

    with pytest.raises(RegistryUnavailable) as down:
        registries.exchange("cadastre", "property", {"account": "012-345-67-890-1"}, context(citizen.username))

    assert "3 attempt" in down.value.message
    [entry] = citizen.get("/me/data-use").body["exchanges"]
    assert (entry["outcome"], entry["attempts"]) == ("unavailable", 3) and "result_sha256" not in entry


def test_a_slow_registry_is_timed_out_and_retried(aws: Aws, registries: Registries) -> None:
    citizen = aws.user()
    aws.anonymous().post("/sandbox/registries/mode", {"registry": "population", "mode": "slow", "delay_seconds": 1.5})
    quick = msgspec.structs.replace(registries, timeout_seconds=0.2, attempts=2)

    with pytest.raises(RegistryUnavailable):
        quick.exchange("population", "person", {"curp": citizen.username}, context(citizen.username))

    aws.anonymous().post("/sandbox/registries/mode", {"registry": "population", "mode": "slow", "delay_seconds": 0.05})
    assert (
        quick.exchange("population", "person", {"curp": citizen.username}, context(citizen.username)).status == "found"
    )
    outcomes = [entry["outcome"] for entry in citizen.get("/me/data-use").body["exchanges"]]
    assert outcomes == ["found", "unavailable"]


def test_an_answer_signed_by_another_key_is_refused_without_retrying(aws: Aws, registries: Registries) -> None:
    citizen = aws.user()
    forged = msgspec.structs.replace(registries, keys={**registries.keys, "population": registries.keys["cadastre"]})

    with pytest.raises(RegistryUnavailable):
        forged.exchange("population", "person", {"curp": citizen.username}, context(citizen.username))

    [entry] = citizen.get("/me/data-use").body["exchanges"]
    assert (entry["outcome"], entry["attempts"]) == ("invalid", 1)


def test_a_registry_refuses_a_request_the_platform_did_not_sign(aws: Aws) -> None:
    running = sandbox.current()
    other = sandbox._Signer("impostor")
    forged = jws.sign(
        {"iss": "ventanilla", "aud": "population", "operation": "person"}, other, "ventanilla-exchange+jwt"
    )
    status, body = running.handle("/population/person", forged)
    assert status == 401 and "signature" in body


def test_a_registration_asked_twice_with_the_same_id_registers_once_and_is_logged_twice(
    aws: Aws, registries: Registries
) -> None:
    citizen = aws.user()
    query = {
        "name": f"Café {new_curp()[:6]}",
        "company_type": "SAS",
        "representative_rfc": "GOMC800101AB3",
        "activity": "722514",
        "address": "Calle 5 de Mayo 10, Centro, Oaxaca",
        "postcode": "68000",
    }
    once = registries.exchange("tax", "register_company", query, context(citizen.username, exchange_id="reg-1"))
    twice = registries.exchange("tax", "register_company", query, context(citizen.username, exchange_id="reg-1"))
    assert once.status == "registered" and once.result == twice.result
    assert len(once.result["rfc"]) == 12
    # both questions reached the registry, so both are in the log; the registry answered the second with the first
    logged = citizen.get("/me/data-use").body["exchanges"]
    assert [(entry["exchange_id"], entry["result_sha256"]) for entry in logged] == [("reg-1", once.result_sha256)] * 2


def test_an_unconnected_registry_is_unavailable_and_nothing_is_sent(aws: Aws, registries: Registries) -> None:
    alone = msgspec.structs.replace(registries, endpoints={})
    with pytest.raises(RegistryUnavailable) as missing:
        alone.exchange("population", "person", {"curp": "GOMC800101MDFMRR00"}, context("GOMC800101MDFMRR00"))
    assert missing.value.code == "registry_not_configured"


def test_the_sandbox_registries_take_records_and_switches_and_name_bad_fields(aws: Aws) -> None:
    curp = new_curp()
    person = aws.anonymous().post(
        "/sandbox/registries/people",
        {"curp": curp, "given_names": "Ana", "first_surname": "Solís", "second_surname": "Mora", "deceased": True},
    )
    assert person.status_code == 201 and person.body["full_name"] == "Ana Solís Mora" and person.body["deceased"]
    land = aws.anonymous().post(
        "/sandbox/registries/properties",
        {
            "account": "099-000-11-222-3",
            "owner_curp": curp,
            "address": "Calle 1",
            "area_m2": 90,
            "land_use": "habitacional",
        },
    )
    assert land.status_code == 201 and land.body["owner_name"] == "Ana Solís Mora"
    bad = aws.anonymous().post("/sandbox/registries/mode", {"registry": "moon", "mode": "failing"})
    assert bad.status_code == 422 and bad.body["error"]["details"][0]["field"] == "registry"
    state = aws.anonymous().get("/sandbox/registries")
    assert {entry["registry"] for entry in state.body["registries"]} == {
        "population",
        "tax",
        "social_security",
        "cadastre",
    }


def test_the_log_keeps_hashes_not_the_answer(aws: Aws, registries: Registries) -> None:
    citizen = aws.user()
    answer = registries.exchange("population", "person", {"curp": citizen.username}, context(citizen.username))
    [stored] = container().store.exchanges.of_holder(citizen.username)
    assert answer.result["full_name"] not in repr(stored)
    assert stored["result_sha256"] == sha256(canonical_json(answer.result))
