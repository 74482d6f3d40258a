"""A procedure never published before, drafted by one publisher and approved by another:
it enters the catalogue and a citizen files it."""

from __future__ import annotations

import secrets
from typing import Any

from tests.support.flows import submit, upload, wait_status
from tests.support.inprocess import Aws

OAXACA = {"level": "state", "state": "20", "name": {"es": "Estado de Oaxaca", "en": "State of Oaxaca"}}


def from_template(aws: Aws, publisher: Any, code: str) -> dict[str, Any]:
    """The two-agency template as a publisher of Oaxaca fills it in for a procedure of its own."""
    templates = publisher.get("/procedure-templates")
    assert templates.status_code == 200, templates.body
    chosen = next(item for item in templates.body["templates"] if item["id"] == "revision-dos-dependencias")
    definition: dict[str, Any] = chosen["definition"]
    return {
        **definition,
        "code": code,
        "name": {"es": "Permiso estatal de prueba", "en": "Test state permit"},
        "jurisdiction": OAXACA,
    }


def test_a_new_procedure_is_drafted_approved_and_filed(aws: Aws) -> None:
    author = aws.user(username="oaxaca.autora", groups=("admin-20",))
    approver = aws.user(username="oaxaca.aprobador", groups=("admin-20",))
    code = f"permiso-{secrets.token_hex(3)}"
    definition = from_template(aws, author, code)
    assert aws.anonymous().get(f"/procedures/{code}").status_code == 404

    drafted = author.post(f"/procedures/{code}/drafts", definition)
    assert drafted.status_code == 201, drafted.body
    assert (drafted.body["status"], drafted.body["base_version"]) == ("draft", None)
    number = drafted.body["number"]
    assert author.get(f"/procedures/{code}/drafts/{number}").body["author"] == author.username
    # the catalogue knows nothing of it until a second publisher approves it
    assert aws.anonymous().get(f"/procedures/{code}").status_code == 404
    refused = author.post(f"/procedures/{code}/drafts/{number}/approve", {})
    assert (refused.status_code, refused.body["error"]["code"]) == (403, "four_eyes")

    approved = approver.post(f"/procedures/{code}/drafts/{number}/approve", {})
    assert approved.status_code == 200, approved.body
    assert (approved.body["status"], approved.body["published_version"]) == ("published", 1)
    listed = aws.anonymous().get("/procedures?q=permiso estatal de prueba").body["procedures"]
    assert code in {item["code"] for item in listed}
    published = aws.anonymous().get(f"/procedures/{code}").body
    assert (published["version"], published["jurisdiction"]["state"]) == (1, "20")

    citizen = aws.user()
    created = citizen.post(
        "/applications",
        {"procedure": code, "data": {"descripcion": "Obra menor en la calle Alcalá", "superficie_m2": 120}},
    )
    assert created.status_code == 201, created.body
    application_id = created.body["id"]
    for requirement in ("identificacion", "documento_soporte"):
        upload(citizen, application_id, requirement)
    submit(citizen, application_id)
    filed = wait_status(citizen, application_id, "in_review")
    assert (filed["procedure"]["code"], filed["procedure"]["version"]) == (code, 1)
