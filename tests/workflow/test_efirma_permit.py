"""A construction permit signed end to end: the citizen's e.firma on the filing, each
agency's official's on its approval, and a verification that checks them all, still
after the certificates have expired."""

from __future__ import annotations

from datetime import timedelta

from chalicelib.core import clock
from tests.support.flows import confirm_evidence, decide, draft, paid, submit, upload_documents, wait_status
from tests.support.forms import CONSTRUCTION_FORM
from tests.support.inprocess import Aws


def test_the_verify_check_shows_every_signer_of_a_signed_permit(aws: Aws) -> None:
    citizen = aws.user()
    urban, civil = aws.official("oficial.dumun.firma", "DUMUN"), aws.official("oficial.pcmun.firma", "PCMUN")
    application_id = draft(citizen, CONSTRUCTION_FORM, procedure="licencia-construccion")
    upload_documents(citizen, application_id, ("planos", "escritura"))
    submit(citizen, application_id)  # signed with the citizen's e.firma
    confirm_evidence(citizen, application_id)  # the ID from RENAPO; the title deed uploaded (the site is not theirs)
    for official, agency in ((urban, "DUMUN"), (civil, "PCMUN")):
        assert decide(official, application_id, reason=f"Conforme ({agency}).", agency=agency).status_code == 200
    wait_status(citizen, application_id, "awaiting_payment")
    paid(aws, citizen, application_id)
    document_id = wait_status(citizen, application_id, "issued")["issued"][0]["id"]

    checked = aws.anonymous().get(f"/verify/{document_id}").body
    assert checked["valid"] is True
    signers = [(item["what"], item["signer"], item.get("agency")) for item in checked["signatures"] if item["valid"]]
    assert ("acuse", "holder", None) in signers and ("acuse", "platform", None) in signers
    assert {agency for what, signer, agency in signers if signer == "official"} == {"DUMUN", "PCMUN"}
    assert all(item["valid"] for item in checked["signatures"]), checked["signatures"]
    assert all("name" not in item for item in checked["signatures"] if item["signer"] == "holder")

    issued = citizen.get(f"/documents/{document_id}").body
    assert {item["agency"] for item in issued["payload"]["signatories"]} == {"DUMUN", "PCMUN"}
    assert all(item["serial"] and item["position"]["es"] for item in issued["payload"]["signatories"])

    clock.shift(timedelta(days=5 * 365))  # every certificate has expired, and the document too
    try:
        later = aws.anonymous().get(f"/verify/{document_id}").body
    finally:
        clock.reset_shift()
    assert later["valid"] is False and later["expired"] is True
    assert all(item["valid"] for item in later["signatures"]), later["signatures"]
