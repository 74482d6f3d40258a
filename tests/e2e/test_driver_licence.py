"""A driver's licence travels the whole way over HTTP against the embedded stack."""

from __future__ import annotations

from chalicelib.privacy import notice
from tests.support import documents
from tests.support.client import Api, wait_for, wait_for_status

CITIZEN = "GOMC800101MDFMRR00"
CITIZEN_PHONE = "+525512345678"
CITIZEN_NAME = "Carla Gómez Martínez"
FORM = {
    "domicilio": "Av. Insurgentes Sur 1235, Col. del Valle, Benito Juárez",
    "codigo_postal": "03100",
    "tipo_sangre": "O+",
    "primera_vez": True,
}
PDF = documents.pdf("identificacion oficial de prueba")


def test_licence_from_draft_to_signed_and_verified(stack: Api) -> None:
    citizen = stack.sign_in(CITIZEN)
    official = stack.sign_in("oficial.semovi")
    sms_before = len(stack.sms(CITIZEN_PHONE))

    # the demo seed's Carla never accepted the privacy notice: no draft until she does
    refused = citizen.post("/applications", {"procedure": "licencia-conducir", "data": FORM})
    assert refused.status_code == 409, refused.text
    assert refused.json()["error"]["code"] == "privacy_notice_required"
    assert [detail["field"] for detail in refused.json()["error"]["details"]] == ["privacy_notice"]
    citizen.accept_privacy_notice()

    draft = citizen.post("/applications", {"procedure": "licencia-conducir", "data": FORM})
    assert draft.status_code == 201, draft.text
    application = draft.json()
    assert application["status"] == "draft"
    app_id = application["id"]
    assert set(application["missing_documents"]) == {"identificacion", "comprobante_domicilio", "constancia_examen"}

    early = citizen.post(f"/applications/{app_id}/submit")
    assert early.status_code == 422
    assert early.json()["error"]["code"] == "documents_incomplete"

    for requirement in ("identificacion", "comprobante_domicilio", "constancia_examen"):
        citizen.upload(app_id, requirement, PDF + requirement.encode())

    submitted = citizen.post(f"/applications/{app_id}/submit")
    assert submitted.status_code == 202, submitted.text
    assert submitted.json()["status"] == "submitted"

    in_review = wait_for_status(citizen, app_id, "in_review")
    assert in_review["current_agency"] == "SEMOVI"
    assert in_review["deadline"]

    queue = wait_for(
        lambda: [
            r for r in official.get("/agencies/SEMOVI/reviews").json()["reviews"] if r["application_id"] == app_id
        ],
        "the review in SEMOVI's queue",
    )
    decided = official.decide(queue[0]["review_id"], "approve", "Documentos y examen en regla.")
    assert decided.status_code == 200, decided.text

    awaiting = wait_for_status(citizen, app_id, "awaiting_payment")
    slip = citizen.post(f"/applications/{app_id}/payment").json()
    assert slip["amount"] == "1016.00" and slip["currency"] == "MXN" and len(slip["reference"]) == 20
    assert awaiting["payment_reference"] == slip["reference"]

    paid = stack.anonymous().post("/sandbox/bank/pay", {"reference": slip["reference"]})
    assert paid.status_code == 200, paid.text
    assert paid.json()["webhook_status"] == 200

    issued = wait_for_status(citizen, app_id, "issued")
    document = issued["issued"][0]
    assert document["type"] == "licencia-conducir-a"

    verified = stack.anonymous().get(f"/verify/{document['id']}").json()
    assert verified["valid"] is True
    assert verified["holder_initials"] == "G.M.C."
    assert verified["agency"] == "SEMOVI"
    assert "holder_name" not in verified and "curp" not in str(verified).lower()

    printable = citizen.get(f"/documents/{document['id']}").json()
    assert printable["qr_svg"].startswith("<svg") and printable["verify_url"].endswith(document["id"])

    audit = citizen.get(f"/applications/{app_id}/audit").json()["events"]
    actions = [event["action"] for event in audit]
    for expected in (
        "application.created",
        "document.declared",
        "application.submitted",
        "checks.passed",
        "review.opened",
        "review.approved",
        "payment.requested",
        "payment.received",
        "document.issued",
        "document.verified",
    ):
        assert expected in actions, actions
    assert citizen.get(f"/applications/{app_id}/audit/verify").json()["intact"] is True
    assert official.get(f"/applications/{app_id}/audit/verify").json()["intact"] is True

    texts = wait_for(
        lambda: (
            [message["text"] for message in stack.sms(CITIZEN_PHONE)[sms_before:] if "fue emitido" in message["text"]]
            and stack.sms(CITIZEN_PHONE)[sms_before:]
        ),
        "the SMS of the issue",
    )
    texts = [message["text"] for message in texts]
    # by default, what needs Carla and what changes her rights: the payment reference, the licence
    assert not any(app_id in text and "recibimos su tramite" in text for text in texts)
    assert any(slip["reference"] in text for text in texts)
    assert any("fue emitido" in text for text in texts)

    final = citizen.get(f"/applications/{app_id}").json()
    # the approval is the official's resolution, signed with their e.firma
    [resolution] = final["resolutions"]
    assert (resolution["decision"], resolution["official"]["username"]) == ("approve", "oficial.semovi")
    assert resolution["firma"]["serial"]
    record = citizen.get("/me").json()
    assert any(item["id"] == app_id and item["status"] == "issued" for item in record["applications"])
    assert any(item["id"] == document["id"] for item in record["documents"])
    assert record["profile"]["phone"] == CITIZEN_PHONE
    # The citizen's whole record: their profile, this application as listed, the licence with
    # the link its QR code opens, and nothing that belongs to anyone else.
    assert set(record) == {"profile", "applications", "documents", "delegations", "next_cursor"}
    assert record["profile"] == {
        "id": CITIZEN,
        "curp": CITIZEN,
        "rfc": None,
        "name": CITIZEN_NAME,
        "phone": CITIZEN_PHONE,
        "language": "es",
        "efirma": None,  # no e.firma has proven this account
        "privacy_notice": {
            "current": notice.VERSION,
            "accepted": notice.VERSION,
            "accepted_at": record["profile"]["privacy_notice"]["accepted_at"],
        },
    }
    assert record["profile"]["privacy_notice"]["accepted_at"]
    listed = [item for item in record["applications"] if item["id"] == app_id]
    assert listed == [
        {
            "id": app_id,
            "phone_folio": final["phone_folio"],
            "procedure": "licencia-conducir",
            "status": "issued",
            "agency": "SEMOVI",
            "deadline": final["deadline"],
            "created_at": application["created_at"],
            "updated_at": final["updated_at"],
            "assisted_by": None,
            "filed_before_efirma": False,
        }
    ]
    licence = [item for item in record["documents"] if item["id"] == document["id"]]
    assert licence == [
        {
            "id": document["id"],
            "type": "licencia-conducir-a",
            "application_id": app_id,
            "issued_at": printable["payload"]["issued_at"],
            "verify_url": printable["verify_url"],
        }
    ]
    own = {item["id"] for item in record["applications"]}
    assert all(item["application_id"] in own for item in record["documents"]), record["documents"]
    for item in record["applications"]:
        assert citizen.get(f"/applications/{item['id']}").status_code == 200, item
