"""Ratings and SMS subscriptions: their pages are built, their API routes are not yet.

The pages ask the API once whether the routes exist and stay hidden until they do; with
the routes answered (here by Playwright, standing in for the future API) they work.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import BrowserContext, Route, expect

from tests.browser.scenario import Scene
from tests.browser.support import assert_clean, open_page

pytestmark = pytest.mark.browser


def test_rating_and_sms_stay_hidden_while_the_api_lacks_them(contexts: Callable[..., BrowserContext], scene: Scene) -> None:
    context = contexts(token=scene.citizen.token)
    page = open_page(context, f"/solicitudes/{scene.review.application_id}")
    page.wait_for_load_state("networkidle")
    expect(page.locator("[data-feature=sms]")).to_be_hidden()
    page.goto(f"/#/solicitudes/{scene.issued.application_id}")
    expect(page.locator(".application-status [data-status]")).to_have_text("Emitido")
    page.wait_for_load_state("networkidle")
    expect(page.locator("[data-feature=rating]")).to_be_hidden()
    assert_clean(page)


def test_sms_subscription_and_rating_work_once_the_api_has_them(contexts: Callable[..., BrowserContext], scene: Scene) -> None:
    sent: list[tuple[str, str, Any]] = []

    def api(route: Route) -> None:
        request = route.request
        body = json.loads(request.post_data) if request.post_data else None
        sent.append((request.method, request.url.split("/api", 1)[1], body))
        if request.method == "DELETE":
            route.fulfill(status=204)
        elif not body:
            route.fulfill(status=422, content_type="application/json", body=json.dumps({"error": {"code": "invalid_body", "message": "empty", "details": []}}))
        elif request.url.endswith("/subscriptions"):
            route.fulfill(status=201, content_type="application/json", body=json.dumps({"id": "sub-1", "application_id": body["application_id"], "phone": body["phone"]}))
        else:
            route.fulfill(status=201, content_type="application/json", body=json.dumps({"score": body["score"]}))

    context = contexts(token=scene.citizen.token)
    context.route("**/api/subscriptions", api)
    context.route("**/api/subscriptions/*", api)
    context.route("**/api/applications/*/rating", api)

    page = open_page(context, f"/solicitudes/{scene.review.application_id}")
    sms = page.locator("[data-feature=sms]")
    expect(sms).to_be_visible()
    sms.get_by_label("Celular para avisos").fill("55 1234 5678")
    sms.get_by_role("button", name="Recibir avisos").click()
    expect(sms).to_contain_text("Enviamos avisos de esta solicitud al +52 55 1234 5678.")
    assert ("POST", "/subscriptions", {"application_id": scene.review.application_id, "phone": "+525512345678"}) in sent
    sms.get_by_role("button", name="Dejar de recibir avisos").click()
    expect(sms).to_contain_text("Ya no le enviaremos avisos de esta solicitud.")
    assert ("DELETE", "/subscriptions/sub-1", None) in sent

    page.goto(f"/#/solicitudes/{scene.issued.application_id}")
    rating = page.locator("[data-feature=rating]")
    expect(rating).to_be_visible()
    rating.get_by_role("button", name="Enviar calificación").click()
    expect(rating).to_contain_text("Elija una calificación del 1 al 5.")
    rating.get_by_label("4 — fácil").check()
    rating.get_by_label("Comentario").fill("Rápido y claro.")
    rating.get_by_role("button", name="Enviar calificación").click()
    expect(rating).to_contain_text("Gracias. Su calificación nos ayuda a mejorar.")
    assert ("POST", f"/applications/{scene.issued.application_id}/rating", {"score": 4, "comment": "Rápido y claro."}) in sent
    assert_clean(page)
