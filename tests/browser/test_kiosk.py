"""Kiosk mode (``?kiosk=1``), for shared screens at community centres: large touch
targets, and nothing left in the browser after signing out or after the inactivity
timeout (driven by the page's clock, not by waiting), the refresh token revoked in
Cognito included."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
import requests
from playwright.sync_api import BrowserContext, Page, expect

from infra.local.demo import DEMO_PASSWORD
from tests.browser.scenario import Scene

pytestmark = pytest.mark.browser

IDLE_SECONDS = 120  # the local stack's /config.json kiosk.idleSeconds

STORAGE = """async () => ({
    local: localStorage.length,
    session: sessionStorage.length,
    cookies: document.cookie,
    caches: (await caches.keys()).length,
    databases: (await indexedDB.databases()).map((database) => database.name),
})"""
EMPTY = {"local": 0, "session": 0, "cookies": "", "caches": 0, "databases": []}

# What a page (or a careless script) could leave behind on a shared screen.
LEAVE_TRACES = """async () => {
    localStorage.setItem("ventanilla.lang", "es");
    localStorage.setItem("borrador", "Calle Morelos 45");
    sessionStorage.setItem("paso", "3");
    document.cookie = "preferencia=1; path=/";
    const cache = await caches.open("ventanilla-pruebas");
    await cache.put("/expediente", new Response("datos personales"));
    await new Promise((resolve, reject) => {
        const request = indexedDB.open("ventanilla-pruebas", 1);
        request.onupgradeneeded = () => request.result.createObjectStore("borradores");
        request.onsuccess = () => { request.result.close(); resolve(); };
        request.onerror = () => reject(request.error);
    });
}"""


def storage(page: Page) -> dict[str, Any]:
    found: dict[str, Any] = page.evaluate(STORAGE)
    return found


def refresh_token(page: Page) -> str:
    """The refresh token Cognito gave this screen at sign-in (what sign-out must revoke)."""
    token: str = page.evaluate("() => sessionStorage.getItem('ventanilla.refresh')")
    assert token
    return token


def refreshed(stack_url: str, token: str) -> requests.Response:
    """Cognito asked for new tokens with ``token``, as anyone who copied it could."""
    config = requests.get(f"{stack_url}/config.json", timeout=10).json()
    return requests.post(
        config["aws"]["endpoint"],
        headers={
            "Content-Type": "application/x-amz-json-1.1",
            "X-Amz-Target": "AWSCognitoIdentityProviderService.InitiateAuth",
        },
        json={
            "AuthFlow": "REFRESH_TOKEN_AUTH",
            "ClientId": config["cognito"]["clientId"],
            "AuthParameters": {"REFRESH_TOKEN": token},
        },
        timeout=10,
    )


def assert_revoked(stack_url: str, token: str) -> None:
    refused = refreshed(stack_url, token)
    assert refused.status_code == 400 and "NotAuthorizedException" in refused.json()["__type"], refused.text


def sign_in_at_the_kiosk(context: BrowserContext, scene: Scene, clock: bool = False) -> Page:
    page = context.new_page()
    if clock:
        page.clock.install()
    page.goto("/?kiosk=1#/entrar")
    page.wait_for_selector("body[data-ready='true']")
    expect(page.get_by_role("note")).to_contain_text("Equipo compartido")
    page.get_by_label("CURP", exact=True).fill(scene.citizen.username)
    page.get_by_label("Contraseña", exact=True).fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Entrar").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mi expediente")
    page.evaluate(LEAVE_TRACES)
    left = storage(page)
    assert (
        left["local"] == 2
        and left["session"] >= 2
        and left["cookies"]
        and left["caches"] == 1
        and left["databases"] == ["ventanilla-pruebas"]
    )
    return page


def test_kiosk_mode_has_large_touch_targets(contexts: Callable[..., BrowserContext]) -> None:
    page = contexts().new_page()
    page.goto("/?kiosk=1#/entrar")
    page.wait_for_selector("body[data-ready='true']")
    expect(page.locator("html")).to_have_class("kiosk")
    for target in (
        page.get_by_role("button", name="Entrar"),
        page.get_by_label("CURP", exact=True),
        page.locator(".lang-switch"),
    ):
        box = target.bounding_box()
        assert box is not None and box["height"] >= 56, box


def test_signing_out_at_the_kiosk_leaves_no_data(
    contexts: Callable[..., BrowserContext], scene: Scene, stack_url: str
) -> None:
    page = sign_in_at_the_kiosk(contexts(), scene)
    token = refresh_token(page)
    assert refreshed(stack_url, token).status_code == 200  # a live session until sign-out
    page.get_by_role("button", name="Salir").click()
    expect(page.locator(".notice")).to_contain_text("No quedó ningún dato suyo en este equipo")
    expect(page.get_by_role("link", name="Entrar")).to_be_visible()
    assert storage(page) == EMPTY
    assert "kiosk=1" in page.url  # still a kiosk for the next person
    assert_revoked(stack_url, token)  # a copy of the token taken from the screen is worthless


def test_the_kiosk_signs_out_after_inactivity_and_leaves_no_data(
    contexts: Callable[..., BrowserContext], scene: Scene, stack_url: str
) -> None:
    page = sign_in_at_the_kiosk(contexts(), scene, clock=True)
    token = refresh_token(page)
    page.clock.run_for((IDLE_SECONDS - 30) * 1000)
    page.mouse.click(5, 300)  # a touch: the countdown starts again
    page.clock.run_for((IDLE_SECONDS - 30) * 1000)
    expect(page.get_by_role("heading", level=1)).to_have_text("Mi expediente")
    assert storage(page)["session"] >= 1  # still signed in
    page.clock.run_for(60 * 1000)
    expect(page.locator(".notice")).to_contain_text("La sesión se cerró por inactividad")
    expect(page.get_by_role("link", name="Entrar")).to_be_visible()
    assert storage(page) == EMPTY
    assert_revoked(stack_url, token)
