"""The intermediaries' report over the embedded stack: applications a centre filed that the
agency decided far faster than the procedure's median are flagged, from one Query."""

from __future__ import annotations

import copy
import json
from datetime import timedelta

import pytest

from chalicelib.core.clock import iso, utcnow
from chalicelib.store import keys
from chalicelib.store.models import Decision
from infra.aws.stack import WORKFLOWS
from tests.support.flows import approved, delegated, submit, upload_documents
from tests.support.forms import LICENCE_FORM
from tests.support.inprocess import Aws, HttpUser

AGENCY = "VIALIDAD"
PROCEDURE = "licencia-vialidad"


@pytest.fixture(scope="module")
def procedure(aws: Aws) -> str:
    """The licence, published by an agency of its own (its decisions are this test's alone)."""
    definition = copy.deepcopy(json.loads((WORKFLOWS / "licencia-conducir.json").read_text("utf-8")))
    definition.update(
        code=PROCEDURE, agency=AGENCY, agencies={AGENCY: {"es": "Dirección de Vialidad", "en": "Roads Directorate"}}
    )
    definition["name"] = {"es": "Licencia de vialidad", "en": "Roads licence"}
    definition["steps"]["revision"]["agency"] = AGENCY
    published = aws.user(username="admin.intermediarios", groups=("admin",)).put(f"/procedures/{PROCEDURE}", definition)
    assert published.status_code == 201, published.body
    return PROCEDURE


def past_decision(number: int, hours: float, centre: str | None = None) -> None:
    decided = utcnow() - timedelta(days=2, minutes=number)
    Decision(
        keys.decisions(AGENCY),
        keys.decision_order(iso(decided), f"past{number:04d}"),
        application_id=f"PAST{number:06d}",
        procedure_code=PROCEDURE,
        agency=AGENCY,
        step="revision",
        decision="approve",
        centre=centre,
        assistant="asesor.lento" if centre else None,
        submitted_at=iso(decided - timedelta(hours=hours)),
        decided_at=iso(decided),
        hours=hours,
    ).save()


def approved_through(aws: Aws, helper: HttpUser, citizen: HttpUser, official: HttpUser) -> str:
    created = helper.post("/applications", {"procedure": PROCEDURE, "citizen": citizen.username, "data": LICENCE_FORM})
    assert created.status_code == 201, created.body
    application_id = str(created.body["id"])
    upload_documents(helper, application_id)
    submit(helper, application_id)
    approved(official, citizen, application_id, AGENCY)
    return application_id


def test_a_centre_whose_applications_are_decided_unusually_fast_is_flagged(aws: Aws, procedure: str) -> None:
    for number in range(12):  # the agency's usual pace: two days
        past_decision(number, 48.0)
    for number in range(12, 15):  # another centre, at the usual pace
        past_decision(number, 50.0, "CDC-LENTO")
    official = aws.official("oficial.vialidad", AGENCY)
    helper = aws.user(username="asesor.rapido", groups=("assistant-CDC-RAPIDO",), name="Asesor Rápido")
    citizen = aws.user()
    delegated(aws, helper, citizen, "CDC-RAPIDO")
    filed = [approved_through(aws, helper, citizen, official) for _ in range(3)]

    reply = official.get(f"/agencies/{AGENCY}/intermediaries")
    assert reply.status_code == 200, reply.body
    report = reply.body
    assert report["procedures"][PROCEDURE]["decisions"] == 18
    assert report["procedures"][PROCEDURE]["median_hours"] == 48.0
    fast, slow = report["centres"]
    assert (fast["centre"], fast["procedure"], fast["applications"], fast["unusual"]) == (
        "CDC-RAPIDO",
        PROCEDURE,
        3,
        True,
    )
    assert sorted(item["application_id"] for item in fast["items"]) == sorted(filed)
    assert {item["assistant"] for item in fast["items"]} == {"asesor.rapido"}
    assert (slow["centre"], slow["unusual"]) == ("CDC-LENTO", False)
    # the window and the threshold are the official's to set
    assert official.get(f"/agencies/{AGENCY}/intermediaries?days=1").body["procedures"][PROCEDURE]["decisions"] == 3
    assert official.get(f"/agencies/{AGENCY}/intermediaries?min_applications=4").body["centres"][0]["unusual"] is False


def test_only_the_agencys_officials_see_its_report(aws: Aws) -> None:
    other = aws.official("oficial.otra.vialidad")
    refused = other.get(f"/agencies/{AGENCY}/intermediaries")
    assert refused.status_code == 403 and refused.body["error"]["code"] == "other_agency"
    own = aws.official("oficial.vialidad.2", AGENCY)
    bad = own.get(f"/agencies/{AGENCY}/intermediaries?days=0")
    assert bad.status_code == 422 and bad.body["error"]["details"][0]["field"] == "days"
