"""The local stack is provisioned from the same description as the AWS template: the
exchange key exists there too, and the registries asked are its settings (none unless given)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from moto import mock_aws

from chalicelib.core.settings import load_settings
from infra.local.provision import Provisioner
from infra.local.stack import REGION

SETTINGS = {"PublicUrl": "http://127.0.0.1:9", "BankWebhookSecretValue": "secret", "LegalDaySeconds": "60"}


@pytest.fixture
def provision(moto_environment: None) -> Iterator[Any]:
    import app

    with mock_aws():

        def run(settings: dict[str, str]) -> dict[str, str]:
            return Provisioner("local", REGION).provision(app.app, settings)

        yield run


def test_the_exchange_key_is_created_locally_as_on_aws(provision: Any) -> None:
    env = provision(SETTINGS)
    key = boto3.client("kms", region_name=REGION).describe_key(KeyId=env["EXCHANGE_KEY_ID"])["KeyMetadata"]
    assert (key["KeySpec"], key["KeyUsage"]) == ("ECC_NIST_P256", "SIGN_VERIFY")
    assert key["Description"] == "Ventanilla local: signs Ventanilla's requests to other registries"
    assert len({env["SIGNING_KEY_ID"], env["SEALING_KEY_ID"], env["EXCHANGE_KEY_ID"]}) == 3
    settings = load_settings({**env, "AWS_REGION": REGION})
    assert (settings.registry_endpoints, settings.registry_keys) == ({}, {})


def test_the_registries_are_the_local_stacks_settings(provision: Any) -> None:
    endpoints = {"cadastre": "http://127.0.0.1:9/api/sandbox/registries/cadastre"}
    keys = {"cadastre": "-----BEGIN PUBLIC KEY-----\n...\n-----END PUBLIC KEY-----\n"}
    env = provision({**SETTINGS, "RegistryEndpoints": json.dumps(endpoints), "RegistryKeys": json.dumps(keys)})
    settings = load_settings({**env, "AWS_REGION": REGION})
    assert (settings.registry_endpoints, settings.registry_keys) == (endpoints, keys)
    step = boto3.client("lambda", region_name=REGION).get_function(FunctionName="ventanilla-local-step_lookup")
    assert json.loads(step["Configuration"]["Environment"]["Variables"]["REGISTRY_ENDPOINTS"]) == endpoints
