"""Proving an account with an e.firma over HTTP, with real certificates from the sandbox
authority: a citizen's record and a staff member's signer bound to it, every refusal with
its own code (and nothing written), and the takeover of a CURP someone else signed up with."""

from __future__ import annotations

import base64
import secrets
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from botocore.exceptions import ClientError

from chalicelib.core import clock
from chalicelib.efirma.keys import sign_with_files
from chalicelib.identity.curp import rfc_check_digit
from chalicelib.wiring import container
from infra.local import efirma
from infra.local.demo import DEMO_EFIRMA_PASSWORD, DEMO_PASSWORD
from infra.local.efirma import Authority, Issued, staff_curp
from tests.support.flows import draft, submitted_licence, wait_status
from tests.support.inprocess import Aws, HttpUser, Reply
from tests.support.people import new_curp, new_phone, sign_in

NEW_PASSWORD = "Soy-La-Titular-2026"


def issue(subject: str, **kwargs: Any) -> Issued:
    return efirma.current().authority.issue(subject, DEMO_EFIRMA_PASSWORD, **kwargs)


def b64(der: bytes) -> str:
    return base64.b64encode(der).decode()


def signed(issued: Issued, challenge: str, text: str | None = None) -> dict[str, str]:
    """The body that proves ``issued`` over ``challenge`` (or, to be refused, over ``text``)."""
    signature = sign_with_files(issued.certificate, issued.key, DEMO_EFIRMA_PASSWORD, text or challenge)
    return {"certificate": b64(issued.certificate), "challenge": challenge, "signature": signature}


def challenge_for(user: HttpUser) -> str:
    asked = user.post("/me/efirma/challenge" if user.token else "/efirma/challenge")
    assert asked.status_code == 201, asked.body
    assert set(asked.body) == {"challenge", "expires_at"}
    return str(asked.body["challenge"])


def refused(reply: Reply, status: int, code: str, field: str) -> None:
    assert (reply.status_code, reply.body["error"]["code"]) == (status, code), reply.body
    assert reply.body["error"]["details"][0]["field"] == field, reply.body


def claim(aws: Aws, issued: Issued, password: str = NEW_PASSWORD, phone: str | None = None) -> Reply:
    anyone = aws.anonymous()
    body = {**signed(issued, challenge_for(anyone)), "password": password, "phone": phone or new_phone()}
    return anyone.post("/efirma/account", body)


def as_signed_in(aws: Aws, username: str, password: str) -> HttpUser:
    token = sign_in(aws.idp, aws.env["USER_POOL_CLIENT_ID"], username, password)
    return HttpUser(aws.client, username, token, None, aws.settle)


@pytest.fixture(autouse=True)
def ocsp_on() -> None:
    """The sandbox's responder answers (another module may have switched it off)."""
    efirma.current().responder.available = True


@pytest.fixture
def ocsp_off(aws: Aws) -> Iterator[None]:
    assert aws.anonymous().post("/sandbox/efirma/ocsp", {"available": False}).status_code == 200
    yield
    assert aws.anonymous().post("/sandbox/efirma/ocsp", {"available": True}).status_code == 200


# --- a citizen proves their account ------------------------------------------------------


def test_a_citizen_proves_their_account_and_their_record_shows_it(aws: Aws) -> None:
    citizen = aws.user()
    earlier = draft(citizen)
    issued = issue(citizen.username)

    linked = citizen.post("/me/efirma", signed(issued, challenge_for(citizen)))

    assert linked.status_code == 200, linked.body
    assert linked.body["verified"] is True and linked.body["bound_as"] == "citizen"
    assert (linked.body["serial"], linked.body["curp"]) == (issued.serial, citizen.username)
    assert linked.body["rfc"] == citizen.username[:10] + "SB0" and linked.body["name"]
    assert linked.body["valid_until"] > linked.body["verified_at"] == linked.body["since"]
    later = draft(citizen)
    record = citizen.get("/me").body
    assert record["profile"]["efirma"]["serial"] == issued.serial
    assert record["profile"]["efirma"]["taken_over_at"] is None
    marked = {application["id"]: application["filed_before_efirma"] for application in record["applications"]}
    assert marked == {earlier: True, later: False}


def test_a_renewed_certificate_keeps_when_the_account_was_first_proven(aws: Aws) -> None:
    citizen = aws.user()
    first = citizen.post("/me/efirma", signed(issue(citizen.username), challenge_for(citizen))).body
    renewed = issue(citizen.username)
    second = citizen.post("/me/efirma", signed(renewed, challenge_for(citizen)))
    assert second.status_code == 200, second.body
    assert second.body["serial"] == renewed.serial != first["serial"]
    assert second.body["since"] == first["since"] and second.body["verified_at"] > first["verified_at"]


def test_a_company_account_is_proven_by_the_companys_efirma(aws: Aws) -> None:
    body = "".join(secrets.choice("BCDFGHJKLMNPQRSTVWXZ") for _ in range(3)) + "060209QL"
    company = aws.user(username=body + rfc_check_digit(body))
    representative = new_curp()

    own = company.post("/me/efirma", signed(issue(representative), challenge_for(company)))
    refused(own, 422, "curp_mismatch", "certificate")
    other = company.post("/me/efirma", signed(issue(representative, company="OTR0602091Q1"), challenge_for(company)))
    refused(other, 422, "curp_mismatch", "certificate")
    theirs = company.post("/me/efirma", signed(issue(representative, company=company.username), challenge_for(company)))
    assert theirs.status_code == 200, theirs.body
    assert (theirs.body["rfc"], theirs.body["curp"]) == (company.username, None)


def test_a_persons_account_is_not_proven_by_a_company_they_represent(aws: Aws) -> None:
    citizen = aws.user()
    issued = issue(citizen.username, company="TVA060209QL6")
    refused(
        citizen.post("/me/efirma", signed(issued, challenge_for(citizen))),
        422,
        "certificate_not_personal",
        "certificate",
    )


# --- every refusal has its own code, and writes nothing -------------------------------------


def test_each_refusal_names_its_field_and_code_and_spends_nothing(
    aws: Aws, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    citizen = aws.user()
    challenge = challenge_for(citizen)
    now = datetime.now(UTC)
    stranger = Authority(tmp_path / "stranger")
    revoked = issue(citizen.username)
    assert aws.anonymous().post("/sandbox/efirma/revoke", {"serial": revoked.serial}).status_code == 200
    own = issue(citizen.username)
    cases: list[tuple[dict[str, str], int, str, str]] = [
        (signed(issue(new_curp()), challenge), 422, "curp_mismatch", "certificate"),
        (
            signed(stranger.issue(citizen.username, DEMO_EFIRMA_PASSWORD), challenge),
            422,
            "certificate_untrusted",
            "certificate",
        ),
        (
            signed(
                issue(citizen.username, valid_from=now - timedelta(days=800), valid_until=now - timedelta(days=1)),
                challenge,
            ),
            422,
            "certificate_expired",
            "certificate",
        ),
        (
            signed(issue(citizen.username, valid_from=now + timedelta(days=1)), challenge),
            422,
            "certificate_not_yet_valid",
            "certificate",
        ),
        (
            signed(issue(citizen.username, digital_signature=False), challenge),
            422,
            "certificate_key_usage",
            "certificate",
        ),
        (signed(revoked, challenge), 422, "certificate_revoked", "certificate"),
        (signed(own, challenge, text="otra cosa"), 422, "signature_invalid", "signature"),
        ({**signed(own, challenge), "certificate": "no es base64!"}, 422, "not_base64", "certificate"),
        (
            {**signed(own, challenge), "certificate": b64(b"not a certificate")},
            422,
            "certificate_unreadable",
            "certificate",
        ),
        (signed(own, secrets.token_urlsafe(32)), 422, "challenge_unknown", "challenge"),
        (signed(own, challenge_for(aws.user())), 422, "challenge_unknown", "challenge"),  # another person's
        (signed(own, challenge_for(aws.anonymous())), 422, "challenge_unknown", "challenge"),  # for claiming accounts
    ]
    for body, status, code, field in cases:
        refused(citizen.post("/me/efirma", body), status, code, field)
    missing = citizen.post("/me/efirma", {"challenge": challenge, "signature": "x"})
    refused(missing, 422, "validation_failed", "certificate")

    assert citizen.get("/me").body["profile"]["efirma"] is None
    # none of them spent the challenge: it still proves the account, once
    assert citizen.post("/me/efirma", signed(own, challenge)).status_code == 200
    refused(citizen.post("/me/efirma", signed(own, challenge)), 409, "challenge_used", "challenge")


def test_a_challenge_expires_after_five_minutes(aws: Aws) -> None:
    citizen = aws.user()
    challenge = challenge_for(citizen)
    with clock.travel(datetime.now(UTC) + timedelta(minutes=5, seconds=1)):
        refused(
            citizen.post("/me/efirma", signed(issue(citizen.username), challenge)),
            409,
            "challenge_expired",
            "challenge",
        )
    assert citizen.get("/me").body["profile"]["efirma"] is None


@pytest.mark.usefixtures("ocsp_off")
def test_an_unreachable_ocsp_responder_is_a_503_and_nothing_is_written(aws: Aws) -> None:
    citizen = aws.user()
    challenge = challenge_for(citizen)
    issued = issue(citizen.username)
    unavailable = citizen.post("/me/efirma", signed(issued, challenge))
    assert (unavailable.status_code, unavailable.body["error"]["code"]) == (503, "efirma_ocsp_unavailable")
    assert citizen.get("/me").body["profile"]["efirma"] is None
    assert aws.anonymous().post("/sandbox/efirma/ocsp", {"available": True}).status_code == 200
    assert citizen.post("/me/efirma", signed(issued, challenge)).status_code == 200  # the challenge is still good


def test_a_challenge_sent_twice_at_once_is_accepted_once(aws: Aws) -> None:
    citizen = aws.user()
    body = signed(issue(citizen.username), challenge_for(citizen))
    with ThreadPoolExecutor(4) as pool:
        replies = list(pool.map(lambda _: citizen.post("/me/efirma", body), range(4)))
    assert sorted(reply.status_code for reply in replies) == [200, 409, 409, 409], [r.body for r in replies]
    assert {reply.body["error"]["code"] for reply in replies if reply.status_code == 409} <= {
        "challenge_used",
        "concurrent_change",
    }


# --- staff bind the e.firma they sign with --------------------------------------------------


@pytest.mark.parametrize(
    "groups", [("official-SEMOVI",), ("official-SEMOVI", "supervisor-SEMOVI"), ("assistant-CDC-OAXACA",), ("admin",)]
)
def test_staff_bind_their_efirma_and_only_a_renewal_of_it_later(aws: Aws, groups: tuple[str, ...]) -> None:
    username = f"firma.{groups[-1].lower()}.{secrets.token_hex(3)}"
    staff = aws.user(username=username, groups=groups)
    assert container().signers.bound(username) is None

    first = issue(username)
    linked = staff.post("/me/efirma", signed(first, challenge_for(staff)))
    assert linked.status_code == 200, linked.body
    assert (linked.body["bound_as"], linked.body["account"], linked.body["curp"]) == (
        "staff",
        username,
        staff_curp(username),
    )

    someone_else = staff.post("/me/efirma", signed(issue(new_curp()), challenge_for(staff)))
    refused(someone_else, 422, "curp_mismatch", "certificate")
    company = staff.post("/me/efirma", signed(issue(username, company="TVA060209QL6"), challenge_for(staff)))
    refused(company, 422, "certificate_not_personal", "certificate")
    bound = container().signers.bound(username)
    assert bound is not None and (bound.serial, bound.curp) == (first.serial, staff_curp(username))

    renewed = issue(username)
    again = staff.post("/me/efirma", signed(renewed, challenge_for(staff)))
    assert again.status_code == 200, again.body
    bound = container().signers.bound(username)
    assert bound is not None and bound.serial == renewed.serial and bound.since == linked.body["since"]


# --- the holder of a CURP's e.firma takes over the account someone opened with it ----------


def test_the_efirma_holder_takes_over_a_squatted_curp(aws: Aws) -> None:
    curp = new_curp()
    squatter = aws.user(curp, name="Alguien Más")
    drafted = draft(squatter)
    submitted = submitted_licence(squatter)
    wait_status(squatter, submitted, "in_review")
    issued = issue(curp)
    phone = new_phone()

    taken = claim(aws, issued, phone=phone)

    assert taken.status_code == 200, taken.body
    assert (taken.body["outcome"], taken.body["account"], taken.body["serial"]) == ("taken_over", curp, issued.serial)
    assert taken.body["applications_marked"] == 2 and taken.body["taken_over_at"]

    # the earlier sign-in stops working: its token and its password
    for reply in (
        squatter.get("/me"),
        squatter.get(f"/applications/{drafted}"),
        squatter.get(f"/applications/{submitted}/audit"),
        squatter.post("/applications", {"procedure": "licencia-conducir", "data": {}}),
        squatter.post("/me/delegation-code"),
    ):
        assert (reply.status_code, reply.body["error"]["code"]) == (401, "session_ended"), reply.body
    with pytest.raises(ClientError) as old_password:
        as_signed_in(aws, curp, DEMO_PASSWORD)
    assert old_password.value.response["Error"]["Code"] == "NotAuthorizedException"

    # the holder signs in with the new password and sees what was done before
    holder = as_signed_in(aws, curp, NEW_PASSWORD)
    record = holder.get("/me")
    assert record.status_code == 200, record.body
    profile = record.body["profile"]
    assert profile["efirma"]["serial"] == issued.serial and profile["efirma"]["taken_over_at"]
    assert (profile["phone"], profile["name"]) == (phone, taken.body["name"])
    marked = {application["id"]: application["filed_before_efirma"] for application in record.body["applications"]}
    assert marked == {drafted: True, submitted: True}
    for application_id in (drafted, submitted):
        events = holder.get(f"/applications/{application_id}/audit").body["events"]
        assert events[-1]["action"] == "account.taken_over", events[-1]
        assert events[-1]["actor"] == {"kind": "citizen", "id": curp, "efirma": issued.serial}
        assert holder.get(f"/applications/{application_id}/audit/verify").body["intact"] is True
    attributes = aws.idp.admin_get_user(UserPoolId=aws.env["USER_POOL_ID"], Username=curp)["UserAttributes"]
    assert {item["Name"]: item["Value"] for item in attributes}["phone_number"] == phone

    # what the holder does from now on is theirs; the account cannot be taken over again
    assert holder.get(f"/applications/{drafted}").status_code == 200
    theirs = draft(holder)
    after = {a["id"]: a["filed_before_efirma"] for a in holder.get("/me").body["applications"]}
    assert after == {drafted: True, submitted: True, theirs: False}
    again = claim(aws, issue(curp))
    refused(again, 409, "curp_already_verified", "certificate")


def test_an_efirma_opens_the_account_of_a_curp_nobody_signed_up_with(aws: Aws) -> None:
    curp = new_curp()
    phone = new_phone()
    opened = claim(aws, issue(curp), phone=phone)
    assert opened.status_code == 201, opened.body
    assert (opened.body["outcome"], opened.body["applications_marked"], opened.body["taken_over_at"]) == (
        "created",
        0,
        None,
    )
    holder = as_signed_in(aws, curp, NEW_PASSWORD)
    profile = holder.get("/me").body["profile"]
    assert (profile["efirma"]["serial"], profile["phone"]) == (opened.body["serial"], phone)
    # an account opened by its e.firma accepted no privacy notice yet: the first draft waits for it
    unaccepted = holder.post("/applications", {"procedure": "licencia-conducir", "data": {}})
    assert (unaccepted.status_code, unaccepted.body["error"]["code"]) == (409, "privacy_notice_required")
    holder.accept_privacy_notice()
    assert holder.post("/applications", {"procedure": "licencia-conducir", "data": {}}).status_code == 201


def test_an_account_proven_by_its_efirma_cannot_be_taken_over(aws: Aws) -> None:
    citizen = aws.user()
    assert citizen.post("/me/efirma", signed(issue(citizen.username), challenge_for(citizen))).status_code == 200
    refused(claim(aws, issue(citizen.username)), 409, "curp_already_verified", "certificate")
    assert citizen.get("/me").status_code == 200  # their sign-in holds
    as_signed_in(aws, citizen.username, DEMO_PASSWORD)


def test_a_bad_claim_is_refused_before_anything_changes(aws: Aws) -> None:
    curp = new_curp()
    squatter = aws.user(curp)
    issued = issue(curp)
    anyone = aws.anonymous()
    challenge = challenge_for(anyone)
    proof = signed(issued, challenge)

    weak = anyone.post("/efirma/account", {**proof, "password": "sinnumeros", "phone": new_phone()})
    refused(weak, 422, "invalid_password", "password")
    phone = anyone.post("/efirma/account", {**proof, "password": NEW_PASSWORD, "phone": "12"})
    refused(phone, 422, "invalid_phone", "phone")
    linked_challenge = anyone.post(
        "/efirma/account", {**signed(issued, challenge_for(squatter)), "password": NEW_PASSWORD, "phone": new_phone()}
    )
    refused(linked_challenge, 422, "challenge_unknown", "challenge")
    stranger = anyone.post(
        "/efirma/account",
        {**signed(issue(new_curp()), challenge, text="x"), "password": NEW_PASSWORD, "phone": new_phone()},
    )
    refused(stranger, 422, "signature_invalid", "signature")

    assert squatter.get("/me").status_code == 200  # nothing changed: the account, its sign-in, its password
    as_signed_in(aws, curp, DEMO_PASSWORD)
    taken = anyone.post("/efirma/account", {**proof, "password": NEW_PASSWORD, "phone": new_phone()})
    assert taken.status_code == 200, taken.body  # and the challenge was not spent


@pytest.mark.usefixtures("ocsp_off")
def test_a_claim_while_the_ocsp_responder_is_unreachable_changes_nothing(aws: Aws) -> None:
    curp = new_curp()
    squatter = aws.user(curp)
    unavailable = claim(aws, issue(curp))
    assert (unavailable.status_code, unavailable.body["error"]["code"]) == (503, "efirma_ocsp_unavailable")
    assert squatter.get("/me").body["profile"]["efirma"] is None
    as_signed_in(aws, curp, DEMO_PASSWORD)
