"""Assisted filing over the embedded stack: an assistant of a community centre files for
a citizen only with the citizen's code, sees only what they filed, is named (with the
centre) in every audit event, and is stopped at once when the citizen revokes."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from tests.support.flows import approved, bank_pays, delegated, submit, upload_documents, wait_status
from tests.support.forms import LICENCE_FORM
from tests.support.inprocess import Aws, HttpUser
from tests.support.people import new_curp

CENTRE = "CDC-OAXACA"


def assistant(aws: Aws, name: str = "Elena Cruz") -> HttpUser:
    return aws.user(username=f"asesora.{new_curp().lower()[:10]}", groups=(f"assistant-{CENTRE}",), name=name)


def assisted_draft(helper: HttpUser, citizen: HttpUser) -> str:
    created = helper.post(
        "/applications",
        {
            "procedure": "licencia-conducir",
            "citizen": citizen.username,
            "data": {"domicilio": LICENCE_FORM["domicilio"]},
        },
    )
    assert created.status_code == 201, created.body
    return str(created.body["id"])


def test_an_assistant_cannot_act_without_the_citizens_code(aws: Aws) -> None:
    citizen, helper = aws.user(), assistant(aws)
    refused = helper.post("/applications", {"procedure": "licencia-conducir", "citizen": citizen.username})
    assert refused.status_code == 403 and refused.body["error"]["code"] == "no_delegation"

    pending = helper.post("/delegations", {"curp": citizen.username})
    assert pending.status_code == 201, pending.body
    assert pending.body["phone"].endswith(citizen.phone[-2:] if citizen.phone else "")
    sms = aws.sms(citizen.phone or "")[-1]
    assert CENTRE in sms and citizen.username not in sms
    wrong = "000000" if aws.texted_code(citizen.phone or "", CENTRE) != "000000" else "111111"
    bad = helper.post(f"/delegations/{pending.body['id']}/confirm", {"code": wrong})
    assert bad.status_code == 422 and bad.body["error"]["code"] == "wrong_code"
    assert bad.body["error"]["details"][0]["field"] == "code"
    still = helper.post("/applications", {"procedure": "licencia-conducir", "citizen": citizen.username})
    assert still.status_code == 403 and still.body["error"]["code"] == "no_delegation"
    # another assistant cannot confirm the first one's request, even with the right code
    other = assistant(aws, "Otro Asesor")
    stolen = other.post(
        f"/delegations/{pending.body['id']}/confirm", {"code": aws.texted_code(citizen.phone or "", CENTRE)}
    )
    assert stolen.status_code == 404

    confirmed = helper.post(
        f"/delegations/{pending.body['id']}/confirm", {"code": aws.texted_code(citizen.phone or "", CENTRE)}
    )
    assert confirmed.status_code == 200 and confirmed.body["status"] == "active"
    application_id = assisted_draft(helper, citizen)
    record = citizen.get("/me").body
    mine = next(item for item in record["applications"] if item["id"] == application_id)
    assert mine["assisted_by"]["centre"] == CENTRE and mine["assisted_by"]["name"] == "Elena Cruz"
    assert [(item["id"], item["status"], item["centre"]) for item in record["delegations"]] == [
        (pending.body["id"], "active", CENTRE)
    ]
    assert record["delegations"][0]["applications"] == [application_id]
    assert (
        other.post("/applications", {"procedure": "licencia-conducir", "citizen": citizen.username}).status_code == 403
    )


def test_a_code_the_citizen_generated_gives_access_once(aws: Aws) -> None:
    citizen, helper = aws.user(), assistant(aws)
    shown = citizen.post("/me/delegation-code")
    assert shown.status_code == 201, shown.body
    texts_before = len(aws.sms(citizen.phone or ""))
    granted = helper.post("/delegations", {"curp": citizen.username, "code": shown.body["code"]})
    assert granted.status_code == 201, granted.body
    assert (granted.body["status"], granted.body["origin"]) == ("active", "account")
    assert len(aws.sms(citizen.phone or "")) == texts_before  # no SMS needed
    again = assistant(aws).post("/delegations", {"curp": citizen.username, "code": shown.body["code"]})
    assert again.status_code == 409 and again.body["error"]["code"] == "code_expired"
    assert helper.post("/delegations", {"curp": citizen.username}).status_code == 200  # already active


def test_wrong_tries_at_a_citizens_code_count_per_assistant(aws: Aws) -> None:
    """One assistant typing wrong codes locks only themself out of the code the citizen
    shows; another assistant's right code still works."""
    citizen, careless, careful = aws.user(), assistant(aws), assistant(aws, "Otra Asesora")
    right = citizen.post("/me/delegation-code").body["code"]
    wrong = "000000" if right != "000000" else "111111"
    for left in range(4, -1, -1):
        bad = careless.post("/delegations", {"curp": citizen.username, "code": wrong})
        assert bad.status_code == 422 and bad.body["error"]["code"] == "wrong_code", bad.body
        assert f"({left} attempts left)" in bad.body["error"]["details"][0]["message"]
    locked = careless.post("/delegations", {"curp": citizen.username, "code": right})
    assert locked.status_code == 409 and locked.body["error"]["code"] == "too_many_attempts"
    granted = careful.post("/delegations", {"curp": citizen.username, "code": right})
    assert granted.status_code == 201 and granted.body["status"] == "active", granted.body
    assert (
        careless.post("/applications", {"procedure": "licencia-conducir", "citizen": citizen.username}).status_code
        == 403
    )


def test_wrong_tries_sent_at_once_are_bounded_all_the_same(aws: Aws) -> None:
    """A try is counted before the code is compared: twelve wrong codes sent together by
    one assistant cost five tries, and the rest are refused without being compared."""
    citizen, hasty = aws.user(), assistant(aws)
    right = citizen.post("/me/delegation-code").body["code"]
    wrong = "000000" if right != "000000" else "111111"
    with ThreadPoolExecutor(6) as pool:
        replies = list(
            pool.map(lambda _: hasty.post("/delegations", {"curp": citizen.username, "code": wrong}), range(12))
        )
    codes = sorted(reply.body["error"]["code"] for reply in replies)
    assert codes == ["too_many_attempts"] * 7 + ["wrong_code"] * 5, codes
    assert assistant(aws).post("/delegations", {"curp": citizen.username, "code": right}).status_code == 201


def test_every_assistant_together_may_try_a_citizens_code_only_so_often(aws: Aws) -> None:
    """Many assistants guessing at one code spend it for everyone (15 tries in all)."""
    citizen = aws.user()
    right = citizen.post("/me/delegation-code").body["code"]
    wrong = "000000" if right != "000000" else "111111"
    guessers = [assistant(aws, f"Asesor {n}") for n in range(3)]
    for guesser in guessers:
        for _ in range(5):
            assert guesser.post("/delegations", {"curp": citizen.username, "code": wrong}).status_code == 422
    spent = assistant(aws, "Asesora nueva").post("/delegations", {"curp": citizen.username, "code": right})
    assert spent.status_code == 409 and spent.body["error"]["code"] == "too_many_attempts"
    assert "generate a new one" in spent.body["error"]["message"]
    fresh = citizen.post("/me/delegation-code").body["code"]
    assert guessers[0].post("/delegations", {"curp": citizen.username, "code": fresh}).status_code == 201


def test_an_assistant_cannot_read_another_citizens_record(aws: Aws) -> None:
    citizen, stranger, helper = aws.user(), aws.user(), assistant(aws)
    own = citizen.post("/applications", {"procedure": "licencia-conducir", "data": LICENCE_FORM}).body["id"]
    theirs = stranger.post("/applications", {"procedure": "licencia-conducir", "data": LICENCE_FORM}).body["id"]
    delegated(aws, helper, citizen, CENTRE)
    filed = assisted_draft(helper, citizen)
    assert helper.get(f"/applications/{filed}").status_code == 200
    for application_id in (own, theirs):  # the citizen's own filing, and another citizen's
        for reply in (
            helper.get(f"/applications/{application_id}"),
            helper.get(f"/applications/{application_id}/audit"),
            helper.patch(f"/applications/{application_id}", {"data": {}}),
        ):
            assert reply.status_code == 404 and reply.body["error"]["code"] == "unknown_application", reply.body
    assert helper.get("/me").status_code == 403
    refused = helper.post("/applications", {"procedure": "licencia-conducir", "citizen": stranger.username})
    assert refused.status_code == 403 and refused.body["error"]["code"] == "no_delegation"
    listed = helper.get("/delegations").body["delegations"]
    assert [(item["curp"], item["applications"]) for item in listed] == [(citizen.username, [filed])]
    assert helper.post("/subscriptions", {"application_id": filed, "phone": "+525512345678"}).status_code == 403


def test_every_assisted_action_is_in_the_citizens_timeline_with_the_assistant_and_centre(aws: Aws) -> None:
    citizen, helper = aws.user(), assistant(aws, "Elena Cruz")
    delegation = delegated(aws, helper, citizen, CENTRE)
    application_id = assisted_draft(helper, citizen)
    assert helper.patch(f"/applications/{application_id}", {"data": LICENCE_FORM}).status_code == 200
    upload_documents(helper, application_id)
    submit(helper, application_id)
    wait_status(citizen, application_id, "in_review")

    events = citizen.get(f"/applications/{application_id}/audit").body["events"]
    assisted = [event for event in events if event["actor"]["kind"] == "assistant"]
    assert [event["action"] for event in assisted] == [
        "application.created",
        "application.updated",
        "document.declared",
        "document.declared",
        "application.submitted",
    ]
    for event in assisted:
        assert event["actor"] == {
            "kind": "assistant",
            "id": helper.username,
            "name": "Elena Cruz",
            "centre": CENTRE,
            "delegation_id": delegation["id"],
        }
    assert citizen.get(f"/applications/{application_id}/audit/verify").body["intact"] is True
    assert citizen.get(f"/applications/{application_id}").body["assisted_by"]["centre"] == CENTRE


def test_revoking_stops_the_assistant_at_once(aws: Aws) -> None:
    citizen, helper = aws.user(), assistant(aws)
    delegation = delegated(aws, helper, citizen, CENTRE)
    application_id = assisted_draft(helper, citizen)
    assert helper.get(f"/applications/{application_id}").status_code == 200

    revoked = citizen.request("DELETE", f"/delegations/{delegation['id']}")
    assert revoked.status_code == 200 and revoked.body["status"] == "revoked"
    for reply in (
        helper.get(f"/applications/{application_id}"),
        helper.patch(f"/applications/{application_id}", {"data": LICENCE_FORM}),
        helper.post(f"/applications/{application_id}/submit"),
    ):
        assert reply.status_code == 404, reply.body
    again = helper.post("/applications", {"procedure": "licencia-conducir", "citizen": citizen.username})
    assert again.status_code == 403 and again.body["error"]["code"] == "no_delegation"
    events = citizen.get(f"/applications/{application_id}/audit").body["events"]
    assert events[-1]["action"] == "assistance.revoked" and events[-1]["actor"]["id"] == citizen.username
    assert events[-1]["details"]["centre"] == CENTRE
    # the citizen's own access is untouched; another citizen cannot revoke it
    assert citizen.get(f"/applications/{application_id}").status_code == 200
    assert aws.user().request("DELETE", f"/delegations/{delegation['id']}").status_code == 404
    # a new consent is a new delegation: it does not reopen what was filed under the old one
    renewed = delegated(aws, helper, citizen, CENTRE)
    assert renewed["id"] != delegation["id"] and renewed["applications"] == []
    assert helper.get(f"/applications/{application_id}").status_code == 404


def test_the_assistant_pays_only_the_official_fee_and_gets_the_document_only_if_allowed(aws: Aws) -> None:
    citizen, helper = aws.user(), assistant(aws)
    delegation = delegated(aws, helper, citizen, CENTRE)
    application_id = assisted_draft(helper, citizen)
    helper.patch(f"/applications/{application_id}", {"data": LICENCE_FORM})
    upload_documents(helper, application_id)
    submit(helper, application_id)
    approved(aws.official(f"oficial.asist.{application_id.lower()}"), citizen, application_id)

    slip = helper.post(f"/applications/{application_id}/payment").body
    assert slip["amount"] == "1016.00"  # the procedure's fee, as its definition states
    assert slip == citizen.post(f"/applications/{application_id}/payment").body
    assert "no other charge" in slip["notice"]["en"] and "ningún otro costo" in slip["notice"]["es"]
    assert bank_pays(aws, slip["reference"], slip["amount"], f"evt-asist-{application_id}").status_code == 200
    issued = wait_status(citizen, application_id, "issued")["issued"]
    assert issued

    seen = helper.get(f"/applications/{application_id}").body
    assert seen["issued"] == [] and seen["issued_withheld"] is True
    assert helper.get(f"/documents/{issued[0]['id']}").status_code == 404
    allowed = citizen.patch(f"/delegations/{delegation['id']}", {"documents_allowed": True})
    assert allowed.status_code == 200 and allowed.body["documents_allowed"] is True
    assert helper.get(f"/documents/{issued[0]['id']}").status_code == 200
    assert helper.get(f"/applications/{application_id}").body["issued"][0]["id"] == issued[0]["id"]


@pytest.mark.parametrize(
    ("path", "body", "field", "code"),
    [
        ("/delegations", {}, "curp", "invalid_curp"),
        ("/delegations", {"curp": "XXXX"}, "curp", "invalid_curp"),
        ("/delegations", {"curp": "GOMC800101MDFMRR00", "code": "12"}, "code", "invalid_code"),
        ("/delegations", {"curp": "GOMC800101MDFMRR00", "centre": "OTRO"}, "centre", "unknown_centre"),
    ],
)
def test_bad_input_names_the_field(aws: Aws, path: str, body: dict[str, Any], field: str, code: str) -> None:
    reply = assistant(aws).post(path, body)
    assert reply.status_code == 422, reply.body
    assert reply.body["error"]["code"] == code and reply.body["error"]["details"][0]["field"] == field


def test_a_curp_without_account_and_one_without_phone_get_the_same_answer(aws: Aws) -> None:
    helper = assistant(aws)
    unknown = helper.post("/delegations", {"curp": new_curp()})
    assert unknown.status_code == 409 and unknown.body["error"]["code"] == "no_phone_on_record"
    assert helper.post("/delegations/NOSUCHDLG/confirm", {"code": "123456"}).status_code == 404
