"""Steps of the driver's-licence flow shared by the in-process tiers."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import boto3
import requests

from tests.support.client import wait_for
from tests.support.inprocess import WEBHOOK_SECRET, Aws, HttpUser

LICENCE_FORM = {
    "domicilio": "Calle Morelos 12, Col. Centro, Toluca",
    "codigo_postal": "50000",
    "tipo_sangre": "A+",
    "primera_vez": False,
}
PDF = b"%PDF-1.4 documento de prueba\n%%EOF\n"
LICENCE_SOURCE = Path(__file__).resolve().parents[2] / "workflows" / "licencia-conducir.json"


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


def upload(
    user: HttpUser, application_id: str, requirement: str, content: bytes = PDF, content_type: str = "application/pdf"
) -> None:
    declared = user.post(
        f"/applications/{application_id}/documents",
        {
            "requirement": requirement,
            "filename": f"{requirement}.pdf",
            "content_type": content_type,
            "size": len(content),
            "sha256": hashlib.sha256(content).hexdigest(),
        },
    )
    assert declared.status_code == 201, declared.body
    instructions = declared.body["upload"]
    stored = requests.put(instructions["url"], data=content, headers=instructions["headers"], timeout=10)
    assert stored.status_code == 200


def draft(user: HttpUser, data: dict[str, Any] | None = None, procedure: str = "licencia-conducir") -> str:
    created = user.post("/applications", {"procedure": procedure, "data": data if data is not None else LICENCE_FORM})
    assert created.status_code == 201, created.body
    return str(created.body["id"])


def submitted_licence(user: HttpUser, data: dict[str, Any] | None = None) -> str:
    application_id = draft(user, data)
    upload(user, application_id, "identificacion")
    upload(user, application_id, "comprobante_domicilio")
    if (data or LICENCE_FORM).get("primera_vez"):
        upload(user, application_id, "constancia_examen")
    submitted = user.post(f"/applications/{application_id}/submit")
    assert submitted.status_code == 202, submitted.body
    return application_id


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


def open_review(official: HttpUser, application_id: str, agency: str = "SEMOVI") -> dict[str, Any]:
    def probe() -> dict[str, Any] | None:
        reviews = official.get(f"/agencies/{agency}/reviews").body["reviews"]
        return next((review for review in reviews if review["application_id"] == application_id), None)

    review: dict[str, Any] = wait_for(probe, f"a review of {application_id} in {agency}'s queue")
    return review


def bank_pays(aws: Aws, reference: str, amount: str, event_id: str = "bank-event-1") -> Any:
    from chalicelib.payments import signature

    raw = json.dumps({"event_id": event_id, "reference": reference, "amount": amount}).encode()
    return aws.anonymous().request(
        "POST", "/payments/webhook", raw=raw, headers={signature.HEADER: signature.sign(WEBHOOK_SECRET, raw)}
    )


def table(aws: Aws) -> Any:
    return boto3.resource("dynamodb", region_name="us-east-1").Table(aws.env["TABLE_NAME"])
