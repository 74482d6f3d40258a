"""The settings a function starts with: the exchange key is required like the other keys,
the registries default to none, and a registry setting that is not a JSON object stops the
start naming the variable."""

from __future__ import annotations

import json

import pytest

from chalicelib.core.settings import load_settings

PEM = "-----BEGIN PUBLIC KEY-----\nMFkw...\n-----END PUBLIC KEY-----\n"
ENVIRONMENT = {
    "STAGE": "test",
    "AWS_REGION": "us-east-1",
    "TABLE_NAME": "ventanilla-test",
    "DOCUMENTS_BUCKET": "ventanilla-test-documents",
    "ISSUED_BUCKET": "ventanilla-test-issued",
    "SIGNING_KEY_ID": "signing",
    "SEALING_KEY_ID": "sealing",
    "EXCHANGE_KEY_ID": "exchange",
    "USER_POOL_ID": "us-east-1_pool",
    "USER_POOL_CLIENT_ID": "client",
    "SMS_TOPIC_ARN": "arn:aws:sns:us-east-1:123456789012:sms",
    "PUBLIC_URL_PARAMETER": "/ventanilla/test/public-url",
    "BANK_WEBHOOK_SECRET_ARN": "arn:aws:secretsmanager:us-east-1:123456789012:secret:bank",
    "CURSOR_SECRET_ARN": "arn:aws:secretsmanager:us-east-1:123456789012:secret:cursors",
    "WORKFLOW_ROLE_ARN": "arn:aws:iam::123456789012:role/workflows",
    "STEP_HANDLER_ARNS": "{}",
}


def test_the_exchange_key_is_required() -> None:
    assert load_settings(ENVIRONMENT).exchange_key_id == "exchange"
    without = {name: value for name, value in ENVIRONMENT.items() if name != "EXCHANGE_KEY_ID"}
    with pytest.raises(KeyError, match="EXCHANGE_KEY_ID"):
        load_settings(without)


def test_no_registry_is_configured_until_one_is() -> None:
    for unset in ({}, {"REGISTRY_ENDPOINTS": "", "REGISTRY_KEYS": ""}, {"REGISTRY_ENDPOINTS": "{}"}):
        settings = load_settings({**ENVIRONMENT, **unset})
        assert (settings.registry_endpoints, settings.registry_keys) == ({}, {})


def test_the_registries_are_read_as_objects_keyed_by_registry() -> None:
    settings = load_settings(
        {
            **ENVIRONMENT,
            "REGISTRY_ENDPOINTS": json.dumps({"tax": "https://sat.example.gob.mx/ventanilla"}),
            "REGISTRY_KEYS": json.dumps({"tax": PEM}),
        }
    )
    assert settings.registry_endpoints == {"tax": "https://sat.example.gob.mx/ventanilla"}
    assert settings.registry_keys == {"tax": PEM}


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        (
            "REGISTRY_ENDPOINTS",
            "{tax: https://sat}",
            "REGISTRY_ENDPOINTS must be a JSON object of registry -> base URL",
        ),
        ("REGISTRY_ENDPOINTS", '["https://sat"]', "REGISTRY_ENDPOINTS must be a JSON object of registry -> base URL"),
        ("REGISTRY_KEYS", '"-----BEGIN PUBLIC KEY-----"', "REGISTRY_KEYS must be a JSON object of registry -> PEM"),
        ("REGISTRY_KEYS", '{"tax": {"pem": "..."}}', "REGISTRY_KEYS must be a JSON object of registry -> PEM"),
    ],
)
def test_a_registry_setting_that_is_not_an_object_stops_the_start_naming_it(
    variable: str, value: str, message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        load_settings({**ENVIRONMENT, variable: value})
