"""The pages keep to their Content-Security-Policy: Chromium reports no violation over the
main pages, each seen by whoever uses it, and the pages and the API's answers carry the
security headers of ``infra/headers.py``."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, Response

from chalicelib.api.security import API_HEADERS
from infra import headers, limits
from tests.browser.scenario import Scene

pytestmark = pytest.mark.browser

# Registered before any script of the page runs, in every document the context opens.
LISTEN = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push({
    directive: event.violatedDirective, blocked: event.blockedURI, source: event.sourceFile,
    line: event.lineNumber, sample: event.sample,
  });
});
"""


def main_pages(scene: Scene) -> dict[str, list[str]]:
    """The main pages by who looks at them (public: nobody signed in)."""
    return {
        "public": [
            "/",
            "/tramites/licencia-conducir",
            "/entrar",
            "/registro",
            "/estadisticas",  # charts: the one library that styled elements itself
            f"/verificar/{scene.document_id}",
            "/verificar",
            "/privacidad",
        ],
        "citizen": [
            "/mi-expediente",
            "/tramites/licencia-conducir/solicitar",
            f"/solicitudes/{scene.draft.application_id}/documentos",
            f"/solicitudes/{scene.review.application_id}",
            f"/solicitudes/{scene.issued.application_id}",
            f"/documentos/{scene.document_id}",
            "/mi-expediente/mis-datos/solicitar",
        ],
        "official": ["/oficina", f"/oficina/solicitudes/{scene.review.application_id}"],
    }


def watched(context: BrowserContext) -> tuple[Page, list[Response]]:
    context.add_init_script(LISTEN)
    page = context.new_page()
    answers: list[Response] = []
    page.on("response", lambda answer: answers.append(answer))
    return page, answers


def violations_at(page: Page, where: str) -> list[str]:
    page.wait_for_selector("body[data-ready='true'] main:not([aria-busy='true']) h1")
    page.wait_for_load_state("networkidle")
    found: list[dict[str, Any]] = page.evaluate("window.__cspViolations.splice(0)")
    return [f"{where}: {violation}" for violation in found]


def test_the_main_pages_raise_no_content_security_policy_violation(
    contexts: Callable[..., BrowserContext], scene: Scene
) -> None:
    tokens = {"public": None, "citizen": scene.citizen.token, "official": scene.official.token}
    problems: list[str] = []
    for who, paths in main_pages(scene).items():
        page, _ = watched(contexts(token=tokens[who]))
        for path in paths:
            page.goto(f"/#{path}")
            problems += violations_at(page, f"{who} {path}")
    kiosk, _ = watched(contexts())
    kiosk.goto("/?kiosk=1#/entrar")
    problems += violations_at(kiosk, "kiosk /entrar")
    assert not problems, "\n".join(problems)


def test_a_page_that_breaks_the_policy_is_reported(browser: Browser, stack_url: str) -> None:
    """The listener does hear a violation: an inline style and an inline script are refused.
    (A context of its own: the ``contexts`` fixture fails a test on the console errors
    these refusals log, which is how every other browser test keeps to the policy.)"""
    context = browser.new_context(
        base_url=stack_url, extra_http_headers={limits.FORWARDED_HEADER: limits.simulated_client()}
    )
    try:
        page, _ = watched(context)
        page.goto("/#/")
        page.wait_for_selector("body[data-ready='true']")
        page.evaluate(
            """() => {
            document.body.setAttribute("style", "color: red");
            const script = document.createElement("script");
            script.textContent = "window.__ran = true";
            document.body.append(script);
        }"""
        )
        page.wait_for_function("() => window.__cspViolations.length >= 2")
        directives = {violation["directive"] for violation in page.evaluate("window.__cspViolations")}
        assert {"style-src-attr", "script-src-elem"} <= directives, directives
        assert page.evaluate("window.__ran === undefined")
    finally:
        context.close()


def test_the_pages_and_the_api_answer_with_the_security_headers(
    contexts: Callable[..., BrowserContext], scene: Scene
) -> None:
    page, answers = watched(contexts(token=scene.citizen.token))
    shown = page.goto("/#/mi-expediente")
    assert shown is not None
    violations_at(page, "/mi-expediente")
    page_headers = shown.all_headers()
    for name in (*headers.COMMON, "Content-Security-Policy"):
        assert page_headers.get(name.lower()), (name, page_headers)
    csp = page_headers["content-security-policy"]
    assert "script-src 'self';" in csp and "style-src 'self';" in csp and "unsafe" not in csp
    assert "frame-ancestors 'none'" in csp
    assert page_headers["referrer-policy"] == "no-referrer"
    api = [answer for answer in answers if "/api/" in answer.url]
    assert api, [answer.url for answer in answers]
    for answer in api:
        got = answer.all_headers()
        for name, value in {**headers.COMMON, **API_HEADERS}.items():
            assert got.get(name.lower()) == value, (answer.url, name, got)
