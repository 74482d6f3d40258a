"""The catalogue page with 5,000 procedures (``make seed-scale``'s synthetic catalogue): a
search typed without accents finds names written with them, the filters narrow by place and
agency, the count is announced, and "More" adds the next page without repeating a card."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from tests.browser.chromium import DESKTOP, PHONE
from tests.browser.support import assert_clean, axe_violations, open_page
from tests.support.stack import running_stack

pytestmark = pytest.mark.browser
PROCEDURES = 5000
PAGE = 20  # web/js/pages/home.js

WORDS = {
    "es": {
        "search": "¿Qué trámite busca?",
        "state": "Estado",
        "agency": "Dependencia",
        "more": "Más trámites",
        "municipality": "Municipio",
        "whole_state": "Todo el estado",
    },
    "en": {
        "search": "Which procedure are you looking for?",
        "state": "State",
        "agency": "Agency",
        "more": "More procedures",
        "municipality": "Municipality",
        "whole_state": "The whole state",
    },
}


@pytest.fixture(scope="module")
def stack_url() -> Iterator[str]:
    """A stack of its own, seeded with the synthetic catalogue (the shared one keeps four procedures)."""
    with running_stack("60", "infra.local.scale", "--procedures", str(PROCEDURES), "--no-validate") as url:
        yield url


def shown(page: Page) -> list[str]:
    return [
        str(code)
        for code in page.locator("ul.cards > li.card").evaluate_all("cards => cards.map(c => c.dataset.procedure)")
    ]


def settled(page: Page) -> None:
    """The newest search has been drawn (the page marks each one it draws)."""
    page.wait_for_selector("[data-catalogue-ready]")
    page.wait_for_function(
        "() => !document.querySelector('#catalogue-more') || !document.querySelector('#catalogue-more').disabled"
    )


@pytest.mark.parametrize(("language", "viewport"), [("es", PHONE), ("en", DESKTOP)], ids=["es-360px", "en-1280px"])
def test_thousands_of_procedures_are_searched_filtered_and_paged(
    contexts: Callable[..., BrowserContext], language: str, viewport: dict[str, int]
) -> None:
    words = WORDS[language]
    page = open_page(contexts(viewport=viewport, lang=language), "/")
    cards = page.locator("ul.cards > li.card")
    expect(cards).to_have_count(PAGE)
    expect(page.locator("#catalogue-more")).to_be_visible()

    # typed without accents, found with them, in the language of the page
    name = "Programa interno de protección civil" if language == "es" else "Internal civil protection programme"
    page.get_by_label(words["search"]).fill("programa interno proteccion")
    expect(cards.first.locator("h2")).to_contain_text(name)
    settled(page)
    for index in range(cards.count()):
        expect(cards.nth(index).locator("h2")).to_contain_text(name)
    expect(page.locator("#announcer")).to_have_text(page.locator("#catalogue-count").inner_text())
    assert "q=programa" in page.url

    # narrowed to a state, then to one of the agencies there
    page.get_by_label(words["search"]).fill("")
    page.get_by_label(words["state"], exact=True).select_option("14")
    # the choices are the state's: its municipalities with procedures of their own, its agencies
    expect(page.get_by_label(words["municipality"], exact=True)).to_be_enabled()
    expect(page.get_by_label(words["municipality"], exact=True).locator("option")).to_contain_text(
        [words["whole_state"], "Guadalajara", "Zapopan"]
    )
    agency = page.get_by_label(words["agency"], exact=True)
    chosen = agency.locator("option").nth(1)
    label, code = chosen.inner_text(), chosen.get_attribute("value")
    agency.select_option(code)
    settled(page)
    expect(cards.first).to_be_visible()
    for index in range(cards.count()):
        expect(cards.nth(index).locator("p.muted").first).to_have_text(label)
    assert f"dependencia={code}" in page.url and "estado=14" in page.url

    # the whole state: more than a page, and "More" adds the next one
    agency.select_option("")
    settled(page)
    expect(cards).to_have_count(PAGE)
    first = shown(page)
    page.get_by_role("button", name=words["more"]).click()
    expect(cards).to_have_count(2 * PAGE)
    both = shown(page)
    assert both[:PAGE] == first and len(set(both)) == 2 * PAGE and both == sorted(both)

    serious = [violation for violation in axe_violations(page) if violation["impact"] in ("serious", "critical")]
    assert not serious, serious
    assert_clean(page)
