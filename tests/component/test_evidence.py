"""The citizen's side of evidence: fields filled from the population registry are read-only,
a draft is still created when the registry is down, and the approval of what the registries
answered refuses every answer that does not hold, naming the requirement.  Only the holder
(or their assistant) decides; officials of the procedure's agencies see what was fetched."""

from __future__ import annotations

from typing import Any

import pytest

from infra.local import registries as sandbox
from tests.support.flows import (
    confirm_evidence,
    draft,
    new_account,
    open_review,
    register_property,
    status_of,
    submit,
    upload,
    wait_status,
)
from tests.support.forms import CONSTRUCTION_FORM, FOOD_NOTICE_FORM
from tests.support.inprocess import Aws, HttpUser

PERMIT = "licencia-construccion"


pytestmark = pytest.mark.usefixtures("aws", "registries_answering")


def problem(reply: Any) -> tuple[int, str, list[str]]:
    error = reply.body["error"]
    return reply.status_code, error["code"], [item["field"] for item in error.get("details") or []]


@pytest.fixture
def reviewing(aws: Aws) -> tuple[HttpUser, str]:
    """A building permit waiting in evidence_review: the ID fetched from RENAPO, the site
    registered in the cadastre to someone else (the demo account), so a mismatch."""
    citizen = aws.user()
    application_id = draft(citizen, CONSTRUCTION_FORM, procedure=PERMIT)
    upload(citizen, application_id, "planos")
    submit(citizen, application_id)
    wait_status(citizen, application_id, "evidence_review")
    return citizen, application_id


def test_a_field_filled_from_the_population_registry_is_read_only(aws: Aws) -> None:
    citizen = aws.user()
    application_id = draft(citizen, {**CONSTRUCTION_FORM, "solicitante": "Otro Nombre Cualquiera"}, procedure=PERMIT)
    created = status_of(citizen, application_id)
    person = sandbox.current().records.person(citizen.username)
    assert person is not None
    assert created["data"]["solicitante"] == person["full_name"]  # the registry's, not what was typed
    provenance = created["provenance"]["data.solicitante"]
    assert (provenance["registry"], provenance["field"]) == ("population", "full_name")
    assert created["prefill"]["state"] == "filled"

    changed = citizen.patch(f"/applications/{application_id}", {"data": {"solicitante": "Otro Nombre"}})
    assert problem(changed) == (422, "field_from_registry", ["data.solicitante"])
    same = citizen.patch(
        f"/applications/{application_id}", {"data": {"solicitante": person["full_name"], "niveles": 3}}
    )
    assert same.status_code == 200, same.body
    assert same.body["data"]["niveles"] == 3

    [entry] = [
        item for item in citizen.get("/me/data-use").body["exchanges"] if item["application_id"] == application_id
    ]
    assert (entry["registry"], entry["requester"]["kind"], entry["exchange_id"]) == (
        "population",
        "citizen",
        provenance["exchange_id"],
    )
    assert entry["purpose"]["es"] == "Llenar su solicitud con sus datos del RENAPO"


def test_with_the_population_registry_down_the_draft_is_created_and_the_fields_are_the_citizens(aws: Aws) -> None:
    citizen = aws.user()
    aws.anonymous().post("/sandbox/registries/mode", {"registry": "population", "mode": "failing"})
    application_id = draft(citizen, {**CONSTRUCTION_FORM, "solicitante": "Nombre Escrito A Mano"}, procedure=PERMIT)
    sandbox.current().reset()
    created = status_of(citizen, application_id)
    assert created["provenance"] == {}
    assert created["prefill"]["state"] == "unavailable"
    assert "no respondió" in created["prefill"]["reason"]["es"]
    assert created["data"]["solicitante"] == "Nombre Escrito A Mano"
    changed = citizen.patch(f"/applications/{application_id}", {"data": {"solicitante": "Nombre Corregido"}})
    assert changed.status_code == 200, changed.body


def test_a_procedure_without_registry_fields_asks_nobody_at_creation(aws: Aws) -> None:
    citizen = aws.user()
    application_id = draft(citizen)  # the driver's licence
    assert status_of(citizen, application_id)["prefill"] is None
    assert citizen.get("/me/data-use").body["exchanges"] == []


def test_the_approval_refuses_what_does_not_hold_naming_the_requirement(
    aws: Aws, reviewing: tuple[HttpUser, str]
) -> None:
    citizen, application_id = reviewing
    shown = status_of(citizen, application_id)
    escritura = shown["evidence"]["escritura"]
    assert escritura["state"] == "mismatch"
    assert "otra persona como titular" in escritura["reason"]["es"]
    assert shown["missing_documents"] == ["escritura"]
    route = f"/applications/{application_id}/evidence"

    unanswered = citizen.post(route, {"use": {"identificacion": "registry"}})
    assert problem(unanswered) == (422, "invalid_evidence_use", ["use.escritura"])
    not_fetched = citizen.post(route, {"use": {"identificacion": "registry", "escritura": "registry"}})
    assert problem(not_fetched) == (422, "invalid_evidence_use", ["use.escritura"])
    not_uploaded = citizen.post(route, {"use": {"identificacion": "upload", "escritura": "upload"}})
    assert problem(not_uploaded) == (422, "invalid_evidence_use", ["use.escritura", "use.identificacion"])
    unknown = citizen.post(route, {"use": {"identificacion": "registry", "escritura": "maybe", "planos": "upload"}})
    assert problem(unknown) == (422, "invalid_evidence_use", ["use.planos", "use.escritura"])
    assert problem(citizen.post(route, {"use": "registry"}))[0] == 422
    assert problem(citizen.post(route, {}))[0] == 422

    # while reviewing, only the documents evidence may replace can be declared
    plans = citizen.post(
        f"/applications/{application_id}/documents",
        {
            "requirement": "planos",
            "filename": "p.pdf",
            "content_type": "application/pdf",
            "size": 10,
            "sha256": "a" * 64,
        },
    )
    assert problem(plans) == (422, "unknown_requirement", ["requirement"])
    declared_only = citizen.post(
        f"/applications/{application_id}/documents",
        {
            "requirement": "escritura",
            "filename": "e.pdf",
            "content_type": "application/pdf",
            "size": 10,
            "sha256": "b" * 64,
        },
    )
    assert declared_only.status_code == 201, declared_only.body
    never_uploaded = citizen.post(route, {"use": {"identificacion": "registry", "escritura": "upload"}})
    assert problem(never_uploaded) == (422, "invalid_evidence_use", ["use.escritura"])
    assert status_of(citizen, application_id)["status"] == "evidence_review"  # nothing was recorded

    upload(citizen, application_id, "escritura")  # declared again, and uploaded this time
    approved = confirm_evidence(citizen, application_id)
    assert approved["status"] in ("submitted", "in_review")
    again = citizen.post(route, {"use": {"identificacion": "registry", "escritura": "upload"}})
    assert problem(again)[:2] == (409, "not_waiting")


def test_a_draft_is_not_waiting_for_any_approval(aws: Aws) -> None:
    citizen = aws.user()
    application_id = draft(citizen, CONSTRUCTION_FORM, procedure=PERMIT)
    reply = citizen.post(f"/applications/{application_id}/evidence", {"use": {}})
    assert problem(reply)[:2] == (409, "not_waiting")


def test_only_the_holder_decides_and_the_agencies_see_what_was_fetched(
    aws: Aws, reviewing: tuple[HttpUser, str]
) -> None:
    citizen, application_id = reviewing
    route = f"/applications/{application_id}/evidence"
    body = {"use": {"identificacion": "registry", "escritura": "upload"}}
    stranger = aws.user()
    assert problem(stranger.get(f"/applications/{application_id}"))[:2] == (404, "unknown_application")
    assert problem(stranger.post(route, body))[:2] == (404, "unknown_application")
    official = aws.official(agency="DUMUN")
    assert official.post(route, body).status_code == 403
    other_agency = aws.official(agency="SEMOVI")
    assert other_agency.get(f"/applications/{application_id}").status_code == 404

    seen = official.get(f"/applications/{application_id}").body
    assert seen["evidence"]["identificacion"]["state"] == "fetched"
    assert seen["evidence"]["identificacion"]["values"]["full_name"]
    assert seen["provenance"]["data.solicitante"]["registry"] == "population"
    assert status_of(citizen, application_id)["status"] == "evidence_review"


def test_a_notice_without_the_licence_it_asks_for_must_upload_it(aws: Aws) -> None:
    """Evidence by credential: the holder has no operating licence issued by Ventanilla."""
    citizen = aws.user()
    application_id = draft(citizen, FOOD_NOTICE_FORM, procedure="aviso-funcionamiento")
    submit(citizen, application_id)
    waiting = wait_status(citizen, application_id, "evidence_review")
    licence = waiting["evidence"]["licencia_funcionamiento"]
    assert (licence["source"], licence["state"]) == ("credential", "not_found")
    assert waiting["missing_documents"] == ["licencia_funcionamiento"]
    approved = confirm_evidence(citizen, application_id)
    assert approved["evidence"]["licencia_funcionamiento"]["state"] == "upload"
    assert citizen.get("/me/data-use").body["exchanges"] == []  # no registry was asked


def test_the_log_the_citizen_reads_and_the_registries_agree_entry_by_entry(aws: Aws) -> None:
    """Three views of the same questions: what each registry received (its own record of the
    signed requests), the data-exchange log Ventanilla keeps, and ``GET /me/data-use``."""
    from chalicelib.wiring import container

    citizen, stranger = aws.user(), aws.user()
    account = new_account()
    register_property(aws, citizen.username, account)
    application_id = draft(citizen, {**CONSTRUCTION_FORM, "cuenta_predial": account}, procedure=PERMIT)
    upload(citizen, application_id, "planos")
    submit(citizen, application_id)
    confirm_evidence(citizen, application_id)
    wait_status(citizen, application_id, "in_review")

    def row(exchange_id: str, registry: str, operation: str, purpose: str, basis: str) -> tuple[str, ...]:
        return (exchange_id, registry, operation, purpose, basis)

    received = sorted(
        row(claims["jti"], name, claims["operation"], claims["purpose"]["es"], claims["legal_basis"]["es"])
        for name, registry in sandbox.current().registries.items()
        for claims in registry.received
        if claims.get("application_id") == application_id
    )
    logged = sorted(
        row(
            entry["exchange_id"],
            entry["registry"],
            entry["operation"],
            entry["purpose"]["es"],
            entry["legal_basis"]["es"],
        )
        for entry in container().store.exchanges.of_holder(citizen.username)
        if entry["application_id"] == application_id
    )
    shown = sorted(
        row(
            entry["exchange_id"],
            entry["registry"],
            entry["operation"],
            entry["purpose"]["es"],
            entry["legal_basis"]["es"],
        )
        for entry in citizen.get("/me/data-use").body["exchanges"]
        if entry["application_id"] == application_id
    )
    # the pre-fill, the identity and the title deed: three questions, each logged and shown once
    assert len(received) == 3 and received == logged == shown
    assert {registry for _, registry, *_ in received} == {"population", "cadastre"}
    assert stranger.get("/me/data-use").body == {"exchanges": [], "next_cursor": None}
    assert stranger.get(f"/applications/{application_id}").status_code == 404


def test_an_official_checks_a_fact_at_its_source_in_their_own_name(aws: Aws) -> None:
    citizen, stranger = aws.user(), aws.user()
    account = new_account()
    register_property(aws, citizen.username, account)
    application_id = draft(citizen, {**CONSTRUCTION_FORM, "cuenta_predial": account}, procedure=PERMIT)
    upload(citizen, application_id, "planos")
    submit(citizen, application_id)
    confirm_evidence(citizen, application_id)
    urban = aws.official(agency="DUMUN")
    review_id = open_review(urban, application_id, "DUMUN")["review_id"]
    check = f"/reviews/{review_id}/evidence/escritura/check"

    same = urban.post(check)
    assert same.status_code == 200, same.body
    assert (same.body["state"], same.body["registry"], same.body["same_as_used"]) == ("fetched", "cadastre", True)

    # the cadastre now lists someone else as the owner: the official sees it does not hold any more
    register_property(aws, stranger.username, account)
    changed = urban.post(check).body
    assert (changed["state"], changed["same_as_used"]) == ("mismatch", False)
    assert changed["reason"]["es"].startswith("El Catastro municipal registra a otra persona")

    asked = [
        entry
        for entry in citizen.get("/me/data-use").body["exchanges"]
        if entry["requester"]["kind"] == "official" and entry["application_id"] == application_id
    ]
    assert [entry["exchange_id"] for entry in asked] == [changed["exchange_id"], same.body["exchange_id"]]
    assert {entry["requester"]["username"] for entry in asked} == {urban.username}
    assert all(
        entry["agency"] == "DUMUN" and entry["purpose"]["es"].startswith("Comprobar en la fuente") for entry in asked
    )
    audit = citizen.get(f"/applications/{application_id}/audit").body["events"]
    assert [event["details"]["same_as_used"] for event in audit if event["action"] == "evidence.checked"] == [
        True,
        False,
    ]
    assert status_of(citizen, application_id)["evidence"]["escritura"]["values"]["owner_name"] != ""

    assert problem(aws.official(agency="SEMOVI").post(check))[:2] == (403, "other_agency")
    assert problem(urban.post(f"/reviews/{review_id}/evidence/planos/check"))[:2] == (404, "unknown_evidence")
    aws.anonymous().post("/sandbox/registries/mode", {"registry": "cadastre", "mode": "failing"})
    assert problem(urban.post(check))[:2] == (503, "registry_unavailable")
