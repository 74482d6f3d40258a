"""How the catalogue's search reads a query: accents, case and punctuation do not matter,
every word must be found, and a scheduled or retired version shows as the law says."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from chalicelib.api.catalogue_query import TOPICS
from chalicelib.procedures.summaries import CatalogueIndex, Entry, facets, fold, summary_of, words

PERMIT = json.loads(Path("workflows/licencia-construccion.json").read_text("utf-8"))
LICENCE = json.loads(Path("workflows/licencia-conducir.json").read_text("utf-8"))
NOW = "2026-06-01T12:00:00Z"


def index(*definitions: dict[str, Any]) -> CatalogueIndex:
    return CatalogueIndex(Entry(summary=summary_of(definition)) for definition in definitions)


def test_folding_drops_accents_and_case_in_both_languages() -> None:
    assert fold("Licencia de CONSTRUCCIÓN") == "licencia de construccion"
    assert fold("Año pequeño, Über") == "ano pequeno, uber"
    assert words("  ¿Licencia—de   construcción? ") == ["licencia", "de", "construccion"]


def test_every_word_must_match_with_or_without_accents() -> None:
    catalogue = index(PERMIT, LICENCE)
    codes = lambda query: [item["code"] for item in catalogue.search(NOW, query=query).items]  # noqa: E731
    assert codes("construccion") == codes("CONSTRUCCIÓN") == ["licencia-construccion"]
    assert codes("building permit") == ["licencia-construccion"]  # English name
    assert codes("licencia") == ["licencia-conducir", "licencia-construccion"]
    assert codes("licencia oaxaca") == ["licencia-construccion"]  # the jurisdiction's name
    assert codes("conduc") == ["licencia-conducir"]  # part of a word
    assert codes("licencia submarino") == []


def test_a_scheduled_version_shows_from_its_date_and_a_retired_one_not_at_all() -> None:
    newer = {**LICENCE, "version": 2, "name": {"es": "Licencia digital", "en": "Digital licence"}}
    scheduled = Entry(summary=summary_of(newer), effective_from="2026-07-01T06:00:00Z", before=summary_of(LICENCE))
    catalogue = CatalogueIndex([scheduled, Entry(summary=summary_of(PERMIT), retired=True)])
    assert [item["version"] for item in catalogue.search(NOW).items] == [1]
    assert [item["version"] for item in catalogue.search("2026-07-02T00:00:00Z").items] == [2]
    assert catalogue.search(NOW, query="construccion").total == 0
    # a retired procedure's running applications still keep their agencies' calendars
    assert catalogue.agencies_of("20067", NOW) == {"DUMUN", "PCMUN"}
    assert catalogue.jurisdiction_of("DUMUN", NOW) == "20067"


def test_facets_name_each_agency_topic_and_municipality_once() -> None:
    found = facets([summary_of(PERMIT), summary_of(LICENCE), summary_of(PERMIT)])
    assert [agency["code"] for agency in found["agencies"]] == sorted({PERMIT["agency"], LICENCE["agency"]})
    assert found["topics"] == sorted({PERMIT["topic"], LICENCE["topic"]})
    assert [place["code"] for place in found["municipalities"]] == [PERMIT["jurisdiction"]["municipality"]]


def test_the_topics_the_api_filters_by_are_the_schema_s() -> None:
    schema = json.loads(Path("chalicelib/procedures/procedure.schema.json").read_text("utf-8"))
    assert tuple(schema["properties"]["topic"]["enum"]) == TOPICS
