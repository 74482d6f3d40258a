"""The README stays a front door, and the documentation's links lead somewhere.

A relative link in README.md or docs/*.md must name a file (or folder) of the checkout,
and a link with an ``#anchor`` into a Markdown file must name one of its headings, slugged
as GitHub does: the heading's text lowercased, punctuation dropped, each space a hyphen,
and ``-1``, ``-2``… after repeats.  Links inside code (fenced blocks, inline code) are
examples, not links, and are left alone.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path
from urllib.parse import unquote

import pytest

ROOT = Path(__file__).resolve().parents[2]
README = ROOT / "README.md"
GUIDES = sorted((ROOT / "docs").glob("*.md"))
PAGES = [README, *GUIDES]
README_MAX_LINES = 250

FENCE = re.compile(r"^\s*(```|~~~)")
HEADING = re.compile(r"^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$")
CODE_SPAN = re.compile(r"(`+)(.+?)\1")
INLINE_LINK = re.compile(r"!?\[((?:[^\[\]]|\[[^\[\]]*\])*)\]\(\s*<?([^\s)>]*)>?(?:\s+\"[^\"]*\")?\s*\)")
REFERENCE_DEFINITION = re.compile(r"^\s{0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s|$)")
SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")


def prose_lines(text: str) -> list[str]:
    """The lines outside fenced code blocks."""
    lines, fenced = [], False
    for line in text.splitlines():
        if FENCE.match(line):
            fenced = not fenced
            continue
        if not fenced:
            lines.append(line)
    return lines


def slug(heading: str) -> str:
    """GitHub's anchor for a heading's text."""
    text = INLINE_LINK.sub(lambda match: match.group(1), heading)
    text = CODE_SPAN.sub(lambda match: match.group(2), text)
    text = re.sub(r"<[^>]+>", "", text)
    text = re.sub(r"[^\w\- ]", "", text.lower())
    return text.replace(" ", "-")


def anchors(page: Path) -> set[str]:
    """Every anchor GitHub gives the page's headings (a repeated slug gets -1, -2, …)."""
    seen: Counter[str] = Counter()
    found = set()
    for line in prose_lines(page.read_text("utf-8")):
        match = HEADING.match(line)
        if match:
            base = slug(match.group(2))
            found.add(f"{base}-{seen[base]}" if seen[base] else base)
            seen[base] += 1
    return found


def links(page: Path) -> list[str]:
    """The targets of the page's links, outside code."""
    targets = []
    for line in prose_lines(page.read_text("utf-8")):
        line = CODE_SPAN.sub("", line)
        targets += [match.group(2) for match in INLINE_LINK.finditer(line)]
        definition = REFERENCE_DEFINITION.match(line)
        if definition:
            targets.append(definition.group(1))
    return targets


def broken(page: Path, target: str) -> str | None:
    """Why a link of the page leads nowhere, or None if it leads somewhere."""
    if SCHEME.match(target):
        return None
    path_part, _, anchor = target.partition("#")
    destination = (page.parent / unquote(path_part)).resolve() if path_part else page
    if not destination.exists():
        return f"{target}: no such file"
    if ROOT not in destination.parents and destination != ROOT:
        return f"{target}: outside the checkout"
    if anchor and destination.suffix == ".md" and unquote(anchor) not in anchors(destination):
        return f"{target}: {destination.relative_to(ROOT)} has no heading with the anchor #{anchor}"
    return None


def test_the_readme_fits_on_a_few_screens() -> None:
    lines = README.read_text("utf-8").splitlines()
    assert len(lines) <= README_MAX_LINES, f"README.md has {len(lines)} lines; move detail into a guide under docs/"


@pytest.mark.parametrize("page", PAGES, ids=lambda page: str(page.relative_to(ROOT)))
def test_every_relative_link_leads_somewhere(page: Path) -> None:
    problems = [problem for target in links(page) if (problem := broken(page, target))]
    assert not problems, f"{page.relative_to(ROOT)}: " + "; ".join(problems)


def test_the_readme_links_every_guide() -> None:
    linked = {(README.parent / unquote(target.partition("#")[0])).resolve() for target in links(README)}
    missing = [guide.name for guide in GUIDES if guide.resolve() not in linked]
    assert not missing, f"README.md's 'Where to go next' does not link {missing}"


@pytest.mark.parametrize(
    ("heading", "anchor"),
    [
        ("Demo accounts (local stack only)", "demo-accounts-local-stack-only"),
        ("What it costs (list prices, us-east-1, USD, per month)", "what-it-costs-list-prices-us-east-1-usd-per-month"),
        (
            "ID tokens verified with the pure-Python `rsa` package, not `cryptography`",
            "id-tokens-verified-with-the-pure-python-rsa-package-not-cryptography",
        ),
        ("The parts: `form` & [fee](fees.md)", "the-parts-form--fee"),
        ("Trámites en línea", "trámites-en-línea"),
    ],
)
def test_anchors_are_slugged_as_github_does(heading: str, anchor: str) -> None:
    assert slug(heading) == anchor


def test_a_broken_link_or_anchor_is_found() -> None:
    page = ROOT / "docs" / "decisions.md"
    assert broken(page, "performance.md#latest-figures") is None
    assert broken(page, "#sms") is None
    assert broken(page, "https://example.org/missing") is None
    assert broken(page, "no-such-guide.md") == "no-such-guide.md: no such file"
    assert "no heading" in (broken(page, "performance.md#no-such-heading") or "")
    assert "no heading" in (broken(page, "#no-such-heading") or "")
