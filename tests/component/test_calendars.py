"""An agency's calendar: who publishes its non-working days, what a publication must
carry, and the public calendar that shows them beside the federal days."""

from __future__ import annotations

import secrets
from datetime import date, timedelta
from typing import Any

import pytest

from chalicelib.core.clock import utcnow
from chalicelib.legal.calendar import legal_date
from tests.support.flows import licence_without_payment
from tests.support.inprocess import Aws, HttpUser

REFERENCE = {
    "es": "Acuerdo por el que se declaran inhábiles los días de Semana Santa, Gaceta Oficial",
    "en": "Decree declaring Holy Week non-working, Official Gazette",
}
NEXT_YEAR = legal_date(utcnow()).year + 1


def supervisor(aws: Aws, agency: str) -> HttpUser:
    return aws.user(username=f"supervision.{agency.lower()}.{secrets.token_hex(3)}", groups=(f"supervisor-{agency}",))


def refusal(reply: Any) -> tuple[int, str, str | None]:
    error = reply.body["error"]
    return reply.status_code, error["code"], (error.get("details") or [{}])[0].get("field")


def test_the_calendar_is_public_and_lists_the_federal_days_with_their_reference(aws: Aws) -> None:
    reply = aws.anonymous().get("/agencies/CALFED/calendar?year=2027")
    assert reply.status_code == 200, reply.body
    days = {day["date"]: day for day in reply.body["days"]}
    assert set(days) == {
        "2027-01-01",
        "2027-02-01",
        "2027-03-15",
        "2027-05-01",
        "2027-05-05",
        "2027-09-16",
        "2027-11-15",
        "2027-12-25",
    }
    assert days["2027-09-16"]["kind"] == "federal"
    assert days["2027-09-16"]["name"] == {"es": "Día de la Independencia", "en": "Independence Day"}
    assert "art. 28" in days["2027-09-16"]["reference"]["es"]
    this_year = aws.anonymous().get("/agencies/CALFED/calendar").body
    assert this_year["year"] == legal_date(utcnow()).year


def test_a_supervisor_publishes_days_that_the_calendar_then_shows(aws: Aws) -> None:
    publisher = supervisor(aws, "CALPUB")
    days = [date(NEXT_YEAR, 3, 22) + timedelta(days=offset) for offset in range(5)]
    body = {
        "days": [day.isoformat() for day in days],
        "reference": REFERENCE,
        "gazette_url": "https://gaceta.example.gob.mx/acuerdo",
    }
    published = publisher.post("/agencies/CALPUB/non-working-days", body)
    assert published.status_code == 201, published.body
    assert published.body["added"] == body["days"] and published.body["already_published"] == []
    again = publisher.post("/agencies/CALPUB/non-working-days", {**body, "reference": {"es": "Otro", "en": "Other"}})
    assert again.status_code == 201 and again.body["added"] == [] and again.body["already_published"] == body["days"]

    shown = aws.anonymous().get(f"/agencies/CALPUB/calendar?year={NEXT_YEAR}").body["days"]
    own = [day for day in shown if day["kind"] == "agency"]
    assert [day["date"] for day in own] == body["days"]
    assert all(day["reference"] == REFERENCE for day in own)  # the first publication's reference stays
    assert own[0]["gazette_url"] == "https://gaceta.example.gob.mx/acuerdo" and own[0]["published_at"]
    other = aws.anonymous().get(f"/agencies/CALOTRA/calendar?year={NEXT_YEAR}").body["days"]
    assert {day["kind"] for day in other} == {"federal"}  # another agency keeps the federal calendar


def test_only_the_agencys_supervisors_or_a_national_admin_publish(aws: Aws) -> None:
    body = {"days": [date(NEXT_YEAR, 4, 5).isoformat()], "reference": REFERENCE}
    path = "/agencies/CALROL/non-working-days"
    assert aws.anonymous().post(path, body).status_code == 401
    assert refusal(aws.user().post(path, body))[:2] == (403, "forbidden")
    assert refusal(aws.official("oficial.calrol", "CALROL").post(path, body))[:2] == (403, "forbidden")
    assert refusal(supervisor(aws, "CALAJENA").post(path, body))[:2] == (403, "other_agency")
    assert supervisor(aws, "CALROL").post(path, body).status_code == 201
    admin = aws.user(username="admin.calendario", groups=("admin",))
    assert admin.post("/agencies/CALADMIN/non-working-days", body).status_code == 201


@pytest.mark.parametrize(
    ("change", "code", "field"),
    [
        ({"days": []}, "invalid_days", "days"),
        ({"days": "2027-03-22"}, "invalid_days", "days"),
        ({"days": [f"{NEXT_YEAR}-04-01", f"{NEXT_YEAR}-02-30"]}, "invalid_date", "days[1]"),
        ({"days": [f"{NEXT_YEAR}-4-1"]}, "invalid_date", "days[0]"),
        ({"days": [(legal_date(utcnow()) - timedelta(days=1)).isoformat()]}, "day_in_the_past", "days"),
        ({"days": [f"{NEXT_YEAR + 5}-04-01"]}, "day_too_far", "days"),
        ({"reference": {"es": "Acuerdo de la Gaceta"}}, "reference_required", "reference.en"),
        ({"reference": {"es": "  ", "en": "Decree"}}, "reference_required", "reference.es"),
        ({"gazette_url": "http://gaceta.example.gob.mx"}, "invalid_url", "gazette_url"),
    ],
)
def test_a_bad_publication_is_refused_naming_the_field(aws: Aws, change: dict[str, Any], code: str, field: str) -> None:
    publisher = supervisor(aws, "CALBAD")
    body = {"days": [f"{NEXT_YEAR}-04-01"], "reference": REFERENCE, **change}
    reply = publisher.post("/agencies/CALBAD/non-working-days", body)
    assert refusal(reply) == (422, code, field), reply.body
    shown = aws.anonymous().get(f"/agencies/CALBAD/calendar?year={NEXT_YEAR}").body["days"]
    assert {day["kind"] for day in shown} == {"federal"}  # nothing half-written


def test_a_bad_year_or_agency_is_refused_naming_it(aws: Aws) -> None:
    for query in ("year=1999", "year=2101", "year=dos-mil"):
        reply = aws.anonymous().get(f"/agencies/CALFED/calendar?{query}")
        assert refusal(reply) == (422, "invalid_year", "year"), reply.body
    reply = aws.anonymous().get("/agencies/semovi/calendar")
    assert refusal(reply) == (422, "invalid_agency", "agency"), reply.body


def municipal_procedure(aws: Aws, agency: str) -> str:
    """A procedure of a municipality of its own (a random one of Zacatecas, so that its
    calendar is this test's alone), reviewed by ``agency``; returns the municipality's code."""
    municipality = f"32{secrets.randbelow(1000):03d}"
    code = f"calendario-{municipality}-{agency.lower()}"
    definition = licence_without_payment(
        code, agency, {"es": "Permiso municipal", "en": "Municipal permit"}, {"es": "Tesorería", "en": "Treasury"}
    )
    name = {"es": "Municipio", "en": "Municipality"}
    jurisdiction = {"level": "municipal", "state": "32", "municipality": municipality, "name": name}
    published = aws.user(groups=("admin",)).put(f"/procedures/{code}", {**definition, "jurisdiction": jurisdiction})
    assert published.status_code == 201, published.body
    return municipality


def test_a_jurisdictions_publishers_publish_days_its_agencies_calendars_then_show(aws: Aws) -> None:
    municipality = municipal_procedure(aws, "CALMUN")
    body = {"days": [f"{NEXT_YEAR}-10-04"], "reference": {"es": "Fiesta patronal", "en": "Patron saint's day"}}
    publisher = aws.user(groups=(f"admin-{municipality}",))
    published = publisher.post(f"/jurisdictions/{municipality}/non-working-days", body)
    assert published.status_code == 201, published.body
    assert published.body["jurisdiction"] == municipality and published.body["added"] == body["days"]

    own = aws.anonymous().get(f"/jurisdictions/{municipality}/calendar?year={NEXT_YEAR}").body
    assert own["jurisdiction"] == municipality
    assert [(day["date"], day["kind"]) for day in own["days"] if day["kind"] != "federal"] == [
        (f"{NEXT_YEAR}-10-04", "jurisdiction")
    ]
    # the agency's calendar shows its jurisdiction's days beside its own
    agency = aws.anonymous().get(f"/agencies/CALMUN/calendar?year={NEXT_YEAR}").body
    assert agency["jurisdiction"] == municipality
    shown = {day["date"]: day for day in agency["days"]}
    assert shown[f"{NEXT_YEAR}-10-04"]["kind"] == "jurisdiction"
    assert shown[f"{NEXT_YEAR}-10-04"]["reference"] == body["reference"]
    assert aws.anonymous().get(f"/agencies/CALOTRA/calendar?year={NEXT_YEAR}").body["jurisdiction"] is None


def test_only_a_jurisdictions_publishers_or_a_national_admin_publish_its_days(aws: Aws) -> None:
    municipality = municipal_procedure(aws, "CALJUR")
    body = {"days": [f"{NEXT_YEAR}-10-05"], "reference": REFERENCE}
    path = f"/jurisdictions/{municipality}/non-working-days"
    assert aws.anonymous().post(path, body).status_code == 401
    assert refusal(supervisor(aws, "CALJUR").post(path, body))[:2] == (403, "forbidden")
    # neither another state's publishers, nor its own state's: municipalities are autonomous
    for group in ("admin-09", "admin-32", f"admin-{municipality[:2]}{(int(municipality[2:]) + 1) % 1000:03d}"):
        assert refusal(aws.user(groups=(group,)).post(path, body))[:2] == (403, "outside_jurisdiction"), group
    shown = aws.anonymous().get(f"/jurisdictions/{municipality}/calendar?year={NEXT_YEAR}").body["days"]
    assert {day["kind"] for day in shown} == {"federal"}
    assert aws.user(groups=("admin",)).post(path, body).status_code == 201


def test_a_bad_jurisdiction_is_refused_naming_it(aws: Aws) -> None:
    body = {"days": [f"{NEXT_YEAR}-10-05"], "reference": REFERENCE}
    admin = aws.user(groups=("admin",))
    for code in ("33", "00", "2", "200670", "2006A"):
        reply = admin.post(f"/jurisdictions/{code}/non-working-days", body)
        assert refusal(reply) == (422, "invalid_jurisdiction", "jurisdiction"), (code, reply.body)
        reply = aws.anonymous().get(f"/jurisdictions/{code}/calendar")
        assert refusal(reply) == (422, "invalid_jurisdiction", "jurisdiction"), (code, reply.body)
    reply = admin.post("/jurisdictions/20/non-working-days", {**body, "days": ["mañana"]})
    assert refusal(reply) == (422, "invalid_date", "days[0]"), reply.body
