"""The public statistics dashboard shows the numbers the open data gives, on a phone.

The scene's applications (one issued, others on their way) are the figures; the page is
compared cell by cell with ``GET /stats/procedures``: every figure's ``data-value`` is the
JSON's value, a withheld one says so, and the charts are drawn (SVG, hidden from screen
readers, the table after them carries the numbers).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import BrowserContext, expect

from tests.browser.chromium import PHONE
from tests.browser.scenario import Scene
from tests.browser.support import assert_clean, open_page

pytestmark = pytest.mark.browser


def shown(value: Any) -> str:
    return "" if value is None else str(value)


def test_the_dashboard_shows_the_same_numbers_as_the_open_data(contexts: Callable[..., BrowserContext], scene: Scene) -> None:
    page = open_page(contexts(viewport=PHONE), "/estadisticas")
    expect(page.get_by_role("heading", level=1)).to_have_text("Cómo funcionan los trámites")
    report = scene.api.anonymous().get("/stats/procedures").json()
    licence = next(item for item in report["procedures"] if item["code"] == "licencia-conducir")

    section = page.locator("section[data-procedure='licencia-conducir']")
    expect(section.get_by_role("heading", level=2)).to_have_text(licence["name"]["es"])
    for name in ("submitted", "issued", "rejected", "within_deadline_share", "resolution_days_median", "rating_average", "sms_sent"):
        cell = section.locator(f"dl [data-figure='{name}']")
        expect(cell).to_have_attribute("data-value", shown(licence["totals"][name]))
        if name in licence["totals"]["suppressed"]:
            expect(cell.locator("dd")).to_have_text("menos de 5 casos")
    # Month by month, the table after the charts holds every charted number.
    table = section.locator("table.stats-months")
    expect(table.locator("tbody tr")).to_have_count(len(report["months"]))
    for row in licence["months"]:
        line = table.locator(f"tr[data-month='{row['month']}']")
        for name in ("submitted", "issued", "rejected", "resolution_days_median", "resolution_days_p90"):
            expect(line.locator(f"[data-figure='{name}']")).to_have_attribute("data-value", shown(row[name]))
    # Chartist drew both charts as SVG, kept from screen readers (the table speaks for them).
    expect(section.locator(".stats-chart svg")).to_have_count(2)
    expect(section.locator(".stats-chart").first).to_have_attribute("aria-hidden", "true")

    # The league table: the agencies in the API's order, by within-deadline share.
    rows = page.locator("table.stats-league tbody tr")
    expect(rows).to_have_count(len(report["agencies"]))
    assert [rows.nth(index).get_attribute("data-agency") for index in range(len(report["agencies"]))] == [agency["code"] for agency in report["agencies"]]
    semovi = next(agency for agency in report["agencies"] if agency["code"] == "SEMOVI")
    line = page.locator("table.stats-league tr[data-agency='SEMOVI']")
    for name in ("within_deadline_share", "decisions", "out_of_order_share", "rating_average", "ratings"):
        expect(line.locator(f"[data-figure='{name}']")).to_have_attribute("data-value", shown(semovi["totals"][name]))

    # Downloads point at the open data routes; readable at 360 px without scrolling sideways.
    download = page.get_by_role("link", name="Descargar trámites por mes (CSV)")
    expect(download).to_have_attribute("href", re.compile(rf"/api/stats/procedures\.csv\?from={report['from']}&to={report['to']}$"))
    assert page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth") <= 0
    assert_clean(page)


def test_the_dashboard_speaks_english_too(contexts: Callable[..., BrowserContext], scene: Scene) -> None:
    page = open_page(contexts(lang="en"), "/estadisticas")
    expect(page.get_by_role("heading", level=1)).to_have_text("How procedures perform")
    expect(page.get_by_role("heading", name="Agencies: deadlines kept")).to_be_visible()
    expect(page.get_by_role("link", name="Download agencies by month (CSV)")).to_be_visible()
    assert_clean(page)
