"""Agencies publish procedures at run time (no code change, no restart); versions
coexist: each application finishes on the version it started with."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

from tests.support import efirma
from tests.support.client import Api, User, wait_for, wait_for_status

DEFINITION = json.loads((Path(__file__).parent / "data" / "permiso-evento.json").read_text("utf-8"))
FORM = {"calle": "Calle 5 de Mayo, Centro", "fecha": "2027-03-21", "asistentes": 150}


def official_of(stack: Api, agency: str, username: str) -> User:
    return stack.sign_up(username, "+525533334444", "Oficial de Eventos", groups=(f"official-{agency}",))


def apply_and_submit(citizen: User) -> str:
    created = citizen.post("/applications", {"procedure": "permiso-evento", "data": FORM})
    assert created.status_code == 201, created.text
    application_id = str(created.json()["id"])
    assert citizen.post(f"/applications/{application_id}/submit").status_code == 202
    return application_id


def decide(official: User, application_id: str) -> None:
    review = wait_for(
        lambda: next(
            (
                r
                for r in official.get("/agencies/EVENTOS/reviews").json()["reviews"]
                if r["application_id"] == application_id
            ),
            None,
        ),
        "the review",
    )
    asked = {"decision": "approve", "reason": "Ruta y horario aceptables"}
    prepared = official.post(f"/reviews/{review['review_id']}/cadena-original", asked).json()
    assert prepared["efirma_required"] is True  # a published review step needs the official's e.firma by default
    files = efirma.files_over_http(lambda path, sent: official.post(path, sent).json(), official.username)
    signed = {**asked, "efirma": efirma.signed(files, prepared["cadena_original"])}
    assert official.post(f"/reviews/{review['review_id']}/decision", signed).status_code == 200


def pay(stack: Api, citizen: User, application_id: str) -> dict[str, Any]:
    wait_for_status(citizen, application_id, "awaiting_payment")
    slip = citizen.post(f"/applications/{application_id}/payment").json()
    assert stack.anonymous().post("/sandbox/bank/pay", {"reference": slip["reference"]}).json()["webhook_status"] == 200
    return wait_for_status(citizen, application_id, "issued")


def test_publish_a_new_procedure_and_run_two_versions_side_by_side(stack: Api) -> None:
    admin = stack.sign_in("admin")
    citizen = stack.sign_in("HERJ751120HOCRMN07")
    citizen.accept_privacy_notice()  # the demo seed's citizens have not: their first sign-in asks
    official = official_of(stack, "EVENTOS", "oficial.eventos")

    broken = copy.deepcopy(DEFINITION)
    broken["steps"]["revision"].pop("deadline_days")
    refused = admin.request("PUT", "/procedures/permiso-evento", json=broken)
    assert refused.status_code == 422
    assert refused.json()["error"]["details"][0]["path"] == "$.steps.revision"
    assert stack.anonymous().get("/procedures/permiso-evento").status_code == 404

    assert citizen.request("PUT", "/procedures/permiso-evento", json=DEFINITION).status_code == 403
    published = admin.request("PUT", "/procedures/permiso-evento", json=DEFINITION)
    assert published.status_code == 201, published.text
    assert published.json()["version"] == 1
    assert any(p["code"] == "permiso-evento" for p in stack.anonymous().get("/procedures").json()["procedures"])

    first = apply_and_submit(citizen)
    wait_for_status(citizen, first, "in_review")

    second_definition = copy.deepcopy(DEFINITION)
    second_definition["fee"] = {"formula": "asistentes * 3", "minimum": "150.00", "maximum": "6000.00"}
    republished = admin.request("PUT", "/procedures/permiso-evento", json=second_definition)
    assert republished.status_code == 201 and republished.json()["version"] == 2
    assert stack.anonymous().get("/procedures/permiso-evento").json()["version"] == 2
    assert (
        stack.anonymous().get("/procedures/permiso-evento/versions/1").json()["definition"]["fee"]["formula"]
        == "asistentes * 2"
    )

    second = apply_and_submit(citizen)
    decide(official, first)
    decide(official, second)
    first_done = pay(stack, citizen, first)
    second_done = pay(stack, citizen, second)
    assert (first_done["procedure"]["version"], first_done["fee"]["amount"]) == (1, "300.00")
    assert (second_done["procedure"]["version"], second_done["fee"]["amount"]) == (2, "450.00")
    assert stack.anonymous().get(f"/verify/{first_done['issued'][0]['id']}").json()["valid"] is True
    assert stack.anonymous().get(f"/verify/{second_done['issued'][0]['id']}").json()["valid"] is True
