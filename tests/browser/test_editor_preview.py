"""The publisher's preview of a definition, as the editor page mounts it: the citizen's form
on a phone and on a desk, the requirements, the legal deadline, the fee for sample answers,
the SMS texts with their segments, and the workflow drawn with its text alternative — all
from the API's preview of `workflows/licencia-construccion.json`, on a 360-px phone and a
1280-px desk."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import BrowserContext, Locator, Page, expect

from tests.browser.chromium import DESKTOP, PHONE
from tests.browser.support import AXE, SERIOUS, WEB, assert_clean, open_page
from tests.support.client import Api

pytestmark = pytest.mark.browser

DEFINITION = json.loads(
    (Path(__file__).resolve().parents[2] / "workflows" / "licencia-construccion.json").read_text("utf-8")
)
WORDS = {
    "es": {
        "fields": [
            "Nombre del solicitante",
            "Ubicación del predio",
            "Cuenta predial",
            "Uso de la obra",
            "Superficie de construcción (m²)",
            "Número de niveles",
            "Registro del Director Responsable de Obra",
        ],
        "requirements": [
            "Identificación oficial del solicitante",
            "Planos arquitectónicos y estructurales firmados",
            "Escritura o documento de propiedad del predio",
            "Memoria de cálculo estructural (más de 2 niveles)",
        ],
        "area": "Superficie de construcción (m²)",
        "calculate": "Calcular derechos",
        "missing": "Para calcularlo falta: Superficie de construcción (m²).",
        "days": "15 días hábiles",
        "segments": "segmento",
        "diagram": "Flujo del trámite",
        "agencies": ["Desarrollo Urbano", "Protección Civil"],
        "ficta": "afirmativa ficta",
        "longer": "20 días hábiles",
    },
    "en": {
        "fields": [
            "Applicant's name",
            "Site address",
            "Property tax account",
            "Use",
            "Floor area (m²)",
            "Storeys",
            "Licensed site director registration",
        ],
        "requirements": [
            "Applicant's official ID",
            "Signed architectural and structural plans",
            "Title deed of the site",
            "Structural calculations (more than 2 storeys)",
        ],
        "area": "Floor area (m²)",
        "calculate": "Work out the fee",
        "missing": "To work it out it still needs: Floor area (m²).",
        "days": "15 working days",
        "segments": "segment",
        "diagram": "The procedure's workflow",
        "agencies": ["Urban Development", "Civil Protection"],
        "ficta": "afirmativa ficta",
        "longer": "20 working days",
    },
}

# Mounts the preview panel and the diagram in the page's <main>, as the editor page does:
# the modules imported by the page itself, the report asked of the API through api.js, and
# a new report asked (and drawn) each time the publisher's sample answers change.
MOUNT = """async ({definition, answers}) => {
  const at = (path) => new URL(path, document.baseURI).href;
  const { post } = await import(at("js/api.js"));
  const { previewPanel } = await import(at("js/editor/preview.js"));
  const { workflowDiagram } = await import(at("js/editor/diagram.js"));
  const main = document.querySelector("main");
  let mount = document.getElementById("editor-preview-test");
  if (!mount) {
    const heading = document.createElement("h1");
    heading.textContent = "Ventanilla";
    mount = document.createElement("div");
    mount.id = "editor-preview-test";
    main.replaceChildren(heading, mount);
  }
  const draw = async (sample) => {
    const report = await post("/procedures/preview", { definition, answers: sample });
    mount.replaceChildren(previewPanel(report, { answers: sample, onAnswers: draw }), workflowDiagram(report.diagram));
    mount.dataset.drawn = String(Number(mount.dataset.drawn || 0) + 1);
    return { valid: report.valid, problems: report.problems };
  };
  return draw(answers);
}"""


def mounted(page: Page, definition: dict[str, Any], answers: dict[str, Any] | None = None) -> dict[str, Any]:
    result: dict[str, Any] = page.evaluate(MOUNT, {"definition": definition, "answers": answers or {}})
    return result


def axe_problems(page: Page, selector: str) -> list[dict[str, Any]]:
    """Serious axe violations within one element (the mounted panel), not the whole page."""
    page.add_script_tag(url=f"/{AXE.relative_to(WEB).as_posix()}")
    violations: list[dict[str, Any]] = page.evaluate(
        """async (selector) => {
          const result = await axe.run(document.querySelector(selector), {runOnly: {type: "tag", values:
            ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]}});
          return result.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
            nodes: v.nodes.slice(0, 3).map(n => n.target.join(" ") + " :: " + n.failureSummary)}));
        }""",
        selector,
    )
    return [violation for violation in violations if violation["impact"] in SERIOUS]


def publisher_page(contexts: Callable[..., BrowserContext], api: Api, viewport: dict[str, int], lang: str) -> Page:
    admin = api.sign_in("admin")
    return open_page(contexts(viewport=viewport, token=admin.token, lang=lang), "/")


def screen(page: Page, key: str) -> Locator:
    return page.locator(f"figure.preview-screen[data-screen={key}]")


@pytest.mark.parametrize(("viewport", "lang"), [(PHONE, "es"), (DESKTOP, "en")], ids=["360px-es", "1280px-en"])
def test_a_publisher_previews_the_citizens_form_fee_sms_and_workflow(
    contexts: Callable[..., BrowserContext], api: Api, viewport: dict[str, int], lang: str
) -> None:
    words = WORDS[lang]
    page = publisher_page(contexts, api, viewport, lang)
    assert mounted(page, DEFINITION) == {"valid": True, "problems": []}
    panel = page.locator("#editor-preview-test")

    # the citizen's form, labelled field by field, on a 360-px phone and a 1280-px desk
    for key, width in (("phone", 360), ("desktop", 1280)):
        frame = screen(page, key)
        expect(frame.locator("figcaption")).to_contain_text(f"{width} px")
        for title in words["fields"]:
            expect(frame.get_by_label(title, exact=False).first).to_be_visible()
        assert frame.locator(".preview-page").evaluate("(page) => page.offsetWidth") == width
        box = frame.bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= viewport["width"]
    # it is a picture of the form: nothing in it can be focused or sent
    assert page.locator(".preview-page[inert]").count() == 2

    requirements = panel.locator("[data-preview-part=requirements]")
    for name in words["requirements"]:
        expect(requirements).to_contain_text(name)
    expect(panel.locator("[data-preview-part=deadline]")).to_contain_text(words["days"])

    # the fee for sample answers: what is missing first, then the amount, the minimum below it
    fee = panel.locator("[data-fee-calculator]")
    expect(fee.locator(".fee-missing")).to_have_text(words["missing"])
    fee.get_by_label(words["area"]).fill("100")
    fee.get_by_role("button", name=words["calculate"]).click()
    expect(panel.locator(".fee-amount")).to_have_text("$3,250.00 MXN")
    expect(panel.locator(".fee-missing")).to_have_count(0)
    # from the keyboard: Enter in the field works it out, and the field keeps the focus
    # when the new report is drawn
    area = panel.locator("[data-fee-calculator]").get_by_label(words["area"])
    area.fill("10")
    area.press("Enter")
    expect(panel.locator(".fee-amount")).to_have_text("$1,500.00 MXN")
    expect(panel.locator("[data-fee-calculator]").get_by_label(words["area"])).to_be_focused()
    expect(page.locator("#announcer")).to_contain_text("$1,500.00 MXN")

    # the SMS texts the citizen receives, each with its segments
    messages = panel.locator(".preview-sms li")
    assert messages.count() > 0
    for index in range(messages.count()):
        expect(messages.nth(index).locator(".sms-segments")).to_contain_text(words["segments"])
        expect(messages.nth(index).locator(".sms-text")).not_to_be_empty()

    # the workflow: a named image, and its text alternative in the page's language
    diagram = panel.get_by_role("img", name=words["diagram"])
    expect(diagram).to_be_visible()
    steps = panel.locator("ol.diagram-text")
    for agency in words["agencies"]:
        expect(steps).to_contain_text(agency)
    expect(steps).to_contain_text(words["ficta"])
    assert panel.locator(".diagram-edge-silence").count() > 0

    problems = axe_problems(page, "#editor-preview-test")
    assert not problems, problems
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"the preview scrolls sideways by {overflow}px"
    assert_clean(page)


def test_the_diagram_follows_the_definition_and_an_invalid_one_says_so(
    contexts: Callable[..., BrowserContext], api: Api
) -> None:
    words = WORDS["es"]
    page = publisher_page(contexts, api, DESKTOP, "es")
    mounted(page, DEFINITION)
    panel = page.locator("#editor-preview-test")
    civil = panel.locator("[data-node=revision_proteccion_civil]")
    expect(civil).to_contain_text("10 días hábiles")

    longer = copy.deepcopy(DEFINITION)
    longer["steps"]["revisiones"]["branches"][1]["steps"]["revision_proteccion_civil"]["deadline_days"] = 20
    mounted(page, longer)
    expect(panel.locator("[data-node=revision_proteccion_civil]")).to_contain_text(words["longer"])
    expect(panel.locator("ol.diagram-text")).to_contain_text(words["longer"])

    broken = copy.deepcopy(DEFINITION)
    broken["fee"]["formula"] = "superficie_m2 * "
    result = mounted(page, broken)
    assert result["valid"] is False and result["problems"]
    expect(panel.locator("[data-preview=invalid] .notice")).to_contain_text("Corrija")
    expect(panel.locator("figure.workflow-diagram")).to_contain_text("El diagrama aparecerá")
    assert_clean(page)


def test_each_template_is_previewed_with_its_fee_or_none(contexts: Callable[..., BrowserContext], api: Api) -> None:
    """The editor's starting points: the two-agency template asks for the area its fee
    formula reads; the one-agency template says there is no fee. Both draw their workflow."""
    reply = api.sign_in("admin").get("/procedure-templates")
    assert reply.status_code == 200, reply.text
    templates = {template["id"]: template["definition"] for template in reply.json()["templates"]}
    page = publisher_page(contexts, api, PHONE, "es")
    panel = page.locator("#editor-preview-test")

    assert mounted(page, templates["revision-dos-dependencias"])["valid"] is True
    expect(panel.locator(".fee-missing")).to_contain_text("Para calcularlo falta:")
    expect(panel.locator(".fee-amount")).to_have_text("falta información para calcularlo")
    assert panel.locator("[data-node][data-kind=review]").count() == 2
    expect(panel.get_by_role("img", name=WORDS["es"]["diagram"])).to_be_visible()

    assert mounted(page, templates["revision-una-dependencia"])["valid"] is True
    expect(panel.locator("[data-fee-calculator]")).to_have_text("Este trámite no cobra derechos.")
    assert panel.locator("[data-node][data-kind=review]").count() == 1
    problems = axe_problems(page, "#editor-preview-test")
    assert not problems, problems
    assert_clean(page)
