"""Filing by phone: a call-centre agent files for a caller only with the code texted to the
phone on the caller's record; everything they do names the agent and the channel in the
caller's timeline; the caller revokes it as any assisted filing, and the delegation lasts
the call's day only."""

from __future__ import annotations

from datetime import timedelta

from chalicelib.core import clock
from tests.support.forms import LICENCE_FORM
from tests.support.inprocess import Aws, HttpUser
from tests.support.people import new_curp

LINE = "LINEA-CDMX"


def agent(aws: Aws, name: str = "Rosa Méndez") -> HttpUser:
    return aws.user(username=f"agente.{new_curp().lower()[:10]}", groups=(f"callcentre-{LINE}",), name=name)


def consent_by_phone(aws: Aws, helper: HttpUser, citizen: HttpUser) -> dict[str, object]:
    pending = helper.post("/delegations", {"curp": citizen.username})
    assert pending.status_code == 201, pending.body
    assert (pending.body["status"], pending.body["origin"], pending.body["channel"]) == ("pending", "sms", "phone")
    sms = aws.sms(citizen.phone or "")[-1]
    assert LINE in sms and "llamada" in sms and citizen.username not in sms
    code = aws.texted_code(citizen.phone or "", LINE)
    confirmed = helper.post(f"/delegations/{pending.body['id']}/confirm", {"code": code})
    assert confirmed.status_code == 200 and confirmed.body["status"] == "active", confirmed.body
    body: dict[str, object] = confirmed.body
    return body


def test_an_agent_files_for_a_caller_with_the_texted_code_and_the_timeline_names_agent_and_phone(aws: Aws) -> None:
    citizen, helper = aws.user(), agent(aws)
    refused = helper.post("/applications", {"procedure": "licencia-conducir", "citizen": citizen.username})
    assert refused.status_code == 403 and refused.body["error"]["code"] == "no_delegation"

    delegation = consent_by_phone(aws, helper, citizen)
    created = helper.post(
        "/applications",
        {
            "procedure": "licencia-conducir",
            "citizen": citizen.username,
            "data": {"domicilio": LICENCE_FORM["domicilio"]},
        },
    )
    assert created.status_code == 201, created.body
    application_id = created.body["id"]
    assert helper.patch(f"/applications/{application_id}", {"data": LICENCE_FORM}).status_code == 200

    seen = citizen.get(f"/applications/{application_id}").body
    assert (seen["status"], seen["assisted_by"]["channel"], seen["assisted_by"]["centre"]) == ("draft", "phone", LINE)
    events = citizen.get(f"/applications/{application_id}/audit").body["events"]
    assert [event["action"] for event in events] == ["application.created", "application.updated"]
    for event in events:
        assert event["actor"] == {
            "kind": "agent",
            "id": helper.username,
            "name": "Rosa Méndez",
            "centre": LINE,
            "delegation_id": delegation["id"],
            "channel": "phone",
        }
    mine = citizen.get("/me").body["delegations"]
    assert [(item["id"], item["channel"], item["centre"]) for item in mine] == [(delegation["id"], "phone", LINE)]


def test_the_caller_revokes_and_the_agents_next_request_is_refused(aws: Aws) -> None:
    citizen, helper = aws.user(), agent(aws)
    delegation = consent_by_phone(aws, helper, citizen)
    application_id = helper.post("/applications", {"procedure": "licencia-conducir", "citizen": citizen.username}).body[
        "id"
    ]
    revoked = citizen.request("DELETE", f"/delegations/{delegation['id']}")
    assert revoked.status_code == 200 and revoked.body["status"] == "revoked"
    assert helper.get(f"/applications/{application_id}").status_code == 404
    assert helper.patch(f"/applications/{application_id}", {"data": LICENCE_FORM}).status_code == 404
    again = helper.post("/applications", {"procedure": "licencia-conducir", "citizen": citizen.username})
    assert again.status_code == 403 and again.body["error"]["code"] == "no_delegation"
    last = citizen.get(f"/applications/{application_id}/audit").body["events"][-1]
    assert last["action"] == "assistance.revoked" and last["actor"]["id"] == citizen.username
    assert (last["details"]["centre"], last["details"]["channel"]) == (LINE, "phone")


def test_an_agent_cannot_use_the_code_shown_in_the_account(aws: Aws) -> None:
    citizen, helper = aws.user(), agent(aws)
    shown = citizen.post("/me/delegation-code").body["code"]
    refused = helper.post("/delegations", {"curp": citizen.username, "code": shown})
    assert refused.status_code == 422, refused.body
    assert refused.body["error"]["code"] == "code_not_for_phone"
    assert refused.body["error"]["details"][0]["field"] == "code"
    # the code stays unspent: an assistant the citizen sits beside may still use it
    beside = aws.user(username="asesora.junto", groups=("assistant-CDC-OAXACA",))
    assert beside.post("/delegations", {"curp": citizen.username, "code": shown}).status_code == 201


def test_a_phone_delegation_ends_with_the_calls_day(aws: Aws) -> None:
    citizen, helper = aws.user(), agent(aws)
    delegation = consent_by_phone(aws, helper, citizen)
    assert str(delegation["expires_at"]).endswith(("06:00:00.000Z", "05:00:00.000Z"))  # midnight in Mexico City
    clock.shift(timedelta(days=1))
    try:
        listed = citizen.get("/me").body["delegations"]
        assert [item["status"] for item in listed] == ["expired"]
        refused = helper.post("/applications", {"procedure": "licencia-conducir", "citizen": citizen.username})
        assert refused.status_code == 403 and refused.body["error"]["code"] == "no_delegation"
    finally:
        clock.reset_shift()
