"""The embedded Cognito's ``RevokeToken`` (infra/local/moto/cognito.py): a revoked refresh
token no longer refreshes, as on AWS; the patch fails loudly if moto moves its hook points
or gains the action itself."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError
from moto import mock_aws

from infra.local.moto import cognito as moto_cognito

REGION = "us-east-1"
PASSWORD = "Contrasena-segura-1"


@pytest.fixture
def pool(moto_environment: None) -> Iterator[tuple[Any, str, str]]:
    with mock_aws():
        moto_cognito.revoke_token()
        idp = boto3.client("cognito-idp", region_name=REGION)
        pool_id = idp.create_user_pool(PoolName="p")["UserPool"]["Id"]
        flows = ["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]
        client = idp.create_user_pool_client(UserPoolId=pool_id, ClientName="web", ExplicitAuthFlows=flows)
        idp.admin_create_user(UserPoolId=pool_id, Username="ana")
        idp.admin_set_user_password(UserPoolId=pool_id, Username="ana", Password=PASSWORD, Permanent=True)
        yield idp, pool_id, client["UserPoolClient"]["ClientId"]


def signed_in(idp: Any, client_id: str) -> str:
    answer = idp.initiate_auth(
        ClientId=client_id, AuthFlow="USER_PASSWORD_AUTH", AuthParameters={"USERNAME": "ana", "PASSWORD": PASSWORD}
    )
    token: str = answer["AuthenticationResult"]["RefreshToken"]
    return token


def refresh(idp: Any, client_id: str, token: str) -> Any:
    return idp.initiate_auth(ClientId=client_id, AuthFlow="REFRESH_TOKEN_AUTH", AuthParameters={"REFRESH_TOKEN": token})


def test_moto_has_no_revoke_token_of_its_own_and_the_hook_points_are_there() -> None:
    from moto.cognitoidp.models import CognitoIdpBackend, CognitoIdpUserPool, CognitoIdpUserPoolClient

    # if moto implements it one day, drop the patch rather than shadow moto's
    assert not hasattr(CognitoIdpBackend, "revoke_token")
    assert "sign_out" in vars(CognitoIdpUserPool)  # marks tokens revoked with None, as the patch does
    assert "extended_config" in CognitoIdpUserPoolClient.__init__.__code__.co_varnames


def test_a_revoked_refresh_token_no_longer_refreshes(pool: tuple[Any, str, str]) -> None:
    idp, _, client_id = pool
    token = signed_in(idp, client_id)
    other = signed_in(idp, client_id)  # another device of the same person
    assert refresh(idp, client_id, token)["AuthenticationResult"]["IdToken"]
    idp.revoke_token(Token=token, ClientId=client_id)
    with pytest.raises(ClientError) as refused:
        refresh(idp, client_id, token)
    assert refused.value.response["Error"]["Code"] == "NotAuthorizedException"
    assert refresh(idp, client_id, other)["AuthenticationResult"]["IdToken"]  # only that session ended
    idp.revoke_token(Token=token, ClientId=client_id)  # again: still a success


def test_only_the_client_the_token_was_issued_to_may_revoke_it(pool: tuple[Any, str, str]) -> None:
    idp, pool_id, client_id = pool
    token = signed_in(idp, client_id)
    stranger = idp.create_user_pool_client(UserPoolId=pool_id, ClientName="other")["UserPoolClient"]["ClientId"]
    with pytest.raises(ClientError) as refused:
        idp.revoke_token(Token=token, ClientId=stranger)
    assert refused.value.response["Error"]["Code"] == "NotAuthorizedException"
    assert refresh(idp, client_id, token)["AuthenticationResult"]["IdToken"]


def test_a_client_without_token_revocation_is_refused(pool: tuple[Any, str, str]) -> None:
    idp, pool_id, client_id = pool
    token = signed_in(idp, client_id)
    idp.update_user_pool_client(
        UserPoolId=pool_id,
        ClientId=client_id,
        EnableTokenRevocation=False,
        ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
    )
    with pytest.raises(ClientError) as refused:
        idp.revoke_token(Token=token, ClientId=client_id)
    assert refused.value.response["Error"]["Code"] == "UnsupportedOperationException"
