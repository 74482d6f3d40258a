"""Every main page, on a 360-px phone and a 1280-px desk: no serious accessibility
violation (axe-core, vendored), no horizontal scrolling, nothing leaked or untranslated;
and the pages work from the keyboard alone."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from infra.local.demo import DEMO_PASSWORD
from tests.browser.chromium import DESKTOP, PHONE
from tests.browser.scenario import Scene
from tests.browser.support import SERIOUS, assert_clean, axe_violations, open_page

pytestmark = pytest.mark.browser


def pages(scene: Scene) -> dict[str, list[str]]:
    """The main pages by who looks at them (None: nobody signed in)."""
    return {
        "public": [
            "/",
            "/tramites/licencia-conducir",
            "/tramites/licencia-construccion",
            "/entrar",
            "/registro",
            "/entrar/personal",
            f"/verificar/{scene.document_id}",
            "/verificar",
            "/verificar/no-existe-este-folio",
            "/no-existe",
            "/estadisticas",
            "/consultas",
        ],
        "citizen": [
            "/tramites/licencia-conducir/solicitar",
            "/tramites/licencia-construccion/solicitar",
            f"/solicitudes/{scene.draft.application_id}/documentos",
            f"/solicitudes/{scene.permit.application_id}/documentos",
            f"/solicitudes/{scene.review.application_id}",
            f"/solicitudes/{scene.payment.application_id}/pago",
            f"/solicitudes/{scene.issued.application_id}",
            "/mi-expediente",
            "/mi-expediente/efirma",
            "/mi-expediente/datos",
            f"/documentos/{scene.document_id}",
            "/solicitudes/NOEXISTE00",
        ],
        "official": ["/oficina", f"/oficina/solicitudes/{scene.review.application_id}", "/oficina/efirma"],
    }


def check(page: Page, width: int) -> list[str]:
    problems = []
    for violation in axe_violations(page):
        if violation["impact"] in SERIOUS:
            problems.append(
                f"{page.url} @{width}px: {violation['id']} ({violation['impact']}) "
                f"{violation['help']}: {violation['nodes']}"
            )
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    if overflow > 0:
        problems.append(f"{page.url} @{width}px scrolls sideways by {overflow}px")
    assert_clean(page)
    return problems


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["360px", "1280px"])
def test_main_pages_have_no_serious_accessibility_violations(
    contexts: Callable[..., BrowserContext], scene: Scene, viewport: dict[str, int]
) -> None:
    tokens = {"public": None, "citizen": scene.citizen.token, "official": scene.official.token}
    problems: list[str] = []
    for who, paths in pages(scene).items():
        page = contexts(viewport=viewport, token=tokens[who]).new_page()
        for path in paths:
            page.goto(f"/#{path}")
            page.wait_for_selector("body[data-ready='true'] main:not([aria-busy='true']) h1")
            page.wait_for_load_state("networkidle")
            problems += check(page, viewport["width"])
        if who == "citizen":
            # The form in its error state: the summary, inline errors, aria-invalid fields.
            page.goto("/#/tramites/licencia-conducir/solicitar")
            page.get_by_role("button", name="Guardar y continuar").click()
            expect(page.locator(".error-summary")).to_be_visible()
            problems += check(page, viewport["width"])
            # Filing with e.firma: the cadena original shown and the signing panel, in its error state.
            page.goto(f"/#/solicitudes/{scene.permit.application_id}/documentos")
            page.get_by_role("button", name="Continuar para firmar").click()
            expect(page.locator("#filing-cadena-text")).to_contain_text("|ACUSE|licencia-construccion|")
            page.get_by_role("button", name="Firmar y enviar solicitud").click()
            expect(page.locator("#filing-efirma-cer-error")).to_be_visible()
            problems += check(page, viewport["width"])
    assert not problems, "\n".join(problems)


def test_keyboard_only_sign_in_with_visible_focus(contexts: Callable[..., BrowserContext]) -> None:
    page = open_page(contexts(), "/entrar")
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Saltar al contenido principal")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()

    page.get_by_label("CURP", exact=True).focus()
    page.keyboard.type("GOMC800101MDFMRR01")
    expect(page.locator("#curp-error")).to_contain_text("El último dígito no coincide")
    page.keyboard.press("Backspace")
    page.keyboard.type("0")
    page.keyboard.press("Tab")
    expect(page.get_by_label("Contraseña", exact=True)).to_be_focused()
    page.keyboard.type(DEMO_PASSWORD)
    page.keyboard.press("Tab")
    focused_toggle = page.get_by_role("button", name="Mostrar contraseña")
    expect(focused_toggle).to_be_focused()
    page.keyboard.press("Tab")
    submit = page.get_by_role("button", name="Entrar")
    expect(submit).to_be_focused()
    ring = page.evaluate(
        "el => { const s = getComputedStyle(el); return [s.outlineStyle, s.outlineWidth, s.boxShadow]; }",
        submit.element_handle(),
    )
    assert ring[0] != "none" and ring[1] != "0px" and ring[2] != "none", (
        f"no visible focus on the submit button: {ring}"
    )
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Mi expediente")
    expect(page.get_by_role("heading", level=1)).to_be_focused()


def test_unknown_pages_and_records_get_a_plain_answer(contexts: Callable[..., BrowserContext], scene: Scene) -> None:
    page = open_page(contexts(token=scene.citizen.token), "/solicitudes/NOEXISTE00")
    expect(page.get_by_role("heading", level=1)).to_have_text("No pudimos mostrar esta página")
    expect(page.get_by_role("alert")).to_have_text("No encontramos esa solicitud en su expediente.")
    expect(page.get_by_role("button", name="Intentar de nuevo")).to_be_visible()
    page.goto("/#/no-existe")
    expect(page.get_by_role("heading", level=1)).to_have_text("No encontramos esta página")
    page.goto("/#/verificar/no-existe-este-folio")
    expect(page.locator(".verdict")).to_have_attribute("data-valid", "false")
    expect(page.locator(".verdict")).to_contain_text("No encontramos este documento")
    assert_clean(page)


def test_a_refused_session_sends_you_to_sign_in_and_back(contexts: Callable[..., BrowserContext], scene: Scene) -> None:
    header, claims, _ = scene.citizen.token.split(".")
    page = open_page(contexts(token=f"{header}.{claims}.firma-alterada"), "/mi-expediente")
    expect(page.get_by_role("heading", level=1)).to_have_text("Entrar con su CURP")
    expect(page.locator(".notice-warning")).to_have_text("Su sesión terminó. Vuelva a entrar para continuar.")
    assert page.url.endswith("#/entrar?volver=%2Fmi-expediente")
    assert_clean(page)
