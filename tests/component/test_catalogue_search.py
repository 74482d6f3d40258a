"""The catalogue as citizens search it: summaries without definitions, words found with or
without accents in Spanish and English, filters by place, agency and topic, and pages
that neither repeat nor skip a procedure."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from tests.support.inprocess import Aws
from tests.support.paging import pages, refused_to

SHIPPED = {"apertura-empresa", "aviso-funcionamiento", "licencia-conducir", "licencia-construccion"}


def shipped(aws: Aws, query: str) -> list[str]:
    """The shipped procedures found: other tests of the session publish procedures too."""
    return [code for code in codes(aws, f"{query}&limit=200") if code in SHIPPED]


def codes(aws: Aws, query: str) -> list[str]:
    reply = aws.anonymous().get(f"/procedures?{query}")
    assert reply.status_code == 200, reply.body
    return [item["code"] for item in reply.body["procedures"]]


def test_the_list_gives_summaries_not_definitions(aws: Aws) -> None:
    body = aws.anonymous().get("/procedures?limit=200").body
    assert {item["code"] for item in body["procedures"]} >= SHIPPED
    licence = next(item for item in body["procedures"] if item["code"] == "licencia-conducir")
    assert "definition" not in licence and "agencies" not in licence
    assert (licence["agency"], licence["topic"], licence["jurisdiction"]["state"]) == ("SEMOVI", "vehiculos", "09")
    assert body["next_cursor"] is None and body["total"] == len(body["procedures"])
    assert {"SEMOVI", "COFEPRIS"} <= {agency["code"] for agency in body["facets"]["agencies"]}
    assert "vehiculos" in body["facets"]["topics"]
    assert "20067" in [place["code"] for place in body["facets"]["municipalities"]]


def test_search_ignores_accents_and_case_in_spanish_and_english(aws: Aws) -> None:
    assert shipped(aws, "q=construccion") == shipped(aws, f"q={quote('CONSTRUCCIÓN')}") == ["licencia-construccion"]
    assert shipped(aws, "q=building%20permit") == ["licencia-construccion"]
    assert shipped(aws, "q=driver") == ["licencia-conducir"]  # an English keyword
    assert shipped(aws, f"q={quote('comision federal')}") == ["aviso-funcionamiento"]  # the agency's name
    assert shipped(aws, "q=oaxaca") == ["licencia-construccion"]  # the jurisdiction's name
    assert codes(aws, "q=licencia%20submarino") == []


def test_filters_by_place_agency_and_topic(aws: Aws) -> None:
    assert shipped(aws, "agency=COFEPRIS") == ["aviso-funcionamiento"]
    assert shipped(aws, "topic=vehiculos") == ["licencia-conducir"]
    in_oaxaca = codes(aws, "state=20")
    assert "licencia-construccion" in in_oaxaca and "licencia-conducir" not in in_oaxaca
    assert shipped(aws, "state=20&topic=construccion&q=licencia") == ["licencia-construccion"]


def test_bad_filters_are_refused_naming_the_field(aws: Aws) -> None:
    for query, field, code in (
        ("topic=cocina", "topic", "invalid_topic"),
        ("agency=cofepris", "agency", "invalid_agency"),
        ("q=" + "a" * 101, "q", "invalid_query"),
        ("limit=0", "limit", "invalid_limit"),
        ("state=20&municipality=09015", "municipality", "municipality_outside_state"),
    ):
        reply = aws.anonymous().get(f"/procedures?{query}")
        assert reply.status_code == 422, (query, reply.body)
        assert (reply.body["error"]["code"], reply.body["error"]["details"][0]["field"]) == (code, field), query


def test_pages_neither_repeat_nor_skip_and_belong_to_their_list(aws: Aws) -> None:
    anyone = aws.anonymous()
    everything = codes(aws, "limit=200")
    walked = pages(anyone, "/procedures", 1, lambda body: [item["code"] for item in body["procedures"]])
    assert len(walked) == len(everything) >= 4
    assert [code for page in walked for code in page] == everything == sorted(everything)
    first: dict[str, Any] = anyone.get("/procedures?limit=1").body
    assert first["facets"] is not None and first["total"] == len(everything)
    second = anyone.get(f"/procedures?limit=1&cursor={quote(first['next_cursor'])}").body
    assert second["facets"] is None and second["total"] == len(everything)
    # the catalogue is everyone's (and cached so): a signed-in reader goes on with the same cursor
    assert aws.user().get(f"/procedures?limit=1&cursor={quote(first['next_cursor'])}").body == second
    refused_to(anyone, "/procedures?q=licencia", first["next_cursor"])  # and for the same search


def test_procedures_published_before_summaries_existed_are_summarised_once(aws: Aws) -> None:
    from chalicelib.store import keys
    from chalicelib.store.models import CatalogueEntry
    from chalicelib.wiring import container

    CatalogueEntry(keys.CATALOG_INDEX_PK, keys.procedure("licencia-conducir")).delete()
    assert container().catalogue.backfill() == ["licencia-conducir"]
    assert container().catalogue.backfill() == []
    assert "licencia-conducir" in codes(aws, "q=conducir")


def test_a_synthetic_procedure_of_the_scale_catalogue_is_found_filed_and_reviewed(aws: Aws) -> None:
    from infra.local.scale import definitions, fill
    from tests.support.flows import ready_licence, submit, wait_status

    before = aws.anonymous().get("/procedures?limit=1").body["total"]
    filled = fill(12, 7)
    assert (filled.procedures, filled.state_machines) == (12, 2)
    assert aws.anonymous().get("/procedures?limit=1").body["total"] == before + 12
    licence = next(item for item in definitions(12, 7) if "pago" in item["steps"])  # a driver's licence's shape
    assert codes(aws, f"q={quote(licence['name']['es'])}") == [licence["code"]]

    citizen = aws.user()
    application_id = ready_licence(citizen, procedure=licence["code"])
    submit(citizen, application_id)
    wait_status(citizen, application_id, "in_review")
    queue = aws.official(agency=licence["agency"]).get(f"/agencies/{licence['agency']}/reviews").body
    assert application_id in str(queue)


def test_a_client_that_has_the_filters_choices_asks_without_them(aws: Aws) -> None:
    anyone = aws.anonymous()
    full = anyone.get("/procedures?q=licencia&limit=1").body
    lighter = anyone.get("/procedures?q=licencia&facets=false&limit=1").body
    assert full["facets"] is not None and lighter["facets"] is None
    assert (lighter["total"], lighter["procedures"]) == (full["total"], full["procedures"]) and full["total"] >= 2
    walked = pages(anyone, "/procedures?q=licencia&facets=false", 1, lambda body: body["procedures"])
    assert [page[0]["code"] for page in walked] == codes(aws, "q=licencia")
    refused = anyone.get("/procedures?facets=quizas")
    assert (refused.status_code, refused.body["error"]["code"]) == (422, "invalid_flag")


def test_synthetic_applications_are_valid_records_with_intact_audit_trails(aws: Aws) -> None:
    from chalicelib.identity.curp import curp_check_digit, is_curp
    from chalicelib.store.models import Application, Profile
    from chalicelib.wiring import container
    from infra.local.scale import APPLICATIONS_PER_CITIZEN, _curp, fill

    filled = fill(3, 8, applications=2 * APPLICATIONS_PER_CITIZEN)
    assert (filled.applications, filled.citizens) == (10, 2)
    holder = _curp(1, 8, curp_check_digit)
    assert is_curp(holder)
    record = container().store.applications.record_of(holder)
    assert sum(isinstance(item, Profile) for item in record) == 1
    mine = [item for item in record if isinstance(item, Application)]
    assert len(mine) == APPLICATIONS_PER_CITIZEN
    for application in mine:  # drafts are their holder's only: checked as the verify route checks
        assert application.status in ("draft", "withdrawn")
        assert container().applications.verify_audit(application)["intact"] is True
        trail = container().applications.audit(application)
        assert trail[0].action == "application.created" and len(trail) == int(application.audit_seq)
    assert fill(3, 8, applications=2 * APPLICATIONS_PER_CITIZEN).citizens == 2  # the same again: nothing new
    assert len(container().store.applications.record_of(holder)) == len(record)
