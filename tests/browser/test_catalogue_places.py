"""The catalogue narrowed to a place, on a phone and a desk, in Spanish and English: a
state's procedures are the federal ones and that state's own (as ``GET /procedures?state=``
answers), each card says who answers for it, and the place survives a reload."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import BrowserContext, expect

from tests.browser.chromium import DESKTOP, PHONE
from tests.browser.scenario import Scene
from tests.browser.support import assert_clean, axe_violations, open_page

pytestmark = pytest.mark.browser

WORDS = {
    "es": {
        "state": "Estado",
        "municipality": "Municipio",
        "permit": "Responsable: Municipio de Oaxaca de Juárez (municipal)",
        "licence": "Responsable: Gobierno de la Ciudad de México (estatal)",
        "federal": "Responsable: Gobierno de México (federal)",
        "homoclave": "Homoclave: DUMUN-01-001",
        "municipality_option": "Municipio de Oaxaca de Juárez",
    },
    "en": {
        "state": "State",
        "municipality": "Municipality",
        "permit": "Responsible: Municipality of Oaxaca de Juárez (municipal)",
        "licence": "Responsible: Government of Mexico City (state)",
        "federal": "Responsible: Government of Mexico (federal)",
        "homoclave": "Registry key (homoclave): DUMUN-01-001",
        "municipality_option": "Municipality of Oaxaca de Juárez",
    },
}


@pytest.mark.parametrize("language", ["es", "en"])
@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["360px", "1280px"])
def test_the_catalogue_filtered_by_a_state_shows_its_procedures_and_who_answers(
    contexts: Callable[..., BrowserContext], scene: Scene, viewport: dict[str, int], language: str
) -> None:
    words = WORDS[language]
    page = open_page(contexts(viewport=viewport, lang=language), "/")
    cards = page.locator("ul.cards > li.card")
    expect(cards.first).to_be_visible()
    expect(page.locator("li[data-procedure='licencia-conducir'] .card-jurisdiction")).to_have_text(words["licence"])
    expect(page.locator("#catalogue-municipality")).to_be_disabled()

    page.get_by_label(words["state"], exact=True).select_option("20")
    oaxaca = {item["code"] for item in scene.api.anonymous().get("/procedures?state=20").json()["procedures"]}
    assert "licencia-construccion" in oaxaca and "licencia-conducir" not in oaxaca
    expect(cards).to_have_count(len(oaxaca))
    assert {cards.nth(index).get_attribute("data-procedure") for index in range(len(oaxaca))} == oaxaca
    permit = page.locator("li[data-procedure='licencia-construccion']")
    expect(permit.locator(".card-jurisdiction")).to_have_text(words["permit"])
    expect(permit.locator(".card-meta")).to_contain_text(words["homoclave"])
    expect(page.locator("li[data-procedure='aviso-funcionamiento'] .card-jurisdiction")).to_have_text(words["federal"])
    assert "estado=20" in page.url

    # the municipality: the federal procedures, the state's and its own
    municipality = page.get_by_label(words["municipality"], exact=True)
    expect(municipality).to_be_enabled()
    municipality.select_option(label=words["municipality_option"])
    expect(page.locator("li[data-procedure='licencia-construccion']")).to_be_visible()
    assert "municipio=20067" in page.url
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"scrolls sideways by {overflow}px"
    serious = [violation for violation in axe_violations(page) if violation["impact"] in ("serious", "critical")]
    assert not serious, serious
    assert_clean(page)

    # the place is in the address: a reload (or a shared link) keeps it
    page.goto("/#/?estado=09")
    expect(page.locator("li[data-procedure='licencia-conducir']")).to_be_visible()
    expect(page.locator("li[data-procedure='licencia-construccion']")).to_have_count(0)
    expect(page.get_by_label(words["state"], exact=True)).to_have_value("09")
