"""The browser tier: Debian's chromium driven by Playwright against the embedded stack.

Never downloads a browser: it uses /usr/bin/chromium (CI installs it; see .ci/run) and
fails, not skips, when it is missing, so a green run always means the pages were tested.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect, sync_playwright

from chalicelib.identity.curp import is_curp
from infra import limits
from infra.local.demo import DEMO_USERS
from tests.browser.chromium import CHROMIUM, CHROMIUM_ARGS, DESKTOP, SESSION_KEY
from tests.browser.efirma_files import Efirma, issue
from tests.browser.scenario import Scene, build_scene
from tests.support.client import Api
from tests.support.stack import running_stack

# Assertions wait for the page (never a timing assertion); a loaded CI machine needs longer than 5 s.
expect.set_options(timeout=20_000)


def launch(playwright: Any) -> Browser:
    if not Path(CHROMIUM).exists():
        pytest.fail(
            f"Chromium is not installed at {CHROMIUM}. The browser tests use Debian's chromium and never download one: "
            "run `apt-get install -y chromium` (CI does it in .ci/run) or set VENTANILLA_CHROMIUM.",
            pytrace=False,
        )
    return playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)


@pytest.fixture(scope="session")
def stack_url() -> Iterator[str]:
    with running_stack(legal_day_seconds="60") as url:
        # The demo citizens accepted the privacy notice, as their first sign-in has them do;
        # the tests of that question (test_privacy.py) ask it of citizens of their own.
        stack = Api(url)
        for user in DEMO_USERS:
            if is_curp(user.username):
                stack.sign_in(user.username).accept_privacy_notice()
        yield url


@pytest.fixture(scope="session")
def api(stack_url: str) -> Api:
    return Api(stack_url)


@pytest.fixture(scope="session")
def efirma_of(api: Api, tmp_path_factory: pytest.TempPathFactory) -> Callable[[str], Efirma]:
    """A person's e.firma files from the stack's sandbox authority, issued once a session:
    what an official picks to sign decisions in the review page."""
    issued: dict[str, Efirma] = {}

    def files(subject: str) -> Efirma:
        if subject not in issued:
            issued[subject] = issue(api, subject, tmp_path_factory.mktemp("efirma"))
        return issued[subject]

    return files


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        instance = launch(playwright)
        yield instance
        instance.close()


@pytest.fixture(scope="session")
def scene(api: Api) -> Scene:
    return build_scene(api)


class Watched:
    """Uncaught page errors and console errors, checked when the test ends."""

    def __init__(self) -> None:
        self.errors: list[str] = []

    def attach(self, page: Page) -> Page:
        page.on("pageerror", lambda error: self.errors.append(f"page error: {error}"))
        page.on("console", lambda message: self._console(message))
        page.set_default_timeout(20_000)
        return page

    def _console(self, message: Any) -> None:
        # A 4xx/5xx answer is logged by chromium as "Failed to load resource"; the pages
        # handle those (feature checks, validation errors), so they are not failures.
        if message.type == "error" and "Failed to load resource" not in message.text:
            self.errors.append(f"console error: {message.text}")


@pytest.fixture
def contexts(browser: Browser, stack_url: str) -> Iterator[Callable[..., BrowserContext]]:
    """Make browser contexts (one per person); closed and checked at the end."""
    made: list[BrowserContext] = []
    watched = Watched()

    def make(
        viewport: dict[str, int] | None = None, token: str | None = None, lang: str | None = None
    ) -> BrowserContext:
        context = browser.new_context(
            viewport=viewport or DESKTOP,
            locale="es-MX",
            timezone_id="America/Mexico_City",
            base_url=stack_url,
            # a person of their own address, as the stack's per-address limits expect (infra/limits.py)
            extra_http_headers={limits.FORWARDED_HEADER: limits.simulated_client()},
        )
        if token or lang:
            # Sign in without the form, as the sign-in page would: the ID token in sessionStorage.
            script = ""
            if token:
                script += (
                    f"try {{ if (!sessionStorage.getItem({json.dumps(SESSION_KEY)})) "
                    f"sessionStorage.setItem({json.dumps(SESSION_KEY)}, {json.dumps(token)}); }} catch (e) {{}}\n"
                )
            if lang:
                script += f"try {{ localStorage.setItem('ventanilla.lang', {json.dumps(lang)}); }} catch (e) {{}}\n"
            context.add_init_script(script)
        context.on("page", watched.attach)
        made.append(context)
        return context

    yield make
    for context in made:
        context.close()
    assert not watched.errors, "\n".join(watched.errors)
