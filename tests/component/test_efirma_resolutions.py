"""Officials' decisions signed with their e.firma: the resolution each application keeps,
and the refusals; a step whose `signature` is `seal` takes the platform's seal alone."""

from __future__ import annotations

import base64
from typing import Any

from chalicelib.wiring import container
from infra.local import efirma as sandbox
from tests.support import efirma
from tests.support.flows import (
    SEALED_AGENCY,
    confirm_evidence,
    decide,
    draft,
    open_review,
    ready_licence,
    sealed_licence,
    submit,
    submitted_licence,
    upload_documents,
    wait_status,
)
from tests.support.forms import CONSTRUCTION_FORM
from tests.support.inprocess import Aws, HttpUser

APPROVE = {"decision": "approve", "reason": "Proyecto conforme al reglamento."}


def permit_in_review(aws: Aws) -> tuple[HttpUser, str, dict[str, Any]]:
    citizen = aws.user()
    application_id = draft(citizen, CONSTRUCTION_FORM, procedure="licencia-construccion")
    upload_documents(citizen, application_id, ("planos", "escritura"))
    submit(citizen, application_id)
    confirm_evidence(citizen, application_id)
    official = aws.official(agency="DUMUN")
    return official, application_id, open_review(official, application_id, "DUMUN")


def prepared(official: HttpUser, review_id: str, asked: dict[str, str] = APPROVE) -> dict[str, Any]:
    reply = official.post(f"/reviews/{review_id}/cadena-original", asked)
    assert reply.status_code == 200, reply.body
    body: dict[str, Any] = reply.body
    return body


def refused(official: HttpUser, review_id: str, body: dict[str, Any]) -> tuple[int, str, str | None]:
    """The refusal's status, code and field; the review must still be open in the queue."""
    reply = official.post(f"/reviews/{review_id}/decision", body)
    error = reply.body["error"]
    queue = official.get("/agencies/DUMUN/reviews").body["reviews"]
    assert any(item["review_id"] == review_id for item in queue)
    return reply.status_code, error["code"], (error.get("details") or [{}])[0].get("field")


def test_a_permit_decision_without_efirma_is_refused(aws: Aws) -> None:
    official, _, review = permit_in_review(aws)
    assert prepared(official, review["review_id"])["efirma_required"] is True
    assert refused(official, review["review_id"], APPROVE) == (422, "efirma_required", "efirma")


def test_a_signed_approval_is_kept_as_the_officials_resolution(aws: Aws) -> None:
    official, application_id, review = permit_in_review(aws)
    text = prepared(official, review["review_id"])["cadena_original"]
    fields = text.strip("|").split("|")
    assert fields[:9] == [
        "1.0",
        "RESOLUCION",
        "licencia-construccion",
        "1",
        application_id,
        review["review_id"],
        review["step"],
        "DUMUN",
        "approve",
    ]
    assert fields[10] == official.username
    files = efirma.files_for(official.username)
    decided = official.post(
        f"/reviews/{review['review_id']}/decision", {**APPROVE, "efirma": efirma.signed(files, text)}
    )
    assert decided.status_code == 200, decided.body
    resolution = official.get(f"/applications/{application_id}").body["resolutions"][-1]
    assert (resolution["decision"], resolution["agency"], resolution["cadena_original"]) == ("approve", "DUMUN", text)
    assert resolution["official"]["username"] == official.username
    assert resolution["official"]["position"]["es"]
    assert resolution["firma"]["serial"] == sandbox.certificate_number_of(files[0])
    assert container().sealer.verify(text.encode(), base64.b64decode(resolution["sello"]["seal"]))
    events = official.get(f"/applications/{application_id}/audit").body["events"]
    approved = next(event for event in events if event["action"] == "review.approved")
    assert approved["details"]["efirma_serial"] == resolution["firma"]["serial"]


def test_a_signature_over_another_decision_is_refused(aws: Aws) -> None:
    official, _, review = permit_in_review(aws)
    text = prepared(official, review["review_id"])["cadena_original"]
    body = {"decision": "reject", "reason": APPROVE["reason"]}
    body["efirma"] = efirma.signed(efirma.files_for(official.username), text)  # type: ignore[assignment]
    assert refused(official, review["review_id"], body) == (422, "cadena_mismatch", "efirma.cadena_original")


def test_a_revoked_efirma_cannot_sign_a_decision(aws: Aws) -> None:
    official, _, review = permit_in_review(aws)
    issued = sandbox.current().authority.issue(official.username, efirma.PASSWORD)
    sandbox.current().authority.revoke(issued.serial)
    text = prepared(official, review["review_id"])["cadena_original"]
    body = {**APPROVE, "efirma": efirma.signed((issued.certificate, issued.key), text)}
    assert refused(official, review["review_id"], body) == (422, "certificate_revoked", "certificate")


def test_another_agency_cannot_prepare_a_decision(aws: Aws) -> None:
    _, _, review = permit_in_review(aws)
    other = aws.official(agency="SEMOVI")
    reply = other.post(f"/reviews/{review['review_id']}/cadena-original", APPROVE)
    assert (reply.status_code, reply.body["error"]["code"]) == (403, "other_agency")


def test_the_shipped_licence_review_needs_the_officials_efirma(aws: Aws) -> None:
    citizen, official = aws.user(), aws.official("oficial.licencia.firmada")
    review = open_review(official, submitted_licence(citizen))
    assert prepared(official, review["review_id"])["efirma_required"] is True
    unsigned = official.post(f"/reviews/{review['review_id']}/decision", APPROVE)
    assert (unsigned.status_code, unsigned.body["error"]["code"]) == (422, "efirma_required")
    assert decide(official, review["application_id"], **APPROVE).status_code == 200
    resolution = citizen.get(f"/applications/{review['application_id']}").body["resolutions"][-1]
    assert resolution["firma"]["serial"] and resolution["official"]["username"] == official.username


def test_a_step_that_takes_the_seal_alone_keeps_a_sealed_resolution(aws: Aws) -> None:
    """A published procedure may still let its review take the platform's seal alone."""
    citizen, official = aws.user(), aws.official("oficial.sello", SEALED_AGENCY)
    application_id = ready_licence(citizen, procedure=sealed_licence(aws))
    submit(citizen, application_id)
    review = open_review(official, application_id, SEALED_AGENCY)
    assert prepared(official, review["review_id"])["efirma_required"] is False
    decided = official.post(f"/reviews/{review['review_id']}/decision", APPROVE)
    assert decided.status_code == 200, decided.body
    wait_status(citizen, application_id, "issued")
    resolution = citizen.get(f"/applications/{application_id}").body["resolutions"][-1]
    assert resolution["firma"] is None and resolution["official"]["agency"] == SEALED_AGENCY
    assert container().sealer.verify(
        resolution["cadena_original"].encode(), base64.b64decode(resolution["sello"]["seal"])
    )


def test_an_official_signs_only_with_their_own_efirma(aws: Aws) -> None:
    """Once an official linked their e.firma, a colleague's is refused on their decisions."""
    official, _, review = permit_in_review(aws)
    challenge = official.post("/me/efirma/challenge").body["challenge"]
    signed = efirma.signed(efirma.files_for(official.username), challenge)
    proof = {"certificate": signed["certificate"], "challenge": challenge, "signature": signed["signature"]}
    assert official.post("/me/efirma", proof).status_code == 200
    text = prepared(official, review["review_id"])["cadena_original"]
    colleague = sandbox.current().authority.issue("oficial.colega", efirma.PASSWORD)
    body = {**APPROVE, "efirma": efirma.signed((colleague.certificate, colleague.key), text)}
    assert refused(official, review["review_id"], body) == (422, "curp_mismatch", "certificate")


def test_an_official_who_linked_none_is_bound_by_their_first_signature(aws: Aws) -> None:
    official, _, review = permit_in_review(aws)
    text = prepared(official, review["review_id"])["cadena_original"]
    own = {**APPROVE, "efirma": efirma.signed(efirma.files_for(official.username), text)}
    assert official.post(f"/reviews/{review['review_id']}/decision", own).status_code == 200
    _, _, second = permit_in_review_for(aws, official)
    text = prepared(official, second["review_id"])["cadena_original"]
    colleague = sandbox.current().authority.issue("oficial.colega", efirma.PASSWORD)
    body = {**APPROVE, "efirma": efirma.signed((colleague.certificate, colleague.key), text)}
    assert refused(official, second["review_id"], body) == (422, "curp_mismatch", "certificate")


def permit_in_review_for(aws: Aws, official: HttpUser) -> tuple[HttpUser, str, dict[str, Any]]:
    citizen = aws.user()
    application_id = draft(citizen, CONSTRUCTION_FORM, procedure="licencia-construccion")
    upload_documents(citizen, application_id, ("planos", "escritura"))
    submit(citizen, application_id)
    confirm_evidence(citizen, application_id)
    return official, application_id, open_review(official, application_id, "DUMUN")
