"""The preview of a definition: the diagram drawn from its compiled state machine, the fee
for sample answers, the legal deadline in the procedure page's words, the SMS it sends."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

from chalicelib.api.messages import phrase
from chalicelib.notifications import segments
from chalicelib.procedures.compiler import compile_definition
from chalicelib.procedures.preview import diagram_of, fee_of, legal_days, preview
from chalicelib.procedures.templates import all_templates
from chalicelib.procedures.validator import validate_definition
from tests.unit.procedures.conftest import WORKFLOWS

Definition = dict[str, Any]
SHIPPED = {
    path.stem: json.loads(path.read_text("utf-8"))
    for path in sorted(WORKFLOWS.glob("*.json"))
    if not path.name.endswith(".asl.json")
}


def shipped(code: str) -> Definition:
    return copy.deepcopy(SHIPPED[code])


def edges(diagram: dict[str, Any], lang: str = "en") -> set[tuple[str, str, str]]:
    return {(edge["from"], edge["to"], edge["label"][lang]) for edge in diagram["edges"]}


def step_ids(steps: dict[str, Any]) -> list[str]:
    found = []
    for step_id, step in steps.items():
        found.append(step_id)
        for branch in step.get("branches", ()):
            found += step_ids(branch["steps"])
    return found


@pytest.mark.parametrize("code", sorted(SHIPPED))
def test_every_step_of_a_shipped_procedure_is_a_node_in_its_order(code: str) -> None:
    definition = shipped(code)
    diagram = diagram_of(definition)
    ids = [node["id"] for node in diagram["nodes"]]
    steps = step_ids(definition["steps"])
    assert [item for item in ids if item in steps] == steps
    assert {node["kind"] for node in diagram["nodes"] if node["id"] not in steps} <= {"evidence", "end"}
    known = set(ids)
    assert all(edge["from"] in known and edge["to"] in known for edge in diagram["edges"])
    for lang in ("es", "en"):
        assert len(diagram["text"][lang]) == len(ids)
        assert all(sentence.startswith(f"{position}. ") for position, sentence in enumerate(diagram["text"][lang], 1))


def test_two_agencies_in_parallel_then_payment_issue_and_the_ends() -> None:
    diagram = diagram_of(shipped("licencia-construccion"))
    nodes = {node["id"]: node for node in diagram["nodes"]}
    assert nodes["revisiones"]["kind"] == "parallel"
    branches = [node for node in diagram["nodes"] if node["parent"] == "revisiones"]
    assert [(node["id"], node["agency"], node["deadline_days"]) for node in branches] == [
        ("revision_urbana", "DUMUN", 15),
        ("revision_proteccion_civil", "PCMUN", 10),
    ]
    assert nodes["evidence"]["kind"] == "evidence"  # the registry lookups the machine runs first
    assert [node["id"] for node in diagram["nodes"] if node["kind"] == "end"] == ["Done", "Rejected", "Withdrawn"]
    drawn = edges(diagram)
    assert {
        ("evidence", "verificacion", "data confirmed"),
        ("verificacion", "revisiones", "passes"),
        ("verificacion", "Rejected", "fails"),
        ("revisiones", "revision_urbana", "in parallel"),
        ("revisiones", "revision_proteccion_civil", "in parallel"),
        # a branch that approves joins where the parallel step goes on: the payment
        ("revision_urbana", "pago", "approved"),
        ("revision_urbana", "pago", "deadline passed: afirmativa ficta"),
        ("revision_proteccion_civil", "Rejected", "rejected"),
        ("revision_proteccion_civil", "Withdrawn", "corrections not made in time"),
        ("pago", "emision", "paid"),
        ("pago", "Withdrawn", "not paid in time"),
        ("emision", "Done", "issued"),
    } <= drawn
    assert ("revision_urbana", "pago", "plazo vencido: afirmativa ficta") in edges(diagram, "es")


def test_a_review_that_escalates_ends_in_negativa_ficta_after_its_supervisors() -> None:
    diagram = diagram_of(shipped("licencia-conducir"))
    revision = next(node for node in diagram["nodes"] if node["id"] == "revision")
    assert (revision["on_deadline"], revision["deadline_days"], revision["agency"]) == ("escalate", 5, "SEMOVI")
    assert ("revision", "Rejected", "deadline passed: goes to the supervisors, negativa ficta") in edges(diagram)


def test_negativa_ficta_goes_to_the_rejected_end(licence: Definition) -> None:
    licence["steps"]["revision"]["on_deadline"] = "negativa_ficta"
    assert ("revision", "Rejected", "deadline passed: negativa ficta") in edges(diagram_of(licence))


def test_a_choice_is_drawn_with_its_options(multi_agency: Definition) -> None:
    drawn = edges(diagram_of(multi_agency))
    assert {("ruta", "revisiones", "option 1"), ("ruta", "pago", "otherwise")} <= drawn


def test_the_diagram_is_what_the_compiled_machine_runs(licence: Definition) -> None:
    """A step the compiler would not emit is not drawn: every step node has its ASL state."""
    states = compile_definition(licence)["States"]
    steps = [node["id"] for node in diagram_of(licence)["nodes"] if node["kind"] != "end"]
    assert all(step in states for step in steps)


def test_the_text_alternative_names_each_step_its_agency_deadline_and_ways_out() -> None:
    text = diagram_of(shipped("licencia-construccion"))["text"]
    urban = next(sentence for sentence in text["es"] if sentence.startswith("4. Revisión del proyecto"))
    assert "Dirección de Desarrollo Urbano Municipal (DUMUN)" in urban
    assert "15 días hábiles" in urban
    assert "plazo vencido: afirmativa ficta" in urban and "«Pago de derechos»" in urban
    assert any("Opens in parallel" in sentence for sentence in text["en"])


def test_legal_days_add_up_one_after_another_and_take_the_longest_branch(multi_agency: Definition) -> None:
    definition = shipped("licencia-construccion")
    assert legal_days(definition["steps"], definition["start"]) == 15  # max(15, 10) in parallel
    steps = multi_agency["steps"]
    steps["revisiones"]["branches"][0]["steps"]["revision_movilidad"]["deadline_days"] = 7
    # the choice's longest way runs through the parallel reviews (7 beside 5)
    assert legal_days(steps, multi_agency["start"]) == 7


def test_the_deadline_is_said_in_the_procedure_pages_words() -> None:
    deadline = preview(shipped("aviso-funcionamiento")).deadline
    assert deadline is not None and deadline["days"] == 5
    for lang in ("es", "en"):
        assert deadline["text"][lang].startswith(phrase("procedure.legalDeadline", lang))
        assert deadline["text"][lang].endswith(phrase("silence.afirmativa_ficta_detail", lang))


def test_the_fee_for_sample_answers_names_what_it_lacks() -> None:
    definition = shipped("licencia-construccion")
    assert fee_of(definition, {})["missing"] == ["superficie_m2"]  # type: ignore[index]
    assert fee_of(definition, {})["amount"] is None  # type: ignore[index]
    assert fee_of(definition, {"superficie_m2": 100})["amount"] == "3250.00"  # type: ignore[index]
    assert fee_of(definition, {"superficie_m2": 2})["amount"] == "1500.00"  # type: ignore[index]  # the minimum
    bad = fee_of(definition, {"superficie_m2": "cien"})
    assert bad is not None and (bad["amount"], bad["missing"]) == (None, [])
    assert fee_of(shipped("aviso-funcionamiento"), {}) is None  # free


def test_the_sms_are_those_the_procedure_sends_as_sent(licence: Definition) -> None:
    licence["notifications"] = {
        "changes_requested": {
            "es": "Ventanilla: su trámite {ref} requiere corrección; señálela antes del {deadline}.",
            "en": "Ventanilla: application {ref} needs a correction before {deadline}.",
        }
    }
    rows = preview(licence).sms
    events = {row["event"] for row in rows}
    assert {"changes_requested", "awaiting_payment", "issued", "rejected"} <= events
    assert "deemed_approved" not in events and "evidence_review" not in events  # no afirmativa ficta, no evidence
    spanish = next(row for row in rows if row["event"] == "changes_requested" and row["language"] == "es")
    assert "señalela" in spanish["text"] and "tramite" in spanish["text"]  # ñ is GSM-7; á is sent as a
    counted = segments.count(spanish["text"])
    assert (spanish["encoding"], spanish["segments"]) == (counted.encoding, counted.segments) == ("GSM-7", 1)


def test_an_invalid_definition_has_only_its_problems(licence: Definition) -> None:
    licence["fee"] = {"formula": "superficie * 3"}
    found = preview(licence, {"superficie": 3})
    assert not found.valid and found.diagram is None and found.definition is None and found.fee is None
    assert any(problem["path"] == "$.fee.formula" for problem in found.problems)


@pytest.mark.parametrize("template", all_templates(), ids=lambda template: template.id)
def test_every_template_is_a_valid_definition_that_compiles(template: Any) -> None:
    assert validate_definition(template.definition) == []
    assert compile_definition(template.definition)["States"]
    assert template.definition["code"] == "nuevo-tramite"
    assert {"es", "en"} <= set(template.name) and {"es", "en"} <= set(template.description)


def test_the_two_agency_template_reviews_in_parallel_charges_a_formula_and_issues() -> None:
    template = next(item for item in all_templates() if item.id == "revision-dos-dependencias")
    definition = template.definition
    kinds = [step["type"] for step in definition["steps"].values()]
    assert kinds == ["parallel", "payment", "issue"]
    agencies = {
        step["agency"] for branch in definition["steps"]["revisiones"]["branches"] for step in branch["steps"].values()
    }
    assert len(agencies) == 2 and "formula" in definition["fee"] and "minimum" in definition["fee"]
    assert any(item.id == "revision-una-dependencia" for item in all_templates())
