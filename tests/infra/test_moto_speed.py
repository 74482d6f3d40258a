"""The embedded AWS's speed patches (``infra/moto_speed.py``): a cancelled DynamoDB
transaction is rolled back item by item without copying whole tables, Step Functions
reuses its Lambda client, the server reads moto's module list once.  They wrap moto
internals, so a moto upgrade that moves one fails here."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from moto import mock_aws
from moto.dynamodb.models.table import Table

from infra import moto_fidelity, moto_speed

KEY = [{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}]
ATTRIBUTES = [{"AttributeName": "pk", "AttributeType": "S"}, {"AttributeName": "sk", "AttributeType": "S"}]


@pytest.fixture
def table(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    for name, value in {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", "AWS_DEFAULT_REGION": "us-east-1"}.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    with mock_aws():
        moto_fidelity.serialize_dynamodb_writes()
        moto_speed.roll_back_items_not_tables()

        def no_table_copies(self: Table, memo: Any) -> None:
            raise AssertionError("a whole table was copied")

        monkeypatch.setattr(Table, "__deepcopy__", no_table_copies, raising=False)
        client = boto3.client("dynamodb", region_name="us-east-1")
        client.create_table(TableName="t", KeySchema=KEY, AttributeDefinitions=ATTRIBUTES, BillingMode="PAY_PER_REQUEST")
        for index in range(50):
            client.put_item(TableName="t", Item={"pk": {"S": f"other#{index}"}, "sk": {"S": "x"}})
        client.put_item(TableName="t", Item={"pk": {"S": "a"}, "sk": {"S": "x"}, "n": {"N": "1"}})
        yield client


def item(client: Any, pk: str) -> Any:
    return client.get_item(TableName="t", Key={"pk": {"S": pk}, "sk": {"S": "x"}}).get("Item")


def test_a_cancelled_transaction_leaves_every_item_as_it_was(table: Any) -> None:
    with pytest.raises(table.exceptions.TransactionCanceledException):
        table.transact_write_items(
            TransactItems=[
                {"Put": {"TableName": "t", "Item": {"pk": {"S": "b"}, "sk": {"S": "x"}}}},
                {"Update": {"TableName": "t", "Key": {"pk": {"S": "a"}, "sk": {"S": "x"}}, "UpdateExpression": "SET n = :two", "ExpressionAttributeValues": {":two": {"N": "2"}}}},
                {"Put": {"TableName": "t", "Item": {"pk": {"S": "other#1"}, "sk": {"S": "x"}}, "ConditionExpression": "attribute_not_exists(pk)"}},
            ]
        )
    assert item(table, "b") is None
    assert item(table, "a")["n"] == {"N": "1"}
    assert table.scan(TableName="t", Select="COUNT")["Count"] == 51


def test_a_transaction_that_holds_writes_everything(table: Any) -> None:
    table.transact_write_items(
        TransactItems=[
            {"Put": {"TableName": "t", "Item": {"pk": {"S": "b"}, "sk": {"S": "x"}}, "ConditionExpression": "attribute_not_exists(pk)"}},
            {"Update": {"TableName": "t", "Key": {"pk": {"S": "a"}, "sk": {"S": "x"}}, "UpdateExpression": "SET n = :two", "ExpressionAttributeValues": {":two": {"N": "2"}}}},
        ]
    )
    assert item(table, "b") is not None
    assert item(table, "a")["n"] == {"N": "2"}


def test_step_functions_reuse_one_lambda_client_per_region() -> None:
    import importlib

    moto_speed.one_lambda_client_per_region()
    tasks = importlib.import_module(moto_speed.LAMBDA_TASKS)
    assert tasks.boto_client_for("us-east-1", "lambda") is tasks.boto_client_for("us-east-1", "lambda")


def test_the_server_reads_the_module_list_once() -> None:
    from moto import backends

    moto_speed.list_moto_modules_once()
    assert {"dynamodb", "stepfunctions", "cognitoidp"} <= backends.list_of_moto_modules()
    assert backends.list_of_moto_modules() is backends.list_of_moto_modules()
