"""Filing with e.firma: the cadena original, the signed submit, its acuse and every refusal.

Certificates come from the stack's sandbox authority and are checked against its OCSP
responder over HTTP, as on AWS against the SAT's."""

from __future__ import annotations

import base64
from datetime import timedelta
from typing import Any

import pytest

from chalicelib.core import clock
from chalicelib.wiring import container
from infra.local import efirma as sandbox
from tests.support import efirma
from tests.support.flows import draft, upload_documents
from tests.support.forms import CONSTRUCTION_FORM
from tests.support.inprocess import Aws, HttpUser

PERMIT = "licencia-construccion"
PERMIT_DOCUMENTS = ("planos", "escritura")


def ready_permit(citizen: HttpUser) -> str:
    application_id = draft(citizen, CONSTRUCTION_FORM, procedure=PERMIT)
    upload_documents(citizen, application_id, PERMIT_DOCUMENTS)
    return application_id


def prepared(user: HttpUser, application_id: str) -> dict[str, Any]:
    reply = user.get(f"/applications/{application_id}/cadena-original")
    assert reply.status_code == 200, reply.body
    body: dict[str, Any] = reply.body
    return body


def refused(user: HttpUser, application_id: str, body: dict[str, Any]) -> tuple[int, str, str | None]:
    """The refusal's status, code and field; the application must still be an untouched draft."""
    reply = user.post(f"/applications/{application_id}/submit", body)
    error = reply.body["error"]
    after = user.get(f"/applications/{application_id}").body
    assert (after["status"], after["acuse"], after["submitted_at"]) == ("draft", None, None), after
    return reply.status_code, error["code"], (error.get("details") or [{}])[0].get("field")


def test_the_catalogue_says_which_procedures_need_efirma(aws: Aws) -> None:
    procedures = {item["code"]: item["identity"] for item in aws.anonymous().get("/procedures").body["procedures"]}
    assert procedures[PERMIT] == procedures["apertura-empresa"] == "efirma"
    assert procedures["licencia-conducir"] == "password_sms"


def test_the_cadena_original_names_the_filing(aws: Aws) -> None:
    citizen = aws.user()
    application_id = ready_permit(citizen)
    text = prepared(citizen, application_id)
    fields = text["cadena_original"].strip("|").split("|")
    assert fields[:6] == ["1.0", "ACUSE", PERMIT, "1", application_id, citizen.username]
    assert len(fields[6]) == 64  # the form's SHA-256
    documents = dict(item.split(":") for item in fields[7].split(";"))
    assert sorted(documents) == sorted(PERMIT_DOCUMENTS) and all(len(digest) == 64 for digest in documents.values())
    assert text["efirma_required"] is True and text["expires_at"] > fields[8]


def test_a_permit_filed_without_efirma_is_refused_and_says_why(aws: Aws) -> None:
    citizen = aws.user()
    application_id = ready_permit(citizen)
    status, code, field = refused(citizen, application_id, {})
    assert (status, code, field) == (422, "efirma_required", "efirma")


def test_a_signed_permit_gets_its_acuse_and_the_clock_starts_from_it(aws: Aws) -> None:
    citizen = aws.user()
    application_id = ready_permit(citizen)
    text = prepared(citizen, application_id)["cadena_original"]
    files = efirma.files_for(citizen.username)
    reply = citizen.post(f"/applications/{application_id}/submit", {"efirma": efirma.signed(files, text)})
    assert reply.status_code == 202, reply.body
    acuse = reply.body["acuse"]
    assert acuse["cadena_original"] == text
    assert acuse["firma"]["holder"]["curp"] == citizen.username
    assert acuse["firma"]["serial"] == sandbox.certificate_number_of(files[0])
    assert reply.body["submitted_at"] == acuse["sello"]["sealed_at"]
    seal = base64.b64decode(acuse["sello"]["seal"])
    assert container().sealer.verify(text.encode(), seal)
    assert not container().sealer.verify((text + " ").encode(), seal)


def test_a_licence_needs_no_efirma_and_still_gets_a_sealed_acuse(aws: Aws) -> None:
    from tests.support.flows import ready_licence

    citizen = aws.user()
    application_id = ready_licence(citizen)
    reply = citizen.post(f"/applications/{application_id}/submit", {})
    assert reply.status_code == 202, reply.body
    acuse = reply.body["acuse"]
    assert acuse["firma"] is None and acuse["cadena_original"].startswith("||1.0|ACUSE|licencia-conducir|")
    assert container().sealer.verify(acuse["cadena_original"].encode(), base64.b64decode(acuse["sello"]["seal"]))


def test_a_cadena_prepared_before_a_change_is_refused(aws: Aws) -> None:
    citizen = aws.user()
    application_id = ready_permit(citizen)
    text = prepared(citizen, application_id)["cadena_original"]
    changed = citizen.patch(f"/applications/{application_id}", {"data": {"director_responsable": "DRO-5678"}})
    assert changed.status_code == 200, changed.body
    body = {"efirma": efirma.signed(efirma.files_for(citizen.username), text)}
    assert refused(citizen, application_id, body) == (422, "cadena_mismatch", "efirma.cadena_original")


def test_a_cadena_edited_before_signing_is_refused(aws: Aws) -> None:
    citizen = aws.user()
    application_id = ready_permit(citizen)
    text = prepared(citizen, application_id)["cadena_original"].replace("|licencia-construccion|", "|otra-cosa|")
    body = {"efirma": efirma.signed(efirma.files_for(citizen.username), text)}
    assert refused(citizen, application_id, body) == (422, "cadena_mismatch", "efirma.cadena_original")


def test_a_cadena_signed_too_late_is_refused(aws: Aws) -> None:
    citizen = aws.user()
    application_id = ready_permit(citizen)
    text = prepared(citizen, application_id)["cadena_original"]
    body = {"efirma": efirma.signed(efirma.files_for(citizen.username), text)}
    clock.shift(timedelta(minutes=16))
    try:
        assert refused(citizen, application_id, body) == (422, "cadena_expired", "efirma.cadena_original")
    finally:
        clock.reset_shift()


def test_someone_elses_efirma_is_refused(aws: Aws) -> None:
    citizen, other = aws.user(), aws.user()
    application_id = ready_permit(citizen)
    text = prepared(citizen, application_id)["cadena_original"]
    body = {"efirma": efirma.signed(efirma.files_for(other.username), text)}
    assert refused(citizen, application_id, body) == (422, "curp_mismatch", "efirma.certificate")


def test_a_bad_signature_is_refused(aws: Aws) -> None:
    citizen = aws.user()
    application_id = ready_permit(citizen)
    text = prepared(citizen, application_id)["cadena_original"]
    body = {"efirma": {**efirma.signed(efirma.files_for(citizen.username), text + "x"), "cadena_original": text}}
    assert refused(citizen, application_id, body) == (422, "signature_invalid", "signature")


def test_a_revoked_efirma_is_refused(aws: Aws) -> None:
    citizen = aws.user()
    application_id = ready_permit(citizen)
    issued = sandbox.current().authority.issue(citizen.username, efirma.PASSWORD)
    sandbox.current().authority.revoke(issued.serial)
    text = prepared(citizen, application_id)["cadena_original"]
    body = {"efirma": efirma.signed((issued.certificate, issued.key), text)}
    assert refused(citizen, application_id, body) == (422, "certificate_revoked", "certificate")


def test_with_the_ocsp_responder_down_nothing_is_filed(aws: Aws) -> None:
    """The decision for an unreachable SAT responder: refuse now (503), file nothing, retry later."""
    citizen = aws.user()
    application_id = ready_permit(citizen)
    text = prepared(citizen, application_id)["cadena_original"]
    body = {"efirma": efirma.signed(efirma.files_for(citizen.username), text)}
    responder = sandbox.current().responder
    responder.available = False
    try:
        assert refused(citizen, application_id, body) == (503, "efirma_ocsp_unavailable", None)
    finally:
        responder.available = True
    assert citizen.post(f"/applications/{application_id}/submit", body).status_code == 202


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"certificate": "no es base64"}, "certificate"),
        ({"signature": ""}, "efirma.signature"),
        ({"cadena_original": ""}, "efirma.cadena_original"),
    ],
)
def test_a_malformed_efirma_names_the_field(aws: Aws, change: dict[str, str], field: str) -> None:
    citizen = aws.user()
    application_id = ready_permit(citizen)
    text = prepared(citizen, application_id)["cadena_original"]
    body = {"efirma": {**efirma.signed(efirma.files_for(citizen.username), text), **change}}
    status, _, named = refused(citizen, application_id, body)
    assert (status, named) == (422, field)
