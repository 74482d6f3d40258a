"""The embedded DynamoDB Streams API (``infra/local/moto/stream_endpoints.py``): boto3's
DescribeStream, GetShardIterator and GetRecords answer in-process under ``mock_aws`` as
over the moto server, and a stream is read only between writes, never in the middle of
a transaction."""

from __future__ import annotations

import base64
import socket
import uuid
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from moto import mock_aws

from infra.local.moto import fidelity, stream_endpoints
from infra.local.moto.server import MotoServer
from infra.local.streams import EventSourceMapping, StreamPoller

REGION = "us-east-1"
KEYS = {
    "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}],
    "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}],
}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def streamed_table(session: boto3.session.Session) -> tuple[str, str]:
    """A new table (the server's backends outlive a test) and its stream's ARN."""
    name = f"t-{uuid.uuid4().hex[:8]}"
    created = session.client("dynamodb", region_name=REGION).create_table(
        TableName=name,
        BillingMode="PAY_PER_REQUEST",
        StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"},
        **KEYS,
    )
    return name, created["TableDescription"]["LatestStreamArn"]


def read_all(session: boto3.session.Session, arn: str) -> list[dict[str, Any]]:
    """Every record of the stream, through the three calls a poller makes."""
    streams = session.client("dynamodbstreams", region_name=REGION)
    (shard,) = streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"]
    iterator = streams.get_shard_iterator(StreamArn=arn, ShardId=shard["ShardId"], ShardIteratorType="TRIM_HORIZON")[
        "ShardIterator"
    ]
    records: list[dict[str, Any]] = []
    while True:
        answer = streams.get_records(ShardIterator=iterator, Limit=2)
        if not answer["Records"]:
            return records
        records.extend(answer["Records"])
        iterator = answer["NextShardIterator"]


def write_and_read(session: boto3.session.Session) -> list[dict[str, Any]]:
    table, arn = streamed_table(session)
    ddb = session.client("dynamodb", region_name=REGION)
    for n in range(3):
        ddb.put_item(TableName=table, Item={"pk": {"S": f"k{n}"}, "n": {"N": str(n)}})
    ddb.update_item(
        TableName=table,
        Key={"pk": {"S": "k0"}},
        UpdateExpression="SET n = :n",
        ExpressionAttributeValues={":n": {"N": "10"}},
    )
    ddb.delete_item(TableName=table, Key={"pk": {"S": "k1"}})
    return read_all(session, arn)


def summary(records: list[dict[str, Any]]) -> list[tuple[str, str, Any, Any]]:
    return [
        (
            record["eventName"],
            record["dynamodb"]["Keys"]["pk"]["S"],
            record["dynamodb"].get("OldImage", {}).get("n", {}).get("N"),
            record["dynamodb"].get("NewImage", {}).get("n", {}).get("N"),
        )
        for record in records
    ]


EXPECTED = [
    ("INSERT", "k0", None, "0"),
    ("INSERT", "k1", None, "1"),
    ("INSERT", "k2", None, "2"),
    ("MODIFY", "k0", "0", "10"),
    ("REMOVE", "k1", "1", None),
]


@pytest.fixture
def in_process(moto_environment: None) -> Iterator[boto3.session.Session]:
    with mock_aws():
        fidelity.serialize_dynamodb_writes()
        stream_endpoints.install()
        yield boto3.session.Session()


@pytest.fixture
def over_the_server(moto_environment: None) -> Iterator[boto3.session.Session]:
    fidelity.serialize_dynamodb_writes()
    stream_endpoints.install()
    server = MotoServer("127.0.0.1", free_port())
    server.start()
    try:
        with pytest.MonkeyPatch.context() as patch:
            patch.setenv("AWS_ENDPOINT_URL", server.url)
            yield boto3.session.Session()
    finally:
        server.stop()


def test_a_stream_is_named_at_an_account_endpoint_that_moto_now_answers_in_process(
    in_process: boto3.session.Session,
) -> None:
    """botocore sends DescribeStream to <account>.streams-ddb.<region>: the host moto did not know."""
    _, arn = streamed_table(in_process)
    streams = in_process.client("dynamodbstreams", region_name=REGION)
    hosts: list[str] = []
    streams.meta.events.register("before-send", lambda request, **_: hosts.append(request.url))
    streams.describe_stream(StreamArn=arn)
    assert hosts == [f"https://123456789012.streams-ddb.{REGION}.amazonaws.com/"]


def test_the_stream_reads_in_process(
    in_process: boto3.session.Session,
) -> None:
    assert summary(write_and_read(in_process)) == EXPECTED


def test_the_stream_reads_over_the_server(over_the_server: boto3.session.Session) -> None:
    assert summary(write_and_read(over_the_server)) == EXPECTED


def test_the_poller_drains_over_the_server_too(over_the_server: boto3.session.Session) -> None:
    table, arn = streamed_table(over_the_server)
    ddb = over_the_server.client("dynamodb", region_name=REGION)
    ddb.put_item(TableName=table, Item={"pk": {"S": "k"}, "blob": {"B": b"\x00\xff"}})
    batches: list[list[dict[str, Any]]] = []
    poller = StreamPoller(arn, EventSourceMapping("consumer", lambda event, _: batches.append(event["Records"])))
    assert poller.drain() == 1
    ((record,),) = batches
    assert record["eventSourceARN"] == arn
    assert base64.b64decode(record["dynamodb"]["NewImage"]["blob"]["B"]) == b"\x00\xff"


def test_a_stream_is_read_under_the_write_lock(
    in_process: boto3.session.Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    """moto appends a transaction's stream records item by item and takes them back if the
    transaction is cancelled: a reader must never see them in between."""
    from moto.dynamodbstreams.models import DynamoDBStreamsBackend

    held: list[bool] = []
    original = DynamoDBStreamsBackend.get_records

    def watching(self: Any, *args: Any, **kwargs: Any) -> Any:
        held.append(fidelity._lock._is_owned())  # type: ignore[attr-defined]
        return original(self, *args, **kwargs)

    monkeypatch.setattr(DynamoDBStreamsBackend, "get_records", watching)
    table, arn = streamed_table(in_process)
    in_process.client("dynamodb", region_name=REGION).put_item(TableName=table, Item={"pk": {"S": "k"}})
    assert len(read_all(in_process, arn)) == 1
    assert held and all(held)


def test_the_hook_points_are_where_the_patch_expects() -> None:
    from moto import backend_index
    from moto.dynamodbstreams import urls
    from moto.dynamodbstreams.responses import DynamoDBStreamsHandler

    stream_endpoints.install()
    assert stream_endpoints.ACCOUNT_ENDPOINT in urls.url_bases
    assert ("dynamodbstreams", stream_endpoints.ACCOUNT_ENDPOINT) in [
        (service, pattern.pattern) for service, pattern in backend_index.backend_url_patterns
    ]
    assert getattr(DynamoDBStreamsHandler.call_action, "_serialized", False)
