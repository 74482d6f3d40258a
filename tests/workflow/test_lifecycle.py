"""Running applications finish on the version they started on, whatever happens to the
procedure meanwhile: a new version published through four eyes, then its retirement."""

from __future__ import annotations

from tests.support.flows import decide, licence_without_payment, ready_licence, submit, wait_status
from tests.support.inprocess import Aws

CODE, AGENCY = "licencia-en-retiro", "RETIRO"


def test_an_application_running_when_its_procedure_changes_and_retires_is_issued_on_its_version(aws: Aws) -> None:
    author, approver = aws.user(groups=("admin",)), aws.user(groups=("admin",))
    definition = licence_without_payment(
        CODE, AGENCY, {"es": "Licencia en retiro", "en": "Retiring licence"}, {"es": "Retiro", "en": "Retirement"}
    )
    assert author.put(f"/procedures/{CODE}", definition).status_code == 201
    citizen = aws.user()
    running = ready_licence(citizen, procedure=CODE)
    submit(citizen, running)
    wait_status(citizen, running, "in_review")

    steps = definition["steps"]
    changed = {**definition, "steps": {**steps, "revision": {**steps["revision"], "deadline_days": 9}}}
    number = author.post(f"/procedures/{CODE}/drafts", changed).body["number"]
    assert approver.post(f"/procedures/{CODE}/drafts/{number}/approve", {}).body["published_version"] == 2
    retired = approver.post(f"/procedures/{CODE}/retire", {"reason": "La agencia deja de expedirla."})
    assert retired.status_code == 200, retired.body
    refused = aws.user().post("/applications", {"procedure": CODE, "data": {}})
    assert (refused.status_code, refused.body["error"]["code"]) == (409, "procedure_retired")

    assert decide(aws.official(agency=AGENCY), running, agency=AGENCY).status_code == 200
    issued = wait_status(citizen, running, "issued")
    assert issued["procedure"]["version"] == 1 and issued["issued"], issued
