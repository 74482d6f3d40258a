"""Filing by phone as the agent and the caller see it: the call centre's page asks only for
the texted code, and the caller's timeline says the agent acted by phone; the dashboard's
table by channel carries the open data's figures."""

from __future__ import annotations

import random
import re
from collections.abc import Callable

import pytest
from playwright.sync_api import BrowserContext, expect

from tests.browser.scenario import accept_privacy_notice, new_curp
from tests.browser.support import assert_clean, open_page
from tests.support.client import Api

pytestmark = pytest.mark.browser


def test_the_agent_asks_for_the_texted_code_files_and_the_timeline_says_by_phone(
    contexts: Callable[..., BrowserContext], api: Api
) -> None:
    phone = f"+5255{random.randrange(10**7, 10**8)}"
    caller = api.sign_up(new_curp("TELC"), phone, name="Carmen Téllez Luna")
    accept_privacy_notice(caller)
    agent = api.sign_in("agente.linea")
    page = open_page(contexts(token=agent.token), "/centro")
    expect(page.get_by_role("heading", level=1)).to_have_text("Centro de atención telefónica")
    expect(page.get_by_label("Código que la persona generó en su cuenta (opcional)")).to_be_hidden()
    page.get_by_label("CURP", exact=True).fill(caller.username)
    page.get_by_role("button", name="Pedir permiso").click()
    card = page.locator("li[data-status='pending']", has_text=caller.username)
    expect(card).to_contain_text("Esperando el código")

    texts = [message["text"] for message in api.sms(phone) if "LINEA-VENTANILLA" in message["text"]]
    code = re.search(r"\b(\d{6})\b", texts[-1])
    assert code and "llamada" in texts[-1], texts
    card.get_by_label("Código que recibió la persona por SMS").fill(code.group(1))
    card.get_by_role("button", name="Confirmar permiso").click()
    active = page.locator("li[data-status='active']", has_text=caller.username)
    active.get_by_label("Trámite").select_option("licencia-conducir")
    active.get_by_role("button", name="Iniciar trámite").click()
    page.get_by_label("Domicilio").fill("Calle Morelos 3, Centro, Ciudad de México")
    page.get_by_role("button", name="Guardar borrador").click()
    expect(page.locator(".notice-success")).to_be_visible()
    assert_clean(page)

    [filed] = caller.get("/me").json()["applications"]
    assert filed["assisted_by"]["channel"] == "phone"
    timeline = open_page(contexts(token=caller.token), f"/solicitudes/{filed['id']}")
    expect(timeline.locator("main")).to_contain_text(
        "Por: Rosa Méndez (Línea Ventanilla), por teléfono, agente de LINEA-VENTANILLA"
    )


def test_the_dashboard_shows_applications_and_status_queries_by_channel(
    contexts: Callable[..., BrowserContext], api: Api
) -> None:
    page = open_page(contexts(), "/estadisticas")
    table = page.locator("section.stats-channels table")
    expect(table).to_be_visible()
    report = api.anonymous().get("/stats/channels").json()
    for channel in ("web", "sms", "phone", "centre"):
        value = report["applications"]["totals"][channel]
        cell = table.locator(f"tr[data-channel='{channel}'] td[data-figure='{channel}']").first  # then the queries
        expect(cell).to_have_attribute("data-value", "" if value is None else str(value))
    expect(table.locator("tr[data-channel='web']")).to_contain_text("no se cuenta")
    assert_clean(page)
