"""The construction permit filled from the registries: the population registry answers for
the applicant and the cadastre for the site, the citizen sees exactly what was fetched and
approves it, and no identity or property document is uploaded.  With the cadastre down the
title deed falls back to an upload, and the timeline says why."""

from __future__ import annotations

import pytest

from infra.local import registries as sandbox
from tests.support.flows import (
    confirm_evidence,
    decide,
    draft,
    new_account,
    paid,
    register_property,
    status_of,
    submit,
    upload,
    wait_status,
)
from tests.support.forms import CONSTRUCTION_FORM, FOOD_NOTICE_FORM
from tests.support.inprocess import Aws

PERMIT = "licencia-construccion"


pytestmark = pytest.mark.usefixtures("aws", "registries_answering")


def _approve_reviews_and_pay(aws: Aws, citizen_id: str, application_id: str, citizen: object) -> dict[str, object]:
    urban, civil = aws.official(agency="DUMUN"), aws.official(agency="PCMUN")
    for official, agency in ((urban, "DUMUN"), (civil, "PCMUN")):
        assert decide(official, application_id, reason=f"Conforme ({agency}).", agency=agency).status_code == 200
    wait_status(citizen, application_id, "awaiting_payment")  # type: ignore[arg-type]
    paid(aws, citizen, application_id)  # type: ignore[arg-type]
    return wait_status(citizen, application_id, "issued")  # type: ignore[arg-type]


def test_a_permit_filed_with_no_identity_or_property_document_uses_the_registries(aws: Aws) -> None:
    citizen = aws.user()
    account = new_account()
    register_property(aws, citizen.username, account, area_m2=350, land_use="habitacional")
    application_id = draft(citizen, {**CONSTRUCTION_FORM, "cuenta_predial": account}, procedure=PERMIT)
    created = status_of(citizen, application_id)
    assert created["prefill"]["state"] == "filled"
    assert created["provenance"]["data.solicitante"]["registry"] == "population"
    assert created["data"]["solicitante"]

    upload(citizen, application_id, "planos")  # the only document: no ID, no title deed
    submit(citizen, application_id)

    waiting = wait_status(citizen, application_id, "evidence_review")
    evidence = waiting["evidence"]
    assert set(evidence) == {"identificacion", "escritura"}
    assert evidence["escritura"]["state"] == "fetched", evidence["escritura"]
    assert evidence["escritura"]["values"] == {
        "owner_name": created["data"]["solicitante"],
        "address": "Calle Juárez 210, Col. Centro, Querétaro",
        "area_m2": 350,
        "land_use": "habitacional",
    }
    assert evidence["identificacion"]["state"] == "fetched"
    assert set(evidence["identificacion"]["values"]) == {"full_name", "birth_date", "birth_state"}
    assert evidence["identificacion"]["registry_name"]["es"].startswith("Registro Nacional de Población")
    assert waiting["missing_documents"] == []
    assert "confirme los datos que tomaremos de los registros" in aws.wait_sms(citizen.phone, "confirme los datos")

    approved = confirm_evidence(citizen, application_id, {"identificacion": "registry", "escritura": "registry"})
    assert {code: entry["state"] for code, entry in approved["evidence"].items()} == {
        "identificacion": "approved",
        "escritura": "approved",
    }
    again = citizen.post(f"/applications/{application_id}/evidence", {"use": {"identificacion": "registry"}})
    assert (again.status_code, again.body["error"]["code"]) == (409, "not_waiting")

    issued = _approve_reviews_and_pay(aws, citizen.username, application_id, citizen)
    assert issued["issued"]
    assert {document["requirement"] for document in issued["documents"]} == {"planos"}

    events = citizen.get(f"/applications/{application_id}/audit").body["events"]
    actions = [event["action"] for event in events]
    assert actions.count("evidence.fetched") == 2 and "evidence.ready" in actions
    [approval] = [event for event in events if event["action"] == "evidence.approved"]
    assert approval["details"]["escritura"]["use"] == "registry"
    assert approval["details"]["escritura"]["values_sha256"]
    assert "owner_name" not in str(approval["details"])  # hashes, not values

    exchanges = citizen.get("/me/data-use").body["exchanges"]
    mine = [entry for entry in exchanges if entry["application_id"] == application_id]
    used = {(entry["registry"], entry["operation"], entry["outcome"]) for entry in mine}
    assert used == {("population", "person", "found"), ("cadastre", "property", "found")}
    lookups = {entry["exchange_id"] for entry in mine if entry["requester"]["kind"] == "workflow"}
    assert lookups == {evidence["identificacion"]["exchange_id"], evidence["escritura"]["exchange_id"]}
    prefill = [entry for entry in mine if entry["requester"]["kind"] == "citizen"]
    assert [entry["exchange_id"] for entry in prefill] == [created["provenance"]["data.solicitante"]["exchange_id"]]


def test_with_the_cadastre_down_the_title_deed_falls_back_to_an_upload_and_the_timeline_says_why(
    aws: Aws,
) -> None:
    citizen = aws.user()
    account = new_account()
    register_property(aws, citizen.username, account)
    application_id = draft(citizen, {**CONSTRUCTION_FORM, "cuenta_predial": account}, procedure=PERMIT)
    upload(citizen, application_id, "planos")
    switched = aws.anonymous().post("/sandbox/registries/mode", {"registry": "cadastre", "mode": "failing"})
    assert switched.status_code == 200
    submit(citizen, application_id)

    waiting = wait_status(citizen, application_id, "evidence_review", timeout=60)
    sandbox.current().reset()
    escritura = waiting["evidence"]["escritura"]
    assert escritura["state"] == "unavailable"
    assert escritura["reason"]["es"].startswith("El Catastro municipal no respondió; suba")
    assert waiting["evidence"]["identificacion"]["state"] == "fetched"
    assert waiting["missing_documents"] == ["escritura"]
    refused = citizen.post(
        f"/applications/{application_id}/evidence", {"use": {"identificacion": "registry", "escritura": "registry"}}
    )
    assert (refused.status_code, refused.body["error"]["code"]) == (422, "invalid_evidence_use")
    assert refused.body["error"]["details"][0]["field"] == "use.escritura"

    timeline = citizen.get(f"/applications/{application_id}/audit").body["events"]
    [fallback] = [event for event in timeline if event["action"] == "evidence.unavailable"]
    assert fallback["reason"].startswith("El Catastro municipal no respondió")
    assert fallback["details"]["requirement"] == "escritura"

    approved = confirm_evidence(citizen, application_id)  # uploads the title deed, uses the ID from RENAPO
    assert approved["evidence"]["escritura"]["state"] == "upload"
    assert approved["evidence"]["identificacion"]["state"] == "approved"

    issued = _approve_reviews_and_pay(aws, citizen.username, application_id, citizen)
    assert {document["requirement"] for document in issued["documents"]} == {"planos", "escritura"}
    outcomes = {
        (entry["registry"], entry["outcome"])
        for entry in citizen.get("/me/data-use").body["exchanges"]
        if entry["application_id"] == application_id
    }
    assert ("cadastre", "unavailable") in outcomes and ("population", "found") in outcomes


def test_evidence_not_confirmed_in_time_closes_the_application(aws: Aws, monkeypatch: pytest.MonkeyPatch) -> None:
    from chalicelib.applications import evidence as evidence_module

    monkeypatch.setattr(evidence_module, "timer_seconds", lambda *args, **kwargs: 1)  # the wait lapses at once
    citizen = aws.user()
    application_id = draft(citizen, CONSTRUCTION_FORM, procedure=PERMIT)
    upload(citizen, application_id, "planos")
    submit(citizen, application_id)

    closed = wait_status(citizen, application_id, "withdrawn")
    assert closed["status"] == "withdrawn"
    events = citizen.get(f"/applications/{application_id}/audit").body["events"]
    assert events[-1]["action"] == "application.closed"
    assert events[-1]["reason"] == "No confirmó los datos a tiempo."
    assert events[-1]["details"]["cause"] == "evidence_lapsed"
    late = citizen.post(f"/applications/{application_id}/evidence", {"use": {"identificacion": "registry"}})
    assert (late.status_code, late.body["error"]["code"]) == (409, "not_waiting")


def test_a_notice_takes_the_operating_licence_the_citizen_already_holds(aws: Aws) -> None:
    """Evidence by credential: a current licence Ventanilla issued to the same holder."""
    from tests.support.flows import decide, licence_without_payment, ready_licence

    code, agency = "licencia-funcionamiento-prueba", "MUNLIC"
    definition = licence_without_payment(
        code,
        agency,
        {"es": "Licencia de funcionamiento (prueba)", "en": "Operating licence (test)"},
        {"es": "Licencias municipales", "en": "Municipal licences"},
    )
    definition["steps"]["emision"]["document"] = {
        **definition["steps"]["emision"]["document"],
        "type": "licencia-funcionamiento",
        "title": {"es": "Licencia municipal de funcionamiento", "en": "Municipal operating licence"},
    }
    published = aws.user(groups=("admin",)).put(f"/procedures/{code}", definition)
    assert published.status_code in (200, 201), published.body
    citizen = aws.user()
    licence_id = ready_licence(citizen, procedure=code)
    submit(citizen, licence_id)
    assert decide(aws.official(agency=agency), licence_id, agency=agency).status_code == 200
    licence = wait_status(citizen, licence_id, "issued")["issued"][0]

    notice_id = draft(citizen, FOOD_NOTICE_FORM, procedure="aviso-funcionamiento")
    submit(citizen, notice_id)
    waiting = wait_status(citizen, notice_id, "evidence_review")
    evidence = waiting["evidence"]["licencia_funcionamiento"]
    assert (evidence["source"], evidence["state"], evidence["credential_id"]) == (
        "credential",
        "fetched",
        licence["id"],
    )
    assert set(evidence["values"]) == {"number", "valid_until"} and evidence["values"]["valid_until"]
    approved = confirm_evidence(citizen, notice_id)
    assert approved["evidence"]["licencia_funcionamiento"]["state"] == "approved"
    [event] = [
        event
        for event in citizen.get(f"/applications/{notice_id}/audit").body["events"]
        if event["action"] == "evidence.approved"
    ]
    assert event["details"]["licencia_funcionamiento"]["credential_id"] == licence["id"]
    assert [
        entry for entry in citizen.get("/me/data-use").body["exchanges"] if entry["application_id"] == notice_id
    ] == []


def test_an_approval_given_before_the_workflow_waits_for_it_still_resumes_it(
    aws: Aws, monkeypatch: pytest.MonkeyPatch
) -> None:
    from chalicelib.applications.evidence import Evidence

    citizen = aws.user()
    account = new_account()
    register_property(aws, citizen.username, account)
    application_id = draft(citizen, {**CONSTRUCTION_FORM, "cuenta_predial": account}, procedure=PERMIT)
    upload(citizen, application_id, "planos")
    original = Evidence.attach_token
    answered: list[int] = []

    def citizen_first(evidence: Evidence, application: object, token: str) -> None:
        # the citizen answers between the review opening and the wait attaching its token
        reply = citizen.post(
            f"/applications/{application_id}/evidence", {"use": {"identificacion": "registry", "escritura": "registry"}}
        )
        answered.append(reply.status_code)
        original(evidence, application, token)  # type: ignore[arg-type]

    monkeypatch.setattr(Evidence, "attach_token", citizen_first)
    submit(citizen, application_id)

    assert wait_status(citizen, application_id, "in_review")["status"] == "in_review"
    assert answered == [200]
