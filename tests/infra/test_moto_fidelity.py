"""The embedded DynamoDB's patches (infra/local/moto/fidelity.py): every write, walk and
answer holds one lock, and a cancelled transaction leaves the table exactly as it was,
without moto's whole-table copy per write; and a stopped execution ends as on AWS."""

from __future__ import annotations

import copy
import hashlib
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError
from moto import mock_aws

from infra.local.moto import fidelity as moto_fidelity
from tests.support.client import wait_for

REGION = "us-east-1"


@pytest.fixture
def table(moto_environment: None) -> Iterator[Any]:
    with mock_aws():
        moto_fidelity.serialize_dynamodb_writes()
        client = boto3.client("dynamodb", region_name=REGION)
        client.create_table(
            TableName="t",
            BillingMode="PAY_PER_REQUEST",
            KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
            AttributeDefinitions=[
                {"AttributeName": "pk", "AttributeType": "S"},
                {"AttributeName": "sk", "AttributeType": "S"},
            ],
            StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"},
        )
        yield client


def items(client: Any) -> list[dict[str, Any]]:
    found = []
    for pk in ("A", "B", "C"):
        found += client.query(
            TableName="t",
            KeyConditionExpression="pk = :p",
            ExpressionAttributeValues={":p": {"S": pk}},
            ConsistentRead=True,
        )["Items"]
    return sorted(found, key=lambda item: (item["pk"]["S"], item["sk"]["S"]))


def stream_length() -> int:
    from moto.core import DEFAULT_ACCOUNT_ID
    from moto.dynamodb.models import dynamodb_backends

    return len(dynamodb_backends[DEFAULT_ACCOUNT_ID][REGION].get_table("t").stream_shard.items)


def test_a_cancelled_transaction_restores_every_item_it_touched(table: Any) -> None:
    table.put_item(TableName="t", Item={"pk": {"S": "A"}, "sk": {"S": "1"}, "n": {"N": "1"}})
    table.put_item(TableName="t", Item={"pk": {"S": "B"}, "sk": {"S": "1"}, "n": {"N": "1"}})
    before, records = items(table), stream_length()
    with pytest.raises(ClientError) as cancelled:
        table.transact_write_items(
            TransactItems=[
                {
                    "Update": {
                        "TableName": "t",
                        "Key": {"pk": {"S": "A"}, "sk": {"S": "1"}},
                        "UpdateExpression": "SET n = :two",
                        "ExpressionAttributeValues": {":two": {"N": "2"}},
                    }
                },
                {"Put": {"TableName": "t", "Item": {"pk": {"S": "C"}, "sk": {"S": "9"}}}},
                {
                    "Put": {
                        "TableName": "t",
                        "Item": {"pk": {"S": "B"}, "sk": {"S": "1"}},
                        "ConditionExpression": "attribute_not_exists(pk)",
                    }
                },
            ]
        )
    assert cancelled.value.response["Error"]["Code"] == "TransactionCanceledException"
    assert items(table) == before
    assert stream_length() == records


def test_a_committed_transaction_writes_everything(table: Any) -> None:
    table.transact_write_items(
        TransactItems=[
            {"Put": {"TableName": "t", "Item": {"pk": {"S": "A"}, "sk": {"S": "1"}}}},
            {"Put": {"TableName": "t", "Item": {"pk": {"S": "B"}, "sk": {"S": "2"}}}},
        ]
    )
    assert [(item["pk"]["S"], item["sk"]["S"]) for item in items(table)] == [("A", "1"), ("B", "2")]


def test_the_whole_table_is_not_copied_per_write(table: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    from moto.dynamodb.models.table import Table

    copies: list[bool] = []
    real = copy.deepcopy

    def spy(value: Any, memo: Any = None) -> Any:
        result = real(value, memo)
        if isinstance(value, Table):
            copies.append(result is not value)
        return result

    monkeypatch.setattr(copy, "deepcopy", spy)
    table.transact_write_items(
        TransactItems=[{"Put": {"TableName": "t", "Item": {"pk": {"S": "A"}, "sk": {"S": str(n)}}}} for n in range(3)]
    )
    table.put_item(TableName="t", Item={"pk": {"S": "B"}, "sk": {"S": "1"}})
    assert len(items(table)) == 4
    assert copies and not any(copies)  # moto asked for backups; none copied the table
    assert not hasattr(Table, "__deepcopy__")


def lock_held_in(monkeypatch: pytest.MonkeyPatch, owner: type, method: str) -> list[bool]:
    """Whether the write lock was held at each call of ``owner.method`` from now on."""
    held: list[bool] = []
    original = getattr(owner, method)

    def watching(self: Any, *args: Any, **kwargs: Any) -> Any:
        held.append(moto_fidelity._lock._is_owned())  # type: ignore[attr-defined]
        return original(self, *args, **kwargs)

    monkeypatch.setattr(owner, method, watching)
    return held


def test_an_answer_is_built_under_the_write_lock(table: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """moto reads the live item to answer (an update's ALL_NEW, a GetItem); another
    thread's write changing that item meanwhile broke the answer, so answers are built
    holding the lock that writes take."""
    from moto.dynamodb.responses import DynamoHandler

    held = lock_held_in(monkeypatch, DynamoHandler, "serialized")
    table.put_item(TableName="t", Item={"pk": {"S": "A"}, "sk": {"S": "1"}})
    table.update_item(
        TableName="t",
        Key={"pk": {"S": "A"}, "sk": {"S": "1"}},
        UpdateExpression="SET n = :n",
        ExpressionAttributeValues={":n": {"N": "1"}},
        ReturnValues="ALL_NEW",
    )
    table.get_item(TableName="t", Key={"pk": {"S": "A"}, "sk": {"S": "1"}})
    assert held == [True, True, True]


KEY = {"pk": {"S": "A"}, "sk": {"S": "1"}}
# each write and walk the lock wraps, called on moto's backend itself with its own arguments
BACKEND_CALLS: dict[str, Any] = {
    "put_item": lambda backend: backend.put_item("t", {**KEY, "n": {"N": "1"}}),
    "update_item": lambda backend: backend.update_item("t", KEY, "SET n = :n", {}, {":n": {"N": "2"}}),
    "delete_item": lambda backend: backend.delete_item("t", KEY),
    "transact_write_items": lambda backend: backend.transact_write_items([{"Put": {"TableName": "t", "Item": KEY}}]),
    "query": lambda backend: backend.query("t", {"S": "A"}, None, [], None, None, True, None),
    "scan": lambda backend: backend.scan("t", {}, None, None, None, {}, {}, None, False, None, (None, None)),
}


@pytest.mark.parametrize("operation", moto_fidelity.WRITES + moto_fidelity.WALKS)
def test_each_write_and_walk_holds_the_lock_however_moto_reaches_it(
    table: Any, monkeypatch: pytest.MonkeyPatch, operation: str
) -> None:
    """Not only requests through moto's DynamoDB handler: the backend's own operations take
    the lock, so whatever calls them inside moto is serialised with the requests."""
    from moto.core.models import DEFAULT_ACCOUNT_ID
    from moto.dynamodb.models import DynamoDBBackend, dynamodb_backends

    backend = dynamodb_backends[DEFAULT_ACCOUNT_ID][REGION]
    BACKEND_CALLS["put_item"](backend)
    held = lock_held_in(monkeypatch, DynamoDBBackend, "get_table")
    BACKEND_CALLS[operation](backend)
    assert held and all(held), held


@pytest.mark.parametrize("message_type", ["DIGEST", "RAW"])
def test_a_kms_seal_checks_with_the_public_key_as_the_real_kms_seal_does(
    moto_environment: None, message_type: str
) -> None:
    """KMS signs a ``DIGEST`` as the digest it is (ECDSA over SHA-256 of the text: ES256),
    a ``RAW`` message by hashing it; either way anyone checks the seal over the text with
    the key's public half, and KMS ``Verify`` agrees."""
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.hazmat.primitives.hashes import SHA256
    from cryptography.hazmat.primitives.serialization import load_der_public_key

    text = b"||1.0|ACUSE|licencia-conducir|1|8Q9FQ5PXS4||"
    message = hashlib.sha256(text).digest() if message_type == "DIGEST" else text
    with mock_aws():
        moto_fidelity.kms_signs_digests()
        kms = boto3.client("kms", region_name=REGION)
        key = kms.create_key(KeySpec="ECC_NIST_P256", KeyUsage="SIGN_VERIFY")["KeyMetadata"]["KeyId"]
        asked = {"KeyId": key, "Message": message, "MessageType": message_type, "SigningAlgorithm": "ECDSA_SHA_256"}
        seal = kms.sign(**asked)["Signature"]
        public = load_der_public_key(kms.get_public_key(KeyId=key)["PublicKey"])
        assert isinstance(public, ec.EllipticCurvePublicKey)
        public.verify(seal, text, ec.ECDSA(SHA256()))
        assert kms.verify(**asked, Signature=seal)["SignatureValid"] is True


def test_a_stopped_execution_ends_its_wait_for_a_task_token_and_is_aborted(moto_environment: None) -> None:
    import json

    with mock_aws(config={"stepfunctions": {"execute_state_machine": True}}):
        moto_fidelity.stopping_ends_waits()
        sqs = boto3.client("sqs", region_name=REGION)
        queue = sqs.create_queue(QueueName="waits")["QueueUrl"]
        definition = {
            "StartAt": "Wait",
            "States": {
                "Wait": {
                    "Type": "Task",
                    "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
                    "Parameters": {"QueueUrl": queue, "MessageBody": {"token.$": "$$.Task.Token"}},
                    "TimeoutSeconds": 3600,
                    "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "Caught"}],
                    "End": True,
                },
                "Caught": {"Type": "Pass", "End": True},
            },
        }
        sfn = boto3.client("stepfunctions", region_name=REGION)
        machine = sfn.create_state_machine(
            name="waits", definition=json.dumps(definition), roleArn="arn:aws:iam::123456789012:role/sfn"
        )["stateMachineArn"]
        execution = sfn.start_execution(stateMachineArn=machine, name="one")["executionArn"]
        # the Task sends its token a moment after the execution starts
        message = wait_for(lambda: sqs.receive_message(QueueUrl=queue).get("Messages"), "the Task's token")
        token = json.loads(message[0]["Body"])["token"]
        sfn.stop_execution(executionArn=execution, error="Withdrawn", cause="test")
        ended = wait_for(
            lambda: (status := sfn.describe_execution(executionArn=execution)["status"]) != "RUNNING" and status,
            "the execution to end",
        )
        assert ended == "ABORTED"
        with pytest.raises(ClientError):
            sfn.send_task_success(taskToken=token, output="{}")
