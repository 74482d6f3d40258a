"""A new citizen creates an account with the CURP, confirms the SMS code and lands in
their record; the CURP is checked as it is typed."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import BrowserContext, expect

from chalicelib.identity.curp import curp_check_digit
from tests.browser.scenario import new_curp
from tests.browser.support import assert_clean, open_page

pytestmark = pytest.mark.browser


def test_sign_up_with_the_curp_and_the_sms_code(contexts: Callable[..., BrowserContext]) -> None:
    page = open_page(contexts(), "/registro")
    curp = new_curp("MELJ", born="881104", sex="H", state="JC")
    wrong = curp[:17] + str((int(curp_check_digit(curp[:17])) + 1) % 10)
    field = page.get_by_label("CURP", exact=True)
    field.fill(wrong.lower())
    expect(page.locator("#curp-error")).to_have_text(
        "El último dígito no coincide: revise que haya escrito bien cada carácter."
    )
    expect(field).to_have_attribute("aria-invalid", "true")
    field.fill(curp[:10])
    expect(page.locator("#curp-status")).to_have_text("10 de 18 caracteres")
    expect(page.locator("#curp-error")).to_be_hidden()
    field.fill("MELJ881304HJCRRN05")
    expect(page.locator("#curp-error")).to_contain_text("no tiene el formato correcto")
    field.fill(curp)
    expect(page.locator("#curp-status")).to_contain_text("CURP con formato válido")

    page.get_by_label("Nombre completo").fill("José Luis Medina Juárez")
    page.get_by_label("Número de celular").fill("33 1234 9876")
    page.get_by_label("Cree una contraseña").fill("corta")
    expect(page.locator("#password-rules .rule-ok")).to_have_count(1)
    page.get_by_role("button", name="Crear cuenta").click()
    expect(page.locator("#new-password-error")).to_contain_text("al menos 10 caracteres")
    page.get_by_label("Cree una contraseña").fill("Guadalajara-2026")
    expect(page.locator("#password-rules .rule-ok")).to_have_count(4)
    page.get_by_label("Escriba de nuevo la contraseña").fill("Guadalajara-2026")
    page.get_by_label("He leído y acepto el aviso de privacidad").check()
    page.get_by_role("button", name="Crear cuenta").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Confirme su celular")
    expect(page.locator(".lead")).to_contain_text("+52 •••• 9876")
    page.get_by_label("Código de confirmación").fill("12")
    page.get_by_role("button", name="Confirmar").click()
    expect(page.locator("#code-error")).to_have_text("Escriba los 6 dígitos del código.")
    page.get_by_label("Código de confirmación").fill("123456")
    page.get_by_role("button", name="Confirmar").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Mi expediente")
    expect(page.locator(".notice-success")).to_contain_text("Su cuenta está lista")
    profile = page.locator("section[aria-labelledby=profile-heading]")
    expect(profile).to_contain_text("José Luis Medina Juárez")
    expect(profile).to_contain_text(curp)
    expect(profile).to_contain_text("+52 33 1234 9876")
    expect(page.get_by_role("navigation", name="Menú principal")).to_contain_text(curp)
    assert_clean(page)
