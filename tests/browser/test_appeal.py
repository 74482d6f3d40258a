"""The holder files an appeal (recurso de revisión) against a rejection from the
application page, on a phone and on a desktop, in Spanish and in English."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import BrowserContext, expect

from tests.browser.chromium import DESKTOP, PHONE
from tests.browser.scenario import decide, in_review, new_citizen
from tests.browser.support import assert_clean, axe_violations, open_page
from tests.support.client import Api, wait_for_status

pytestmark = pytest.mark.browser

WORDS = {
    "es": {
        "arguments": "¿Por qué debe revocarse el rechazo?",
        "submit": "Presentar el recurso",
        "required": "Explique por qué debe revocarse el rechazo",
        "filed": "Presentó su recurso el",
        "event": "Recurso de revisión presentado",
        "title": "Recurso de revisión",
    },
    "en": {
        "arguments": "Why should the rejection be revoked?",
        "submit": "File the appeal",
        "required": "Say why the rejection should be revoked",
        "filed": "You appealed on",
        "event": "Appeal filed",
        "title": "Appeal (recurso de revisión)",
    },
}


@pytest.mark.parametrize("lang", ["es", "en"])
@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["360px", "1280px"])
def test_the_holder_files_an_appeal_from_the_application_page(
    contexts: Callable[..., BrowserContext], api: Api, viewport: dict[str, int], lang: str
) -> None:
    words = WORDS[lang]
    citizen = new_citizen(api, name="Jorge Iván Ruiz Calderón", letters="RUCJ")
    case = in_review(citizen)
    decide(api.sign_in("oficial.semovi"), case.application_id, "reject", "El examen práctico no fue aprobado.")
    wait_for_status(citizen, case.application_id, "rejected")

    page = open_page(contexts(viewport=viewport, token=citizen.token, lang=lang), f"/solicitudes/{case.application_id}")
    panel = page.locator("[data-feature=appeal]")
    expect(panel.get_by_role("heading", level=2)).to_have_text(words["title"])
    panel.get_by_role("button", name=words["submit"]).click()
    expect(panel.locator("#appeal-arguments-error")).to_contain_text(words["required"])
    expect(panel.get_by_label(words["arguments"])).to_have_attribute("aria-invalid", "true")
    assert axe_violations(page) == []

    panel.get_by_label(words["arguments"]).fill("Aprobé el examen práctico; el resultado quedó mal capturado.")
    panel.locator("input[name=appeal-document]").first.check()
    panel.get_by_role("button", name=words["submit"]).click()
    expect(panel).to_contain_text(words["filed"])
    expect(panel.locator("form")).to_have_count(0)
    expect(page.locator(".timeline li[data-action='appeal.filed']")).to_contain_text(words["event"])
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= viewport["width"], f"the page scrolls sideways at {viewport['width']} px ({width} px)"
    assert_clean(page)
