"""The catalogue's summaries, and the index that searches them.

A summary is what a citizen browsing the catalogue reads of a procedure (names, agency,
who answers for it, fee, keywords, topic), a few hundred bytes where a definition is tens
of kilobytes; it is written with every publication and retirement, in the same
transaction (``store.catalogue``).  The API keeps every summary of the catalogue in
memory, as a ``CatalogueIndex``, and reloads it only when the catalogue's generation
changes: a search over 5,000 procedures is then a few milliseconds of Python and one
small read (docs/decisions.md, "The catalogue at 5,000 procedures").
"""

from __future__ import annotations

import bisect
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from chalicelib.procedures import jurisdictions


def summary_of(definition: Mapping[str, Any]) -> dict[str, Any]:
    """The summary of a published version (``definition`` carries its ``version``)."""
    agency = definition["agency"]
    return {
        "code": definition["code"],
        "version": int(definition["version"]),
        "name": dict(definition["name"]),
        "homoclave": definition.get("homoclave"),
        "jurisdiction": jurisdictions.of(definition),
        "description": dict(definition["description"]),
        "agency": agency,
        "agency_name": dict(definition["agencies"][agency]),
        "expected_days": definition["expected_days"],
        "fee": dict(definition["fee"]),
        "keywords": list(definition.get("keywords", [])),
        "topic": definition.get("topic"),
        "identity": definition.get("identity", "password_sms"),
        # every agency the procedure involves, with the code of the jurisdiction it answers
        # to ("" for the federation): what the legal calendars ask of the catalogue
        "agencies": {
            code: jurisdictions.code(jurisdictions.of_agency(definition, code)) or "" for code in definition["agencies"]
        },
    }


def fold(text: str) -> str:
    """``text`` as searches compare it: without accents, case-folded, ``ñ`` kept apart
    from ``n`` only by its accent (so "pequeno" finds "pequeño")."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(char for char in decomposed if not unicodedata.combining(char)).casefold()


def words(query: str) -> list[str]:
    """The words of a query, folded; punctuation separates words."""
    cleaned = "".join(char if char.isalnum() else " " for char in fold(query))
    return cleaned.split()


def searchable(summary: Mapping[str, Any]) -> str:
    """Everything a query matches, folded into one string: the name, agency and
    jurisdiction in both languages, the codes and the keywords."""
    texts: list[str] = [summary["code"], summary["agency"], summary.get("homoclave") or ""]
    for key in ("name", "agency_name"):
        texts.extend(summary[key].values())
    texts.extend(summary["jurisdiction"]["name"].values())
    texts.extend(summary.get("keywords") or [])
    return " " + " ".join(words(" ".join(texts))) + " "


@dataclass(frozen=True)
class Entry:
    """One procedure in the catalogue: the newest version's summary, and, while that
    version waits for ``effective_from``, the summary of the one in effect until then."""

    summary: Mapping[str, Any]
    effective_from: str | None = None
    before: Mapping[str, Any] | None = None
    retired: bool = False

    def in_effect(self, now: str) -> Mapping[str, Any] | None:
        if self.retired:
            return None  # a retired procedure takes no new applications: it leaves the catalogue
        return self.known(now)

    def known(self, now: str) -> Mapping[str, Any] | None:
        """The summary in effect, retired or not (its running applications still run)."""
        if self.effective_from is not None and self.effective_from > now:
            return self.before
        return self.summary


@dataclass(frozen=True)
class Found:
    """One page of a search: the summaries, whether more follow, and how many matched."""

    items: list[Mapping[str, Any]]
    more: bool
    total: int


class CatalogueIndex:
    """Every entry of the catalogue, searchable; immutable once built."""

    def __init__(self, entries: Iterable[Entry]) -> None:
        self._entries = sorted(entries, key=lambda entry: str(entry.summary["code"]))
        self._texts: dict[int, str] = {}
        # what a place sees changes only when a scheduled version takes effect: until the
        # next ``effective_from``, a place's procedures and facets are computed once
        self._changes = sorted({entry.effective_from for entry in self._entries if entry.effective_from})
        self._places: dict[tuple[str | None, str | None, str], tuple[list[Mapping[str, Any]], dict[str, Any]]] = {}

    def __len__(self) -> int:
        return len(self._entries)

    def in_effect(self, now: str) -> list[Mapping[str, Any]]:
        """The summary in effect of every procedure that takes applications, by code."""
        return [summary for entry in self._entries if (summary := entry.in_effect(now)) is not None]

    def search(
        self,
        now: str,
        *,
        state: str | None = None,
        municipality: str | None = None,
        query: str = "",
        agency: str | None = None,
        topic: str | None = None,
        after: str | None = None,
        limit: int = 50,
    ) -> Found:
        """The procedures in effect that a citizen of the place can file, matching every
        word of ``query`` (anywhere in a word: "conduc" finds "conducir") and the agency
        and topic, sorted by code; the page after the code ``after``."""
        wanted = words(query)
        matched = [
            summary
            for summary in self.in_place(now, state, municipality)
            if (agency is None or summary["agency"] == agency)
            and (topic is None or summary.get("topic") == topic)
            and all(word in self._text(summary) for word in wanted)
        ]
        start = 0 if after is None else bisect.bisect_right([str(item["code"]) for item in matched], after)
        page = matched[start : start + limit]
        return Found(items=page, more=start + limit < len(matched), total=len(matched))

    def in_place(self, now: str, state: str | None, municipality: str | None) -> list[Mapping[str, Any]]:
        return self._place(now, state, municipality)[0]

    def facets(self, now: str, state: str | None, municipality: str | None) -> dict[str, Any]:
        """What the filters offer for a place (``facets``)."""
        return self._place(now, state, municipality)[1]

    def _place(
        self, now: str, state: str | None, municipality: str | None
    ) -> tuple[list[Mapping[str, Any]], dict[str, Any]]:
        position = bisect.bisect_right(self._changes, now)
        until = self._changes[position] if position < len(self._changes) else ""  # "": nothing else is scheduled
        key = (state, municipality, until)
        held = self._places.get(key)
        if held is None:
            found = [
                summary for summary in self.in_effect(now) if jurisdictions.applies_in(summary, state, municipality)
            ]
            held = self._places[key] = (found, facets(found))
        return held

    def known(self, now: str) -> list[Mapping[str, Any]]:
        """The summary in effect of every procedure, retired ones included."""
        return [summary for entry in self._entries if (summary := entry.known(now)) is not None]

    def jurisdiction_of(self, agency: str, now: str) -> str | None:
        for summary in self.known(now):
            if agency in summary["agencies"]:
                return str(summary["agencies"][agency]) or None
        return None

    def agencies_of(self, jurisdiction: str, now: str) -> set[str]:
        return {
            agency
            for summary in self.known(now)
            for agency, answers_to in summary["agencies"].items()
            if answers_to == jurisdiction
        }

    def agencies(self, now: str) -> set[str]:
        return {agency for summary in self.known(now) for agency in summary["agencies"]}

    def _text(self, summary: Mapping[str, Any]) -> str:
        # the folded text is computed once per summary for the life of the index
        key = id(summary)
        text = self._texts.get(key)
        if text is None:
            text = self._texts[key] = searchable(summary)
        return text


def facets(summaries: Iterable[Mapping[str, Any]]) -> dict[str, Any]:
    """What the filters offer for a place: its agencies, topics and municipalities, each
    once, with their names (agencies and municipalities) in both languages."""
    agencies: dict[str, Any] = {}
    topics: set[str] = set()
    municipalities: dict[str, Any] = {}
    for summary in summaries:
        agencies.setdefault(summary["agency"], summary["agency_name"])
        if summary.get("topic"):
            topics.add(str(summary["topic"]))
        where = summary["jurisdiction"]
        if where["level"] == jurisdictions.MUNICIPAL:
            municipalities.setdefault(where["municipality"], where["name"])
    return {
        "agencies": [{"code": code, "name": agencies[code]} for code in sorted(agencies)],
        "topics": sorted(topics),
        "municipalities": [{"code": code, "name": municipalities[code]} for code in sorted(municipalities)],
    }
