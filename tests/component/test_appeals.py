"""Who may appeal a rejection and who may resolve the appeal, and how each refusal reads."""

from __future__ import annotations

from typing import Any

from chalicelib.procedures.validator import validate_definition
from tests.support.flows import LICENCE_SOURCE, decide, draft, open_review, submitted_licence, wait_status
from tests.support.inprocess import Aws, HttpUser

ARGUMENTS = "La dependencia no valoró el comprobante que sí presenté en tiempo."


def rejected(aws: Aws, official: HttpUser) -> tuple[HttpUser, str]:
    citizen = aws.user()
    application_id = submitted_licence(citizen)
    assert decide(official, application_id, "reject", "El examen no fue aprobado.").status_code == 200
    wait_status(citizen, application_id, "rejected")
    return citizen, application_id


def error(reply: Any) -> tuple[int, str]:
    return reply.status_code, reply.body["error"]["code"]


def test_only_a_rejected_application_of_ones_own_can_be_appealed(aws: Aws) -> None:
    citizen = aws.user()
    drafted = draft(citizen)
    refused = citizen.post(f"/applications/{drafted}/appeal", {"arguments": ARGUMENTS})
    assert error(refused) == (409, "not_appealable")

    official = aws.official("oficial.recursos.componente")
    owner, application_id = rejected(aws, official)
    stranger = aws.user().post(f"/applications/{application_id}/appeal", {"arguments": ARGUMENTS})
    assert error(stranger) == (404, "unknown_application")
    short = owner.post(f"/applications/{application_id}/appeal", {"arguments": "  no  "})
    assert error(short) == (422, "arguments_required")
    assert short.body["error"]["details"][0]["field"] == "arguments"
    unknown = owner.post(f"/applications/{application_id}/appeal", {"arguments": ARGUMENTS, "documents": ["acta"]})
    assert error(unknown) == (422, "invalid_appeal_documents")
    assert unknown.body["error"]["details"][0]["field"] == "documents[0]"
    by_official = official.post(f"/applications/{application_id}/appeal", {"arguments": ARGUMENTS})
    assert by_official.status_code == 403
    assert owner.get(f"/applications/{application_id}").body["appeal"] is None


def test_only_a_supervisor_of_the_deciding_agency_resolves_and_never_who_decided(aws: Aws) -> None:
    # a supervisor who also reviews decided the rejection: another supervisor must resolve the appeal
    deciding = aws.user(username="supervisora.que.decidio", groups=("official-SEMOVI", "supervisor-SEMOVI"))
    citizen, application_id = rejected(aws, deciding)
    path = f"/applications/{application_id}/appeal/decision"
    body = {"outcome": "confirm", "reason": "Se confirma el rechazo."}
    assert error(aws.official("supervisor.sin.recurso").post(path, body)) == (404, "unknown_appeal")
    filed = citizen.post(f"/applications/{application_id}/appeal", {"arguments": ARGUMENTS})
    assert filed.status_code == 201, filed.body
    # what is appealed, as the supervisor reads it: the rejection's event in the audit trail
    events = aws.official("oficial.lee.recurso").get(f"/applications/{application_id}/audit").body["events"]
    rejection = [event for event in events if event["at"] == filed.body["appeal"]["rejected_at"]]
    assert [(event["to_status"], event["reason"]) for event in rejection] == [
        ("rejected", "El examen no fue aprobado.")
    ]

    assert error(aws.official("oficial.no.supervisa").post(path, body)) == (403, "other_agency")
    other = aws.user(username="supervisor.de.otra", groups=("official-SAT", "supervisor-SAT"))
    assert error(other.post(path, body)) == (403, "other_agency")
    assert citizen.post(path, body).status_code == 403
    assert error(deciding.post(path, body)) == (403, "original_decider")

    boss = aws.user(username="supervisor.del.recurso", groups=("supervisor-SEMOVI",))
    assert error(boss.post(path, {"outcome": "annul", "reason": "No"})) == (422, "invalid_outcome")
    queued = open_review(boss, application_id)
    generic = boss.post(f"/reviews/{queued['review_id']}/decision", {"decision": "approve", "reason": "En regla"})
    assert error(generic) == (409, "appeal_review")
    assert boss.post(path, body).status_code == 200
    assert citizen.get(f"/applications/{application_id}").body["appeal"]["state"] == "confirmed"


def test_the_appeal_settings_of_a_definition_are_checked() -> None:
    import json

    licence = json.loads(LICENCE_SOURCE.read_text("utf-8"))
    assert validate_definition({**licence, "appeal": {"days": 20, "decision_days": 5, "resume_at": "pago"}}) == []
    problems = validate_definition({**licence, "appeal": {"resume_at": "otra"}})
    assert [problem["path"] for problem in problems] == ["$.appeal.resume_at"]
    problems = validate_definition({**licence, "appeal": {"days": 0, "plazo": 3}})
    assert {problem["path"] for problem in problems} == {"$.appeal", "$.appeal.days"}
