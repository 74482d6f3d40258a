"""A half-filled application is saved as a draft and picked up later from the record."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from playwright.sync_api import BrowserContext, expect

from tests.browser.scenario import new_citizen
from tests.browser.support import assert_clean, open_page
from tests.support.client import Api

pytestmark = pytest.mark.browser


def test_save_a_draft_and_resume_it_from_the_record(contexts: Callable[..., BrowserContext], api: Api) -> None:
    citizen = new_citizen(api, name="Ana Karen Ortiz Ruiz", letters="OIRA")
    page = open_page(contexts(token=citizen.token), "/tramites/licencia-conducir/solicitar")
    page.get_by_label("Domicilio", exact=True).fill("Calle 5 de Mayo 10, Centro, Puebla")
    page.get_by_label("Código postal").fill("7200")
    page.get_by_role("button", name="Guardar borrador").click()
    # A draft may be incomplete, but what is there must be valid.
    expect(page.locator("[data-field=codigo_postal] .field-error")).to_contain_text(
        "No tiene el formato indicado en la ayuda."
    )
    expect(page.locator("[data-field=tipo_sangre] .field-error")).to_be_hidden()
    page.get_by_label("Código postal").fill("72000")
    page.get_by_role("button", name="Guardar borrador").click()
    expect(page.locator(".notice-success")).to_contain_text("Guardamos su borrador con el folio")
    folio = re.search(r"folio (\w{10})", page.locator(".notice-success").inner_text())
    assert folio, page.locator(".notice-success").inner_text()
    expect(page).to_have_url(re.compile(rf"#/solicitudes/{folio[1]}/editar$"))

    page.get_by_role("navigation", name="Menú principal").get_by_role("link", name="Mi expediente").click()
    row = page.locator(f"tr[data-application='{folio[1]}']")
    expect(row).to_contain_text("Borrador")
    row.get_by_role("link", name=f"Continuar {folio[1]}").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Documentos y envío")
    page.get_by_role("link", name="Cambiar mis respuestas").click()
    expect(page.get_by_label("Domicilio", exact=True)).to_have_value("Calle 5 de Mayo 10, Centro, Puebla")
    expect(page.get_by_label("Código postal")).to_have_value("72000")
    assert_clean(page)
