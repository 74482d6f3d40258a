"""Cognito ID tokens are verified: signature (JWKS), issuer, audience, expiry, token use.

moto signs every pool's tokens with one published key (``kid: dummy``); the tests
mint tokens with that key and one claim wrong at a time, so each check is proven to
refuse on its own.
"""

from __future__ import annotations

import base64
import gzip
import hmac
import json
import time
from importlib import resources
from typing import Any

import boto3
import jwt
import pytest
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from chalicelib.identity import tokens
from infra.local.demo import DEMO_PASSWORD
from tests.support.inprocess import REGION, Aws


def moto_signing_key() -> Any:
    raw = resources.files("moto.cognitoidp").joinpath("resources/jwks-private.json.gz").read_bytes()
    return jwt.PyJWK(json.loads(gzip.decompress(raw))).key


def claims_of(token: str) -> dict[str, Any]:
    return dict(jwt.decode(token, options={"verify_signature": False}))


def mint(claims: dict[str, Any], **header: Any) -> str:
    return jwt.encode(claims, moto_signing_key(), algorithm="RS256", headers={"kid": "dummy", **header})


def call_me(aws: Aws, token: str) -> Any:
    return aws.anonymous().request("GET", "/me", headers={"Authorization": f"Bearer {token}"})


@pytest.fixture(scope="module")
def citizen_claims(aws: Aws) -> dict[str, Any]:
    return claims_of(aws.user().token or "")


def test_a_genuine_token_is_accepted(aws: Aws, citizen_claims: dict[str, Any]) -> None:
    assert call_me(aws, mint(citizen_claims)).status_code == 200


def test_a_remembered_token_still_expires(
    aws: Aws, citizen_claims: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Verified tokens are remembered until their exp; the remembering never outlives it."""
    token = mint({**citizen_claims, "exp": int(time.time()) + 600})
    assert call_me(aws, token).status_code == 200
    assert call_me(aws, token).status_code == 200  # remembered
    monkeypatch.setattr(tokens, "now", lambda: time.time() + 660)  # eleven minutes later
    reply = call_me(aws, token)
    assert reply.status_code == 401 and "expired" in reply.body["error"]["message"]
    assert call_me(aws, mint({**citizen_claims, "exp": "tomorrow"})).status_code == 401  # not a time


@pytest.mark.parametrize(
    ("change", "why"),
    [
        ({"exp": int(time.time()) - 60}, "expired"),
        ({"aud": "some-other-app-client"}, "wrong audience"),
        ({"iss": f"https://cognito-idp.{REGION}.amazonaws.com/{REGION}_another"}, "wrong pool"),
        ({"token_use": "access"}, "access token"),
    ],
)
def test_a_token_with_one_wrong_claim_is_refused(
    aws: Aws, citizen_claims: dict[str, Any], change: dict[str, Any], why: str
) -> None:
    reply = call_me(aws, mint({**citizen_claims, **change}))
    assert reply.status_code == 401, why
    assert reply.body["error"]["code"] == "not_authenticated"
    assert reply.headers.get("WWW-Authenticate") == "Bearer"


def test_unsigned_and_confused_algorithms_are_refused(aws: Aws, citizen_claims: dict[str, Any]) -> None:
    def segment(value: dict[str, Any]) -> str:
        return base64.urlsafe_b64encode(json.dumps(value).encode()).rstrip(b"=").decode()

    unsigned = f"{segment({'alg': 'none', 'typ': 'JWT', 'kid': 'dummy'})}.{segment(citizen_claims)}."
    assert call_me(aws, unsigned).status_code == 401
    public_pem = (
        moto_signing_key().public_key().public_bytes(encoding=Encoding.PEM, format=PublicFormat.SubjectPublicKeyInfo)
    )
    signing_input = f"{segment({'alg': 'HS256', 'typ': 'JWT', 'kid': 'dummy'})}.{segment(citizen_claims)}"
    mac = hmac.new(public_pem, signing_input.encode(), "sha256").digest()
    confused = f"{signing_input}.{base64.urlsafe_b64encode(mac).rstrip(b'=').decode()}"
    assert call_me(aws, confused).status_code == 401
    assert call_me(aws, mint(citizen_claims, kid="rotated-away")).status_code == 401


def test_a_token_from_another_user_pool_is_refused(aws: Aws) -> None:
    idp = boto3.client("cognito-idp", region_name=REGION)
    pool = idp.create_user_pool(PoolName="another-service")["UserPool"]["Id"]
    client_id = idp.create_user_pool_client(UserPoolId=pool, ClientName="x", ExplicitAuthFlows=["USER_PASSWORD_AUTH"])[
        "UserPoolClient"
    ]["ClientId"]
    idp.sign_up(
        ClientId=client_id,
        Username="GOMC800101MDFMRR00",
        Password=DEMO_PASSWORD,
        UserAttributes=[{"Name": "phone_number", "Value": "+525512345678"}],
    )
    idp.admin_confirm_sign_up(UserPoolId=pool, Username="GOMC800101MDFMRR00")
    foreign = idp.initiate_auth(
        ClientId=client_id,
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": "GOMC800101MDFMRR00", "PASSWORD": DEMO_PASSWORD},
    )
    assert call_me(aws, foreign["AuthenticationResult"]["IdToken"]).status_code == 401


def test_malformed_authorization_headers_are_refused(aws: Aws) -> None:
    for header in ("Basic dXNlcjpwYXNz", "Bearer", "Bearer not.a.jwt", "Token abc"):
        reply = aws.anonymous().request("GET", "/me", headers={"Authorization": header})
        assert reply.status_code == 401, header
