"""Registries in the pages: the citizen previews and approves what a construction permit takes
from the population registry and the cadastre (or uploads the document instead when the
cadastre is down), and reads every lookup made about them in "¿Quién usó mis datos?" — their
own only — on a 360-px phone and a 1280-px desk."""

from __future__ import annotations

import base64
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from chalicelib.efirma.keys import sign_with_files
from tests.browser.chromium import DESKTOP, PHONE
from tests.browser.efirma_files import PASSWORD, Efirma, choose_files, issue
from tests.browser.scenario import PDF, PERMIT, new_citizen, own_property
from tests.browser.support import assert_clean, fits, open_page
from tests.support.client import Api, User, wait_for, wait_for_status
from tests.support.forms import CONSTRUCTION_FORM

pytestmark = pytest.mark.browser

POPULATION = "Registro Nacional de Población (RENAPO)"
CADASTRE = "Catastro municipal"
VIEWPORTS = pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["360px", "1280px"])


def pdf(name: str) -> dict[str, object]:
    return {"name": name, "mimeType": "application/pdf", "buffer": PDF + name.encode()}


@pytest.fixture
def cadastre_down(api: Api) -> Iterator[None]:
    """The sandbox cadastre answering 503 for this test only."""
    switched = api.anonymous().post("/sandbox/registries/mode", {"registry": "cadastre", "mode": "failing"})
    assert switched.status_code == 200, switched.text
    try:
        yield
    finally:
        api.anonymous().post("/sandbox/registries/mode", {"registry": "cadastre", "mode": "normal"})


def file_permit_over_the_api(citizen: User, efirma: Efirma, account: str) -> str:
    """A construction permit filed with the citizen's e.firma (signed here), the plans uploaded."""
    created = citizen.post(
        "/applications", {"procedure": PERMIT, "data": {**CONSTRUCTION_FORM, "cuenta_predial": account}}
    )
    assert created.status_code == 201, created.text
    application_id = str(created.json()["id"])
    citizen.upload(application_id, "planos", PDF + b"planos", filename="planos.pdf")
    text = citizen.get(f"/applications/{application_id}/cadena-original").json()["cadena_original"]
    signature = sign_with_files(efirma.certificate.read_bytes(), efirma.key.read_bytes(), PASSWORD, text)
    certificate = base64.b64encode(efirma.certificate.read_bytes()).decode()
    submitted = citizen.post(
        f"/applications/{application_id}/submit",
        {"efirma": {"certificate": certificate, "cadena_original": text, "signature": signature}},
    )
    assert submitted.status_code == 202, submitted.text
    return application_id


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


@VIEWPORTS
def test_a_permit_filled_from_the_registries_is_previewed_approved_and_its_lookups_listed(
    contexts: Callable[..., BrowserContext], api: Api, tmp_path: Path, viewport: dict[str, int]
) -> None:
    citizen = new_citizen(api, name="Marta Quintero Ibarra", letters="QUIM")
    account = own_property(api, citizen)
    efirma = issue(api, citizen.username, tmp_path)
    page = open_page(contexts(viewport=viewport, token=citizen.token), f"/tramites/{PERMIT}/solicitar")

    # The applicant's name comes from the population registry: read-only, saying so.
    applicant = page.locator("[data-field=solicitante]")
    expect(applicant.get_by_label("Nombre del solicitante")).to_have_attribute("readonly", "")
    expect(applicant.locator("[data-registry-note=pending]")).to_contain_text(
        f"Lo llenaremos con sus datos del {POPULATION} al guardar."
    )
    page.get_by_label("Ubicación del predio").fill(CONSTRUCTION_FORM["ubicacion"])
    page.get_by_label("Cuenta predial").fill(account)
    page.get_by_label("Uso de la obra").select_option(CONSTRUCTION_FORM["uso"])
    page.get_by_label("Superficie de construcción (m²)").fill(str(CONSTRUCTION_FORM["superficie_m2"]))
    page.get_by_label("Número de niveles").fill(str(CONSTRUCTION_FORM["niveles"]))
    page.get_by_label("Registro del Director Responsable de Obra").fill(CONSTRUCTION_FORM["director_responsable"])
    page.get_by_role("button", name="Guardar y continuar").click()

    # Documents: the ID and the title deed are not asked for; the plans are.
    expect(page.get_by_role("heading", level=1)).to_have_text("Documentos y envío")
    folio = page.locator("strong.mono").first.inner_text()
    expect(page.locator("[data-requirement=identificacion]")).to_contain_text(f"Lo obtendremos del {POPULATION}.")
    expect(page.locator("[data-requirement=escritura]")).to_contain_text(f"Lo obtendremos del {CADASTRE}.")
    expect(page.locator("[data-requirement=escritura] input[type=file]")).to_have_count(0)
    plans = page.locator("[data-requirement=planos]")
    plans.locator("input[type=file]").set_input_files(pdf("planos.pdf"))
    expect(plans.locator(".upload-status")).to_contain_text("Cargado")
    fits(page)
    page.get_by_role("button", name="Continuar para firmar").click()
    choose_files(page, "filing-efirma", efirma)
    page.get_by_role("button", name="Firmar y enviar solicitud").click()

    # The registries answered: the page shows exactly what will be taken, and from where.
    expect(page.locator(".application-status [data-status]")).to_have_text("Revise sus datos", timeout=30_000)
    taken = citizen.get(f"/applications/{folio}").json()
    review = page.locator("[data-feature=evidence-review]")
    expect(review.get_by_role("heading", level=2)).to_have_text("Revise los datos que tomaremos")
    deed = review.locator("[data-evidence=escritura]")
    expect(deed.locator(".evidence-source")).to_contain_text(f"Del {CADASTRE}, consultado el")
    expect(deed.locator("[data-value=owner_name]")).to_have_text(taken["data"]["solicitante"])
    expect(deed.locator("[data-value=area_m2]")).to_have_text("350 m²")
    expect(deed.locator("[data-value=land_use]")).to_have_text("habitacional")
    expect(deed).to_contain_text("Uso de suelo")
    identity = review.locator("[data-evidence=identificacion]")
    expect(identity.locator(".evidence-source")).to_contain_text(f"Del {POPULATION}, consultado el")
    expect(identity.locator("[data-value=full_name]")).to_have_text(taken["data"]["solicitante"])
    # Confirming without choosing is stopped at the requirement.
    review.get_by_role("button", name="Confirmar").click()
    expect(page.locator("#evidence-escritura-error")).to_have_text(
        "Error: Elija si usamos estos datos o si sube el documento."
    )
    fits(page)
    # Choosing the upload shows the documents' upload control; going back hides it.
    deed.get_by_label("Subir el documento en su lugar").check()
    expect(deed.locator("input[type=file]")).to_have_count(1)
    expect(deed.locator("[data-requirement=escritura]")).to_be_visible()
    deed.get_by_label("Usar estos datos").check()
    expect(deed.locator("[data-requirement=escritura]")).to_be_hidden()
    identity.get_by_label("Usar estos datos").check()
    review.get_by_role("button", name="Confirmar").click()
    expect(page.locator(".notice-success").first).to_contain_text("Confirmamos su elección")
    expect(page.locator(".application-status [data-status]")).not_to_have_text("Revise sus datos")
    provenance = page.locator("[data-feature=provenance]")
    expect(provenance.locator("[data-evidence=escritura]")).to_contain_text("Aprobado por el solicitante")
    expect(provenance.locator("[data-provenance='data.solicitante']")).to_contain_text(f"Del {POPULATION}")

    # Who used my data: the pre-fill and both lookups, for this application, newest first.
    page.get_by_role("navigation", name="Menú principal").get_by_role("link", name="Mi expediente").click()
    open_data_use(page)
    lookups = page.locator(f"[data-exchange]:has(a[href='#/solicitudes/{folio}'])")
    expect(lookups).to_have_count(3)
    cadastre = lookups.filter(has=page.locator("h3", has_text=CADASTRE))
    expect(cadastre).to_contain_text(
        "Un paso automático del trámite, a nombre de Dirección de Desarrollo Urbano Municipal"
    )
    expect(cadastre).to_contain_text("Comprobar que el predio es suyo")
    expect(cadastre).to_contain_text("El registro respondió con sus datos.")
    expect(cadastre).to_contain_text(f"Licencia de construcción (obra nueva hasta 5,000 m²) · {folio}")
    population = lookups.filter(has=page.locator("h3", has_text=POPULATION))
    expect(population).to_have_count(2)
    expect(population.filter(has_text="Usted, al llenar su solicitud")).to_contain_text(
        "Llenar su solicitud con sus datos del RENAPO"
    )
    expect(population.filter(has_text="Un paso automático del trámite")).to_contain_text("Comprobar su identidad")
    fits(page)

    # Another citizen's page shows their own log, never this one.
    other = new_citizen(api, name="Raúl Ortega Nava", letters="OENR")
    theirs = open_page(contexts(viewport=viewport, token=other.token), "/mi-expediente/datos")
    expect(theirs.locator("[data-empty=data-use]")).to_be_visible()
    expect(theirs.locator(f"a[href='#/solicitudes/{folio}']")).to_have_count(0)
    assert folio not in theirs.inner_text("main")


def test_with_the_cadastre_down_the_preview_says_why_and_the_citizen_uploads_the_deed(
    contexts: Callable[..., BrowserContext], api: Api, tmp_path: Path, cadastre_down: None
) -> None:
    citizen = new_citizen(api, name="Tomás Herrera Solís", letters="HEST")
    account = own_property(api, citizen)
    folio = file_permit_over_the_api(citizen, issue(api, citizen.username, tmp_path), account)
    wait_for_status(citizen, folio, "evidence_review", timeout=60)
    api.anonymous().post("/sandbox/registries/mode", {"registry": "cadastre", "mode": "normal"})

    page = open_page(contexts(viewport=PHONE, token=citizen.token), f"/solicitudes/{folio}")
    review = page.locator("[data-feature=evidence-review]")
    deed = review.locator("[data-evidence=escritura]")
    expect(deed).to_have_attribute("data-state", "unavailable")
    expect(deed.locator("[data-reason=escritura]")).to_contain_text("El Catastro municipal no respondió; suba")
    expect(deed.get_by_label("Usar estos datos")).to_have_count(0)
    # The timeline says why too.
    expect(page.locator(".timeline [data-action='evidence.unavailable']")).to_contain_text(
        "El Catastro municipal no respondió"
    )
    review.locator("[data-evidence=identificacion]").get_by_label("Usar estos datos").check()
    review.get_by_role("button", name="Confirmar").click()
    expect(page.locator("#evidence-escritura-error")).to_have_text("Error: Falta subir este documento.")
    fits(page)
    deed.locator("input[type=file]").set_input_files(pdf("escritura.pdf"))
    expect(deed.locator(".upload-status")).to_contain_text("Cargado")
    review.get_by_role("button", name="Confirmar").click()
    expect(page.locator(".notice-success").first).to_contain_text("Confirmamos su elección")
    application = citizen.get(f"/applications/{folio}").json()
    assert application["evidence"]["escritura"]["state"] == "upload"
    assert application["evidence"]["identificacion"]["state"] == "approved"

    # The official reviewing it sees where each fact came from.
    official = api.sign_in("oficial.dumun")

    def open_review() -> list[dict[str, Any]]:
        reviews = official.get("/agencies/DUMUN/reviews").json()["reviews"]
        return [item for item in reviews if item["application_id"] == folio]

    wait_for(open_review, f"the review of {folio} in DUMUN's queue")
    desk = open_page(contexts(token=official.token), f"/oficina/solicitudes/{folio}")
    provenance = desk.locator("[data-feature=provenance]")
    expect(provenance.get_by_role("heading", level=2)).to_have_text("Procedencia de los datos")
    expect(provenance.locator("[data-evidence=escritura]")).to_contain_text(
        "El solicitante subió el documento en su lugar"
    )
    expect(provenance.locator("[data-evidence=identificacion]")).to_contain_text("Aprobado por el solicitante")
    expect(provenance.locator("[data-evidence=identificacion]")).to_contain_text(f"Del {POPULATION}, consultado el")
    expect(provenance.locator("[data-evidence=identificacion] [data-exchange]")).to_have_text(
        application["evidence"]["identificacion"]["exchange_id"]
    )
    expect(provenance.locator("[data-provenance='data.solicitante']")).to_contain_text(f"Del {POPULATION}")
    expect(desk.locator("[data-requirement=escritura]")).to_contain_text("escritura.pdf")
    # ... and may ask the population registry again, in her own name: it still says the same.
    identity = provenance.locator("[data-evidence=identificacion]")
    identity.get_by_role("button", name="Comprobar en la fuente").click()
    expect(identity.locator("[data-checked=identificacion]")).to_contain_text("dice lo mismo que se usó")
    asked = [
        entry for entry in citizen.get("/me/data-use").json()["exchanges"] if entry["requester"]["kind"] == "official"
    ]
    assert [(entry["requester"]["username"], entry["application_id"]) for entry in asked] == [("oficial.dumun", folio)]
    fits(desk)
