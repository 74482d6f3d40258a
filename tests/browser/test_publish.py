"""The procedure editor (#/publicar): every procedure in workflows/ opened and saved comes back
as it was; a field and a step edited with the keyboard alone; no serious accessibility
violation on its tabs at 360 and 1280 px."""

from __future__ import annotations

import json
import random
import re
import secrets
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from tests.browser.chromium import DESKTOP, PHONE
from tests.browser.support import SERIOUS, assert_clean, axe_violations, fits, open_page
from tests.support import documents
from tests.support.client import Api

pytestmark = pytest.mark.browser

WORKFLOWS = Path(__file__).resolve().parents[2] / "workflows"
DEFINITIONS = sorted(path for path in WORKFLOWS.glob("*.json") if not path.name.endswith(".asl.json"))
CITIZEN = "GOMC800101MDFMRR00"
PDF = documents.pdf("documento de prueba del trámite nuevo")
TABS = ("Catálogo", "Formulario", "Requisitos", "Cuota", "Pasos", "JSON", "Vista previa", "Diagrama", "Cambios")


def canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, indent=2, ensure_ascii=False)


def saved_json(page: Page) -> Any:
    """The definition the editor would save: the JSON tab's text."""
    return json.loads(page.locator("[data-panel=json] textarea").input_value())


def open_tab(page: Page, name: str) -> None:
    """Open a tab by its name (followed by its count of problems, if any)."""
    tab = page.get_by_role("tab", name=re.compile(f"^{re.escape(name)}( |$)"))
    tab.click()
    expect(tab).to_have_attribute("aria-selected", "true")


@pytest.fixture(scope="module")
def publisher(api: Api) -> str:
    token = api.sign_in("admin").token
    assert token
    return token


@pytest.mark.parametrize("path", DEFINITIONS, ids=[path.stem for path in DEFINITIONS])
def test_every_procedure_comes_back_as_it_was(
    contexts: Callable[..., BrowserContext], publisher: str, path: Path
) -> None:
    in_git = json.loads(path.read_text("utf-8"))
    page = open_page(contexts(token=publisher), f"/publicar/{in_git['code']}")
    expect(page.locator("[data-validation]")).not_to_have_attribute("data-validation", "checking")
    assert canonical(saved_json(page)) == canonical(in_git)

    # a field touched and put back: the definition is the same again
    name = page.locator("[data-path='$.name.es']")
    name.press("End")
    name.type("x")
    assert saved_json(page)["name"]["es"] == in_git["name"]["es"] + "x"
    name.press("Backspace")
    assert canonical(saved_json(page)) == canonical(in_git)

    # an optional value set and cleared, and a checkbox ticked and unticked, leave nothing behind
    open_tab(page, "Requisitos")
    if in_git["requirements"]:
        optional = page.locator("[data-path='$.requirements[0].optional']")
        optional.check()
        optional.uncheck()
    open_tab(page, "Cuota")
    minimum = page.locator("[data-path='$.fee.minimum']")
    before = minimum.input_value()
    minimum.fill("10.00")
    minimum.fill(before)
    assert canonical(saved_json(page)) == canonical(in_git)


def focused(page: Page, locator: Any) -> bool:
    return bool(locator.evaluate("element => element === document.activeElement"))


def tab_to(page: Page, locator: Any, key: str = "Tab", limit: int = 120) -> None:
    """Press Tab (or Shift+Tab) until ``locator`` has the focus."""
    for _ in range(limit):
        if focused(page, locator):
            return
        page.keyboard.press(key)
    expect(locator).to_be_focused()


def test_a_field_and_a_step_edited_with_the_keyboard_alone(
    contexts: Callable[..., BrowserContext], publisher: str
) -> None:
    page = open_page(contexts(token=publisher), "/publicar/licencia-conducir")
    keys = page.keyboard
    # the tab list is one stop; the arrow keys move between its tabs
    tab_to(page, page.get_by_role("tab", name="Catálogo"))
    keys.press("ArrowRight")
    expect(page.get_by_role("tab", name="Formulario")).to_be_focused()
    expect(page.locator("[data-panel=form]")).to_be_visible()
    label = page.locator("[data-path='$.form.properties.domicilio.title']")
    tab_to(page, label)
    keys.press("Control+A")
    keys.type("Dirección completa")
    # back to the tab list, three tabs to the right: the steps
    tab_to(page, page.get_by_role("tab", name="Formulario"), key="Shift+Tab")
    for _ in range(3):
        keys.press("ArrowRight")
    expect(page.get_by_role("tab", name="Pasos")).to_be_focused()
    deadline = page.locator("[data-path='$.steps.revision.deadline_days']")
    tab_to(page, deadline)
    keys.press("Control+A")
    keys.type("12")
    # the JSON tab shows both changes
    tab_to(page, page.get_by_role("tab", name="Pasos"), key="Shift+Tab")
    keys.press("ArrowRight")
    expect(page.get_by_role("tab", name="JSON")).to_be_focused()
    keys.press("Enter")
    json_text = page.locator("[data-panel=json] textarea")
    expect(json_text).to_be_visible()
    expect(json_text).to_have_value(re.compile(r'"deadline_days": 12'))
    edited = saved_json(page)
    assert edited["form"]["properties"]["domicilio"]["title"] == "Dirección completa"
    assert edited["steps"]["revision"]["deadline_days"] == 12
    # not saved yet: reloading the tab asks first, and staying keeps the edits
    with page.expect_event("dialog") as asked:
        page.evaluate("() => { setTimeout(() => window.location.reload(), 0); }")
    assert asked.value.type == "beforeunload"
    asked.value.dismiss()
    assert saved_json(page)["steps"]["revision"]["deadline_days"] == 12


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["360px", "1280px"])
def test_the_editor_tabs_have_no_serious_accessibility_violations(
    contexts: Callable[..., BrowserContext], publisher: str, viewport: dict[str, int]
) -> None:
    page = open_page(contexts(viewport=viewport, token=publisher), "/publicar")
    problems: list[str] = []

    def check(where: str) -> None:
        for violation in axe_violations(page):
            if violation["impact"] in SERIOUS:
                problems.append(
                    f"{where} @{viewport['width']}px: {violation['id']} {violation['help']}: {violation['nodes']}"
                )
        overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        if overflow > 0:
            problems.append(f"{where} @{viewport['width']}px scrolls sideways by {overflow}px")
        assert_clean(page)

    check("/publicar")
    page.goto("/#/publicar/licencia-construccion")
    page.wait_for_selector("main:not([aria-busy='true']) [role=tablist]")
    expect(page.locator("[data-validation]")).not_to_have_attribute("data-validation", "checking")
    # a problem shown: the summary, the field's error, the tab's count
    page.locator("[data-path='$.expected_days']").fill("cero")
    expect(page.locator(".editor > .error-summary")).to_be_visible()
    for tab in TABS:
        open_tab(page, tab)
        check(tab)
    assert not problems, "\n".join(problems)


def test_a_publisher_creates_a_procedure_another_approves_it_and_a_citizen_files_it(
    api: Api, contexts: Callable[..., BrowserContext], publisher: str
) -> None:
    """The acceptance journey: from the two-agency template to a citizen's submitted application."""
    suffix = secrets.token_hex(3)
    code, name = f"permiso-prueba-{suffix}", f"Permiso de prueba {suffix}"

    # the publisher starts from the template with two agencies reviewing in parallel and a fee formula
    page = open_page(contexts(token=publisher), "/publicar")
    page.locator("[data-template=revision-dos-dependencias] a").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Trámite nuevo")
    expect(page.locator("[data-validation]")).to_have_attribute("data-validation", "valid")
    page.locator("[data-path='$.code']").fill(code)
    page.locator("[data-path='$.name.es']").fill(name)
    page.locator("[data-path='$.name.en']").fill(f"Test permit {suffix}")

    # a fee formula over a field the form lacks: the problem shows beside it, in Spanish, and in the summary
    open_tab(page, "Cuota")
    formula = page.locator("[data-path='$.fee.formula']")
    formula.fill("superficie_m2 * tarifa")
    problem = page.locator(f"#{formula.get_attribute('id')}-error")
    expect(problem).to_have_text("usa 'tarifa', que no es un campo del formulario")
    expect(formula).to_have_attribute("aria-invalid", "true")
    summary = page.locator(".editor > .error-summary")
    expect(summary).to_contain_text("Fórmula: usa 'tarifa', que no es un campo del formulario")
    expect(page.get_by_role("tab", name=re.compile("^Cuota"))).to_contain_text("1 problema")
    # the summary's link leads to the field
    summary.get_by_role("link", name=re.compile("Fórmula")).click()
    expect(formula).to_be_focused()
    formula.fill("superficie_m2 * 12")
    expect(problem).to_be_hidden()
    expect(formula).not_to_have_attribute("aria-invalid", "true")
    expect(summary).to_be_hidden()
    expect(page.locator("[data-validation]")).to_have_attribute("data-validation", "valid")

    # the citizen's form as they will see it, and the workflow with both agencies' reviews
    open_tab(page, "Vista previa")
    preview = page.locator("[data-panel=preview]")
    expect(preview.locator("[data-preview=valid]")).to_be_visible()
    expect(preview).to_contain_text("Superficie en m²")
    expect(preview).to_contain_text(name)
    open_tab(page, "Diagrama")
    text = page.locator("[data-panel=diagram] .diagram-text")
    expect(text).to_contain_text("Revisión de la dependencia que emite")
    expect(text).to_contain_text("Revisión de la segunda dependencia")
    expect(page.locator("[data-panel=diagram] svg")).to_be_visible()
    # what the edition changes, before it is saved: a new procedure, so every value is added
    open_tab(page, "Cambios")
    live = page.locator("[data-panel=changes]")
    expect(live).to_contain_text("Lo que cambia esta edición")
    expect(live.locator("[data-change='$.fee'][data-kind=added]")).to_contain_text("superficie_m2 * 12")

    # saved as the lifecycle's draft, with who did what; its author may not approve it
    page.get_by_role("button", name="Guardar borrador").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Borrador 1: {name}")
    assert page.url.endswith(f"#/publicar/{code}/borradores/1")
    expect(page.locator(".notice-success")).to_contain_text("Se guardó el borrador 1.")
    expect(page.locator("[data-event=drafted]")).to_contain_text("por admin")
    expect(page.locator(".draft-panel")).to_contain_text("Usted escribió este borrador")
    open_tab(page, "Cambios")
    changes = page.locator("[data-panel=changes]")
    expect(changes).to_contain_text("Borrador 1 de un trámite nuevo")
    changes.locator("details.diff summary").click()
    expect(changes.locator(".diff-added").filter(has_text='"formula": "superficie_m2 * 12"')).to_be_visible()
    fits(page)

    # a second publisher opens the draft and approves it
    second = api.sign_up(
        f"publica.{suffix}", f"+5255{random.randrange(10**7, 10**8)}", name="Segunda Publicadora", groups=("admin",)
    )
    approver = open_page(contexts(token=second.token), "/publicar")
    listed = approver.locator("main").get_by_role("link", name=name)
    expect(
        approver.locator("main").get_by_role("link", name="Licencia de conducir tipo A (automovilista)")
    ).to_be_visible()
    expect(listed).to_have_count(0)  # not published yet
    approver.evaluate(f"window.location.hash = '#/publicar/{code}/borradores/1'")
    expect(approver.locator("[data-event=drafted]")).to_contain_text("por admin")
    # put to public consultation first (open-ended: it may be approved once every comment is answered)
    approver.get_by_role("button", name="Poner en consulta pública").click()
    expect(approver.locator(".draft-panel")).to_have_attribute("data-status", "consultation")
    expect(approver.locator("[data-event=consultation_opened]")).to_contain_text(f"por {second.username}")
    expect(approver.get_by_role("link", name="Ver su consulta pública")).to_have_attribute(
        "href", f"#/consultas/{code}/1"
    )
    approver.get_by_role("button", name="Aprobar y publicar").click()
    expect(approver.locator(".approve-confirm")).to_contain_text("versión 1")
    approver.get_by_role("button", name="Sí, aprobar y publicar").click()
    expect(approver.locator("[data-event=approved]")).to_contain_text(f"por {second.username}")
    expect(approver.locator(".draft-panel")).to_have_attribute("data-status", "published")
    fits(approver)
    # the list the approver read before now offers the published procedure
    approver.locator("header").get_by_role("link", name="Publicar trámites").click()
    expect(listed).to_be_visible()

    # the new procedure is in the catalogue, and a citizen files it
    citizen = api.sign_in(CITIZEN)
    filing = open_page(contexts(token=citizen.token), "/")
    filing.get_by_label("¿Qué trámite busca?").fill(name)
    filing.get_by_role("link", name=name).click()
    expect(filing.get_by_role("heading", level=1)).to_have_text(name)
    filing.get_by_role("link", name="Iniciar trámite").click()
    filing.get_by_label("Descripción de la solicitud (reemplace)").fill(
        "Ampliación de una bodega de 120 m² en la planta baja."
    )
    filing.get_by_label("Superficie en m² (la usa la fórmula de derechos)").fill("120")
    filing.get_by_role("button", name="Guardar y continuar").click()
    expect(filing.get_by_role("heading", level=1)).to_have_text("Documentos y envío")
    folio = filing.locator("strong.mono").first.inner_text()
    for requirement in ("identificacion", "documento_soporte"):
        block = filing.locator(f"[data-requirement={requirement}]")
        block.locator("input[type=file]").set_input_files(
            {"name": f"{requirement}.pdf", "mimeType": "application/pdf", "buffer": PDF + requirement.encode()}
        )
        expect(block.locator(".upload-status")).to_contain_text("Cargado")
    filing.get_by_role("button", name="Enviar solicitud").click()
    expect(filing.locator(".notice-success").first).to_contain_text(f"Enviamos su solicitud con el folio {folio}")
    expect(filing.get_by_role("heading", level=1)).to_have_text(name)


def test_the_json_tab_and_the_other_tabs_follow_each_other_in_english(
    contexts: Callable[..., BrowserContext], publisher: str
) -> None:
    page = open_page(contexts(token=publisher, lang="en"), "/publicar/aviso-funcionamiento")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Edit: Notice of operation of a food business")
    open_tab(page, "JSON")
    text = page.locator("[data-panel=json] textarea")
    definition = json.loads(text.input_value())
    text.fill(text.input_value()[:-3])
    expect(page.locator(f"#{text.get_attribute('id')}-error")).to_contain_text("The JSON is not valid")
    expect(page.locator("[data-validation]")).to_have_attribute("data-validation", "json")
    definition["name"]["en"] = "Notice of opening"
    definition["expected_days"] = 0
    text.fill(json.dumps(definition, indent=2, ensure_ascii=False))
    open_tab(page, "Catalogue")
    expect(page.locator("[data-path='$.name.en']")).to_have_value("Notice of opening")
    days = page.locator("[data-path='$.expected_days']")
    expect(days).to_have_attribute("aria-invalid", "true")
    expect(page.locator(f"#{days.get_attribute('id')}-error")).to_contain_text("minimum")
    expect(page.locator(".editor > .error-summary")).to_contain_text("There is a problem in the definition")
    # what no tab edits is listed, and kept
    expect(page.locator("[data-panel=requirements] .kept-keys")).to_contain_text("$.requirements[0].evidence")


def test_a_jurisdictions_publisher_is_offered_its_own_procedures_only(
    api: Api, contexts: Callable[..., BrowserContext]
) -> None:
    oaxaca = api.sign_in("admin.oaxaca")
    page = open_page(contexts(token=oaxaca.token), "/publicar")
    expect(page.get_by_role("heading", level=1)).to_have_text("Publicar trámites")
    expect(page.locator("[data-template=revision-dos-dependencias]")).to_be_visible()
    expect(page.locator("[data-code=licencia-conducir]")).to_have_count(0)
    expect(page.get_by_role("link", name="Publicar trámites")).to_have_attribute("aria-current", "page")
    # a citizen is told the page is not theirs
    citizen = open_page(contexts(token=api.sign_in(CITIZEN).token), "/publicar")
    expect(citizen.get_by_role("heading", level=1)).to_have_text("Esta página no está disponible para su cuenta")
    expect(citizen.locator("main")).to_contain_text("Esta página es para quienes publican trámites")
