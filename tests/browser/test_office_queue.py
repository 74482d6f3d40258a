"""The review queue puts the oldest deadline first and marks the overdue and near ones.

Real reviews have days to go; the queue's answer is replaced here (Playwright) with one
overdue, one due within the step's warning days and one with time left.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import BrowserContext, Route, expect

from tests.browser.scenario import Scene
from tests.browser.support import assert_clean, open_page

pytestmark = pytest.mark.browser


def review(review_id: str, application_id: str, deadline: datetime, overdue: bool = False) -> dict[str, object]:
    return {
        "review_id": review_id,
        "application_id": application_id,
        "procedure": "licencia-conducir",
        "step": "revision",
        "agency": "SEMOVI",
        "escalated": False,
        "opened_at": (deadline - timedelta(days=7)).isoformat().replace("+00:00", "Z"),
        "deadline": deadline.isoformat().replace("+00:00", "Z"),
        "overdue": overdue,
    }


def test_queue_orders_by_deadline_and_flags_overdue_and_near(
    contexts: Callable[..., BrowserContext], scene: Scene
) -> None:
    now = datetime.now(UTC)
    later = review("r-later", "LATER00000", now + timedelta(days=14))
    near = review("r-near", "NEAR000000", now + timedelta(hours=20))
    overdue = review("r-overdue", "OVERDUE000", now - timedelta(hours=3), overdue=True)

    def queue(route: Route) -> None:
        route.fulfill(
            status=200,
            content_type="application/json",
            body=json.dumps({"agency": "SEMOVI", "reviews": [later, near, overdue]}),
        )

    context = contexts(token=scene.official.token)
    context.route("**/api/agencies/SEMOVI/reviews", queue)
    page = open_page(context, "/oficina")
    rows = page.locator("table.queue tbody tr")
    expect(rows).to_have_count(3)
    assert [rows.nth(i).get_attribute("data-application") for i in range(3)] == [
        "OVERDUE000",
        "NEAR000000",
        "LATER00000",
    ]
    expect(rows.nth(0)).to_have_class("is-overdue")
    expect(rows.nth(0)).to_contain_text("Plazo vencido")
    expect(rows.nth(1)).to_have_class("is-near")
    expect(rows.nth(1)).to_contain_text("Vence pronto")
    expect(rows.nth(2)).not_to_have_class("is-near")
    expect(page.locator(".queue-summary")).to_have_text(
        "3 solicitudes por revisar. 1 vence pronto. 1 con plazo vencido."
    )
    assert_clean(page)


def test_a_review_taken_out_of_turn_asks_why_and_sends_the_reason(
    contexts: Callable[..., BrowserContext], scene: Scene
) -> None:
    """Two applications due earlier wait (the queue's answer says so); the decision is
    intercepted, so the scene's review stays open for the other tests."""
    application_id = scene.review.application_id
    reviews = scene.official.get("/agencies/SEMOVI/reviews").json()["reviews"]
    mine = next(item for item in reviews if item["application_id"] == application_id)
    sent: list[dict[str, object]] = []

    def queue(route: Route) -> None:
        route.fulfill(
            status=200,
            content_type="application/json",
            body=json.dumps({"agency": "SEMOVI", "reviews": [{**mine, "earlier_open": 2, "out_of_turn": True}]}),
        )

    def decision(route: Route) -> None:
        sent.append(json.loads(route.request.post_data or "{}"))
        route.fulfill(
            status=200,
            content_type="application/json",
            body=json.dumps(
                {
                    "review_id": mine["review_id"],
                    "decision": "approve",
                    "application_id": application_id,
                    "status": "in_review",
                }
            ),
        )

    context = contexts(token=scene.official.token)
    context.route("**/api/agencies/SEMOVI/reviews", queue)
    context.route("**/api/reviews/*/decision", decision)
    office = open_page(context, "/oficina")
    expect(office.locator(f"tr[data-application='{application_id}']")).to_contain_text("2 solicitudes vencen antes")

    page = open_page(context, f"/oficina/solicitudes/{application_id}")
    page.get_by_label("Aprobar").check()
    page.get_by_label("Motivo", exact=True).fill("Documentos y examen en regla.")
    field = page.get_by_label("¿Por qué la decide fuera de turno?")
    expect(page.locator("#turn-hint")).to_have_text(
        "2 solicitudes de esta bandeja tienen un plazo legal que vence antes. Si decide esta primero, explique por qué: quedará en el historial y en las estadísticas públicas."
    )
    page.get_by_role("button", name="Registrar resolución").click()
    expect(page.locator("#turn-error")).to_have_text(
        "Escriba por qué decide esta solicitud fuera de turno (de 3 a 500 caracteres)."
    )
    expect(field).to_be_focused()
    assert sent == []
    field.fill("Urgencia médica acreditada.")
    page.get_by_role("button", name="Registrar resolución").click()
    page.wait_for_url("**/#/oficina")
    assert sent == [
        {
            "decision": "approve",
            "reason": "Documentos y examen en regla.",
            "reason_out_of_order": "Urgencia médica acreditada.",
        }
    ]
    assert_clean(page)
