"""Lists longer than a page, as people see them: the application's timeline tells the
story oldest first and "Más" adds what happened next; the office's ratings panel adds
older ratings and says its figures are those of the ratings shown."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import BrowserContext, expect

from tests.browser.chromium import PHONE
from tests.browser.scenario import new_citizen
from tests.browser.support import assert_clean, open_page
from tests.support.client import Api

pytestmark = pytest.mark.browser

TRAIL_PAGE = 200  # events the page reads at once: the most a page of the API holds
CHANGES = TRAIL_PAGE + 1  # with the creation, two events more than the first read holds
RATINGS = 51  # one more than a page of ratings (50 by default)


def test_the_timeline_shows_the_story_in_order_and_more_adds_what_came_next(
    contexts: Callable[..., BrowserContext], api: Api
) -> None:
    citizen = new_citizen(api, name="Irene Historial Paz", letters="HIPI")
    created = citizen.post("/applications", {"procedure": "licencia-conducir", "data": {}})
    assert created.status_code == 201, created.text
    application_id = created.json()["id"]
    for n in range(CHANGES):
        changed = citizen.request(
            "PATCH", f"/applications/{application_id}", json={"data": {"domicilio": f"Calle Morelos {n + 1}"}}
        )
        assert changed.status_code == 200, changed.text
    # Each change is an event of the trail: the creation and every change.
    assert citizen.get(f"/applications/{application_id}/audit/verify").json()["events"] == CHANGES + 1

    page = open_page(contexts(viewport=PHONE, token=citizen.token), f"/solicitudes/{application_id}")
    events = page.locator(".timeline li")
    expect(events).to_have_count(TRAIL_PAGE)
    expect(events.first).to_have_attribute("data-action", "application.created")
    expect(page.locator("[data-trail=partial]")).to_contain_text(f"Los primeros {TRAIL_PAGE} sucesos")

    more = page.locator("section[aria-labelledby=history-heading]").get_by_role("button", name="Más")
    more.click()
    expect(events).to_have_count(CHANGES + 1)
    expect(more).to_have_count(0)
    expect(page.locator("section[aria-labelledby=history-heading] .more-status")).to_have_text("Eso es todo.")
    seqs = [int(value or 0) for value in events.evaluate_all("items => items.map(item => item.dataset.seq)")]
    assert seqs == sorted(seqs) and len(set(seqs)) == CHANGES + 1  # in order, none twice
    focused = page.evaluate("document.activeElement.closest('.timeline li')?.dataset.seq")
    assert focused == str(seqs[TRAIL_PAGE])  # the reader goes on from the first event added
    assert_clean(page)


def test_the_office_adds_older_ratings_and_says_its_figures_are_those_shown(
    contexts: Callable[..., BrowserContext], api: Api
) -> None:
    citizen = new_citizen(api, name="Rosa Calificaciones Vera", letters="CAVR")
    official = api.sign_in("oficial.semovi")
    rated = []
    for n in range(RATINGS):
        created = citizen.post("/applications", {"procedure": "licencia-conducir", "data": {}})
        assert created.status_code == 201, created.text
        application_id = created.json()["id"]
        withdrawn = citizen.post(f"/applications/{application_id}/withdraw", {})
        assert withdrawn.status_code == 200, withdrawn.text
        given = citizen.post(f"/applications/{application_id}/rating", {"score": 1 + n % 5})
        assert given.status_code == 201, given.text
        rated.append(application_id)

    office = open_page(contexts(token=official.token), "/oficina")
    panel = office.locator("[data-ratings]")
    expect(panel.locator("tbody tr")).to_have_count(50)
    # the newest first: the first page is all this citizen's, but the oldest of them
    expect(panel.locator(f"tr[data-application='{rated[0]}']")).to_have_count(0)
    expect(panel.locator(f"tr[data-application='{rated[-1]}']")).to_have_count(1)
    expect(panel.get_by_role("status").first).to_contain_text("Las 50 calificaciones más recientes que se muestran")

    panel.get_by_role("button", name="Más").click()
    expect(panel.locator(f"tr[data-application='{rated[0]}']")).to_have_count(1)
    expect(panel.locator(".more-status")).not_to_have_text("Cargando…")
    shown = panel.locator("tbody tr").evaluate_all("rows => rows.map(row => row.dataset.application)")
    assert set(rated) <= set(shown) and len(shown) == len(set(shown))  # all of them, none twice
    focused = office.evaluate("document.activeElement.closest('tr')?.dataset.application")
    assert focused == rated[0]
    assert_clean(office)
