"""Assisted filing as the citizen sees it: a code for the helper, who filed what for
them (in the record and the timeline), and withdrawing the permission."""

from __future__ import annotations

import random
import re
from collections.abc import Callable

import pytest
from playwright.sync_api import BrowserContext, expect

from tests.browser.scenario import new_citizen, new_curp
from tests.browser.support import assert_clean, open_page
from tests.support.client import Api

pytestmark = pytest.mark.browser


def test_the_citizen_gives_a_code_sees_what_the_helper_did_and_withdraws_it(
    contexts: Callable[..., BrowserContext], api: Api
) -> None:
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
    row = page.locator(f"tr[data-application='{application_id}']")
    expect(row).to_contain_text("Iniciado por Elena Cruz (CDC Oaxaca), centro CDC-OAXACA")
    assert_clean(page)

    timeline = open_page(contexts(token=citizen.token), f"/solicitudes/{application_id}")
    expect(timeline.locator("main")).to_contain_text(
        "Por: Elena Cruz (CDC Oaxaca), asesor(a) del centro comunitario CDC-OAXACA"
    )

    card.get_by_role("button", name="Retirar el permiso").click()
    expect(section.locator(f"li[data-delegation='{granted.json()['id']}']")).to_contain_text("Retirado")
    assert helper.get(f"/applications/{application_id}").status_code == 404


def test_the_helper_asks_for_permission_and_files_for_the_person(
    contexts: Callable[..., BrowserContext], api: Api
) -> None:
    phone = f"+5255{random.randrange(10**7, 10**8)}"
    citizen = api.sign_up(new_curp("MOPA"), phone, name="Pablo Morales Paz")
    helper = api.sign_in("asesora.oaxaca")
    page = open_page(contexts(token=helper.token), "/centro")
    expect(page.get_by_role("heading", level=1)).to_have_text("Centro comunitario")
    expect(page.locator("main")).to_contain_text("El servicio es gratuito")
    page.get_by_label("CURP", exact=True).fill(citizen.username)
    page.get_by_role("button", name="Pedir permiso").click()
    card = page.locator("li[data-status='pending']", has_text=citizen.username)
    expect(card).to_contain_text("Esperando el código")

    texts = [message["text"] for message in api.sms(phone) if "CDC-OAXACA" in message["text"]]
    code = re.search(r"\b(\d{6})\b", texts[-1])
    assert code, texts
    card.get_by_label("Código que recibió la persona por SMS").fill(code.group(1))
    card.get_by_role("button", name="Confirmar permiso").click()
    active = page.locator("li[data-status='active']", has_text=citizen.username)
    expect(active).to_contain_text("Vigente")
    active.get_by_label("Trámite").select_option("licencia-conducir")
    active.get_by_role("button", name="Iniciar trámite").click()

    expect(page.locator("main")).to_contain_text(
        f"Está haciendo este trámite por la persona con CURP {citizen.username}"
    )
    page.get_by_label("Domicilio").fill("Calle Hidalgo 8, Centro, Oaxaca de Juárez")
    page.get_by_role("button", name="Guardar borrador").click()
    expect(page.locator(".notice-success")).to_be_visible()
    assert_clean(page)

    record = citizen.get("/me").json()
    [filed] = record["applications"]
    assert filed["assisted_by"]["centre"] == "CDC-OAXACA"
    assert record["delegations"][0]["applications"] == [filed["id"]]
