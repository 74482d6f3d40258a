"""What the benchmark's clients do over HTTP: publish the bench variant, walk an
application from draft to issued (officials approving at once), poll as the web page
does.  Driven only by ``/config.json`` and the API, like any client."""

from __future__ import annotations

import copy
import hashlib
import json
import time
from contextlib import suppress
from datetime import date
from pathlib import Path
from typing import Any

from tests.support import documents, efirma, forms
from tests.support.client import Api, User
from tests.support.people import new_curp, new_phone

ROOT = Path(__file__).resolve().parent.parent
AUTO_LICENCE = "licencia-conducir-auto"
PDF = documents.pdf("documento de prueba para el benchmark")
# the auto-approved variant takes the licence's answers
FORMS = {**forms.FORMS, AUTO_LICENCE: forms.LICENCE_FORM}
FINAL = {"issued", "rejected", "withdrawn", "error"}


def auto_licence_definition() -> dict[str, Any]:
    """The driver's licence without the human review: check → payment → issue."""
    definition = copy.deepcopy(json.loads((ROOT / "workflows" / "licencia-conducir.json").read_text("utf-8")))
    definition["code"] = AUTO_LICENCE
    definition["name"] = {
        "es": "Licencia de conducir tipo A (benchmark, aprobación automática)",
        "en": "Driver's licence, type A (benchmark, automatic approval)",
    }
    del definition["steps"]["revision"]
    definition["steps"]["verificacion"]["next"] = "pago"
    return definition


def publish_auto_licence(api: Api) -> int:
    admin = api.sign_in("admin")
    reply = admin.request("PUT", f"/procedures/{AUTO_LICENCE}", json=auto_licence_definition())
    assert reply.status_code in (200, 201), reply.text
    return int(reply.json()["version"])


def citizen(api: Api, seed: int) -> User:
    """A new citizen, unique across the benchmark's processes (the birth date differs)."""
    return api.sign_up(
        new_curp(born=date(1950 + seed % 50, 1 + seed // 50 % 12, 15)), new_phone(), "Persona del Benchmark"
    )


def official(api: Api, agency: str, username: str) -> User:
    with suppress(api.aws("cognito-idp").exceptions.UsernameExistsException):
        return api.sign_up(username, new_phone(), f"Oficial {agency}", groups=(f"official-{agency}",))
    return api.sign_in(username)


def upload(user: User, application_id: str, requirement: str) -> int:
    """Declare and upload one document; returns the S3 PUT requests made (1)."""
    user.upload(application_id, requirement, PDF, filename=f"{requirement}.pdf")
    return 1


def own_property(user: User, account: str) -> None:
    """The citizen's site, in the sandbox cadastre: the permit takes its title deed from there."""
    registered = user.post(
        "/sandbox/registries/properties",
        {
            "account": account,
            "owner_curp": user.username,
            "address": "Calle del Benchmark 1",
            "area_m2": 200,
            "land_use": "habitacional",
        },
    )
    assert registered.status_code == 201, registered.text


def confirm_evidence(user: User, application_id: str) -> int:
    """Use what the registries answered; upload what they could not give.  Returns the S3 PUTs made."""
    waiting = user.get(f"/applications/{application_id}").json()
    use = {code: "registry" if entry["state"] == "fetched" else "upload" for code, entry in waiting["evidence"].items()}
    puts = sum(upload(user, application_id, code) for code, choice in use.items() if choice == "upload")
    confirmed = user.post(f"/applications/{application_id}/evidence", {"use": use})
    assert confirmed.status_code == 200, confirmed.text
    return puts


def draft_and_submit(user: User, procedure: str) -> tuple[str, int]:
    """Returns the application id and the S3 PUTs the uploads made."""
    data = dict(FORMS[procedure])
    if "cuenta_predial" in data:  # a site of the citizen's own (the demo one belongs to Carla)
        digits = f"{int(hashlib.sha256(user.username.encode()).hexdigest(), 16) % 10**13:013d}"
        data["cuenta_predial"] = f"{digits[:3]}-{digits[3:6]}-{digits[6:8]}-{digits[8:11]}-{digits[11]}"
        own_property(user, data["cuenta_predial"])
    created = user.post("/applications", {"procedure": procedure, "data": data})
    assert created.status_code == 201, created.text
    body = created.json()
    puts = sum(upload(user, body["id"], requirement) for requirement in body["missing_documents"])
    prepared = user.get(f"/applications/{body['id']}/cadena-original").json()
    signed = efirma.filing(
        prepared, lambda: efirma.files_over_http(lambda path, sent: user.post(path, sent).json(), user.username)
    )
    submitted = user.post(f"/applications/{body['id']}/submit", signed)
    assert submitted.status_code == 202, submitted.text
    return str(body["id"]), puts


def status(user: User, application_id: str) -> dict[str, Any]:
    reply = user.get(f"/applications/{application_id}")
    assert reply.status_code == 200, reply.text
    return dict(reply.json())


def pay(api: Api, user: User, application_id: str) -> None:
    slip = user.post(f"/applications/{application_id}/payment")
    assert slip.status_code == 200, slip.text
    paid = api.anonymous().post("/sandbox/bank/pay", {"reference": slip.json()["reference"]})
    assert paid.status_code == 200 and paid.json()["webhook_status"] == 200, paid.text


def approve(official: User, review_id: str, reason: str) -> None:
    """The official approves, signing with their e.firma as the review page does (the
    certificate comes from the sandbox authority, whose calls the benchmark does not count)."""
    reply = official.decide(review_id, "approve", reason)
    assert reply.status_code == 200, reply.text


def approve_open_reviews(officials: dict[str, User], application_id: str, agencies: set[str]) -> None:
    for agency in sorted(agencies):
        reviews = officials[agency].get(f"/agencies/{agency}/reviews").json()["reviews"]
        for review in reviews:
            if review["application_id"] == application_id:
                approve(officials[agency], review["review_id"], "Aprobado (benchmark)")


def until_final(
    api: Api,
    user: User,
    application_id: str,
    officials: dict[str, User] | None = None,
    poll: float = 0.05,
    timeout: float = 60.0,
) -> dict[str, Any]:
    """Poll as the web page does; pay when asked; officials (if given) approve at once."""
    deadline = time.monotonic() + timeout
    paid = False
    while time.monotonic() < deadline:
        body = status(user, application_id)
        if body["status"] in FINAL:
            return body
        if body["status"] == "evidence_review":
            confirm_evidence(user, application_id)
            continue
        if body["status"] == "awaiting_payment" and not paid:
            pay(api, user, application_id)
            paid = True
            continue
        waiting = {holder["agency"] for holder in body.get("holders", []) if holder["state"] == "open"}
        if officials and waiting:
            approve_open_reviews(officials, application_id, waiting)
        time.sleep(poll)
    raise TimeoutError(f"application {application_id} did not finish in {timeout} s")
