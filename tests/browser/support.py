"""What the browser tests share besides fixtures: opening a route, and the checks every page passes."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from playwright.sync_api import BrowserContext, Page

WEB = Path(__file__).resolve().parents[2] / "web"
AXE = WEB / "vendor" / "axe.min.js"
# Words that must never reach a person: leaked JavaScript values and server internals.
LEAKS = ("undefined", "NaN", "[object Object]", "Traceback", "null")
# The accessibility violations a page may not have (axe's impact levels).
SERIOUS = ("serious", "critical")


def open_page(context: BrowserContext, path: str) -> Page:
    """Open a hash route and wait until the router has drawn it."""
    page = context.new_page()
    page.goto(f"/#{path}" if not path.startswith("/#") else path)
    page.wait_for_selector("body[data-ready='true']")
    page.wait_for_selector("main:not([aria-busy='true']) h1")
    return page


def assert_clean(page: Page) -> None:
    """No leaked values, raw translation keys or stack traces on the page."""
    text = page.inner_text("body")
    for word in LEAKS:
        assert f" {word} " not in f" {text} ".replace("\n", " "), f"{page.url} shows {word!r}:\n{text[:2000]}"
    missing = page.evaluate("window.__ventanillaMissingKeys || []")
    assert not missing, f"{page.url} asked for missing translations: {missing}"
    keys = json.loads((WEB / "i18n" / "es.json").read_text("utf-8"))
    shown = [key for key in keys if key in text]
    assert not shown, f"{page.url} shows raw translation keys: {shown}"


def axe_violations(page: Page) -> list[dict[str, Any]]:
    # from the pages' own origin: the Content-Security-Policy refuses an inline script
    page.add_script_tag(url=f"/{AXE.relative_to(WEB).as_posix()}")
    result: list[dict[str, Any]] = page.evaluate(
        "async () => {\n"
        '            const result = await axe.run(document, {runOnly: {type: "tag", values: '
        '["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]}});\n'
        "            return result.violations.map(v => ({id: v.id, impact: v.impact, help: v.help, "
        'nodes: v.nodes.slice(0, 3).map(n => n.target.join(" ") + " :: " + n.failureSummary)}));\n'
        "        }"
    )
    return result


def fits(page: Page) -> None:
    """No serious accessibility violation, no sideways scrolling, nothing leaked or untranslated."""
    problems = [violation for violation in axe_violations(page) if violation["impact"] in SERIOUS]
    assert not problems, problems
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"{page.url} scrolls sideways by {overflow}px"
    assert_clean(page)
