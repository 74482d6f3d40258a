"""An agency's calendar: who publishes its non-working days, what a publication must
carry, and the public calendar that shows them beside the federal days."""

from __future__ import annotations

import secrets
from datetime import date, timedelta
from typing import Any

import pytest

from chalicelib.core.clock import utcnow
from chalicelib.legal.calendar import legal_date
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
