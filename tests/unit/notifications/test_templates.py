"""Templates: every event in Spanish and English, placeholders and cost checked at publish."""

from __future__ import annotations

import copy
import json
import string
from pathlib import Path
from typing import Any

import pytest

from chalicelib.notifications import templates
from chalicelib.notifications.segments import GSM7, count
from chalicelib.procedures.validator import validate_definition

WORKFLOWS = Path(__file__).resolve().parents[3] / "workflows"
SHIPPED = sorted(path for path in WORKFLOWS.glob("*.json") if not path.name.endswith(".asl.json"))
ISSUE_EVENTS = {
    "submitted",
    "changes_requested",
    "review_near_deadline",
    "approved",
    "deemed_approved",
    "rejected",
    "awaiting_payment",
    "payment_received",
    "issued",
    "error",
}


def shipped(path: Path) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(path.read_text("utf-8"))
    return loaded


@pytest.fixture
def licence() -> dict[str, Any]:
    return copy.deepcopy(shipped(WORKFLOWS / "licencia-conducir.json"))


def test_the_platform_has_every_event_in_both_languages() -> None:
    assert set(templates.EVENTS) >= ISSUE_EVENTS
    assert set(templates.PLATFORM) == set(templates.EVENTS) | set(templates.SYSTEM)
    for template in templates.PLATFORM.values():
        assert set(template.texts) == {"es", "en"}, template.event
        assert template.version >= 1


@pytest.mark.parametrize("event", sorted(templates.PLATFORM))
def test_every_platform_template_validates(event: str) -> None:
    assert list(templates.template_problems(templates.PLATFORM[event])) == []


@pytest.mark.parametrize("path", SHIPPED, ids=[path.stem for path in SHIPPED])
def test_every_template_of_every_shipped_procedure_validates(path: Path) -> None:
    definition = shipped(path)
    assert list(templates.definition_problems(definition)) == []
    assert validate_definition(definition) == []
    for row in templates.report(definition):
        assert row["sent"]["encoding"] == GSM7, row
        assert row["sent"]["segments"] <= templates.MAX_SEGMENTS, row


def test_the_report_shows_the_saving_of_transliteration() -> None:
    rows = {(row["event"], row["language"]): row for row in templates.report()}
    submitted = rows[("submitted", "es")]
    assert submitted["written"] == {"encoding": "UCS-2", "segments": 3}
    assert submitted["sent"]["encoding"] == GSM7 and submitted["sent"]["segments"] <= 2
    assert rows[("submitted", "en")]["written"]["encoding"] == GSM7


def test_render_fills_placeholders_and_sends_gsm7() -> None:
    text = templates.render(
        templates.PLATFORM["in_review"], "es", {"ref": "8Q9FQ5PXS4", "agency": "SEMOVI", "deadline": "04/12/2026"}
    )
    assert text == "Ventanilla: su tramite 8Q9FQ5PXS4 esta en revision en SEMOVI. Fecha limite: 04/12/2026."
    assert count(text).encoding == GSM7
    english = templates.render(
        templates.PLATFORM["in_review"], "en", {"ref": "8Q9FQ5PXS4", "agency": "SEMOVI", "deadline": "04/12/2026"}
    )
    assert english.startswith("Ventanilla: your application 8Q9FQ5PXS4 is under review at SEMOVI")


def test_an_unknown_language_falls_back_to_spanish_and_missing_values_to_blank() -> None:
    assert (
        templates.render(templates.PLATFORM["rejected"], "fr", {})
        == "Ventanilla: su tramite  fue rechazado. Vea el motivo en Ventanilla."
    )


def test_messages_carry_no_personal_data() -> None:
    for template in templates.PLATFORM.values():
        for text in template.texts.values():
            assert not {name for _, name, _, _ in string.Formatter().parse(text) if name} & templates.PERSONAL


def test_a_procedure_overrides_its_own_events_with_a_versioned_text(licence: dict[str, Any]) -> None:
    licence["notifications"] = {
        "issued": {
            "es": "SEMOVI: su licencia del trámite {ref} está lista. Recójala en {url}",
            "en": "SEMOVI: your licence ({ref}) is ready: {url}",
        }
    }
    assert list(templates.definition_problems(licence)) == []
    template = templates.template_for("issued", licence)
    assert template is not None and template.label == f"licencia-conducir@{licence['version']}/issued"
    assert (
        templates.render(template, "es", {"ref": "X", "url": "u"})
        == "SEMOVI: su licencia del tramite X esta lista. Recojala en u"
    )
    assert templates.template_for("submitted", licence) == templates.PLATFORM["submitted"]


@pytest.mark.parametrize(
    ("texts", "says"),
    [
        ({"es": "Hola {nombre}, su trámite {ref}", "en": "Hi {ref}"}, "no personal data"),
        ({"es": "Su CURP {curp}", "en": "Hi {ref}"}, "no personal data"),
        ({"es": "Trámite {ref}: {motivo}", "en": "Hi {ref}"}, "unknown placeholder {motivo}"),
        ({"es": "Trámite {ref:>20}", "en": "Hi {ref}"}, "not a plain placeholder"),
        ({"es": "Trámite {ref!r}", "en": "Hi {ref}"}, "not a plain placeholder"),
        ({"es": "Trámite {ref", "en": "Hi {ref}"}, "braces must pair up"),
        ({"es": "Trámite {0}", "en": "Hi {ref}"}, "not a plain placeholder"),
        ({"es": "Trámite {ref} " + "á" * 300, "en": "Hi {ref}"}, "takes 3 SMS segments"),
        ({"es": "   ", "en": "Hi {ref}"}, "needs a es text"),
    ],
)
def test_bad_overrides_fail_validation_at_their_path(licence: dict[str, Any], texts: dict[str, str], says: str) -> None:
    licence["notifications"] = {"rejected": texts}
    problems = list(templates.definition_problems(licence))
    assert problems and problems[0]["path"] == "$.notifications.rejected.es", problems
    assert says in problems[0]["message"]


def test_the_segment_budget_counts_the_longest_values(licence: dict[str, Any]) -> None:
    text = "x" * 270 + " {reference} {amount} {ref}"  # 297 characters as written; filled, 317
    assert count(text).segments == 2
    licence["notifications"] = {"awaiting_payment": {"es": text, "en": "Pay {amount}"}}
    problems = list(templates.definition_problems(licence))
    assert [problem["path"] for problem in problems] == ["$.notifications.awaiting_payment.es"]
    assert "takes 3 SMS segments (317 characters" in problems[0]["message"]


def test_unknown_events_cannot_be_overridden(licence: dict[str, Any]) -> None:
    licence["notifications"] = {
        "subscription_code": {"es": "{code}", "en": "{code}"},
        "cumpleanos": {"es": "x", "en": "x"},
    }
    paths = [problem["path"] for problem in templates.definition_problems(licence)]
    assert paths == ["$.notifications.cumpleanos", "$.notifications.subscription_code"]


def test_a_name_too_long_for_the_platform_texts_is_reported_on_the_name(licence: dict[str, Any]) -> None:
    licence["name"]["es"] = "Licencia " + "muy larga " * 20
    problems = list(templates.definition_problems(licence))
    assert problems and {problem["path"] for problem in problems} == {"$.name.es"}
    assert "'submitted' message takes 3 SMS segments" in problems[0]["message"]
    assert "override notifications.submitted" in problems[0]["message"]


def test_the_validator_reports_template_problems_with_the_rest(licence: dict[str, Any]) -> None:
    licence["notifications"] = {"rejected": {"es": "Hola {nombre}", "en": "Hi"}}
    assert {
        "path": "$.notifications.rejected.es",
        "message": "{nombre}: an SMS carries no personal data; identify the application by {ref}",
    } in validate_definition(licence)
