"""A citizen gets a driver's licence through the web pages, start to finish, while an
official approves it in another browser; she downloads the acuse and the licence as
PDF, and the QR code's page then says it is valid."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from infra.local.demo import DEMO_PASSWORD
from tests.browser.chromium import PHONE
from tests.browser.efirma_files import Efirma, sign_the_decision
from tests.browser.support import assert_clean, open_page
from tests.support import documents
from tests.support.pdf import read, text_of

pytestmark = pytest.mark.browser

CITIZEN = "GOMC800101MDFMRR00"
PDF = documents.pdf("comprobante de prueba")


def pdf(name: str) -> dict[str, object]:
    return {"name": name, "mimeType": "application/pdf", "buffer": PDF + name.encode()}


def downloaded(page: Page, button: str) -> tuple[str, str]:
    """Click a download button: the file's name and the text a person reads in it."""
    with page.expect_download() as downloading:
        page.get_by_role("button", name=button).click()
    download = downloading.value
    return download.suggested_filename, text_of(read(Path(download.path()).read_bytes()))


def sign_in_citizen(page: Page) -> None:
    expect(page.get_by_role("heading", level=1)).to_have_text("Entrar con su CURP")
    curp = page.get_by_label("CURP", exact=True)
    curp.fill(CITIZEN.lower()[:17])
    expect(page.locator("#curp-status")).to_have_text("17 de 18 caracteres")
    curp.press_sequentially(CITIZEN[17].lower())
    expect(curp).to_have_value(CITIZEN)
    expect(page.locator("#curp-status")).to_contain_text("CURP con formato válido")
    page.get_by_label("Contraseña", exact=True).fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Entrar").click()


def test_citizen_gets_a_licence_that_an_official_approves(
    contexts: Callable[..., BrowserContext], efirma_of: Callable[[str], Efirma]
) -> None:
    citizen = contexts()
    page = open_page(citizen, "/")

    # The catalogue, searched; the procedure's terms are shown before applying.
    page.get_by_label("¿Qué trámite busca?").fill("licencia manejo")
    page.get_by_role("link", name="Licencia de conducir tipo A (automovilista)").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Licencia de conducir tipo A (automovilista)")
    before = page.locator("section[aria-labelledby=before-heading]")
    expect(before).to_contain_text("$1,016.00 MXN")
    expect(before).to_contain_text("5 días hábiles")
    expect(before).to_contain_text("Negativa ficta: se entiende negado")
    expect(page.locator("[data-requirement=constancia_examen]")).to_contain_text(
        "Solo si en «¿Es su primera licencia?» responde: Sí."
    )
    assert_clean(page)

    # Applying asks to sign in first, then comes back to the form.
    page.get_by_role("link", name="Iniciar trámite").click()
    sign_in_citizen(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Licencia de conducir tipo A (automovilista)")
    expect(page.get_by_label("Domicilio")).to_be_visible()

    # A bad postcode is refused inline, in Spanish, before anything is sent.
    page.get_by_label("Domicilio").fill("Av. Insurgentes Sur 1235, Col. del Valle, Benito Juárez")
    page.get_by_label("Código postal").fill("0310")
    page.get_by_label("Tipo de sangre").select_option("O+")
    page.locator("[data-field=primera_vez]").get_by_label("Sí").check()
    page.get_by_role("button", name="Guardar y continuar").click()
    postcode = page.locator("[data-field=codigo_postal]")
    expect(postcode.locator(".field-error")).to_have_text("Error: No tiene el formato indicado en la ayuda.")
    expect(page.get_by_label("Código postal")).to_have_attribute("aria-invalid", "true")
    expect(page.locator(".error-summary")).to_contain_text("Revise los datos marcados")
    expect(page.locator(".error-summary")).to_be_focused()
    page.get_by_label("Código postal").fill("03100")
    page.get_by_role("button", name="Guardar y continuar").click()

    # Documents: a wrong type is stopped in the page; the PDFs go up with progress.
    expect(page.get_by_role("heading", level=1)).to_have_text("Documentos y envío")
    folio = page.locator("strong.mono").first.inner_text()
    identification = page.locator("[data-requirement=identificacion]")
    identification.locator("input[type=file]").set_input_files(
        {"name": "ine.txt", "mimeType": "text/plain", "buffer": b"no soy un pdf"}
    )
    expect(identification.locator(".field-error")).to_contain_text("Este tipo de archivo no se acepta aquí")
    for requirement in ("identificacion", "comprobante_domicilio", "constancia_examen"):
        block = page.locator(f"[data-requirement={requirement}]")
        block.locator("input[type=file]").set_input_files(pdf(f"{requirement}.pdf"))
        expect(block.locator(".upload-status")).to_contain_text("Cargado", timeout=20_000)
        expect(block.locator("progress")).to_have_attribute("value", "100")
    expect(identification.locator(".field-error")).to_be_hidden()
    page.get_by_role("button", name="Enviar solicitud").click()

    # The application page follows the workflow into the agency's review.
    expect(page.get_by_role("heading", level=1)).to_have_text("Licencia de conducir tipo A (automovilista)")
    expect(page.locator(".notice-success").first).to_contain_text(f"Enviamos su solicitud con el folio {folio}")
    status = page.locator(".application-status [data-status]")
    expect(status).to_have_text("En revisión", timeout=30_000)
    state = page.locator("section[aria-labelledby=state-heading]")
    expect(state).to_contain_text("Revisión de documentos y examen")
    expect(state).to_contain_text("Secretaría de Movilidad del Estado")
    expect(state).to_contain_text("pasa a su supervisión")
    expect(page.locator(".timeline")).to_contain_text("Revisión iniciada")
    expect(page.locator("[data-audit]")).to_have_attribute("data-audit", "intact")
    assert_clean(page)

    # An official, in another browser, finds it in the queue and approves it with a reason,
    # signed with their e.firma.
    official = open_page(contexts(), "/entrar/personal")
    official.get_by_label("Usuario").fill("oficial.semovi")
    official.get_by_label("Contraseña", exact=True).fill(DEMO_PASSWORD)
    official.get_by_role("button", name="Entrar").click()
    expect(official.get_by_role("heading", level=1)).to_have_text("Bandeja de revisión · SEMOVI")
    row = official.locator(f"tr[data-application='{folio}']")
    row.get_by_role("link", name=f"Revisar {folio}").click()
    expect(official.get_by_role("heading", level=1)).to_have_text(f"Solicitud {folio}")
    expect(official.locator(".documents-list li")).to_have_count(3)
    expect(official.locator("[data-requirement=identificacion] a")).to_have_attribute(
        "href", re.compile(r"^http://127\.0\.0\.1:\d+/")
    )
    expect(official.locator(".timeline")).to_contain_text("Documento entregado")
    expect(official.locator("[data-signature=efirma]")).to_have_text("Esta resolución se firma con su e.firma.")
    official.get_by_role("button", name="Continuar para firmar").click()
    expect(official.locator("#decision-error")).to_have_text("Elija qué resuelve.")
    official.get_by_label("Aprobar").check()
    official.get_by_role("button", name="Continuar para firmar").click()
    expect(official.locator("#reason-error")).to_have_text("Escriba el motivo de su decisión (al menos 3 caracteres).")
    official.get_by_label("Motivo").fill("Identificación, domicilio y examen en regla.")
    sign_the_decision(official, efirma_of("oficial.semovi"))
    expect(official.locator(".notice-success").first).to_contain_text(
        f"Registramos su resolución de la solicitud {folio}"
    )
    assert_clean(official)

    # The citizen sees the approval and the fee, gets the línea de captura and pays it.
    page.reload()
    expect(status).to_have_text("Pago pendiente", timeout=30_000)
    expect(page.locator(".timeline")).to_contain_text("Identificación, domicilio y examen en regla.")
    # She keeps the acuse de recibo and the resolution, signed and sealed, as PDF.
    name, text = downloaded(page, "Descargar acuse de recibo (PDF)")
    assert name == f"acuse-{folio}.pdf" and "|ACUSE|licencia-conducir|" in text and CITIZEN in text
    name, text = downloaded(page, "Descargar resolución de Secretaría de Movilidad del Estado (PDF)")
    assert name.startswith(f"resolucion-{folio}-") and "Identificación, domicilio y examen en regla." in text
    assert efirma_of("oficial.semovi").serial in text  # signed with the official's e.firma
    page.get_by_role("link", name="Obtener línea de captura").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Pago de derechos")
    expect(page.locator(".slip .amount")).to_have_text("$1,016.00 MXN")
    reference = page.locator(".slip [data-reference]").get_attribute("data-reference") or ""
    assert re.fullmatch(r"\d{20}", reference), reference
    expect(page.get_by_role("button", name="Imprimir línea de captura")).to_be_visible()
    assert_clean(page)
    page.get_by_role("button", name="Pagar en el banco de pruebas").click()
    expect(page.get_by_text("Pago recibido y documento emitido.")).to_be_visible(timeout=60_000)

    # The licence, printable, with its QR code.
    page.get_by_role("link", name="Ver e imprimir mi documento").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Licencia de conducir tipo A")
    licence = page.locator("article.credential")
    expect(licence).to_contain_text("Carla Gómez Martínez")
    expect(licence).to_contain_text("O+")
    qr = licence.get_by_role("img", name="Código QR para verificar este documento")
    expect(qr).to_be_visible()
    page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=qr.element_handle())
    verify_url = licence.locator("figcaption .mono").inner_text()
    assert "/api/verify/" in verify_url
    name, text = downloaded(page, "Descargar documento (PDF)")
    assert name.endswith(".pdf") and "Licencia de conducir tipo A" in text and verify_url in text
    assert_clean(page)

    # What a phone camera opens: the API link redirects to the public page, which says valid.
    phone = contexts(viewport=PHONE).new_page()
    phone.goto(verify_url)
    expect(phone.get_by_role("heading", level=1)).to_have_text("Verificación de documentos")
    expect(phone.locator(".verdict")).to_have_attribute("data-valid", "true")
    expect(phone.locator(".verdict")).to_contain_text("Documento válido")
    expect(phone.locator("section[aria-labelledby=verify-facts]")).to_contain_text("G.M.C.")
    approval = phone.locator("tr[data-signer=official][data-agency=SEMOVI]")
    expect(approval).to_have_attribute("data-valid", "true")
    expect(approval).to_contain_text(efirma_of("oficial.semovi").serial)
    assert "#/verify/" in phone.url
    assert_clean(phone)

    # Her record lists the application as issued and the licence among her documents.
    page.get_by_role("navigation", name="Menú principal").get_by_role("link", name="Mi expediente").click()
    expect(page.locator(f"tr[data-application='{folio}']")).to_contain_text("Emitido")
    expect(page.locator("[data-document]").first).to_contain_text("Licencia de conducir tipo A")
