"""The publishing editor's preview: a definition as it would be published, nothing stored;
its problems in the publisher's language."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from chalicelib.notifications import segments
from tests.support.inprocess import Aws, HttpUser

WORKFLOWS = {
    path.stem: json.loads(path.read_text("utf-8"))
    for path in sorted(Path("workflows").glob("*.json"))
    if not path.name.endswith(".asl.json")
}
CONSTRUCTION = WORKFLOWS["licencia-construccion"]


@pytest.fixture(scope="module")
def publisher(aws: Aws) -> HttpUser:
    return aws.user(username="admin.vista", groups=("admin",))


def previewed(user: HttpUser, definition: Any, answers: dict[str, Any] | None = None, lang: str = "en") -> Any:
    body = {"definition": definition} if answers is None else {"definition": definition, "answers": answers}
    return user.post("/procedures/preview", body, headers={"Accept-Language": lang})


def step_ids(steps: dict[str, Any]) -> set[str]:
    found = set(steps)
    for step in steps.values():
        for branch in step.get("branches", ()):
            found |= step_ids(branch["steps"])
    return found


@pytest.mark.parametrize("code", sorted(WORKFLOWS))
def test_every_shipped_procedure_previews_as_what_the_catalogue_answers(
    aws: Aws, publisher: HttpUser, code: str
) -> None:
    definition = WORKFLOWS[code]
    reply = previewed(publisher, definition)
    assert reply.status_code == 200, reply.body
    report = reply.body
    assert (report["valid"], report["problems"]) == (True, [])
    nodes = {node["id"]: node for node in report["diagram"]["nodes"]}
    assert step_ids(definition["steps"]) <= set(nodes)
    # what GET /procedures/{code} answers, as the next version it would be published as
    published = aws.anonymous().get(f"/procedures/{code}").body
    shown = report["procedure"]
    assert shown["version"] == published["version"] + 1 == shown["definition"]["version"]
    ignored = {"version", "published_at", "definition"}
    assert {k: v for k, v in shown.items() if k not in ignored} == {
        k: v for k, v in published.items() if k not in ignored
    }
    assert {**shown["definition"], "version": 1} == {**published["definition"], "version": 1}
    assert report["diagram"]["text"]["es"] and len(report["diagram"]["text"]["en"]) == len(nodes)
    if any(node["on_deadline"] for node in nodes.values()):
        assert any("ficta" in edge["label"]["es"] for edge in report["diagram"]["edges"])


def test_two_agencies_in_parallel_a_ficta_edge_and_nothing_stored(aws: Aws, publisher: HttpUser) -> None:
    definition = {**copy.deepcopy(CONSTRUCTION), "code": "licencia-vista-previa"}
    report = previewed(publisher, definition, lang="es").body
    nodes = report["diagram"]["nodes"]
    parallel = next(node for node in nodes if node["kind"] == "parallel")
    assert len([node for node in nodes if node["parent"] == parallel["id"]]) == 2
    ficta = [edge for edge in report["diagram"]["edges"] if edge["label"]["es"] == "plazo vencido: afirmativa ficta"]
    assert {edge["from"] for edge in ficta} == {"revision_urbana", "revision_proteccion_civil"}
    assert report["procedure"]["version"] == 1  # never published: it would be version 1
    assert report["deadline"]["days"] == 15
    assert report["deadline"]["text"]["es"].startswith("Plazo legal para responder: 15 días hábiles.")
    assert aws.anonymous().get("/procedures/licencia-vista-previa").status_code == 404


def test_an_invalid_definition_is_reported_at_its_path_in_the_publishers_language(publisher: HttpUser) -> None:
    broken = copy.deepcopy(CONSTRUCTION)
    broken["fee"]["formula"] = "superficie * 32.50"
    broken["code"] = "X"
    spanish = previewed(publisher, broken, lang="es-MX,es;q=0.9")
    assert spanish.status_code == 200 and spanish.headers["Content-Language"] == "es"
    assert spanish.body["valid"] is False
    assert (spanish.body["procedure"], spanish.body["diagram"], spanish.body["fee"]) == (None, None, None)
    # schema problems come first: the code's pattern
    assert {problem["path"]: problem["message"] for problem in spanish.body["problems"]} == {
        "$.code": "'X' no tiene el formato esperado (patrón '^[a-z][a-z0-9-]{2,40}$')"
    }
    broken["code"] = "licencia-rota"
    by_language = {lang: previewed(publisher, broken, lang=lang).body["problems"] for lang in ("es", "en")}
    assert by_language["es"] == [
        {"path": "$.fee.formula", "message": "usa 'superficie', que no es un campo del formulario"}
    ]
    assert by_language["en"] == [
        {"path": "$.fee.formula", "message": "uses 'superficie', which is not a field of the form"}
    ]
    # the check without the preview says the same
    checked = publisher.post("/procedures/validate", broken, headers={"Accept-Language": "es"}).body
    assert checked == {"valid": False, "problems": by_language["es"]}


def test_the_fee_for_sample_answers_and_what_it_lacks(publisher: HttpUser) -> None:
    fee = previewed(publisher, CONSTRUCTION, {}).body["fee"]
    assert (fee["amount"], fee["currency"], fee["missing"]) == (None, "MXN", ["superficie_m2"])
    assert fee["concept"] == CONSTRUCTION["fee"]["concept"]
    assert previewed(publisher, CONSTRUCTION, {"superficie_m2": 120}).body["fee"]["amount"] == "3900.00"
    assert previewed(publisher, CONSTRUCTION, {"superficie_m2": 10}).body["fee"]["amount"] == "1500.00"
    bad = previewed(publisher, CONSTRUCTION, {"superficie_m2": "ciento veinte"})
    assert bad.status_code == 200 and (bad.body["fee"]["amount"], bad.body["fee"]["missing"]) == (None, [])


def test_the_sms_with_their_segments_as_the_counter_says(publisher: HttpUser) -> None:
    definition = copy.deepcopy(CONSTRUCTION)
    definition["notifications"] = {
        "issued": {
            "es": "Ventanilla: su licencia del trámite {ref} está lista; muéstrela en la obra: {url}",
            "en": "Ventanilla: the permit for application {ref} is ready; show it on site: {url}",
        }
    }
    rows = previewed(publisher, definition).body["sms"]
    assert {"evidence_review", "changes_requested", "awaiting_payment", "deemed_approved", "issued"} <= {
        row["event"] for row in rows
    }
    issued = {row["language"]: row for row in rows if row["event"] == "issued"}
    # as sent: "á" (not in GSM-7) goes as "a", "é" and "ñ" (in GSM-7) stay
    assert "su licencia del tramite" in issued["es"]["text"] and "muéstrela" in issued["es"]["text"]
    for row in rows:
        counted = segments.count(row["text"])
        assert (row["encoding"], row["segments"]) == (counted.encoding, counted.segments)
    assert segments.count("su trámite está lista").encoding == "UCS-2"  # what the transliteration spares


def test_only_publishers_preview(aws: Aws) -> None:
    body = {"definition": CONSTRUCTION}
    assert aws.user().post("/procedures/preview", body).status_code == 403
    assert aws.anonymous().post("/procedures/preview", body).status_code == 401
    assert aws.user().get("/procedure-templates").status_code == 403
    assert aws.anonymous().get("/procedure-templates").status_code == 401


@pytest.mark.parametrize("body", [{}, {"answers": {}}, {"definition": CONSTRUCTION, "answers": [1]}])
def test_a_body_without_a_definition_is_refused_naming_the_field(publisher: HttpUser, body: Any) -> None:
    reply = publisher.post("/procedures/preview", body)
    assert reply.status_code == 422, reply.body
    named = reply.body["error"]["details"][0]["field"]
    assert named == ("answers" if "definition" in body else "definition")


def test_anything_as_a_definition_is_answered_with_its_problem(publisher: HttpUser) -> None:
    report = previewed(publisher, None, lang="es").body
    assert report["problems"] == [{"path": "$", "message": "una definición de trámite debe ser un objeto JSON"}]


def test_every_template_previews_as_a_valid_definition(publisher: HttpUser) -> None:
    templates = publisher.get("/procedure-templates").body["templates"]
    assert {"revision-dos-dependencias", "revision-una-dependencia"} <= {item["id"] for item in templates}
    for template in templates:
        report = previewed(publisher, template["definition"], {"superficie_m2": 80}).body
        assert report["valid"] is True, (template["id"], report["problems"])


def test_the_changes_against_the_published_version_as_a_drafts_page_lists_them(publisher: HttpUser) -> None:
    unchanged = previewed(publisher, CONSTRUCTION).body
    assert (unchanged["changes"], unchanged["diff"]) == ([], [])
    edited = copy.deepcopy(CONSTRUCTION)
    edited["fee"]["minimum"] = "1800.00"
    report = previewed(publisher, edited).body
    assert report["changes"] == [{"path": "$.fee.minimum", "kind": "changed", "before": "1500.00", "after": "1800.00"}]
    assert report["diff"][:2] == ["--- licencia-construccion v1", "+++ licencia-construccion (editor)"]
    assert '-    "minimum": "1500.00"' in report["diff"] and '+    "minimum": "1800.00"' in report["diff"]
    # an invalid edit still shows what it changes, beside its problem
    edited["fee"]["formula"] = "superficie * 2"
    broken = previewed(publisher, edited).body
    assert broken["valid"] is False
    assert {change["path"] for change in broken["changes"]} == {"$.fee.minimum", "$.fee.formula"}
    # a procedure never published: every value is new
    new = previewed(publisher, {**copy.deepcopy(CONSTRUCTION), "code": "licencia-nueva-vista"}).body
    assert new["diff"][0] == "--- licencia-nueva-vista (new)"
    assert {change["kind"] for change in new["changes"]} == {"added"}
