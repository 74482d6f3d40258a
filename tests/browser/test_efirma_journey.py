"""A construction permit signed end to end in the pages: the citizen links their e.firma
from files, files the permit signing its cadena original in the page, an official of each
agency signs their approval in the page with their own files, the citizen pays and the
verify page lists every signer; then a revoked certificate is refused at its next
signature.

Every file is issued by the stack's sandbox authority for this test and chosen in the
page's file inputs, as a person picks theirs from the device; the pages sign in the
browser, and no request carries a key or a password."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from chalicelib.efirma.keys import sign_with_files
from tests.browser.chromium import PHONE
from tests.browser.efirma_files import (
    PASSWORD,
    Efirma,
    Recorder,
    assert_no_secret_sent,
    assert_nothing_secret_left,
    choose_files,
    issue,
    verifies,
)
from tests.browser.scenario import (
    PDF,
    PERMIT_EVIDENCE,
    PERMIT_UPLOADS,
    REQUIREMENTS,
    draft,
    new_citizen,
    own_property,
    use_the_registries,
)
from tests.browser.support import SERIOUS, assert_clean, axe_violations, open_page
from tests.support.client import Api, User, wait_for, wait_for_status
from tests.support.forms import CONSTRUCTION_FORM

pytestmark = pytest.mark.browser

PERMIT = "licencia-construccion"
OFFICIALS = {
    "DUMUN": ("oficial.dumun", "Dirección de Desarrollo Urbano Municipal"),
    "PCMUN": ("oficial.pcmun", "Coordinación Municipal de Protección Civil"),
}


def pdf(name: str) -> dict[str, object]:
    return {"name": name, "mimeType": "application/pdf", "buffer": PDF + name.encode()}


def accessible(page: Page) -> None:
    problems = [violation for violation in axe_violations(page) if violation["impact"] in SERIOUS]
    assert not problems, problems
    assert_clean(page)


def sent_bodies(recorder: Recorder, path_end: str) -> list[dict[str, Any]]:
    return [
        json.loads(request.post_data or "{}")
        for request in recorder.requests
        if request.method == "POST" and urlsplit(request.url).path.endswith(path_end)
    ]


def open_review(official: User, agency: str, application_id: str) -> None:
    """Wait until the workflow has put the application in the agency's queue."""

    def waiting() -> list[dict[str, Any]]:
        reviews = official.get(f"/agencies/{agency}/reviews").json()["reviews"]
        return [review for review in reviews if review["application_id"] == application_id]

    wait_for(waiting, f"the review of {application_id} in {agency}'s queue")


def link_from_files(contexts: Callable[..., BrowserContext], citizen: User, efirma: Efirma, stack_url: str) -> None:
    """The citizen proves their record with their e.firma, from #/mi-expediente/efirma."""
    context = contexts(token=citizen.token)
    recorder = Recorder(context)
    page = open_page(context, "/mi-expediente")
    page.get_by_role("link", name="Vincular mi e.firma").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Vincular mi e.firma")
    choose_files(page, "efirma", efirma)
    page.get_by_role("button", name="Firmar y vincular").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mi expediente")
    expect(page.locator(".notice-success").first).to_contain_text(f"certificado {efirma.serial}")
    assert_nothing_secret_left(recorder, efirma.key.read_bytes(), stack_url)


def file_the_permit(page: Page, efirma: Efirma, account: str) -> str:
    """From the procedure's page to the signed filing; returns the folio."""
    expect(page.get_by_role("heading", level=1)).to_have_text("Licencia de construcción (obra nueva hasta 5,000 m²)")
    # Before starting: the procedure says it takes an e.firma, and how to get one.
    required = page.locator("section[aria-labelledby=efirma-heading]")
    expect(required.get_by_role("heading", level=2)).to_have_text("Este trámite requiere e.firma")
    expect(required).to_contain_text("en una oficina del SAT, con cita previa")
    expect(required).to_contain_text("identificación oficial vigente con fotografía")
    expect(required).to_contain_text("el certificado (.cer)")
    expect(required).to_contain_text("la clave privada (.key)")
    expect(page.locator("section[aria-labelledby=start-heading]")).to_contain_text("necesita también su e.firma")
    accessible(page)

    page.get_by_role("link", name="Iniciar trámite").click()
    expect(page.locator("[data-identity=efirma]")).to_contain_text("se envía firmado con su e.firma")
    page.get_by_label("Ubicación del predio").fill(CONSTRUCTION_FORM["ubicacion"])
    page.get_by_label("Cuenta predial").fill(account)
    page.get_by_label("Uso de la obra").select_option(CONSTRUCTION_FORM["uso"])
    page.get_by_label("Superficie de construcción (m²)").fill(str(CONSTRUCTION_FORM["superficie_m2"]))
    page.get_by_label("Número de niveles").fill(str(CONSTRUCTION_FORM["niveles"]))
    page.get_by_label("Registro del Director Responsable de Obra").fill(CONSTRUCTION_FORM["director_responsable"])
    page.get_by_role("button", name="Guardar y continuar").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Documentos y envío")
    folio = page.locator("strong.mono").first.inner_text()
    for requirement in PERMIT_UPLOADS:
        block = page.locator(f"[data-requirement={requirement}]")
        block.locator("input[type=file]").set_input_files(pdf(f"{requirement}.pdf"))
        expect(block.locator(".upload-status")).to_contain_text("Cargado")

    # The filing's cadena original, prepared by the API and shown as it will be signed.
    page.get_by_role("button", name="Continuar para firmar").click()
    signing = page.locator("section[data-signing=filing]")
    expect(signing.get_by_role("heading", level=2)).to_be_focused()
    expect(signing.locator("#filing-cadena-text")).to_contain_text(f"||1.0|ACUSE|{PERMIT}|1|{folio}|")
    accessible(page)
    choose_files(page, "filing-efirma", efirma)
    page.get_by_role("button", name="Firmar y enviar solicitud").click()
    return folio


def from_the_queue(page: Page, folio: str, agency: str) -> None:
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Bandeja de revisión · {agency}")
    page.locator(f"tr[data-application='{folio}']").get_by_role("link", name=f"Revisar {folio}").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Solicitud {folio}")
    expect(page.locator("[data-signature=efirma]")).to_have_text("Esta resolución se firma con su e.firma.")


def decide(page: Page, reason: str) -> None:
    page.get_by_label("Aprobar").check()
    page.get_by_label("Motivo", exact=True).fill(reason)
    page.get_by_role("button", name="Continuar para firmar").click()


def approve_signing(page: Page, folio: str, efirma: Efirma, agency: str) -> None:
    decide(page, f"Proyecto conforme a las normas ({agency}).")
    signing = page.locator("section[data-signing=decision]")
    expect(signing.get_by_role("heading", level=3)).to_be_focused()
    expect(signing.locator("dd").first).to_have_text("Aprobar")
    expect(signing.locator("#decision-cadena-text")).to_contain_text(f"|RESOLUCION|{PERMIT}|1|{folio}|")
    expect(signing.locator("#decision-cadena-text")).to_contain_text(f"|{agency}|approve|")
    # What is decided cannot change under the signature: the fields are read-only meanwhile.
    expect(page.get_by_label("Motivo", exact=True)).to_have_attribute("readonly", "")
    expect(page.get_by_label("Rechazar")).to_be_disabled()
    choose_files(page, "decision-efirma", efirma)
    page.get_by_role("button", name="Firmar y registrar resolución").click()
    expect(page.locator(".notice-success").first).to_contain_text(f"Registramos su resolución de la solicitud {folio}")


def signed_filing_in_review(citizen: User, efirma: Efirma, account: str) -> str:
    """Another permit, filed over the API with the citizen's e.firma (signed here, in Python)."""
    created = citizen.post(
        "/applications", {"procedure": PERMIT, "data": {**CONSTRUCTION_FORM, "cuenta_predial": account}}
    )
    assert created.status_code == 201, created.text
    application_id = created.json()["id"]
    for requirement in PERMIT_UPLOADS:
        citizen.upload(application_id, requirement, PDF + requirement.encode(), filename=f"{requirement}.pdf")
    text = citizen.get(f"/applications/{application_id}/cadena-original").json()["cadena_original"]
    signature = sign_with_files(efirma.certificate.read_bytes(), efirma.key.read_bytes(), PASSWORD, text)
    certificate = base64.b64encode(efirma.certificate.read_bytes()).decode()
    submitted = citizen.post(
        f"/applications/{application_id}/submit",
        {"efirma": {"certificate": certificate, "cadena_original": text, "signature": signature}},
    )
    assert submitted.status_code == 202, submitted.text
    use_the_registries(citizen, application_id)
    wait_for_status(citizen, application_id, "in_review")
    return application_id


def test_a_signed_construction_permit_from_filing_to_verification(
    contexts: Callable[..., BrowserContext], api: Api, stack_url: str, tmp_path: Path
) -> None:
    citizen = new_citizen(api, name="Carla Gómez Martínez", letters="GOMC")
    mine = issue(api, citizen.username, tmp_path / "citizen")
    officials = {agency: api.sign_in(username) for agency, (username, _) in OFFICIALS.items()}
    theirs = {agency: issue(api, official.username, tmp_path / agency) for agency, official in officials.items()}

    link_from_files(contexts, citizen, mine, stack_url)
    assert citizen.get("/me").json()["profile"]["efirma"]["serial"] == mine.serial

    # The citizen files the permit, signing its cadena original in the page.
    context = contexts(token=citizen.token)
    recorder = Recorder(context)
    page = open_page(context, f"/tramites/{PERMIT}")
    # Her site is in the cadastre under her CURP, so the registries can vouch for it.
    account = own_property(api, citizen)
    folio = file_the_permit(page, mine, account)
    expect(page.get_by_role("heading", level=1)).to_have_text("Licencia de construcción (obra nueva hasta 5,000 m²)")
    confirmation = page.locator(".notice-success[role=status]").first
    expect(confirmation).to_contain_text(f"Enviamos su solicitud con el folio {folio}")
    expect(confirmation.locator("[data-serial]")).to_have_text(mine.serial)
    expect(confirmation).to_contain_text("Firmada el")
    expect(confirmation).to_contain_text("Sellada por Ventanilla el")
    [filed] = sent_bodies(recorder, f"/applications/{folio}/submit")
    assert sorted(filed["efirma"]) == ["cadena_original", "certificate", "signature"]
    assert base64.b64decode(filed["efirma"]["certificate"]) == mine.certificate.read_bytes()
    assert verifies(mine, filed["efirma"]["signature"], filed["efirma"]["cadena_original"])
    application = citizen.get(f"/applications/{folio}").json()
    assert application["acuse"]["firma"]["serial"] == mine.serial
    assert application["acuse"]["cadena_original"] == filed["efirma"]["cadena_original"]
    # She approves what the registries answered, in the page.
    review = page.locator("[data-feature=evidence-review]")
    expect(review.get_by_role("heading", level=2)).to_have_text("Revise los datos que tomaremos", timeout=30_000)
    for code in PERMIT_EVIDENCE:
        review.locator(f"[data-evidence={code}]").get_by_label("Usar estos datos").check()
    review.get_by_role("button", name="Confirmar").click()
    expect(page.locator(".application-status [data-status]")).to_have_text("En revisión", timeout=30_000)
    # (the documents went to the storage's own address: only the secrets are searched here)
    assert_no_secret_sent(recorder, mine.key.read_bytes())

    # The application page shows the acuse.
    acuse = page.locator("section[aria-labelledby=acuse-heading]")
    expect(acuse.get_by_role("heading", level=2)).to_have_text("Acuse de recibo")
    expect(acuse).to_have_attribute("data-acuse", "signed")
    expect(acuse.locator("[data-serial]")).to_have_text(mine.serial)
    expect(acuse).to_contain_text("Sellada por Ventanilla el")
    acuse.get_by_text("Cadena original").click()
    expect(acuse.locator(".cadena")).to_have_text(application["acuse"]["cadena_original"])

    # Each agency's official signs their approval in the page, with their own files.
    for agency, official in officials.items():
        open_review(official, agency, folio)
        desk_context = contexts(token=official.token)
        desk_recorder = Recorder(desk_context)
        desk = open_page(desk_context, "/oficina")
        from_the_queue(desk, folio, agency)
        if agency == "DUMUN":
            decide(desk, "Primera lectura.")
            expect(desk.locator("section[data-signing=decision]")).to_be_visible()
            accessible(desk)
            # Changing one's mind opens the fields again; the text to sign is prepared anew.
            desk.get_by_role("button", name="Cambiar la resolución").click()
            expect(desk.locator("section[data-signing=decision]")).to_be_hidden()
            expect(desk.get_by_label("Motivo", exact=True)).not_to_have_attribute("readonly", "")
            expect(desk.get_by_label("Rechazar")).to_be_enabled()
        approve_signing(desk, folio, theirs[agency], agency)
        [decided] = sent_bodies(desk_recorder, "/decision")
        assert decided["decision"] == "approve" and sorted(decided["efirma"]) == [
            "cadena_original",
            "certificate",
            "signature",
        ]
        assert verifies(theirs[agency], decided["efirma"]["signature"], decided["efirma"]["cadena_original"])
        assert_nothing_secret_left(desk_recorder, theirs[agency].key.read_bytes(), stack_url)

    # The citizen pays through the sandbox bank and gets the permit.
    page.reload()
    expect(page.locator(".application-status [data-status]")).to_have_text("Pago pendiente", timeout=30_000)
    page.get_by_role("link", name="Obtener línea de captura").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Pago de derechos")
    page.get_by_role("button", name="Pagar en el banco de pruebas").click()
    expect(page.get_by_text("Pago recibido y documento emitido.")).to_be_visible(timeout=60_000)
    page.get_by_role("link", name="Ver e imprimir mi documento").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Licencia de construcción")
    verify_url = page.locator("article.credential figcaption .mono").inner_text()

    # Anyone who scans its QR code sees every signer, and that each signature holds.
    phone = contexts(viewport=PHONE).new_page()
    phone.goto(verify_url)
    expect(phone.locator(".verdict")).to_have_attribute("data-valid", "true")
    signatures = phone.locator("section[aria-labelledby=verify-signatures-heading]")
    expect(signatures.get_by_role("heading", level=2)).to_have_text("Firmas electrónicas")
    holder = signatures.locator("tr[data-signer=holder]")
    expect(holder).to_have_count(1)
    expect(holder).to_have_attribute("data-valid", "true")
    expect(holder).to_contain_text("Solicitante")
    expect(holder).to_contain_text(mine.serial)
    expect(holder).to_contain_text("Válida")
    expect(holder).not_to_contain_text("Carla")
    expect(holder).not_to_contain_text(citizen.username)
    # The name each resolution recorded: the official's `name` claim (the local stack's
    # Cognito puts no attribute in its tokens, so there it is the username), with the position.
    recorded = {
        item["agency"]: item["official"] for item in citizen.get(f"/applications/{folio}").json()["resolutions"]
    }
    for agency, (_, agency_name) in OFFICIALS.items():
        row = signatures.locator(f"tr[data-signer=official][data-agency={agency}]")
        expect(row).to_have_attribute("data-valid", "true")
        expect(row.locator("[data-name]")).to_have_text(recorded[agency]["name"])
        expect(row).to_contain_text(recorded[agency]["position"]["es"])
        expect(row).to_contain_text(agency_name)
        expect(row).to_contain_text(theirs[agency].serial)
        expect(row).to_contain_text("Válida")
    expect(signatures.locator("tr[data-signer=platform]")).to_have_count(3)
    expect(signatures.locator("tr[data-valid=false]")).to_have_count(0)
    accessible(phone)
    phone.get_by_role("button", name="English", exact=True).click()
    expect(signatures.get_by_role("heading", level=2)).to_have_text("Electronic signatures")
    expect(holder).to_contain_text("Applicant")
    expect(signatures.locator("tr[data-signer=official][data-agency=PCMUN]")).to_contain_text(
        "Municipal Civil Protection Office"
    )
    assert_clean(phone)

    # DUMUN's official's certificate is revoked: their next signature is refused in the page.
    revoked = api.anonymous().post("/sandbox/efirma/revoke", {"serial": theirs["DUMUN"].serial})
    assert revoked.status_code == 200, revoked.text
    second = signed_filing_in_review(citizen, mine, account)
    open_review(officials["DUMUN"], "DUMUN", second)
    desk = open_page(contexts(token=officials["DUMUN"].token), f"/oficina/solicitudes/{second}")
    decide(desk, "Proyecto conforme a las normas.")
    choose_files(desk, "decision-efirma", theirs["DUMUN"])
    desk.get_by_role("button", name="Firmar y registrar resolución").click()
    expect(desk.locator("#decision-efirma-cer-error")).to_have_text(
        "Error: Ese certificado fue revocado. Tramite una e.firma nueva en el SAT."
    )
    expect(desk.locator("#decision-efirma-cer")).to_have_attribute("aria-invalid", "true")
    expect(desk.get_by_role("heading", level=1)).to_have_text(f"Solicitud {second}")
    assert_clean(desk)
    still = officials["DUMUN"].get("/agencies/DUMUN/reviews").json()["reviews"]
    assert [review for review in still if review["application_id"] == second], "the refused decision was recorded"


def test_a_procedure_that_does_not_require_it_may_be_signed_by_choice(
    contexts: Callable[..., BrowserContext], api: Api, stack_url: str, tmp_path: Path
) -> None:
    citizen = new_citizen(api, name="Rosa Elena Vázquez Luna", letters="VALR")
    mine = issue(api, citizen.username, tmp_path / "mine")
    someone_else = issue(api, "HERJ751120HOCRMN07", tmp_path / "theirs")
    case = draft(citizen)
    for requirement in REQUIREMENTS:
        citizen.upload(case.application_id, requirement, PDF + requirement.encode(), filename=f"{requirement}.pdf")
    context = contexts(token=citizen.token)
    recorder = Recorder(context)
    page = open_page(context, f"/solicitudes/{case.application_id}/documentos")
    expect(page.get_by_role("button", name="Enviar solicitud")).to_be_visible()
    page.get_by_label("Firmar mi solicitud con mi e.firma (opcional)").check()
    page.get_by_role("button", name="Continuar para firmar").click()
    expect(page.locator("#filing-cadena-text")).to_contain_text(f"|ACUSE|licencia-conducir|1|{case.application_id}|")

    # Another person's e.firma is refused by the API, on the certificate field.
    choose_files(page, "filing-efirma", someone_else)
    page.get_by_role("button", name="Firmar y enviar solicitud").click()
    expect(page.locator("#filing-efirma-cer-error")).to_have_text(
        "Error: Esta e.firma lleva otra CURP, no la del titular. Use la e.firma de la persona titular."
    )
    assert citizen.get(f"/applications/{case.application_id}").json()["status"] == "draft"

    choose_files(page, "filing-efirma", mine)
    page.get_by_role("button", name="Firmar y enviar solicitud").click()
    confirmation = page.locator(".notice-success[role=status]").first
    expect(confirmation).to_contain_text(f"Enviamos su solicitud con el folio {case.application_id}")
    expect(confirmation.locator("[data-serial]")).to_have_text(mine.serial)
    assert citizen.get(f"/applications/{case.application_id}").json()["acuse"]["firma"]["serial"] == mine.serial
    assert_no_secret_sent(recorder, mine.key.read_bytes())
    assert_no_secret_sent(recorder, someone_else.key.read_bytes())
    assert_clean(page)
