"""An official asks for corrections with a reason; the citizen reads it, replaces the
document and sends the application back into review."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import BrowserContext, expect

from tests.browser.efirma_files import Efirma, sign_the_decision
from tests.browser.scenario import PDF, in_review, new_citizen
from tests.browser.support import assert_clean, open_page
from tests.support.client import Api

pytestmark = pytest.mark.browser

REASON = "El comprobante de domicilio tiene más de 3 meses; suba uno reciente."


def test_official_asks_for_corrections_and_the_citizen_resubmits(
    contexts: Callable[..., BrowserContext], api: Api, efirma_of: Callable[[str], Efirma]
) -> None:
    citizen = new_citizen(api, name="Lucía Fernanda Soto Pérez", letters="SOPL")
    case = in_review(citizen)
    official = api.sign_in("oficial.semovi")

    desk = open_page(contexts(token=official.token), f"/oficina/solicitudes/{case.application_id}")
    desk.get_by_label("Pedir correcciones").check()
    desk.get_by_label("Motivo").fill(REASON)
    sign_the_decision(desk, efirma_of(official.username))
    expect(desk.get_by_role("heading", level=1)).to_have_text("Bandeja de revisión · SEMOVI")
    expect(desk.locator(f"tr[data-application='{case.application_id}']")).to_have_count(0)

    page = open_page(contexts(token=citizen.token), f"/solicitudes/{case.application_id}")
    expect(page.locator(".application-status [data-status]")).to_have_text("Requiere correcciones", timeout=20_000)
    expect(page.locator(".notice-warning")).to_contain_text(REASON)
    expect(page.locator("section[aria-labelledby=state-heading]")).to_contain_text("Corrija antes del")
    expect(page.locator(".timeline li[data-action='review.changes_requested']")).to_contain_text("oficial.semovi")
    assert_clean(page)

    page.get_by_role("link", name="Cambiar documentos").click()
    proof = page.locator("[data-requirement=comprobante_domicilio]")
    proof.locator("input[type=file]").set_input_files(
        {"name": "recibo-luz-noviembre.pdf", "mimeType": "application/pdf", "buffer": PDF + b"reciente"}
    )
    expect(proof.locator(".upload-status")).to_contain_text("recibo-luz-noviembre.pdf")
    page.get_by_role("button", name="Enviar solicitud").click()
    expect(page.locator(".application-status [data-status]")).to_have_text("En revisión", timeout=30_000)
    expect(page.locator(".timeline")).to_contain_text("Solicitud corregida y reenviada")
    expect(page.locator(".timeline")).to_contain_text("Revisión reanudada")
