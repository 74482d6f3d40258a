"""The business start-up registers the new company with the tax and social-security
authorities (the sandbox registries) and numbers its operating licence: each registration
is a credential of its own, issued with the start-up certificate in one step."""

from __future__ import annotations

import re
from typing import Any

import jwt
import pytest

from chalicelib.credentials import offline
from chalicelib.identity.curp import parse_rfc
from chalicelib.wiring import container
from infra.local import registries as sandbox
from tests.support.flows import decide, draft, paid, submit, upload_documents, wait_status
from tests.support.forms import COMPANY_FORM, FOOD_NOTICE_FORM
from tests.support.inprocess import Aws, HttpUser
from tests.support.people import new_curp

DOCUMENTS = ("identificacion", "estatutos", "comprobante_domicilio")
REGISTRATIONS = ["inscripcion-rfc", "registro-patronal", "licencia-funcionamiento"]


pytestmark = pytest.mark.usefixtures("aws", "registries_answering")


def company(**answers: Any) -> dict[str, Any]:
    """The start-up's form with a company name of its own (the sandbox tax registry gives
    one RFC per name and representative)."""
    return {**COMPANY_FORM, "denominacion": f"Tortillería {new_curp()[:4].title()} Hermanos", **answers}


def approved_and_paid(aws: Aws, citizen: HttpUser, data: dict[str, Any]) -> str:
    application_id = draft(citizen, data, procedure="apertura-empresa")
    upload_documents(citizen, application_id, DOCUMENTS)
    submit(citizen, application_id)
    agencies = ["SE", "SAT", "MUNICIPIO"] + (["IMSS"] if data["empleados"] > 0 else [])
    for agency in agencies:
        official = aws.official(agency=agency)
        reply = decide(official, application_id, reason=f"Aprobado por {agency}", agency=agency)
        assert reply.status_code == 200, reply.body
    wait_status(citizen, application_id, "awaiting_payment")
    paid(aws, citizen, application_id)
    return application_id


def documents_of(citizen: HttpUser, issued: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Each issued document's signed payload, by type, as its holder reads it."""
    found = {}
    for item in issued:
        reply = citizen.get(f"/documents/{item['id']}")
        assert reply.status_code == 200 and reply.body["signature_valid"] is True, reply.body
        found[item["type"]] = reply.body["payload"]
    return found


def requests_to(registry: str, application_id: str) -> list[dict[str, Any]]:
    return [c for c in sandbox.current().registries[registry].received if c.get("application_id") == application_id]


def exchanges(citizen: HttpUser, application_id: str) -> list[dict[str, Any]]:
    reply = citizen.get("/me/data-use")
    assert reply.status_code == 200, reply.body
    return [entry for entry in reply.body["exchanges"] if entry["application_id"] == application_id]


def test_the_start_up_ends_with_an_rfc_an_employer_registration_and_a_licence_folio(aws: Aws) -> None:
    citizen = aws.user()
    data = company()
    application_id = approved_and_paid(aws, citizen, data)

    issued = wait_status(citizen, application_id, "issued")["issued"]
    assert [item["type"] for item in issued] == ["constancia-apertura", *REGISTRATIONS]
    documents = documents_of(citizen, issued)
    rfc = documents["inscripcion-rfc"]["number"]
    assert len(rfc) == 12 and parse_rfc(rfc) == rfc and documents["inscripcion-rfc"]["registry"] == "tax"
    employer = documents["registro-patronal"]
    assert re.fullmatch(r"Y\d{10}", employer["number"]) and employer["registry"] == "social_security"
    licence = documents["licencia-funcionamiento"]
    assert re.fullmatch(rf"LF-20\d\d-{application_id}", licence["number"]) and licence["registry"] == "ventanilla"
    assert "number" not in documents["constancia-apertura"]
    assert {payload["application_id"] for payload in documents.values()} == {application_id}
    assert licence["valid_until"] < documents["inscripcion-rfc"]["valid_until"]  # a year, not ten
    printed = citizen.get(f"/documents/{issued[1]['id']}/pdf", headers={"Accept": "application/pdf"})
    assert printed.status_code == 200 and printed.headers["Content-Type"] == "application/pdf"
    # the employer registration was asked for with the RFC just assigned
    [imss] = requests_to("social_security", application_id)
    assert imss["query"] == {"rfc": rfc, "name": data["denominacion"], "employees": 3}

    # one status change, one SMS, every document in the holder's record
    events = citizen.get(f"/applications/{application_id}/audit").body["events"]
    [issued_event] = [event for event in events if event["action"] == "document.issued"]
    assert [item["number"] for item in issued_event["details"]["registrations"]] == [
        rfc,
        employer["number"],
        licence["number"],
    ]
    aws.wait_sms(citizen.phone or "", "fue emitido")
    assert sum("fue emitido" in text for text in aws.sms(citizen.phone or "")) == 1
    mine = {document["id"] for document in citizen.get("/me").body["documents"]}
    assert {item["id"] for item in issued} <= mine

    # anyone (and any agency's system) checks each of them, number included
    keys = aws.anonymous().get(offline.KEYS_PATH).body["keys"]
    for item in issued[1:]:
        checked = aws.anonymous().get(f"/verify/{item['id']}").body
        assert checked["valid"] is True and checked["number"] == documents[item["type"]]["number"]
        token = aws.anonymous().get(f"/verify/{item['id']}", headers={"Accept": "application/jwt"}).body
        published = next(key for key in keys if key["kid"] == jwt.get_unverified_header(token)["kid"])
        claims = jwt.decode(token, key=jwt.PyJWK(published).key, algorithms=["ES256"], options={"verify_iss": False})
        assert claims["verification"]["number"] == checked["number"]
        assert claims["verification"]["registry"] == checked["registry"]

    # the holder sees both registrations among the uses of their data
    logged = exchanges(citizen, application_id)
    assert sorted((entry["registry"], entry["outcome"]) for entry in logged) == [
        ("social_security", "registered"),
        ("tax", "registered"),
    ]
    assert all(entry["requester"] == {"kind": "workflow"} and entry["agency"] == "SE" for entry in logged)
    assert all(entry["legal_basis"]["es"].startswith("Ley General de Sociedades") for entry in logged)
    assert "Constancia de inscripción en el RFC" in next(e for e in logged if e["registry"] == "tax")["purpose"]["es"]


def test_a_start_up_without_employees_gets_no_employer_registration(aws: Aws) -> None:
    citizen = aws.user()
    application_id = approved_and_paid(aws, citizen, company(empleados=0))

    issued = wait_status(citizen, application_id, "issued")["issued"]
    assert [item["type"] for item in issued] == ["constancia-apertura", "inscripcion-rfc", "licencia-funcionamiento"]
    assert [entry["registry"] for entry in exchanges(citizen, application_id)] == ["tax"]
    assert requests_to("social_security", application_id) == []


@pytest.mark.parametrize("down", ["tax", "social_security"])
def test_a_registry_down_puts_the_start_up_in_error_and_the_operators_retry_registers_once(aws: Aws, down: str) -> None:
    citizen = aws.user()
    switched = aws.anonymous().post("/sandbox/registries/mode", {"registry": down, "mode": "failing"})
    assert switched.status_code == 200, switched.body
    application_id = approved_and_paid(aws, citizen, company())

    failed = wait_status(citizen, application_id, "error", "issued")
    assert failed["status"] == "error" and failed["issued"] == []
    last = citizen.get(f"/applications/{application_id}/audit").body["events"][-1]
    assert (last["action"], last["details"]["step"]) == ("workflow.failed", "emision")
    name = {"tax": "Tax Administration Service", "social_security": "Mexican Social Security Institute"}[down]
    assert "RegistryUnavailable" in last["reason"] and name in last["reason"], last["reason"]
    assert citizen.get("/me").body["documents"] == []

    sandbox.current().reset()  # the registry is back
    retried = container().recovery.retry(application_id, "operadora")
    assert retried["resume_at"] == "emision"
    issued = wait_status(citizen, application_id, "issued")["issued"]
    assert [item["type"] for item in issued] == ["constancia-apertura", *REGISTRATIONS]

    # every request of a registration carried one id, so each registry registered once
    for registry in ("tax", "social_security"):
        assert len({claims["jti"] for claims in requests_to(registry, application_id)}) == 1
    rfc = documents_of(citizen, issued)["inscripcion-rfc"]["number"]
    assert all(claims["query"]["rfc"] == rfc for claims in requests_to("social_security", application_id))
    logged = [entry for entry in exchanges(citizen, application_id) if entry["registry"] == down]
    # asked while down (the step and the state machine's later tries), then again after the operator's retry: every
    # question under the one id, so the registry registered once whatever the number of questions
    outcomes = [entry["outcome"] for entry in logged]
    assert set(outcomes) == {"unavailable", "registered"} and outcomes.count("unavailable") >= 3, outcomes
    assert len({entry["exchange_id"] for entry in logged}) == 1


def test_the_licence_from_the_start_up_is_accepted_as_evidence_by_the_food_business_notice(aws: Aws) -> None:
    citizen = aws.user()
    start_up = approved_and_paid(aws, citizen, company())
    issued = wait_status(citizen, start_up, "issued")["issued"]
    licence = documents_of(citizen, issued)["licencia-funcionamiento"]

    notice = draft(citizen, FOOD_NOTICE_FORM, procedure="aviso-funcionamiento")
    submit(citizen, notice)  # nothing uploaded: the licence is the evidence
    waiting = wait_status(citizen, notice, "evidence_review")
    evidence = waiting["evidence"]["licencia_funcionamiento"]
    assert (evidence["source"], evidence["state"], evidence["credential_id"]) == (
        "credential",
        "fetched",
        licence["id"],
    )
    assert evidence["values"] == {"number": licence["number"], "valid_until": licence["valid_until"]}
    approved = citizen.post(f"/applications/{notice}/evidence", {"use": {"licencia_funcionamiento": "registry"}})
    assert approved.status_code == 200, approved.body

    official = aws.official(agency="COFEPRIS")
    decided = decide(official, notice, reason="Aviso conforme", agency="COFEPRIS")
    assert decided.status_code == 200, decided.body
    done = wait_status(citizen, notice, "issued")
    assert [item["type"] for item in done["issued"]] == ["acuse-aviso-funcionamiento"]
    assert done["documents"] == []
