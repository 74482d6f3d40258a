"""Open data on assisted filing: how much of a procedure's filing went through
community centres, per centre, with small centres withheld.

A procedure of its own keeps the figures apart from the other tests. Three centres file
for citizens (6, 5 and 1 applications) and two citizens file for themselves: 14
submitted, 12 with assistance. The centre with one is withheld, and so is the one with
five, or 12 - 6 - 5 would give the one back.
"""

from __future__ import annotations

import csv
import io
import json
import random
import string
from datetime import UTC, datetime
from typing import Any

import pytest

from chalicelib.core.clock import iso
from chalicelib.stats import figures
from chalicelib.wiring import container
from tests.support.client import wait_for
from tests.support.flows import delegated, licence_without_payment, ready_licence, submit, upload_documents
from tests.support.forms import LICENCE_FORM
from tests.support.inprocess import Aws, HttpUser

SUFFIX = "".join(random.choices(string.ascii_uppercase, k=5))
AGENCY = f"AYU{SUFFIX}"
CODE = f"ayuda-{SUFFIX.lower()}"
FILED = {"CDC-MITLA": 6, "CDC-OAXACA": 5, "CDC-TLACOLULA": 1}
UNASSISTED = 2


def definition() -> dict[str, Any]:
    """The driver's licence under a code and agency of its own."""
    return licence_without_payment(
        CODE,
        AGENCY,
        {"es": f"Trámite con ayuda {SUFFIX}", "en": f"Assisted procedure {SUFFIX}"},
        {"es": f"Dependencia {SUFFIX}", "en": f"Agency {SUFFIX}"},
    )


def file_through(aws: Aws, centre: str, count: int) -> tuple[HttpUser, list[str]]:
    """An assistant of ``centre`` files ``count`` applications for one citizen, who consented by SMS code."""
    citizen = aws.user()
    helper = aws.user(
        username=f"asesor.{centre.lower()}.{SUFFIX.lower()}", groups=(f"assistant-{centre}",), name=f"Asesor {centre}"
    )
    delegated(aws, helper, citizen, centre)
    filed = []
    for _ in range(count):
        created = helper.post("/applications", {"procedure": CODE, "citizen": citizen.username, "data": LICENCE_FORM})
        assert created.status_code == 201, created.body
        upload_documents(helper, created.body["id"])
        submit(helper, created.body["id"])
        filed.append(created.body["id"])
    return helper, filed


@pytest.fixture(scope="module")
def filed(aws: Aws) -> dict[str, Any]:
    published = aws.user(groups=("admin",)).put(f"/procedures/{CODE}", definition())
    assert published.status_code in (200, 201), published.body
    helpers, applications = [], []
    for centre, count in FILED.items():
        helper, ids = file_through(aws, centre, count)
        helpers.append(helper)
        applications += ids
    for _ in range(UNASSISTED):
        citizen = aws.user()
        application_id = ready_licence(citizen, procedure=CODE)
        submit(citizen, application_id)
        applications.append(application_id)
    submissions = sum(FILED.values()) + UNASSISTED
    wait_for(lambda: totals(aws)["submitted"] == submissions, "every submission counted")
    # the workflows go on to open the reviews, which count nothing and text nobody by default
    return {"helpers": helpers, "applications": applications}


def query() -> str:
    this_month = figures.month_of(iso(datetime.now(UTC)))
    return f"procedure={CODE}&from={figures.shift_month(this_month, -1)}&to={this_month}"


def report(aws: Aws) -> dict[str, Any]:
    reply = aws.anonymous().get(f"/stats/procedures?{query()}")
    assert reply.status_code == 200, reply.body
    [procedure] = reply.body["procedures"]
    result: dict[str, Any] = procedure
    return result


def totals(aws: Aws) -> dict[str, Any]:
    result: dict[str, Any] = report(aws)["totals"]
    return result


def test_the_share_filed_with_assistance_is_published_per_centre(aws: Aws, filed: dict[str, Any]) -> None:
    figures_now = totals(aws)
    submitted, assisted = sum(FILED.values()) + UNASSISTED, sum(FILED.values())
    assert (figures_now["submitted"], figures_now["assisted"]) == (submitted, assisted)
    assert figures_now["assisted_share"] == round(assisted / submitted, 3)
    by_centre = {entry["centre"]: entry for entry in figures_now["centres"]}
    assert list(by_centre) == sorted(FILED)
    assert by_centre["CDC-MITLA"] == {"centre": "CDC-MITLA", "submitted": 6, "share": round(6 / submitted, 3)}


def test_a_centre_with_fewer_than_five_is_withheld_and_cannot_be_subtracted_back(
    aws: Aws, filed: dict[str, Any]
) -> None:
    figures_now = totals(aws)
    by_centre = {entry["centre"]: entry for entry in figures_now["centres"]}
    assert by_centre["CDC-TLACOLULA"] == {"centre": "CDC-TLACOLULA", "submitted": None, "share": None}
    # 12 assisted - 6 (Mitla) - 5 (Oaxaca) would give Tlacolula's one back: Oaxaca goes too.
    assert by_centre["CDC-OAXACA"] == {"centre": "CDC-OAXACA", "submitted": None, "share": None}
    assert {"centres.CDC-TLACOLULA", "centres.CDC-OAXACA"} <= set(figures_now["suppressed"])
    # This month's row holds the same filings, withheld the same way.
    [month] = [row for row in report(aws)["months"] if row["centres"]]
    assert [(entry["centre"], entry["submitted"]) for entry in month["centres"]] == [
        ("CDC-MITLA", 6),
        ("CDC-OAXACA", None),
        ("CDC-TLACOLULA", None),
    ]


def test_the_centres_csv_carries_the_same_figures_and_no_person(aws: Aws, filed: dict[str, Any]) -> None:
    reply = aws.anonymous().get(f"/stats/centres.csv?{query()}")
    assert reply.status_code == 200
    headers = {name.lower(): value for name, value in reply.headers.items()}
    assert headers["content-type"].startswith("text/csv") and "ventanilla-centros-" in headers["content-disposition"]
    lines = [line for line in csv.DictReader(io.StringIO(reply.body)) if line["month"] == "total"]
    assert [(line["procedure"], line["centre"], line["submitted"]) for line in lines] == [
        (CODE, "CDC-MITLA", "6"),
        (CODE, "CDC-OAXACA", ""),
        (CODE, "CDC-TLACOLULA", ""),
    ]
    text = reply.body + json.dumps(report(aws))
    for helper in filed["helpers"]:
        assert helper.username not in text and "Asesor" not in text
    for application_id in filed["applications"]:
        assert application_id not in text


def test_an_assisted_submission_counts_once_on_replay(aws: Aws, filed: dict[str, Any]) -> None:
    before = totals(aws)
    services = container()
    for application_id in filed["applications"][:2]:
        assert services.stats_projector.catch_up(services.applications.load(application_id))["counted"] == 0
    assert totals(aws) == before
