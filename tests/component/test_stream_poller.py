"""The local event source mapping (``infra/local/streams.py``) on the embedded stack: a
table's stream reaches a handler in Lambda's batches, in order; a batch that fails is
retried from the record the handler names, or whole after an exception, and once its
retries are spent it goes to the on-failure queue while later records keep flowing;
``drain()`` returns once everything written is delivered.  Each test has its own table
and queue in the stack's moto, so other tests' writes never reach its stream."""

from __future__ import annotations

import base64
import json
import threading
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import boto3
import pytest
from aws_lambda_powertools.utilities.parser import parse
from aws_lambda_powertools.utilities.parser.models import (
    DynamoDBStreamLambdaOnFailureDestinationModel,
    DynamoDBStreamModel,
)
from chalice.app import DynamoDBEvent

from infra.local.stack import REGION
from infra.local.streams import DrainTimeout, EventSourceMapping, StreamPoller, stream_arn
from tests.support.inprocess import Aws


@dataclass
class Table:
    name: str
    arn: str  # of its stream
    queue_url: str
    queue_arn: str

    @property
    def ddb(self) -> Any:
        return boto3.client("dynamodb", region_name=REGION)

    def put(self, *keys: str, **attributes: Any) -> None:
        for key in keys:
            self.ddb.put_item(TableName=self.name, Item={"pk": {"S": key}, **attributes})

    def failed_batches(self) -> list[dict[str, Any]]:
        sqs = boto3.client("sqs", region_name=REGION)
        messages = sqs.receive_message(QueueUrl=self.queue_url, MaxNumberOfMessages=10).get("Messages", [])
        return [json.loads(message["Body"]) for message in messages]


@pytest.fixture
def table(aws: Aws) -> Table:
    name = f"stream-{uuid.uuid4().hex[:10]}"
    ddb = boto3.client("dynamodb", region_name=REGION)
    ddb.create_table(
        TableName=name,
        BillingMode="PAY_PER_REQUEST",
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
        StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"},
    )
    sqs = boto3.client("sqs", region_name=REGION)
    url = sqs.create_queue(QueueName=f"{name}-failed")["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    return Table(name, stream_arn(name, region=REGION), url, arn)


@dataclass
class Consumer:
    """A handler that remembers every batch it was given and what it finished; ``fail``
    decides, per record key and attempt, whether that record fails (raising, or reported
    in ``batchItemFailures`` when ``report`` is set)."""

    fail: Any = None  # (key, attempt) -> bool
    report: bool = True
    batches: list[list[str]] = field(default_factory=list)
    done: list[str] = field(default_factory=list)
    attempts: dict[str, int] = field(default_factory=dict)

    def __call__(self, event: dict[str, Any], context: Any) -> dict[str, Any]:
        keys = [record["dynamodb"]["Keys"]["pk"]["S"] for record in event["Records"]]
        self.batches.append(keys)
        for record, key in zip(event["Records"], keys, strict=True):
            self.attempts[key] = self.attempts.get(key, 0) + 1
            if self.fail and self.fail(key, self.attempts[key]):
                if not self.report:
                    raise RuntimeError(f"{key} failed")
                # a consumer that keeps order stops at its first failure and names it
                return {"batchItemFailures": [{"itemIdentifier": record["dynamodb"]["SequenceNumber"]}]}
            self.done.append(key)
        return {"batchItemFailures": []}


def poller(table: Table, consumer: Any, **settings: Any) -> StreamPoller:
    return StreamPoller(table.arn, EventSourceMapping("stream-consumer", consumer, **settings))


def test_records_arrive_in_order_in_batches_shaped_as_lambda_sends_them(table: Table) -> None:
    table.put("a", "b", "c", "d", "e", "f", "g", blob={"B": b"\x00\x01"}, n={"N": "7"})
    table.ddb.delete_item(TableName=table.name, Key={"pk": {"S": "a"}})
    events: list[dict[str, Any]] = []

    def handler(event: dict[str, Any], context: Any) -> None:
        events.append(json.loads(json.dumps(event)))  # what Lambda sends is JSON
        assert context.invoked_function_arn.endswith(":function:stream-consumer")

    assert poller(table, handler, batch_size=3).drain() == 8
    batches = [[record["dynamodb"]["Keys"]["pk"]["S"] for record in event["Records"]] for event in events]
    assert batches == [["a", "b", "c"], ["d", "e", "f"], ["g", "a"]]
    every = [record for event in events for record in event["Records"]]
    assert [record["eventName"] for record in every] == ["INSERT"] * 7 + ["REMOVE"]
    sequences = [int(record["dynamodb"]["SequenceNumber"]) for record in every]
    assert sequences == sorted(sequences)
    first = every[0]
    assert first["eventSource"] == "aws:dynamodb" and first["eventSourceARN"] == table.arn
    assert first["awsRegion"] == REGION and first["dynamodb"]["StreamViewType"] == "NEW_AND_OLD_IMAGES"
    assert base64.b64decode(first["dynamodb"]["NewImage"]["blob"]["B"]) == b"\x00\x01"
    assert every[-1]["dynamodb"]["OldImage"]["n"] == {"N": "7"} and "NewImage" not in every[-1]["dynamodb"]
    for event in events:  # the consumers' libraries read them as Lambda's events
        parsed = parse(event=event, model=DynamoDBStreamModel)
        assert parsed.Records[0].dynamodb.ApproximateCreationDateTime is not None
        chalice = DynamoDBEvent(event, context=None)
        assert all(record.table_name == table.name for record in chalice)
    assert parse(event=events[0], model=DynamoDBStreamModel).Records[0].dynamodb.NewImage == {
        "pk": "a",
        "blob": "AAE=",  # Powertools leaves binary as the base64 text Lambda sends
        "n": 7,
    }


def test_a_batch_failing_at_its_third_record_is_retried_from_that_record(table: Table) -> None:
    table.put("r1", "r2", "r3", "r4", "r5")
    consumer = Consumer(fail=lambda key, attempt: key == "r3" and attempt == 1)
    assert poller(table, consumer, batch_size=5, maximum_retry_attempts=3).drain() == 5
    assert consumer.batches == [["r1", "r2", "r3", "r4", "r5"], ["r3", "r4", "r5"]]
    assert consumer.done == ["r1", "r2", "r3", "r4", "r5"]  # nothing lost, nothing done twice


def test_the_lowest_record_named_is_where_the_retry_starts(table: Table) -> None:
    table.put("r1", "r2", "r3", "r4")
    batches: list[list[str]] = []

    def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
        records = event["Records"]
        batches.append([record["dynamodb"]["Keys"]["pk"]["S"] for record in records])
        if len(batches) > 1:
            return {}
        named = [records[3], records[1]]  # out of order: the lowest sequence number counts
        return {"batchItemFailures": [{"itemIdentifier": record["dynamodb"]["SequenceNumber"]} for record in named]}

    poller(table, handler, batch_size=10).drain()
    assert batches == [["r1", "r2", "r3", "r4"], ["r2", "r3", "r4"]]


def test_an_unknown_identifier_fails_the_whole_batch(table: Table) -> None:
    table.put("r1", "r2")
    batches: list[int] = []

    def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
        batches.append(len(event["Records"]))
        return {"batchItemFailures": [{"itemIdentifier": ""}]} if len(batches) == 1 else {}

    poller(table, handler, batch_size=10).drain()
    assert batches == [2, 2]


def test_an_exception_retries_the_whole_batch(table: Table) -> None:
    table.put("r1", "r2", "r3", "r4")
    consumer = Consumer(fail=lambda key, attempt: key == "r2" and attempt == 1, report=False)
    assert poller(table, consumer, batch_size=3, maximum_retry_attempts=2).drain() == 4
    assert consumer.batches == [["r1", "r2", "r3"], ["r1", "r2", "r3"], ["r4"]]
    assert table.failed_batches() == []


def test_without_the_setting_a_reported_failure_counts_as_success(table: Table) -> None:
    table.put("r1", "r2")
    consumer = Consumer(fail=lambda key, attempt: key == "r1")
    poller(table, consumer, batch_size=10, report_batch_item_failures=False).drain()
    assert consumer.batches == [["r1", "r2"]]


def test_a_batch_out_of_retries_goes_to_the_failure_queue_and_later_records_still_flow(table: Table) -> None:
    table.put("r1", "poison", "r3", "r4")
    consumer = Consumer(fail=lambda key, attempt: key == "poison", report=False)
    mapping = poller(table, consumer, batch_size=2, maximum_retry_attempts=2, on_failure=table.queue_arn)
    assert mapping.drain() == 4
    assert consumer.batches == [["r1", "poison"]] * 3 + [["r3", "r4"]]
    assert consumer.done[-2:] == ["r3", "r4"]
    (failed,) = table.failed_batches()
    record = parse(event=failed, model=DynamoDBStreamLambdaOnFailureDestinationModel)
    info = failed["DDBStreamBatchInfo"]
    sequences = consumer_sequences(table)
    assert info["shardId"].startswith("shardId-") and info["streamArn"] == table.arn
    assert (info["startSequenceNumber"], info["endSequenceNumber"]) == (sequences["r1"], sequences["poison"])
    assert info["batchSize"] == record.ddb_stream_batch_info.batch_size == 2
    assert failed["requestContext"]["condition"] == "RetryAttemptsExhausted"
    assert failed["requestContext"]["approximateInvokeCount"] == 3
    assert failed["requestContext"]["functionArn"] == mapping.function_arn
    assert failed["responseContext"] == {"statusCode": 200, "executedVersion": "$LATEST", "functionError": "Unhandled"}
    assert failed["version"] == "1.0"


def test_a_record_reported_failing_past_its_retries_is_discarded_from_itself_on(table: Table) -> None:
    table.put("r1", "poison", "r3", "r4")
    consumer = Consumer(fail=lambda key, attempt: key == "poison")
    poller(table, consumer, batch_size=3, maximum_retry_attempts=1, on_failure=table.queue_arn).drain()
    assert consumer.batches == [["r1", "poison", "r3"], ["poison", "r3"], ["r4"]]
    assert consumer.done == ["r1", "r4"]  # r3 was in the discarded rest of the batch
    (failed,) = table.failed_batches()
    sequences = consumer_sequences(table)
    info = failed["DDBStreamBatchInfo"]
    assert (info["startSequenceNumber"], info["endSequenceNumber"], info["batchSize"]) == (
        sequences["poison"],
        sequences["r3"],
        2,
    )
    assert "functionError" not in failed["responseContext"]  # the function answered; it reported the failure


def test_drain_returns_once_every_record_written_is_delivered(table: Table) -> None:
    """With the polling thread holding records for a long batching window, drain delivers
    them at once; and what the handler writes meanwhile is delivered before it returns."""
    seen: list[str] = []

    def echoing(event: dict[str, Any], context: Any) -> None:
        for record in event["Records"]:
            key = record["dynamodb"]["Keys"]["pk"]["S"]
            seen.append(key)
            if not key.endswith("-echo"):
                table.put(f"{key}-echo")

    mapping = poller(table, echoing, batch_size=100, maximum_batching_window_seconds=300)
    mapping.start()
    try:
        table.put(*(f"r{n}" for n in range(10)))
        assert mapping.drain() == 20
        assert seen == [f"r{n}" for n in range(10)] + [f"r{n}-echo" for n in range(10)]
        assert mapping.drain() == 0
    finally:
        mapping.stop()


def test_the_polling_thread_and_drain_never_deliver_a_record_twice(table: Table) -> None:
    consumer = Consumer()
    mapping = poller(table, consumer, batch_size=4)
    mapping.start()
    try:
        writers = [threading.Thread(target=table.put, args=[f"w{w}-{n}" for n in range(15)]) for w in range(2)]
        for writer in writers:
            writer.start()
        for writer in writers:
            writer.join()
        mapping.drain()
    finally:
        mapping.stop()
    assert sorted(consumer.done) == sorted(f"w{w}-{n}" for w in range(2) for n in range(15))
    for w in range(2):  # each writer's records in the order it wrote them
        assert [key for key in consumer.done if key.startswith(f"w{w}-")] == [f"w{w}-{n}" for n in range(15)]
    assert all(len(batch) <= 4 for batch in consumer.batches)


def test_latest_starts_after_what_was_written_before_the_mapping(table: Table) -> None:
    table.put("before")
    consumer = Consumer()
    mapping = poller(table, consumer, starting_position="LATEST")
    table.put("after")
    mapping.drain()
    assert consumer.done == ["after"]


def test_a_batch_failing_without_end_makes_drain_give_up_instead_of_hanging(table: Table) -> None:
    table.put("poison")
    consumer = Consumer(fail=lambda key, attempt: True, report=False)
    with pytest.raises(DrainTimeout):
        poller(table, consumer).drain(timeout=0.5)
    assert len(consumer.batches) > 1 and set(map(tuple, consumer.batches)) == {("poison",)}


def test_the_stacks_table_streams_its_changes_to_a_mapping(aws: Aws) -> None:
    """The table provisioned from infra/aws/stack has its stream on (new and old images)."""
    name = aws.env["TABLE_NAME"]
    seen: list[dict[str, Any]] = []
    mapping = StreamPoller(
        stream_arn(name, region=REGION),
        EventSourceMapping(
            "stream-consumer", lambda event, _: seen.extend(event["Records"]), starting_position="LATEST"
        ),
    )
    key = {"pk": {"S": f"STREAMTEST#{uuid.uuid4().hex}"}, "sk": {"S": "A"}}
    ddb = boto3.client("dynamodb", region_name=REGION)
    ddb.put_item(TableName=name, Item={**key, "v": {"N": "1"}})
    ddb.put_item(TableName=name, Item={**key, "v": {"N": "2"}})
    mapping.drain()
    ours = [record for record in seen if record["dynamodb"]["Keys"] == key]
    assert [record["eventName"] for record in ours] == ["INSERT", "MODIFY"]
    assert ours[1]["dynamodb"]["OldImage"]["v"] == {"N": "1"} and ours[1]["dynamodb"]["NewImage"]["v"] == {"N": "2"}


def consumer_sequences(table: Table) -> dict[str, str]:
    """Each key's (last) sequence number in the table's stream, read afresh."""
    found: dict[str, str] = {}

    def remember(event: dict[str, Any], context: Any) -> None:
        for record in event["Records"]:
            found[record["dynamodb"]["Keys"]["pk"]["S"]] = record["dynamodb"]["SequenceNumber"]

    StreamPoller(table.arn, EventSourceMapping("reader", remember)).drain()
    return found


@pytest.fixture(autouse=True)
def _no_pollers_left(request: pytest.FixtureRequest) -> Iterator[None]:
    yield
    # the stack's own mapping (``table_events``) runs for the whole package
    leftover = [
        thread.name
        for thread in threading.enumerate()
        if thread.name.startswith("stream-") and thread.name != "stream-table_events"
    ]
    assert not leftover, leftover
