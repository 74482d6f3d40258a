"""Steps of the driver's-licence flow shared by the in-process tiers."""

from __future__ import annotations

import json
import secrets
from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import boto3
import requests

from chalicelib.core import clock
from tests.support import documents, efirma
from tests.support.client import declaration, wait_for
from tests.support.forms import LICENCE_FORM
from tests.support.inprocess import WEBHOOK_SECRET, Aws, HttpUser, Reply
from tests.support.paging import pages

PDF = documents.pdf("documento de prueba")
LICENCE_SOURCE = Path(__file__).resolve().parents[2] / "workflows" / "licencia-conducir.json"
LICENCE_DOCUMENTS = ("identificacion", "comprobante_domicilio")
# A declaration every check of its shape accepts (nothing is uploaded for it): tests change one field.
DECLARED = {
    "requirement": "identificacion",
    "filename": "ine.pdf",
    "content_type": "application/pdf",
    "size": 1000,
    "sha256": "a" * 64,
}


def licence_without_payment(
    code: str, agency: str, name: dict[str, str], agency_name: dict[str, str], review: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    """The shipped driver's licence under a code and an agency of its own (so that its
    figures are one test module's alone), without the payment: verification, the agency's
    review (changed by ``review``), issue."""
    licence = json.loads(LICENCE_SOURCE.read_text("utf-8"))
    steps = licence["steps"]
    revision = {**steps["revision"], "agency": agency, "next": "emision", **(review or {})}
    return {
        **licence,
        "code": code,
        "version": 1,
        "name": name,
        "agency": agency,
        "agencies": {agency: agency_name},
        "steps": {"verificacion": steps["verificacion"], "revision": revision, "emision": steps["emision"]},
    }


SEALED_LICENCE, SEALED_AGENCY = "licencia-sellada", "SELLO"


def sealed_licence(aws: Aws) -> str:
    """Publish the licence (without the payment) under an agency of its own whose review
    takes the platform's seal alone, as a published procedure may (no shipped one does);
    returns its code. Published again, it is a new version of the same procedure."""
    definition = licence_without_payment(
        SEALED_LICENCE,
        SEALED_AGENCY,
        {"es": "Licencia resuelta con el sello", "en": "Licence decided with the seal"},
        {"es": "Dependencia del sello", "en": "Seal agency"},
        review={"signature": "seal"},
    )
    published = aws.user(groups=("admin",)).put(f"/procedures/{SEALED_LICENCE}", definition)
    assert published.status_code in (200, 201), published.body
    return SEALED_LICENCE


def upload(
    user: HttpUser, application_id: str, requirement: str, content: bytes = PDF, content_type: str = "application/pdf"
) -> None:
    declared = user.post(
        f"/applications/{application_id}/documents",
        declaration(requirement, content, f"{requirement}.pdf", content_type),
    )
    assert declared.status_code == 201, declared.body
    instructions = declared.body["upload"]
    stored = requests.put(instructions["url"], data=content, headers=instructions["headers"], timeout=10)
    assert stored.status_code == 200


def upload_documents(user: HttpUser, application_id: str, requirements: Iterable[str] = LICENCE_DOCUMENTS) -> None:
    for requirement in requirements:
        upload(user, application_id, requirement)


def draft(user: HttpUser, data: dict[str, Any] | None = None, procedure: str = "licencia-conducir") -> str:
    created = user.post("/applications", {"procedure": procedure, "data": data if data is not None else LICENCE_FORM})
    assert created.status_code == 201, created.body
    return str(created.body["id"])


def ready_licence(user: HttpUser, data: dict[str, Any] | None = None, procedure: str = "licencia-conducir") -> str:
    """A licence draft with every document its answers require: ready to submit."""
    application_id = draft(user, data, procedure)
    upload_documents(user, application_id)
    if (data or LICENCE_FORM).get("primera_vez"):
        upload(user, application_id, "constancia_examen")
    return application_id


def submit(user: HttpUser, application_id: str) -> None:
    """Submit, signing the cadena original with the holder's e.firma when the procedure requires it."""
    prepared = user.get(f"/applications/{application_id}/cadena-original")
    assert prepared.status_code == 200, prepared.body
    holder = prepared.body["cadena_original"].split("|")[7]
    body = efirma.filing(prepared.body, lambda: efirma.files_for(holder))
    submitted = user.post(f"/applications/{application_id}/submit", body)
    assert submitted.status_code == 202, submitted.body


def submitted_licence(user: HttpUser, data: dict[str, Any] | None = None) -> str:
    application_id = ready_licence(user, data)
    submit(user, application_id)
    return application_id


def confirm_evidence(
    user: HttpUser, application_id: str, use: Mapping[str, str] | None = None, timeout: float = 30
) -> dict[str, Any]:
    """Once the workflow shows what the registries answered (``evidence_review``), answer
    it: ``use`` if given, otherwise the registry's answer where it was fetched and an
    uploaded document (uploaded here if it was not) where it was not.  Returns the
    application as the approval left it."""
    waiting = wait_status(user, application_id, "evidence_review", timeout=timeout)
    answers = dict(use or {})
    for code, entry in waiting["evidence"].items():
        answers.setdefault(code, "registry" if entry["state"] == "fetched" else "upload")
    declared = {document["requirement"] for document in waiting["documents"]}
    for code, choice in answers.items():
        if choice == "upload" and code not in declared:
            upload(user, application_id, code)
    approved = user.post(f"/applications/{application_id}/evidence", {"use": answers})
    assert approved.status_code == 200, approved.body
    body: dict[str, Any] = approved.body
    return body


def new_account() -> str:
    """A property tax account no other test uses."""
    digits = f"{secrets.randbelow(10**13):013d}"
    return f"{digits[:3]}-{digits[3:6]}-{digits[6:8]}-{digits[8:11]}-{digits[11]}"


def register_property(aws: Aws, owner: str, account: str, area_m2: float = 300, land_use: str = "habitacional") -> None:
    """A property of ``owner`` (a CURP) in the sandbox cadastre, under ``account``."""
    registered = aws.anonymous().post(
        "/sandbox/registries/properties",
        {
            "account": account,
            "owner_curp": owner,
            "address": "Calle Juárez 210, Col. Centro, Querétaro",
            "area_m2": area_m2,
            "land_use": land_use,
        },
    )
    assert registered.status_code == 201, registered.body


def status_of(user: HttpUser, application_id: str) -> dict[str, Any]:
    reply = user.get(f"/applications/{application_id}")
    assert reply.status_code == 200, reply.body
    body: dict[str, Any] = reply.body
    return body


def wait_status(user: HttpUser, application_id: str, *statuses: str, timeout: float = 30) -> dict[str, Any]:
    result: dict[str, Any] = wait_for(
        lambda: (body := status_of(user, application_id))["status"] in statuses and body,
        f"{application_id} to be {statuses}",
        timeout,
    )
    return result


def queued(body: dict[str, Any]) -> list[dict[str, Any]]:
    reviews: list[dict[str, Any]] = body["reviews"]
    return reviews


def open_review(official: HttpUser, application_id: str, agency: str = "SEMOVI") -> dict[str, Any]:
    def probe() -> dict[str, Any] | None:
        reviews = [review for page in pages(official, f"/agencies/{agency}/reviews", 200, queued) for review in page]
        return next((review for review in reviews if review["application_id"] == application_id), None)

    review: dict[str, Any] = wait_for(probe, f"a review of {application_id} in {agency}'s queue")
    return review


def decide(
    official: HttpUser,
    application_id: str,
    decision: str = "approve",
    reason: str = "En regla",
    agency: str = "SEMOVI",
    **more: str,
) -> Reply:
    """The official's decision on the application, once its review is in the agency's queue."""
    review = open_review(official, application_id, agency)
    body = signed_decision(official, review["review_id"], decision, reason, **more)
    return official.post(f"/reviews/{review['review_id']}/decision", body)


def signed_decision(
    official: HttpUser, review_id: str, decision: str = "approve", reason: str = "En regla", **more: str
) -> dict[str, Any]:
    """The body the review page sends for a decision: the decision and its reason and, when
    the step requires it, the official's e.firma over the cadena original the API prepared."""
    asked = {"decision": decision, "reason": reason}
    prepared = official.post(f"/reviews/{review_id}/cadena-original", asked)
    assert prepared.status_code == 200, prepared.body
    return {**asked, **efirma.filing(prepared.body, lambda: efirma.files_for(official.username)), **more}


def approved(
    official: HttpUser, citizen: HttpUser, application_id: str, agency: str = "SEMOVI", **more: str
) -> dict[str, Any]:
    """Approve the application's review; returns it once it waits for its payment."""
    decided = decide(official, application_id, agency=agency, **more)
    assert decided.status_code == 200, decided.body
    return wait_status(citizen, application_id, "awaiting_payment")


def delegated(aws: Aws, helper: HttpUser, citizen: HttpUser, centre: str) -> dict[str, Any]:
    """The citizen's consent, by the code texted to their phone, for the assistant to act
    for them at the centre: the delegation, active."""
    pending = helper.post("/delegations", {"curp": citizen.username})
    assert pending.status_code == 201, pending.body
    assert (pending.body["status"], pending.body["origin"]) == ("pending", "sms")
    code = aws.texted_code(citizen.phone or "", centre)
    confirmed = helper.post(f"/delegations/{pending.body['id']}/confirm", {"code": code})
    assert confirmed.status_code == 200, confirmed.body
    assert confirmed.body["status"] == "active"
    body: dict[str, Any] = confirmed.body
    return body


def bank_pays(aws: Aws, reference: str, amount: str, event_id: str = "bank-event-1") -> Any:
    from chalicelib.payments import signature

    raw = json.dumps({"event_id": event_id, "reference": reference, "amount": amount}).encode()
    return aws.anonymous().request(
        "POST", "/payments/webhook", raw=raw, headers={signature.HEADER: signature.sign(WEBHOOK_SECRET, raw)}
    )


def paid(aws: Aws, payer: HttpUser, application_id: str) -> dict[str, Any]:
    """The payer takes the payment slip and the bank pays it (once); returns the slip."""
    slip: dict[str, Any] = payer.post(f"/applications/{application_id}/payment").body
    assert bank_pays(aws, slip["reference"], slip["amount"], f"evt-{application_id}").status_code == 200
    return slip


def table(aws: Aws) -> Any:
    return boto3.resource("dynamodb", region_name="us-east-1").Table(aws.env["TABLE_NAME"])


def next_hour() -> datetime:
    """One minute into the next hour (UTC): what is done from there on, in a ``clock.travel``
    to it, shares an hour whenever the test runs."""
    return clock.utcnow().replace(minute=1, second=0, microsecond=0) + timedelta(hours=1)
