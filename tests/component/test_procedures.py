"""The catalogue API: validation for admins, and nothing broken reaches Step Functions."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import boto3

from chalicelib.procedures import cli
from tests.support.inprocess import Aws

LICENCE = json.loads(Path("workflows/licencia-conducir.json").read_text("utf-8"))


def state_machines() -> set[str]:
    return {
        machine["name"]
        for machine in boto3.client("stepfunctions", region_name="us-east-1").list_state_machines()["stateMachines"]
    }


def test_catalogue_and_definitions_are_public(aws: Aws) -> None:
    listing = aws.anonymous().get("/procedures").body["procedures"]
    assert {item["code"] for item in listing} >= {
        "licencia-conducir",
        "licencia-construccion",
        "apertura-empresa",
        "aviso-funcionamiento",
    }
    licence = aws.anonymous().get("/procedures/licencia-conducir").body
    review = licence["definition"]["steps"]["revision"]
    assert (review["deadline_days"], review["on_deadline"]) == (5, "escalate")
    assert aws.anonymous().get("/procedure-schema").body["title"] == "Ventanilla procedure definition"
    assert aws.anonymous().get("/procedures/no-existe").status_code == 404


def test_validate_reports_every_problem_with_its_path(aws: Aws) -> None:
    admin = aws.user(username="admin.validador", groups=("admin",))
    broken = copy.deepcopy(LICENCE)
    broken["steps"]["revision"]["agency"] = "SEMOVII"
    broken["steps"]["pago"]["next"] = "emitir"
    broken["fee"] = {"formula": "superficie * 3"}
    reply = admin.post("/procedures/validate", broken)
    assert reply.status_code == 200 and reply.body["valid"] is False
    paths = {problem["path"] for problem in reply.body["problems"]}
    assert {"$.steps.revision.agency", "$.steps.pago", "$.fee.formula"} <= paths
    assert admin.post("/procedures/validate", LICENCE).body == {"valid": True, "problems": []}
    assert aws.user().post("/procedures/validate", LICENCE).status_code == 403


def test_a_broken_definition_never_reaches_create_state_machine(aws: Aws) -> None:
    admin = aws.user(username="admin.publicador", groups=("admin",))
    before = state_machines()
    broken = copy.deepcopy(LICENCE)
    broken["code"] = "licencia-rota"
    broken["steps"]["revision"]["type"] = "revisión"
    reply = admin.put("/procedures/licencia-rota", broken)
    assert reply.status_code == 422
    assert "unknown step type" in reply.body["error"]["details"][0]["message"]
    assert state_machines() == before
    assert admin.put("/procedures/otra", LICENCE).status_code == 422  # the URL and the body disagree


def test_republishing_an_identical_definition_creates_nothing(aws: Aws) -> None:
    admin = aws.user(username="admin.repeticion", groups=("admin",))
    before = state_machines()
    reply = admin.put("/procedures/licencia-conducir", LICENCE)
    assert reply.status_code == 200 and reply.body["version"] == 1
    assert state_machines() == before


def test_the_command_line_validator(tmp_path: Path, capsys: object) -> None:
    broken = copy.deepcopy(LICENCE)
    broken["start"] = "inicio"
    path = tmp_path / "rota.json"
    path.write_text(json.dumps(broken), "utf-8")
    assert cli.main(["validate", str(path)]) == 1
    assert cli.main(["validate", "workflows/licencia-conducir.json"]) == 0
    assert cli.main(["check", "workflows"]) == 0


def test_an_amount_over_the_largest_is_refused_at_its_path_and_the_published_schema_says_so(aws: Aws) -> None:
    admin = aws.user(username="admin.montos", groups=("admin",))
    before = state_machines()
    broken = copy.deepcopy(LICENCE)
    broken["code"] = "licencia-cara"
    broken["fee"] = {"amount": "10000000.01"}
    reply = admin.put("/procedures/licencia-cara", broken)
    assert reply.status_code == 422, reply.body
    assert {detail["path"] for detail in reply.body["error"]["details"]} == {"$.fee.amount"}
    assert state_machines() == before
    money = aws.anonymous().get("/procedure-schema").body["$defs"]["money"]
    assert "10000000.00" in money["description"] and money["pattern"]
