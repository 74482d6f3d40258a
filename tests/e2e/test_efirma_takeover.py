"""The holder of a CURP's e.firma takes over the account someone else opened with that
CURP, purely over HTTP against the embedded stack: the sandbox authority issues the
e.firma, the holder signs the challenge with its files, Cognito is the embedded one."""

from __future__ import annotations

import base64

import pytest
from botocore.exceptions import ClientError

from chalicelib.efirma.keys import sign_with_files
from infra.local.demo import DEMO_EFIRMA_PASSWORD
from tests.support.client import Api
from tests.support.people import new_curp, new_phone

NEW_PASSWORD = "Soy-La-Titular-2026"


def test_the_efirma_holder_takes_over_a_squatted_curp_over_http(stack: Api) -> None:
    curp = new_curp()
    squatter = stack.sign_up(curp, new_phone(), name="Alguien Más")
    drafted = squatter.post("/applications", {"procedure": "licencia-conducir", "data": {"codigo_postal": "03100"}})
    assert drafted.status_code == 201, drafted.text

    issued = (
        stack.anonymous()
        .post("/sandbox/efirma/certificates", {"subject": curp, "password": DEMO_EFIRMA_PASSWORD})
        .json()
    )
    challenge = stack.anonymous().post("/efirma/challenge").json()["challenge"]
    signature = sign_with_files(
        base64.b64decode(issued["certificate"]), base64.b64decode(issued["key"]), DEMO_EFIRMA_PASSWORD, challenge
    )
    phone = new_phone()
    taken = stack.anonymous().post(
        "/efirma/account",
        {
            "certificate": issued["certificate"],
            "challenge": challenge,
            "signature": signature,
            "password": NEW_PASSWORD,
            "phone": phone,
        },
    )
    assert taken.status_code == 200, taken.text
    assert (taken.json()["outcome"], taken.json()["serial"]) == ("taken_over", issued["serial"])

    refused = squatter.get("/me")
    assert (refused.status_code, refused.json()["error"]["code"]) == (401, "session_ended")
    with pytest.raises(ClientError) as old_password:
        stack.sign_in(curp)
    assert old_password.value.response["Error"]["Code"] == "NotAuthorizedException"

    holder = stack.sign_in(curp, NEW_PASSWORD)
    record = holder.get("/me").json()
    assert record["profile"]["efirma"]["serial"] == issued["serial"]
    assert record["profile"]["phone"] == phone
    assert [(a["id"], a["filed_before_efirma"]) for a in record["applications"]] == [(drafted.json()["id"], True)]
    events = holder.get(f"/applications/{drafted.json()['id']}/audit").json()["events"]
    assert [event["action"] for event in events][-1] == "account.taken_over"
    assert holder.get(f"/applications/{drafted.json()['id']}/audit/verify").json()["intact"] is True
