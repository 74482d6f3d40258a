"""The catalogue at national scale: 5,000 synthetic procedures (``infra.local.scale``), the
first catalogue view's weight and a search's time on a phone, for both designs weighed in
docs/decisions.md ("The catalogue at 5,000 procedures"):

(a) a static index of every summary, downloaded once and searched by the browser;
(b) the API searching an in-memory index of the summaries, a page of 20 per answer.

Chromium (Debian's, never downloaded) as a 360-px phone with its CPU slowed 4× (CDP
``Emulation.setCPUThrottlingRate``).  Bytes are CDP's ``Network.loadingFinished``
``encodedDataLength`` (what crossed the wire: the local stack does not compress), and
beside them each body gzipped, as API Gateway's and CloudFront's compression would send
it.  A search's time runs from the last keystroke to the results drawn, and again from
the request (after the page's 250 ms pause in typing) to the results drawn.

    python -m bench.catalogue [--procedures 5000] [--url http://127.0.0.1:8000]
"""

from __future__ import annotations

import argparse
import base64
import gzip
import json
import statistics
import sys
import time
import urllib.parse
import urllib.request
from typing import Any

PROCEDURES = 5000
SEARCHES = ("licencia conducir", "construccion", "acta nacimiento", "predial", "proteccion civil", "beca")
GOALS = {"first_view_kb": 150, "search_ms": 100}
TYPING_PAUSE_MS = 250  # web/js/pages/home.js

# design (a): the browser searches every summary itself, folded as the API folds them
BROWSER_SEARCH = """([items, query]) => {
  const fold = (text) => String(text || "").normalize("NFKD").replace(/\\p{M}/gu, "").toLowerCase();
  const started = performance.now();
  const texts = items.map((item) => fold([item.code, item.agency, item.homoclave, item.name.es, item.name.en,
    item.agency_name.es, item.agency_name.en, item.jurisdiction.name.es, item.jurisdiction.name.en,
    ...(item.keywords || [])].join(" ")));
  const indexed = performance.now();
  const words = fold(query).split(/[^a-z0-9]+/).filter(Boolean);
  const found = texts.filter((text) => words.every((word) => text.includes(word))).length;
  return { index_ms: indexed - started, search_ms: performance.now() - indexed, found };
}"""


READY_CHANGED = """(before) => {
  const view = document.querySelector("[data-catalogue-ready]");
  return view && view.dataset.catalogueReady !== before;
}"""


def fill(procedures: int = PROCEDURES, seed: int = 19) -> dict[str, Any]:
    """The synthetic catalogue, into the stack running in this process."""
    from infra.local.scale import fill as write

    filled = write(procedures, seed, validate=False)
    return {"procedures": filled.procedures, "state_machines": filled.state_machines, "seconds": filled.seconds}


def measure(url: str) -> dict[str, Any]:
    from playwright.sync_api import sync_playwright

    from tests.browser.chromium import CHROMIUM, CHROMIUM_ARGS, PHONE

    results: dict[str, Any] = {"api": api_times(url), "index": static_index(url)}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            context = browser.new_context(viewport=PHONE, locale="es-MX", is_mobile=True, has_touch=True)
            page = context.new_page()
            cdp = context.new_cdp_session(page)
            cdp.send("Emulation.setCPUThrottlingRate", {"rate": 4})
            cdp.send(
                "Emulation.setDeviceMetricsOverride",
                {"width": PHONE["width"], "height": PHONE["height"], "deviceScaleFactor": 2, "mobile": True},
            )
            results["first_view"] = first_view(page, cdp, url)
            results["search"] = searches(page)
            results["browser_index"] = browser_search(page, url)
        finally:
            browser.close()
    return results


def first_view(page: Any, cdp: Any, url: str) -> dict[str, Any]:
    """Everything the first catalogue view downloads, by kind."""
    cdp.send("Network.enable")
    cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
    seen: dict[str, dict[str, Any]] = {}
    cdp.on(
        "Network.responseReceived",
        lambda event: seen.setdefault(event["requestId"], {}).update(
            url=event["response"]["url"], type=event.get("type", "")
        ),
    )
    cdp.on(
        "Network.loadingFinished",
        lambda event: seen.setdefault(event["requestId"], {}).update(bytes=event["encodedDataLength"]),
    )
    page.goto(f"{url}/", wait_until="load")
    page.wait_for_selector("[data-catalogue-ready]", timeout=60_000)
    page.wait_for_load_state("networkidle")
    wire = gzipped = api = 0
    for request_id, item in seen.items():
        if "bytes" not in item:
            continue
        wire += item["bytes"]
        try:
            body = cdp.send("Network.getResponseBody", {"requestId": request_id})
        except Exception:  # a body the browser did not keep (a redirect, a 304): counted as it crossed
            gzipped += item["bytes"]
            continue
        raw = base64.b64decode(body["body"]) if body.get("base64Encoded") else body["body"].encode()
        size = len(gzip.compress(raw, 6)) + 300  # headers: about 300 bytes a response
        gzipped += size
        if "/api/" in item.get("url", ""):
            api += size
    return {
        "requests": sum(1 for item in seen.values() if "bytes" in item),
        "wire_kb": wire / 1024,
        "gzip_kb": gzipped / 1024,
        "api_gzip_kb": api / 1024,
    }


def searches(page: Any) -> dict[str, Any]:
    """Type each search as a person does and time it until the cards are drawn."""
    page.evaluate(
        """() => {
          window.__bench = {};
          const box = document.getElementById("catalogue-search");
          box.addEventListener("input", () => { window.__bench.typed = performance.now(); });
          const origin = window.fetch;
          window.fetch = (...args) => {
            if (String(args[0]).includes("/procedures")) window.__bench.asked = performance.now();
            return origin(...args);
          };
          new MutationObserver(() => { window.__bench.shown = performance.now(); })
            .observe(document.querySelector("ul.cards"), { childList: true });
        }"""
    )
    typed, asked = [], []
    for query in SEARCHES:
        ready = page.get_attribute("[data-catalogue-ready]", "data-catalogue-ready") or ""
        page.fill("#catalogue-search", "")
        page.type("#catalogue-search", query, delay=60)
        page.wait_for_function(
            READY_CHANGED,
            arg=ready,
            timeout=30_000,
        )
        page.wait_for_timeout(100)
        marks = page.evaluate("() => window.__bench")
        typed.append(marks["shown"] - marks["typed"])
        asked.append(marks["shown"] - marks["asked"])
    return {
        "queries": len(SEARCHES),
        "typed_to_shown_ms": statistics.median(typed),
        "asked_to_shown_ms": statistics.median(asked),
        "asked_to_shown_max_ms": max(asked),
    }


def browser_search(page: Any, url: str) -> dict[str, Any]:
    """Design (a) on the same phone: every summary in the page, searched by the browser."""
    items = every_summary(url)
    times = [page.evaluate(BROWSER_SEARCH, [items, query]) for query in SEARCHES]
    return {
        "index_ms": statistics.median(t["index_ms"] for t in times),
        "search_ms": statistics.median(t["search_ms"] for t in times),
    }


def every_summary(url: str) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    cursor = None
    while True:
        address = f"{url}/api/procedures?limit=200" + (f"&cursor={urllib.parse.quote(cursor)}" if cursor else "")
        with urllib.request.urlopen(address, timeout=60) as reply:
            page = json.loads(reply.read())
        items += page["procedures"]
        cursor = page["next_cursor"]
        if cursor is None:
            return items


def static_index(url: str) -> dict[str, Any]:
    """Design (a)'s file: every summary, and a slim one (code, names, agency, place, topic)."""
    items = every_summary(url)
    full = json.dumps(items, separators=(",", ":"), ensure_ascii=False).encode()
    slim = json.dumps(
        [
            [
                item["code"],
                item["name"]["es"],
                item["name"]["en"],
                item["agency"],
                item["jurisdiction"].get("municipality") or item["jurisdiction"].get("state") or "",
                item.get("topic") or "",
                item.get("keywords") or [],
            ]
            for item in items
        ],
        separators=(",", ":"),
        ensure_ascii=False,
    ).encode()
    return {
        "procedures": len(items),
        "full_kb": len(full) / 1024,
        "full_gzip_kb": len(gzip.compress(full, 9)) / 1024,
        "slim_kb": len(slim) / 1024,
        "slim_gzip_kb": len(gzip.compress(slim, 9)) / 1024,
    }


def api_times(url: str, rounds: int = 5) -> dict[str, Any]:
    """Design (b) at the server: a search's answer over loopback, as the page asks once it has the
    filters' choices (the index already loaded)."""
    cold_started = time.perf_counter()
    with urllib.request.urlopen(f"{url}/api/procedures?limit=20", timeout=60) as reply:
        reply.read()
    cold = time.perf_counter() - cold_started
    times = []
    for _ in range(rounds):
        for query in SEARCHES:
            started = time.perf_counter()
            with urllib.request.urlopen(
                f"{url}/api/procedures?limit=20&facets=false&q={urllib.parse.quote(query)}", timeout=60
            ) as reply:
                body = reply.read()
            times.append(time.perf_counter() - started)
    return {
        "first_ms": cold * 1000,
        "search_median_ms": statistics.median(times) * 1000,
        "search_max_ms": max(times) * 1000,
        "answer_kb": len(body) / 1024,
    }


def render(results: dict[str, Any]) -> list[str]:
    first, search, index = results["first_view"], results["search"], results["index"]
    api, browser = results["api"], results["browser_index"]
    filled = results.get("filled", {})
    return [
        f"Catalogue at {index['procedures']:,} procedures"
        + (
            f" (seeded in {filled['seconds']:.0f} s, {filled['state_machines']} shared state machines)"
            if filled
            else ""
        )
        + "; Chromium as a 360-px phone, CPU 4× slower",
        "",
        "| measure | design (b): the API searches its in-memory index | design (a): a static index | goal |",
        "|---|---|---|---|",
        f"| first view, all it downloads | {first['wire_kb']:.0f} KB as served, {first['gzip_kb']:.0f} KB gzipped "
        f"({first['requests']} requests; API {first['api_gzip_kb']:.1f} KB) | the same page and scripts + the index: "
        f"{index['full_gzip_kb']:.0f} KB gzipped ({index['slim_gzip_kb']:.0f} KB slimmed to code, names, agency, "
        f"place, topic, keywords) | ≤ {GOALS['first_view_kb']} KB |",
        f"| a search, request to results drawn | {search['asked_to_shown_ms']:.0f} ms median, "
        f"{search['asked_to_shown_max_ms']:.0f} ms at worst ({search['queries']} searches) | "
        f"{browser['search_ms']:.0f} ms (+ {browser['index_ms']:.0f} ms to fold the index once) "
        f"| ≤ {GOALS['search_ms']} ms |",
        f"| a search, last keystroke to results (with the {TYPING_PAUSE_MS} ms pause in typing) | "
        f"{search['typed_to_shown_ms']:.0f} ms median | — | — |",
        f"| the API's answer over loopback | {api['search_median_ms']:.1f} ms median, {api['search_max_ms']:.1f} ms "
        f"at worst ({api['answer_kb']:.0f} KB); first after a change {api['first_ms']:.0f} ms | — | — |",
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.catalogue", description=__doc__.split("\n", 1)[0])
    parser.add_argument("--procedures", type=int, default=PROCEDURES)
    parser.add_argument("--url", help="a stack already seeded (make seed-scale); none: start one and seed it")
    args = parser.parse_args(argv)
    if args.url:
        results = measure(args.url)
    else:
        from infra.local.stack import start

        stack = start(schedules=False)  # the scheduled functions' reads would share the measured time
        try:
            filled = fill(args.procedures)
            results = {**measure(stack.url), "filled": filled}
        finally:
            stack.stop()
    print("\n".join(render(results)), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
