"""Assisted filing as the citizen sees it: a code for the helper, who filed what for
them (in the record and the timeline), and withdrawing the permission."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from playwright.sync_api import BrowserContext, expect

from tests.browser.scenario import new_citizen
from tests.browser.support import assert_clean, open_page
from tests.support.client import Api

pytestmark = pytest.mark.browser


def test_the_citizen_gives_a_code_sees_what_the_helper_did_and_withdraws_it(contexts: Callable[..., BrowserContext], api: Api) -> None:
    citizen = new_citizen(api, name="Lucía Ramos Soto", letters="RASL")
    helper = api.sign_in("asesora.oaxaca")
    page = open_page(contexts(token=citizen.token), "/mi-expediente")
    section = page.locator("section[aria-labelledby=delegations-heading]")
    expect(section).to_contain_text("Nadie tiene permiso para hacer trámites por usted.")
    section.get_by_role("button", name="Generar un código para un asesor").click()
    code = section.locator(".code-display")
    expect(code).to_have_text(re.compile(r"^\d{6}$"))

    granted = helper.post("/delegations", {"curp": citizen.username, "code": code.inner_text()})
    assert granted.status_code == 201, granted.text
    created = helper.post("/applications", {"procedure": "licencia-conducir", "citizen": citizen.username, "data": {}})
    assert created.status_code == 201, created.text
    application_id = created.json()["id"]

    page.reload()
    page.wait_for_selector("main:not([aria-busy='true']) h1")
    card = section.locator(f"li[data-delegation='{granted.json()['id']}']")
    expect(card).to_contain_text("Elena Cruz (CDC Oaxaca) · CDC-OAXACA")
    expect(card).to_contain_text("Vigente")
    expect(card).to_contain_text(application_id)
    assert_clean(page)

    timeline = open_page(contexts(token=citizen.token), f"/solicitudes/{application_id}")
    expect(timeline.locator("main")).to_contain_text("Por: Elena Cruz (CDC Oaxaca), asesor(a) del centro comunitario CDC-OAXACA")

    card.get_by_role("button", name="Retirar el permiso").click()
    expect(section.locator(f"li[data-delegation='{granted.json()['id']}']")).to_contain_text("Retirado")
    assert helper.get(f"/applications/{application_id}").status_code == 404
