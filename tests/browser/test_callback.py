"""Call me back from the pages: the citizen asks for a call on the application page, the
official sees it in the office queue with the number to call and records what came of it,
and the citizen's history shows the call."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import BrowserContext, expect

from tests.browser.chromium import PHONE
from tests.browser.scenario import Scene, in_review, new_citizen
from tests.browser.support import fits, open_page
from tests.support.client import Api

pytestmark = pytest.mark.browser


def test_the_citizen_asks_for_a_call_and_sees_the_officials_outcome(
    contexts: Callable[..., BrowserContext], api: Api, scene: Scene
) -> None:
    citizen = new_citizen(api, name="Tomás Aguilar Reyes", letters="AURT")
    case = in_review(citizen)
    page = open_page(contexts(viewport=PHONE, token=citizen.token), f"/solicitudes/{case.application_id}")
    panel = page.locator("[data-feature=callback]")
    panel.get_by_role("button", name="Pedir que me llamen").click()

    # A number that is not Mexican is refused in the field; a good one is taken.
    panel.get_by_label("Teléfono").fill("55 1234")
    panel.get_by_role("button", name="Pedir la llamada").click()
    expect(panel.locator("#callback-phone-error")).to_be_visible()
    panel.get_by_label("Teléfono").fill("55 8765 4321")
    panel.get_by_label("¿De qué quiere hablar?").fill("No sé si mi comprobante sirve.")
    panel.get_by_role("button", name="Pedir la llamada").click()
    expect(panel.locator("[data-callback=requested]")).to_contain_text("La dependencia le llamará")
    fits(page)

    office = open_page(contexts(token=scene.official.token), "/oficina")
    item = office.locator(f"[data-callbacks] li[data-application='{case.application_id}']")
    expect(item).to_contain_text("+52 55 8765 4321")
    expect(item).to_contain_text("No sé si mi comprobante sirve.")
    fits(office)
    item.get_by_label("¿Qué pasó en la llamada?").select_option("reached")
    item.get_by_label("Nota (la verá la persona en su historial)").fill("Sí sirve; se le explicó.")
    item.get_by_role("button", name="Registrar la llamada").click()
    expect(office.locator(f"[data-callbacks] li[data-application='{case.application_id}']")).to_have_count(0)

    page.reload()
    page.wait_for_selector("main:not([aria-busy='true']) h1")
    called = page.locator(".timeline li[data-action='callback.completed']")
    expect(called).to_contain_text("La dependencia le llamó")
    expect(called).to_contain_text("Contestó")
    expect(called).to_contain_text("Sí sirve; se le explicó.")
    expect(page.locator(".timeline li[data-action='callback.requested']")).to_contain_text("4321")
    expect(page.locator("[data-feature=callback] button", has_text="Pedir que me llamen")).to_be_visible()
