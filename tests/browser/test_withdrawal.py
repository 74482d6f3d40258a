"""Withdrawal from the application page: "Desistir del trámite" opens a confirmation,
"No" keeps the application, "Sí" withdraws it with the reason given — on a 360-px phone
and a 1280-px desk, in Spanish and in English."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import BrowserContext, expect

from tests.browser.chromium import DESKTOP, PHONE
from tests.browser.scenario import in_review, new_citizen
from tests.browser.support import fits, open_page
from tests.support.client import Api

pytestmark = pytest.mark.browser

WORDS = {
    "es": {
        "open": "Desistir del trámite",
        "keep": "No, continuar con el trámite",
        "confirm": "Sí, desistir del trámite",
        "question": "¿Seguro que quiere desistir de este trámite?",
        "reason": "Motivo",
        "status": "Cerrada",
        "done": "Desistió del trámite.",
        "event": "Desistimiento del trámite",
        "said": "Me cambio de ciudad.",
    },
    "en": {
        "open": "Withdraw the application",
        "keep": "No, keep the application",
        "confirm": "Yes, withdraw the application",
        "question": "Are you sure you want to withdraw this application?",
        "reason": "Reason",
        "status": "Closed",
        "done": "You withdrew the application.",
        "event": "Application withdrawn",
        "said": "I am moving to another city.",
    },
}


@pytest.mark.parametrize("lang", ["es", "en"])
@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["360px", "1280px"])
def test_the_citizen_withdraws_from_the_application_page_after_confirming(
    contexts: Callable[..., BrowserContext], api: Api, viewport: dict[str, int], lang: str
) -> None:
    words = WORDS[lang]
    citizen = new_citizen(api, name="Marta Inés Robles Chávez", letters="ROCM")
    case = in_review(citizen)
    page = open_page(contexts(viewport=viewport, token=citizen.token, lang=lang), f"/solicitudes/{case.application_id}")
    panel = page.locator("[data-feature=withdraw]")
    expect(panel.get_by_role("heading", name=words["open"])).to_be_visible()

    # Opening asks first; "No" keeps the application as it was.
    panel.get_by_role("button", name=words["open"]).click()
    expect(panel).to_contain_text(words["question"])
    expect(panel.get_by_label(words["reason"])).to_be_focused()
    fits(page)
    panel.get_by_role("button", name=words["keep"]).click()
    expect(panel.get_by_role("button", name=words["confirm"])).to_be_hidden()
    assert citizen.get(f"/applications/{case.application_id}").json()["status"] == "in_review"

    # Confirming withdraws it with the reason, which the page and its history show.
    panel.get_by_role("button", name=words["open"]).click()
    panel.get_by_label(words["reason"]).fill(words["said"])
    panel.get_by_role("button", name=words["confirm"]).click()
    expect(page.locator(".application-status [data-status]")).to_have_text(words["status"], timeout=20_000)
    expect(page.locator("body")).to_contain_text(words["done"])
    expect(page.locator(".notice-info .event-reason")).to_have_text(words["said"])
    expect(page.locator(".timeline li[data-action='application.withdrawn']")).to_contain_text(words["event"])
    expect(page.locator("[data-feature=withdraw]")).to_have_count(0)
    expect(page.locator("[data-feature=rating]")).to_be_visible()
    fits(page)
    assert citizen.get(f"/applications/{case.application_id}").json()["status"] == "withdrawn"
