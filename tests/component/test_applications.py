"""Citizens' commands through the API (chalice test client + moto): bad input gets a
clear 4xx naming the problem, and nothing is half-written."""

from __future__ import annotations

from datetime import date

from tests.support.flows import (
    DECLARED,
    PDF,
    draft,
    status_of,
    submit,
    submitted_licence,
    table,
    upload,
    upload_documents,
    wait_status,
)
from tests.support.forms import LICENCE_FORM
from tests.support.inprocess import Aws
from tests.support.people import new_curp


def error(reply: object) -> dict[str, object]:
    body = reply.body  # type: ignore[attr-defined]
    assert set(body) == {"error"}, body
    assert set(body["error"]) == {"code", "message", "details"}
    return dict(body["error"])


def test_draft_is_created_in_the_citizens_record(aws: Aws) -> None:
    citizen = aws.user()
    created = citizen.post("/applications", {"procedure": "licencia-conducir", "data": {"codigo_postal": "03100"}})
    assert created.status_code == 201
    assert created.body["status"] == "draft"
    assert created.body["fee"] is None
    record = citizen.get("/me").body
    assert [item["id"] for item in record["applications"]] == [created.body["id"]]
    assert record["profile"]["phone"] == citizen.phone


def test_unknown_procedure_is_404_and_writes_nothing(aws: Aws) -> None:
    citizen = aws.user()
    reply = citizen.post("/applications", {"procedure": "licencia-de-vuelo", "data": {}})
    assert reply.status_code == 404
    assert error(reply)["code"] == "unknown_procedure"
    assert citizen.get("/me").body["applications"] == []


def test_ill_typed_and_unknown_form_fields_are_named(aws: Aws) -> None:
    citizen = aws.user()
    reply = citizen.post(
        "/applications", {"procedure": "licencia-conducir", "data": {"codigo_postal": 3100, "color_favorito": "azul"}}
    )
    assert reply.status_code == 422
    fields = {detail["field"] for detail in error(reply)["details"]}  # type: ignore[union-attr]
    assert fields == {"data.codigo_postal", "data.color_favorito"}
    assert citizen.get("/me").body["applications"] == []


def test_missing_required_fields_refuse_submission_naming_them(aws: Aws) -> None:
    citizen = aws.user()
    application_id = draft(citizen, {"domicilio": "Calle Hidalgo 4, Centro, Puebla"})
    reply = citizen.post(f"/applications/{application_id}/submit")
    assert reply.status_code == 422
    body = error(reply)
    assert body["code"] == "invalid_form"
    assert {detail["field"] for detail in body["details"]} == {
        "data.codigo_postal",
        "data.tipo_sangre",
        "data.primera_vez",
    }  # type: ignore[union-attr]
    assert status_of(citizen, application_id)["status"] == "draft"


def test_document_checks_name_the_field(aws: Aws) -> None:
    citizen = aws.user()
    application_id = draft(citizen)
    before = citizen.get(f"/applications/{application_id}/audit").body["events"]
    cases = {
        "size": ({**DECLARED, "size": 6 * 1024 * 1024}, "document_too_large"),
        "content_type": ({**DECLARED, "content_type": "application/zip"}, "unsupported_type"),
        "filename": ({**DECLARED, "filename": "../../etc/passwd"}, "invalid_filename"),
        "sha256": ({**DECLARED, "sha256": "xyz"}, "invalid_sha256"),
        "requirement": ({**DECLARED, "requirement": "pasaporte_de_mascota"}, "unknown_requirement"),
    }
    for field, (body, code) in cases.items():
        reply = citizen.post(f"/applications/{application_id}/documents", body)
        assert reply.status_code == 422, (field, reply.body)
        problem = error(reply)
        assert problem["code"] == code
        assert problem["details"][0]["field"] == field  # type: ignore[index]
    assert citizen.get(f"/applications/{application_id}/audit").body["events"] == before
    assert status_of(citizen, application_id)["documents"] == []


def test_submit_refuses_missing_and_mismatched_documents(aws: Aws) -> None:
    citizen = aws.user()
    application_id = draft(citizen)
    upload(citizen, application_id, "identificacion")
    missing = citizen.post(f"/applications/{application_id}/submit")
    assert missing.status_code == 422
    assert {d["field"] for d in error(missing)["details"]} == {"documents.comprobante_domicilio"}  # type: ignore[union-attr]

    declared = citizen.post(
        f"/applications/{application_id}/documents",
        {
            "requirement": "comprobante_domicilio",
            "filename": "luz.pdf",
            "content_type": "application/pdf",
            "size": len(PDF),
            "sha256": "0" * 64,
        },
    )
    import requests

    requests.put(declared.body["upload"]["url"], data=PDF, headers=declared.body["upload"]["headers"], timeout=10)
    mismatched = citizen.post(f"/applications/{application_id}/submit")
    assert mismatched.status_code == 422
    assert "does not match" in error(mismatched)["details"][0]["message"]  # type: ignore[index]
    assert status_of(citizen, application_id)["status"] == "draft"


def test_first_licence_requires_the_exam_certificate(aws: Aws) -> None:
    citizen = aws.user()
    application_id = draft(citizen, {**LICENCE_FORM, "primera_vez": True})
    assert "constancia_examen" in status_of(citizen, application_id)["missing_documents"]


def test_a_citizen_cannot_see_or_touch_another_citizens_application(aws: Aws) -> None:
    owner, other = aws.user(), aws.user()
    application_id = draft(owner)
    for method, path in (
        ("GET", f"/applications/{application_id}"),
        ("GET", f"/applications/{application_id}/audit"),
        ("POST", f"/applications/{application_id}/submit"),
        ("GET", f"/applications/{application_id}/documents/identificacion"),
    ):
        reply = other.request(method, path, {} if method == "POST" else None)
        assert reply.status_code == 404, (path, reply.body)
        assert application_id not in str(reply.body)


def test_sign_in_is_required_and_verified(aws: Aws) -> None:
    assert aws.anonymous().post("/applications", {"procedure": "licencia-conducir"}).status_code == 401
    citizen = aws.user()
    forged = citizen.token[:-4] + ("AAAA" if not citizen.token.endswith("AAAA") else "BBBB")  # type: ignore[index]
    reply = aws.anonymous().request("GET", "/me", headers={"Authorization": f"Bearer {forged}"})
    assert reply.status_code == 401
    assert error(reply)["code"] == "not_authenticated"


def test_a_username_that_is_not_a_curp_is_told_why(aws: Aws) -> None:
    bad = aws.user(username="GOMC800101MDFMRR01")  # wrong check digit
    reply = bad.post("/applications", {"procedure": "licencia-conducir"})
    assert reply.status_code == 403
    body = error(reply)
    assert body["code"] == "invalid_curp"
    assert "check digit" in str(body["message"])


def test_malformed_bodies_get_json_errors(aws: Aws) -> None:
    citizen = aws.user()
    not_json = citizen.request("POST", "/applications", raw=b"{not json")
    assert not_json.status_code == 422 and error(not_json)["code"] == "invalid_json"
    deep = citizen.request("POST", "/applications", raw=b"[" * 100000 + b"]" * 100000)
    assert deep.status_code in (413, 422)
    wrong_type = citizen.request(
        "POST", "/applications", raw=b"procedure=x", headers={"Content-Type": "application/x-www-form-urlencoded"}
    )
    assert wrong_type.status_code == 415 and error(wrong_type)["code"] == "unsupported_media_type"
    not_object = citizen.post("/applications", ["licencia-conducir"])
    assert not_object.status_code == 422


def test_audit_chain_catches_an_edited_event(aws: Aws) -> None:
    citizen = aws.user()
    application_id = submitted_licence(citizen)
    wait_status(citizen, application_id, "in_review")
    assert citizen.get(f"/applications/{application_id}/audit/verify").body["intact"] is True
    table(aws).update_item(
        Key={"pk": f"APP#{application_id}", "sk": "EV#000002"},
        UpdateExpression="SET #d = :d",
        ExpressionAttributeNames={"#d": "details"},
        ExpressionAttributeValues={":d": '{"requirement": "identificacion", "filename": "otro.pdf"}'},
    )
    verdict = citizen.get(f"/applications/{application_id}/audit/verify").body
    assert verdict["intact"] is False
    assert verdict["first_broken"]["seq"] == 2


def test_minor_is_rejected_by_the_automatic_check(aws: Aws) -> None:
    minor = aws.user(username=new_curp(born=date(2012, 5, 1)))
    application_id = submitted_licence(minor)
    rejected = wait_status(minor, application_id, "rejected")
    assert rejected["status"] == "rejected"
    events = minor.get(f"/applications/{application_id}/audit").body["events"]
    assert events[-1]["action"] == "checks.failed"
    assert "18" in events[-1]["reason"]
    assert aws.wait_sms(minor.phone or "", "rechazado")


def test_a_business_holds_its_record_by_its_rfc(aws: Aws) -> None:
    company = aws.user(username="SAT970701NN3", name="Servicios del Altiplano SA de CV")
    created = company.post("/applications", {"procedure": "licencia-conducir", "data": LICENCE_FORM})
    assert created.status_code == 201
    record = company.get("/me").body
    assert record["profile"]["rfc"] == "SAT970701NN3" and record["profile"]["curp"] is None
    assert [item["id"] for item in record["applications"]] == [created.body["id"]]
    application_id = created.body["id"]
    upload_documents(company, application_id)
    submit(company, application_id)
    assert (
        wait_status(company, application_id, "rejected")["status"] == "rejected"
    )  # a company has no age: no driver's licence
    person_rfc = aws.user(username="GODE561231GR8")  # a person's RFC is not a record key: people use their CURP
    assert person_rfc.get("/me").status_code == 403
