"""The public statistics dashboard shows the numbers the open data gives, on a phone.

The scene's applications (one issued, others on their way) are the figures; the page is
compared cell by cell with ``GET /stats/procedures``: every figure's ``data-value`` is the
JSON's value, a withheld one says so, and the charts are drawn (SVG, hidden from screen
readers, the table after them carries the numbers). The scene files nothing with an
assistant, so the table of community centres is shown from a report served in its place.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import BrowserContext, Route, expect

from tests.browser.chromium import PHONE
from tests.browser.scenario import Scene
from tests.browser.support import assert_clean, open_page

pytestmark = pytest.mark.browser


def shown(value: Any) -> str:
    """A figure as the page writes it in ``data-value`` (JavaScript's number to text: 1.0 is "1")."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def test_the_dashboard_shows_the_same_numbers_as_the_open_data(
    contexts: Callable[..., BrowserContext], scene: Scene
) -> None:
    page = open_page(contexts(viewport=PHONE), "/estadisticas")
    expect(page.get_by_role("heading", level=1)).to_have_text("Cómo funcionan los trámites")
    report = scene.api.anonymous().get("/stats/procedures").json()
    licence = next(item for item in report["procedures"] if item["code"] == "licencia-conducir")

    section = page.locator("section[data-procedure='licencia-conducir']")
    expect(section.get_by_role("heading", level=2)).to_have_text(licence["name"]["es"])
    for name in (
        "submitted",
        "issued",
        "rejected",
        "within_deadline_share",
        "resolution_days_median",
        "rating_average",
        "sms_sent",
    ):
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
    assert [rows.nth(index).get_attribute("data-agency") for index in range(len(report["agencies"]))] == [
        agency["code"] for agency in report["agencies"]
    ]
    semovi = next(agency for agency in report["agencies"] if agency["code"] == "SEMOVI")
    line = page.locator("table.stats-league tr[data-agency='SEMOVI']")
    for name in ("within_deadline_share", "decisions", "out_of_order_share", "rating_average", "ratings"):
        expect(line.locator(f"[data-figure='{name}']")).to_have_attribute("data-value", shown(semovi["totals"][name]))

    # No assisted filing in the scene: the procedure says so.
    assert licence["totals"]["centres"] == []
    expect(section.locator(".stats-assisted")).to_contain_text("ninguna solicitud se presentó con ayuda")

    # Downloads point at the open data routes; readable at 360 px without scrolling sideways.
    download = page.get_by_role("link", name="Descargar trámites por mes (CSV)")
    expect(download).to_have_attribute(
        "href", re.compile(rf"/api/stats/procedures\.csv\?from={report['from']}&to={report['to']}$")
    )
    expect(page.get_by_role("link", name="Descargar solicitudes con ayuda por centro (CSV)")).to_have_attribute(
        "href", re.compile(r"/api/stats/centres\.csv\?from=")
    )
    assert page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth") <= 0
    assert_clean(page)


def test_the_share_filed_at_each_community_centre_is_shown_and_small_ones_say_so(
    contexts: Callable[..., BrowserContext], scene: Scene
) -> None:
    report = scene.api.anonymous().get("/stats/procedures").json()
    licence = next(item for item in report["procedures"] if item["code"] == "licencia-conducir")
    licence["totals"].update(
        submitted=40,
        assisted=14,
        assisted_share=0.35,
        centres=[
            {"centre": "CDC-MITLA", "submitted": None, "share": None},
            {"centre": "CDC-OAXACA", "submitted": 9, "share": 0.225},
            {"centre": "CDC-TLACOLULA", "submitted": None, "share": None},
        ],
        suppressed=[*licence["totals"]["suppressed"], "centres.CDC-MITLA", "centres.CDC-TLACOLULA"],
    )

    def served(route: Route) -> None:
        route.fulfill(status=200, content_type="application/json", body=json.dumps(report))

    context = contexts(viewport=PHONE)
    context.route("**/api/stats/procedures", served)
    page = open_page(context, "/estadisticas")
    block = page.locator("section[data-procedure='licencia-conducir'] .stats-assisted")
    expect(block.get_by_role("heading", level=3)).to_have_text("Con ayuda en centros comunitarios")
    rows = block.locator("tbody tr")
    assert [rows.nth(index).get_attribute("data-centre") for index in range(rows.count())] == [
        "CDC-MITLA",
        "CDC-OAXACA",
        "CDC-TLACOLULA",
    ]
    oaxaca = block.locator("tr[data-centre='CDC-OAXACA']")
    expect(oaxaca.locator("[data-figure='submitted']")).to_have_text("9")
    expect(oaxaca.locator("[data-figure='share']")).to_have_attribute("data-value", "0.225")
    expect(oaxaca.locator("[data-figure='share']")).to_contain_text("22.5")
    for centre in ("CDC-MITLA", "CDC-TLACOLULA"):
        for name in ("submitted", "share"):
            expect(block.locator(f"tr[data-centre='{centre}'] [data-figure='{name}']")).to_have_text("menos de 5 casos")
    total = block.locator("tfoot tr")
    expect(total.locator("[data-figure='assisted']")).to_have_text("14")
    expect(total.locator("[data-figure='assisted_share']")).to_contain_text("35")
    assert page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth") <= 0
    assert_clean(page)


def test_the_dashboard_speaks_english_too(contexts: Callable[..., BrowserContext], scene: Scene) -> None:
    page = open_page(contexts(lang="en"), "/estadisticas")
    expect(page.get_by_role("heading", level=1)).to_have_text("How procedures perform")
    expect(page.get_by_role("heading", name="Agencies: deadlines kept")).to_be_visible()
    expect(page.get_by_role("link", name="Download agencies by month (CSV)")).to_be_visible()
    expect(page.get_by_role("heading", name="Filed with help at community centres").first).to_be_visible()
    assert_clean(page)
