"""The privacy notice and the ARCO rights in the browser: a new citizen accepts the notice
at sign-up; one who has not accepted the current version is asked before their pages, and
again when the API refuses their draft for it; a citizen downloads their data and asks to
correct their name; the data-protection officer decides it from the queue and the citizen
sees the outcome; and the new pages pass axe."""

from __future__ import annotations

import json
import random
import secrets
from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from tests.browser.chromium import DESKTOP, PHONE
from tests.browser.scenario import draft, new_citizen, new_curp
from tests.browser.support import SERIOUS, assert_clean, axe_violations, open_page
from tests.support.client import Api, User

pytestmark = pytest.mark.browser


def new_officer(api: Api) -> User:
    """A data-protection officer of their own (the Cognito group the API reads)."""
    phone = f"+5255{random.randrange(10**7, 10**8)}"
    return api.sign_up(
        f"privacidad.{secrets.token_hex(3)}", phone, name="Oficial de privacidad", groups=("privacy-officer",)
    )


def notice_version(api: Api) -> int:
    answer = api.anonymous().get("/privacy-notice")
    assert answer.status_code == 200, answer.text
    return int(answer.json()["version"])


def accepted_version(citizen: User) -> object:
    return citizen.get("/me").json()["profile"]["privacy_notice"]["accepted"]


def test_sign_up_asks_to_accept_the_privacy_notice(contexts: Callable[..., BrowserContext], api: Api) -> None:
    version = notice_version(api)
    page = open_page(contexts(), "/registro")
    curp = new_curp("NAPR", born="910212", sex="M", state="PL")
    page.get_by_label("CURP", exact=True).fill(curp)
    page.get_by_label("Nombre completo").fill("Paola Ramírez Nava")
    page.get_by_label("Número de celular").fill(f"22 {random.randrange(1000, 9999)} {random.randrange(1000, 9999)}")
    page.get_by_label("Cree una contraseña").fill("Puebla-Privacidad-2026")
    page.get_by_label("Escriba de nuevo la contraseña").fill("Puebla-Privacidad-2026")
    consent = page.get_by_label(f"He leído y acepto el aviso de privacidad (versión {version})")
    expect(page.get_by_role("link", name="Leer el aviso de privacidad (se abre en otra pestaña)")).to_have_attribute(
        "href", "#/privacidad"
    )

    page.get_by_role("button", name="Crear cuenta").click()
    expect(page.locator("#privacy-accept-error")).to_have_text(
        "Para crear su cuenta, lea y acepte el aviso de privacidad."
    )
    expect(consent).to_be_focused()
    expect(consent).to_have_attribute("aria-invalid", "true")
    consent.check()
    page.get_by_role("button", name="Crear cuenta").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Confirme su celular")
    page.get_by_label("Código de confirmación").fill("123456")
    page.get_by_role("button", name="Confirmar").click()
    # accepted in the form: no second question, straight to the record
    expect(page.get_by_role("heading", level=1)).to_have_text("Mi expediente")
    expect(page.locator("section[aria-labelledby=my-data-heading]")).to_be_visible()
    assert accepted_version(api.sign_in(curp, "Puebla-Privacidad-2026")) == version
    assert_clean(page)


def test_a_citizen_who_has_not_accepted_is_asked_first(contexts: Callable[..., BrowserContext], api: Api) -> None:
    version = notice_version(api)
    citizen = new_citizen(api, name="Ramón Ortiz Gil", letters="OIGR", accept=False)
    page = open_page(contexts(token=citizen.token), "/mi-expediente")
    expect(page.get_by_role("heading", level=1)).to_have_text("Aviso de privacidad")
    gate = page.locator("[data-feature=privacy-gate]")
    expect(gate).to_contain_text(f"Versión {version}")
    expect(gate.get_by_role("heading", level=3).first).to_be_visible()
    # every citizen page waits for it, not only the record
    page.goto("/#/tramites/licencia-conducir/solicitar")
    expect(page.get_by_role("heading", level=1)).to_have_text("Aviso de privacidad")
    page.get_by_role("button", name=f"Acepto el aviso de privacidad (versión {version})").click()
    expect(page.get_by_role("heading", level=1)).not_to_have_text("Aviso de privacidad")
    page.goto("/#/mi-expediente")
    expect(page.get_by_role("heading", level=1)).to_have_text("Mi expediente")
    assert accepted_version(citizen) == version
    # the notice's own page says which version was accepted
    page.goto("/#/privacidad")
    expect(page.locator(".notice-success")).to_contain_text(f"Usted aceptó esta versión ({version})")
    assert_clean(page)


def test_a_draft_refused_for_the_notice_asks_for_it_and_keeps_the_answers(
    contexts: Callable[..., BrowserContext], api: Api
) -> None:
    version = notice_version(api)
    citizen = new_citizen(api, name="Irma Soto Cano", letters="SOCI", accept=False)
    page = open_page(contexts(token=citizen.token), "/")
    # this tab checked the notice before it changed: its gate lets the form through, the API does not
    page.evaluate("async (username) => (await import('/js/privacy.js')).rememberAccepted(username)", citizen.username)
    page.evaluate("location.hash = '#/tramites/licencia-conducir/solicitar'")
    page.get_by_label("Domicilio", exact=True).fill("Calle Hidalgo 4, Centro, Puebla")
    page.get_by_role("button", name="Guardar borrador").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Aviso de privacidad")
    page.get_by_role("button", name=f"Acepto el aviso de privacidad (versión {version})").click()
    expect(page.get_by_label("Domicilio", exact=True)).to_have_value("Calle Hidalgo 4, Centro, Puebla")
    page.get_by_role("button", name="Guardar borrador").click()
    expect(page.locator(".notice-success")).to_contain_text("Guardamos su borrador con el folio")
    assert accepted_version(citizen) == version
    assert_clean(page)


def decide_in_the_queue(page: Page, request_id: str, outcome: str, reason: str) -> None:
    page.goto("/#/privacidad/solicitudes")
    expect(page.get_by_role("heading", level=1)).to_have_text("Solicitudes de derechos ARCO")
    page.get_by_role("link", name=f"Atender la solicitud {request_id}").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Solicitud de Rectificación")
    page.get_by_role("button", name="Registrar respuesta").click()
    expect(page.locator("#outcome-error")).to_have_text("Elija una respuesta.")
    page.get_by_label(outcome, exact=True).check()
    page.get_by_label("Fundamento y motivo").fill(reason)
    page.get_by_role("button", name="Registrar respuesta").click()
    expect(page.locator(".notice-success")).to_contain_text(request_id)


def test_a_citizen_downloads_their_data_and_has_their_name_corrected(
    contexts: Callable[..., BrowserContext], api: Api, tmp_path: Path
) -> None:
    citizen = new_citizen(api, name="Graciela Ruiz Mendes", letters="RUMG")
    draft(citizen, {"domicilio": "Calle Reforma 12, Centro, Puebla"})
    page = open_page(contexts(token=citizen.token), "/mi-expediente")
    mine = page.locator("section[aria-labelledby=my-data-heading]")
    expect(mine).to_contain_text("Aún no ha presentado solicitudes.")

    with page.expect_download() as downloading:
        mine.get_by_role("button", name="Descargar mis datos (JSON)").click()
    saved = tmp_path / "mis-datos.json"
    downloading.value.save_as(saved)
    exported = json.loads(saved.read_text("utf-8"))
    assert citizen.username in json.dumps(exported, ensure_ascii=False)
    assert "Graciela Ruiz Mendes" in json.dumps(exported, ensure_ascii=False)

    mine.get_by_role("link", name="Presentar una solicitud").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Solicitud de derechos ARCO")
    page.get_by_role("button", name="Presentar solicitud").click()
    expect(page.locator("#kind-error")).to_have_text("Elija qué quiere hacer.")
    page.get_by_label("Rectificación").check()
    page.get_by_role("button", name="Presentar solicitud").click()
    expect(page.locator("#target-error")).to_have_text("Elija el dato que quiere corregir.")
    page.get_by_label("Dato a corregir").select_option("profile.name")
    page.get_by_label("Dato correcto").fill("Graciela Ruiz Méndez")
    page.get_by_label("Motivo").fill("Mi segundo apellido lleva acento y termina en z.")
    page.get_by_role("button", name="Presentar solicitud").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Solicitud de Rectificación")
    expect(page.locator(".notice-success")).to_contain_text("Recibimos su solicitud")
    details = page.locator("section[aria-labelledby=request-heading]")
    expect(details.locator("[data-status]").first).to_have_attribute("data-status", "received")
    expect(details).to_contain_text("Fecha límite de respuesta")
    request_id = details.get_attribute("data-request")
    assert request_id
    expect(page.locator("section[aria-labelledby=trail-heading] li").first).to_be_visible()
    assert_clean(page)

    officer = open_page(contexts(token=new_officer(api).token), "/privacidad/solicitudes")
    expect(officer.get_by_role("navigation", name="Menú principal")).to_contain_text("Solicitudes ARCO")
    decide_in_the_queue(officer, request_id, "Procedente", "Se verificó el acta de nacimiento: el apellido es Méndez.")
    expect(officer.locator("section[aria-labelledby=request-heading] [data-status]").first).to_have_attribute(
        "data-status", "granted"
    )
    assert_clean(officer)

    page.goto("/#/mi-expediente")
    expect(page.locator("section[aria-labelledby=profile-heading]")).to_contain_text("Graciela Ruiz Méndez")
    expect(page.locator(f"[data-request='{request_id}']")).to_have_attribute("data-status", "granted")
    page.get_by_role("link", name=f"Ver seguimiento de la solicitud {request_id}").click()
    expect(details.locator("[data-status]").first).to_have_attribute("data-status", "granted")
    expect(details).to_contain_text("Procedente")
    expect(details).to_contain_text("Se verificó el acta de nacimiento")
    expect(page.locator("section[aria-labelledby=trail-heading]")).to_contain_text("Respuesta: procedente")
    assert_clean(page)


def test_a_citizen_has_their_drafts_erased_and_is_told_what_the_law_keeps(
    contexts: Callable[..., BrowserContext], api: Api
) -> None:
    citizen = new_citizen(api, name="Noemí Pardo Ríos", letters="PARN")
    draft_id = draft(citizen, {"domicilio": "Calle Juárez 3, Centro, Tlaxcala"}).application_id
    page = open_page(contexts(token=citizen.token), "/mi-expediente/mis-datos/solicitar")
    page.get_by_label("Cancelación").check()
    page.get_by_role("button", name="Presentar solicitud").click()
    expect(page.locator("#scope-error")).to_have_text("Elija al menos una opción.")
    page.get_by_label("Mis borradores de solicitud sin presentar, con sus archivos").check()
    page.get_by_label("Mis pagos (la ley obliga a conservarlos)").check()
    page.get_by_label("Motivo").fill("Ya no haré ese trámite.")
    page.get_by_role("button", name="Presentar solicitud").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Solicitud de Cancelación")
    details = page.locator("section[aria-labelledby=request-heading]")
    expect(details).to_contain_text("Mis borradores de solicitud sin presentar, con sus archivos, Mis pagos")
    request_id = details.get_attribute("data-request")

    decided = new_officer(api).post(
        f"/privacy-requests/{request_id}/decision",
        {"outcome": "partially_granted", "reason": "Se borran los borradores; los pagos se conservan cinco años."},
    )
    assert decided.status_code == 200, decided.text
    page.goto("/#/mi-expediente")
    # the draft stays in the list, closed, without what it held
    row = page.locator(f"tr[data-application='{draft_id}']")
    expect(row).to_have_attribute("data-status", "withdrawn")
    expect(row).to_contain_text("Cerrada")
    expect(page.locator(f"[data-request='{request_id}']")).to_have_attribute("data-status", "partially_granted")
    page.get_by_role("link", name=f"Ver seguimiento de la solicitud {request_id}").click()
    expect(details.locator("[data-effects]")).to_contain_text(
        "Se borró: Mis borradores de solicitud sin presentar, con sus archivos (1)."
    )
    expect(details.locator("[data-effects]")).to_contain_text("Se conserva, como obliga la ley: Mis pagos")
    assert_clean(page)

    # Opened, the closed draft says why: the request that erased it.
    page.goto(f"/#/solicitudes/{draft_id}")
    main = page.locator("main")
    expect(main).to_contain_text("Este trámite se cerró sin resolución.")
    expect(main.locator(".notice .event-reason")).to_have_text(
        f"Solicitud de cancelación {request_id}: sus datos y documentos se eliminaron."
    )
    expect(main).to_contain_text("Borrador cancelado a su solicitud: sus datos y documentos se eliminaron")
    expect(main).not_to_contain_text("Calle Juárez")
    assert_clean(page)


def test_the_officer_refers_a_correction_to_the_registry_and_records_its_answer(
    contexts: Callable[..., BrowserContext], api: Api
) -> None:
    citizen = new_citizen(api, name="Julio Cesar Ortega", letters="OEJC")
    filed = citizen.post(
        "/me/privacy-requests",
        {
            "kind": "rectification",
            "target": "profile.name",
            "correction": "Julio César Ortega",
            "reason": "Así aparece en mi acta de nacimiento.",
        },
    )
    assert filed.status_code == 201, filed.text
    request_id = filed.json()["id"]
    page = open_page(contexts(token=new_officer(api).token), f"/privacidad/solicitudes/{request_id}")
    page.get_by_label("Turnar al registro del que viene el dato").check()
    page.get_by_label("Fundamento y motivo").fill("El nombre lo certifica RENAPO: se le turna la corrección.")
    page.get_by_role("button", name="Registrar respuesta").click()
    expect(page.locator("#registry-error")).to_have_text("Elija el registro.")
    page.get_by_label("Registro al que se turna").select_option("population")
    page.get_by_role("button", name="Registrar respuesta").click()
    details = page.locator("section[aria-labelledby=request-heading]")
    expect(details.locator("[data-status]").first).to_have_attribute("data-status", "referred")
    expect(details).to_contain_text("Registro Nacional de Población (RENAPO)")

    answer = page.locator("[data-feature=privacy-registry-answer]")
    answer.get_by_label("El registro corrigió el dato").check()
    answer.get_by_label("Lo que dijo el registro").fill("Oficio RENAPO/123/2026: nombre corregido.")
    answer.get_by_role("button", name="Registrar respuesta del registro").click()
    expect(page.locator(".notice-success")).to_contain_text(request_id)
    expect(page.locator("[data-feature=privacy-registry-answer]")).to_have_count(0)
    assert_clean(page)

    mine = open_page(contexts(token=citizen.token), f"/privacidad/solicitudes/{request_id}")
    facts = mine.locator("section[aria-labelledby=request-heading]")
    expect(facts).to_contain_text("El registro corrigió el dato: Oficio RENAPO/123/2026")
    expect(mine.locator("section[aria-labelledby=trail-heading]")).to_contain_text("Turnada al registro")
    expect(mine.locator("section[aria-labelledby=trail-heading]")).to_contain_text("El registro respondió")
    assert_clean(mine)


def axe_problems(page: Page, width: int) -> list[str]:
    problems = [
        f"{page.url} @{width}px: {violation['id']} ({violation['impact']}) {violation['help']}: {violation['nodes']}"
        for violation in axe_violations(page)
        if violation["impact"] in SERIOUS
    ]
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    if overflow > 0:
        problems.append(f"{page.url} @{width}px scrolls sideways by {overflow}px")
    assert_clean(page)
    return problems


def visit(page: Page, path: str) -> None:
    page.goto(f"/#{path}")
    page.wait_for_selector("body[data-ready='true'] main:not([aria-busy='true']) h1")
    page.wait_for_load_state("networkidle")


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["360px", "1280px"])
def test_privacy_pages_have_no_serious_accessibility_violations(
    contexts: Callable[..., BrowserContext], api: Api, viewport: dict[str, int]
) -> None:
    width = viewport["width"]
    citizen = new_citizen(api, name="Irene Campos Lara", letters="CALI")
    filed = citizen.post(
        "/me/privacy-requests",
        {"kind": "opposition", "processing": "progress_sms", "reason": "No quiero SMS opcionales."},
    )
    assert filed.status_code == 201, filed.text
    request_id = filed.json()["id"]
    problems: list[str] = []

    public = contexts(viewport=viewport).new_page()
    for path in ("/privacidad", "/registro"):
        visit(public, path)
        problems += axe_problems(public, width)

    page = contexts(viewport=viewport, token=citizen.token).new_page()
    for path in ("/mi-expediente", "/mi-expediente/mis-datos/solicitar", f"/privacidad/solicitudes/{request_id}"):
        visit(page, path)
        problems += axe_problems(page, width)
    # the request form in its error state
    visit(page, "/mi-expediente/mis-datos/solicitar")
    page.get_by_label("Cancelación").check()
    page.get_by_role("button", name="Presentar solicitud").click()
    expect(page.locator("#scope-error")).to_be_visible()
    problems += axe_problems(page, width)

    asked = contexts(
        viewport=viewport, token=new_citizen(api, name="Hugo Salas Pardo", letters="SAPH", accept=False).token
    )
    gate = asked.new_page()
    visit(gate, "/mi-expediente")
    expect(gate.locator("[data-feature=privacy-gate]")).to_be_visible()
    problems += axe_problems(gate, width)

    officer = contexts(viewport=viewport, token=new_officer(api).token).new_page()
    for path in (
        "/privacidad/solicitudes",
        "/privacidad/solicitudes?estado=received",
        f"/privacidad/solicitudes/{request_id}",
    ):
        visit(officer, path)
        problems += axe_problems(officer, width)
    officer.get_by_role("button", name="Registrar respuesta").click()
    expect(officer.locator("#outcome-error")).to_be_visible()
    problems += axe_problems(officer, width)
    assert not problems, "\n".join(problems)
