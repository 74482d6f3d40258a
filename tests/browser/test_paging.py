"""A long record comes a page at a time: "Ver más" adds the next page to the table, and
goes once everything is shown."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import BrowserContext, expect

from tests.browser.chromium import PHONE
from tests.browser.scenario import new_citizen
from tests.browser.support import assert_clean, open_page
from tests.support.client import Api

pytestmark = pytest.mark.browser

DRAFTS = 52  # more than the first page holds (50 items, the profile among them)


def test_the_record_shows_more_applications_on_request(contexts: Callable[..., BrowserContext], api: Api) -> None:
    citizen = new_citizen(api, name="Tomás Paginado Ruiz", letters="PART")
    made = []
    for _ in range(DRAFTS):
        created = citizen.post("/applications", {"procedure": "licencia-conducir", "data": {}})
        assert created.status_code == 201, created.text
        made.append(created.json()["id"])

    page = open_page(contexts(viewport=PHONE, token=citizen.token), "/mi-expediente")
    rows = page.locator("tr[data-application]")
    expect(rows.first).to_be_visible()
    first_page = rows.count()
    assert 0 < first_page < DRAFTS
    assert made[-1] in {rows.nth(index).get_attribute("data-application") for index in range(first_page)}

    more = page.get_by_role("button", name="Más")
    more.click()
    expect(rows).to_have_count(DRAFTS)
    expect(more).to_have_count(0)
    assert {rows.nth(index).get_attribute("data-application") for index in range(DRAFTS)} == set(made)
    focused = page.evaluate("document.activeElement.closest('tr')?.dataset.application")
    assert focused in made
    assert_clean(page)
