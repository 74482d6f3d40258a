"""The shipped multi-agency procedures run end to end on moto's interpreter."""

from __future__ import annotations

from typing import Any

import pytest

from chalicelib.reviews import service as reviews_module
from tests.support.client import wait_for
from tests.support.flows import (
    confirm_evidence,
    decide,
    draft,
    open_review,
    paid,
    status_of,
    submit,
    upload_documents,
    wait_status,
)
from tests.support.forms import COMPANY_FORM, CONSTRUCTION_FORM
from tests.support.inprocess import Aws, HttpUser


def submitted(
    user: HttpUser, procedure: str, data: dict[str, Any], documents: tuple[str, ...], sms: tuple[str, ...] = ()
) -> str:
    application_id = draft(user, data, procedure=procedure)
    if sms:  # texts besides the default ones
        assert user.put(f"/applications/{application_id}/sms-events", {"events": list(sms)}).status_code == 200
    upload_documents(user, application_id, documents)
    submit(user, application_id)
    if procedure == "licencia-construccion":  # the registries answer for the ID and the site first
        confirm_evidence(user, application_id)
    return application_id


def messages(user: HttpUser, application_id: str) -> list[dict[str, Any]]:
    reply = user.get(f"/applications/{application_id}/messages")
    assert reply.status_code == 200, reply.body
    found: list[dict[str, Any]] = reply.body["messages"]
    return found


def approve(official: HttpUser, application_id: str, agency: str) -> None:
    reply = decide(official, application_id, reason=f"Aprobado por {agency}", agency=agency)
    assert reply.status_code == 200, reply.body


def test_building_permit_is_deemed_approved_when_both_agencies_stay_silent(
    aws: Aws, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(reviews_module, "timer_seconds", lambda *args, **kwargs: 1)  # review timers fire at once
    citizen = aws.user()
    application_id = submitted(
        citizen, "licencia-construccion", CONSTRUCTION_FORM, ("planos", "escritura"), sms=("review_near_deadline",)
    )
    deemed = wait_status(citizen, application_id, "awaiting_payment", timeout=60)
    assert deemed["fee"] == {"amount": "3916.25", "currency": "MXN"}  # 120.5 m² x $32.50
    events = citizen.get(f"/applications/{application_id}/audit").body["events"]
    deemed_events = [event for event in events if event["action"] == "review.deemed_approved"]
    assert {event["details"]["agency"] for event in deemed_events} == {"DUMUN", "PCMUN"}
    assert all("afirmativa ficta" in event["reason"] for event in deemed_events)
    warnings = [
        message["text"] for message in messages(citizen, application_id) if message["event"] == "review_near_deadline"
    ]
    assert sorted(agency for text in warnings for agency in ("DUMUN", "PCMUN") if agency in text) == [
        "DUMUN",
        "PCMUN",
    ]  # the citizen, who asked for it, hears it too
    paid(aws, citizen, application_id)
    issued = wait_status(citizen, application_id, "issued")
    document = aws.anonymous().get(f"/verify/{issued['issued'][0]['id']}").body
    assert document["valid"] is True and document["deemed_approved"] is True
    assert document["title"]["es"].startswith("Constancia de afirmativa ficta")


def test_building_permit_with_both_reviews_decided_in_parallel(aws: Aws) -> None:
    citizen = aws.user()
    urban = aws.official("oficial.dumun", "DUMUN")
    civil = aws.official("oficial.pcmun", "PCMUN")
    application_id = submitted(
        citizen,
        "licencia-construccion",
        {**CONSTRUCTION_FORM, "niveles": 3},
        ("planos", "escritura", "memoria_calculo"),
        sms=("approved",),  # one agency's approval, while the other reviews: news the citizen asked for
    )
    open_review(urban, application_id, "DUMUN")
    open_review(civil, application_id, "PCMUN")
    holders = wait_for(
        lambda: len((body := status_of(citizen, application_id))["holders"]) == 2 and body, "both agencies holding it"
    )["holders"]
    assert {holder["agency"] for holder in holders} == {"DUMUN", "PCMUN"}
    approve(civil, application_id, "PCMUN")
    assert wait_for(
        lambda: [h["agency"] for h in status_of(citizen, application_id)["holders"]] == ["DUMUN"],
        "only DUMUN holding it",
    )
    approve(urban, application_id, "DUMUN")
    assert wait_status(citizen, application_id, "awaiting_payment")["status"] == "awaiting_payment"
    # PCMUN's approval is news while DUMUN still reviews; DUMUN's, the last, is told by the payment message.
    approvals = [message["text"] for message in messages(citizen, application_id) if message["event"] == "approved"]
    assert len(approvals) == 1 and "PCMUN" in approvals[0], approvals


def test_one_agency_rejecting_ends_the_permit_and_clears_the_other_queue(aws: Aws) -> None:
    citizen = aws.user()
    urban = aws.official("oficial.dumun.b", "DUMUN")
    civil = aws.official("oficial.pcmun.b", "PCMUN")
    application_id = submitted(citizen, "licencia-construccion", CONSTRUCTION_FORM, ("planos", "escritura"))
    open_review(urban, application_id, "DUMUN")
    decide(civil, application_id, "reject", "El predio está en zona de riesgo por inundación.", "PCMUN")
    wait_status(citizen, application_id, "rejected")
    assert wait_for(
        lambda: all(
            r["application_id"] != application_id for r in urban.get("/agencies/DUMUN/reviews").body["reviews"]
        ),
        "DUMUN's queue cleared",
    )


def test_company_start_up_runs_four_agencies_and_issues_the_certificate_and_registrations(aws: Aws) -> None:
    citizen = aws.user()
    officials = {
        agency: aws.official(f"oficial.{agency.lower()}", agency) for agency in ("SE", "SAT", "MUNICIPIO", "IMSS")
    }
    application_id = submitted(
        citizen, "apertura-empresa", COMPANY_FORM, ("identificacion", "estatutos", "comprobante_domicilio")
    )
    for agency in ("SE", "SAT", "MUNICIPIO"):
        approve(officials[agency], application_id, agency)
    approve(officials["IMSS"], application_id, "IMSS")  # 3 employees: the choice sends it to IMSS
    awaiting = wait_status(citizen, application_id, "awaiting_payment")
    assert awaiting["fee"]["amount"] == "1350.00"
    paid(aws, citizen, application_id)
    issued = wait_status(citizen, application_id, "issued")
    assert [document["type"] for document in issued["issued"]] == [
        "constancia-apertura",
        "inscripcion-rfc",
        "registro-patronal",
        "licencia-funcionamiento",
    ]
    approvals = [
        e["details"]["agency"]
        for e in citizen.get(f"/applications/{application_id}/audit").body["events"]
        if e["action"] == "review.approved"
    ]
    assert sorted(approvals) == ["IMSS", "MUNICIPIO", "SAT", "SE"]


def test_company_without_employees_skips_the_employer_registration(aws: Aws) -> None:
    citizen = aws.user()
    officials = {agency: aws.official(f"oficial.{agency.lower()}.sin", agency) for agency in ("SE", "SAT", "MUNICIPIO")}
    application_id = submitted(
        citizen,
        "apertura-empresa",
        {**COMPANY_FORM, "empleados": 0},
        ("identificacion", "estatutos", "comprobante_domicilio"),
    )
    for agency, official in officials.items():
        approve(official, application_id, agency)
    awaiting = wait_status(citizen, application_id, "awaiting_payment")
    assert awaiting["fee"]["amount"] == "1200.00"
    assert "IMSS" not in {holder["agency"] for holder in awaiting["holders"]}
    assert not any(
        e["details"].get("agency") == "IMSS"
        for e in citizen.get(f"/applications/{application_id}/audit").body["events"]
    )


def test_a_wrong_rfc_is_named_in_the_form(aws: Aws) -> None:
    citizen = aws.user()
    reply = citizen.post(
        "/applications", {"procedure": "apertura-empresa", "data": {"rfc_representante": "GODE561231GR9"}}
    )
    assert reply.status_code == 422
    assert reply.body["error"]["details"] == [{"field": "data.rfc_representante", "message": "has a wrong check digit"}]
