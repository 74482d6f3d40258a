"""The procedure editor (#/publicar): every procedure in workflows/ opened and saved comes back
as it was; a field and a step edited with the keyboard alone; no serious accessibility
violation on its tabs at 360 and 1280 px."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from tests.browser.chromium import DESKTOP, PHONE
from tests.browser.support import SERIOUS, assert_clean, axe_violations, open_page
from tests.support.client import Api

pytestmark = pytest.mark.browser

WORKFLOWS = Path(__file__).resolve().parents[2] / "workflows"
DEFINITIONS = sorted(path for path in WORKFLOWS.glob("*.json") if not path.name.endswith(".asl.json"))
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
    expect(page.locator(".error-summary")).to_be_visible()
    for tab in TABS:
        open_tab(page, tab)
        check(tab)
    assert not problems, "\n".join(problems)
