"""Registries in the pages: the citizen previews and approves what a construction permit takes
from the population registry and the cadastre (or uploads the document instead when the
cadastre is down), and reads every lookup made about them in "¿Quién usó mis datos?" — their
own only — on a 360-px phone and a 1280-px desk."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from tests.browser.chromium import DESKTOP, PHONE
from tests.browser.scenario import new_citizen
from tests.browser.support import assert_clean, axe_violations, open_page
from tests.support.client import Api

pytestmark = pytest.mark.browser

SERIOUS = ("serious", "critical")
VIEWPORTS = pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["360px", "1280px"])


def fits(page: Page) -> None:
    """No serious accessibility violation, no sideways scrolling, nothing leaked or untranslated."""
    problems = [violation for violation in axe_violations(page) if violation["impact"] in SERIOUS]
    assert not problems, problems
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"{page.url} scrolls sideways by {overflow}px"
    assert_clean(page)


def open_data_use(page: Page) -> None:
    """From the record, as a citizen finds it."""
    expect(page.get_by_role("heading", level=1)).to_have_text("Mi expediente")
    page.locator("[data-feature=data-use]").get_by_role("link", name="¿Quién usó mis datos?").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("¿Quién usó mis datos?")


@VIEWPORTS
def test_who_used_my_data_says_so_when_no_registry_was_asked(
    contexts: Callable[..., BrowserContext], api: Api, viewport: dict[str, int]
) -> None:
    citizen = new_citizen(api, name="Inés Robles Acosta", letters="ROAI")
    page = open_page(contexts(viewport=viewport, token=citizen.token), "/mi-expediente")
    open_data_use(page)
    expect(page.locator("[data-empty=data-use]")).to_have_text(
        "Todavía no se ha consultado ningún registro sobre usted. "
        "Cuando un trámite tome sus datos de un registro, la consulta aparecerá aquí."
    )
    expect(page.locator("[data-exchange]")).to_have_count(0)
    expect(page.get_by_role("navigation", name="Está en")).to_contain_text("Mi expediente")
    fits(page)
    page.get_by_role("button", name="English", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Who used my data?")
    expect(page.locator("[data-empty=data-use]")).to_contain_text("No registry has been asked about you yet.")
    assert_clean(page)
