"""The settings a function starts with: the exchange key is required like the other keys."""

from __future__ import annotations

import pytest

from chalicelib.core.settings import load_settings

ENVIRONMENT = {
    "STAGE": "test",
    "AWS_REGION": "us-east-1",
    "TABLE_NAME": "ventanilla-test",
    "DOCUMENTS_BUCKET": "ventanilla-test-documents",
    "SIGNING_KEY_ID": "signing",
    "SEALING_KEY_ID": "sealing",
    "EXCHANGE_KEY_ID": "exchange",
    "USER_POOL_ID": "us-east-1_pool",
    "USER_POOL_CLIENT_ID": "client",
    "SMS_TOPIC_ARN": "arn:aws:sns:us-east-1:123456789012:sms",
    "PUBLIC_URL_PARAMETER": "/ventanilla/test/public-url",
    "BANK_WEBHOOK_SECRET_ARN": "arn:aws:secretsmanager:us-east-1:123456789012:secret:bank",
    "WORKFLOW_ROLE_ARN": "arn:aws:iam::123456789012:role/workflows",
    "STEP_HANDLER_ARNS": "{}",
}


def test_the_exchange_key_is_required() -> None:
    assert load_settings(ENVIRONMENT).exchange_key_id == "exchange"
    without = {name: value for name, value in ENVIRONMENT.items() if name != "EXCHANGE_KEY_ID"}
    with pytest.raises(KeyError, match="EXCHANGE_KEY_ID"):
        load_settings(without)
