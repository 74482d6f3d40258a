"""What follows a change, read from the table's stream: the write is the event.

A request (or a workflow step) writes its change and its audit event in one transaction
and returns.  Everything that follows — the SMS, the statistics, future consumers — is
done here, by the ``table_events`` function the table's DynamoDB stream invokes (an event
source mapping on AWS, ``infra/local/streams.py`` locally) with batches of records.

Each record is decoded into the entity it wrote (only the kinds some consumer reads) and
handed to every consumer in turn.  Consumers are idempotent per (event, consumer): the
statistics count an event under a marker written in the same transaction, an SMS is
delivered once per (application, event, audit sequence, phone) under the idempotency
layer's record.  So a batch delivered again changes nothing, and a failure is simply
raised: Powertools' batch processor reports the record (``batchItemFailures``), the
mapping delivers the batch again from it, and after its retries the batch's description
goes to the on-failure queue, from which the operator's ``events-replay`` delivers it.

Within a batch, once a record of an application fails, that application's later records
are reported failed without being processed: its events are handled in order (a
resolution's SMS never before the request for corrections that preceded it).
"""

from __future__ import annotations

import base64
import dataclasses
import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.data_classes.dynamo_db_stream_event import DynamoDBRecord

from chalicelib.store.models import AuditEvent, Entity

logger = Logger(child=True)

INSERT, MODIFY, REMOVE = "INSERT", "MODIFY", "REMOVE"
# the kinds of item some consumer reads; other writes pass by undecoded
DECODED: dict[str, type[Entity]] = {"audit": AuditEvent}


@dataclass(frozen=True)
class ItemChange:
    """One record of the stream: what a write did to one item."""

    name: str  # INSERT, MODIFY or REMOVE
    sequence: str
    new: Entity | None  # None: removed, or a kind no consumer reads
    old: Entity | None
    # a later record of the same batch is an audit event of the same application that also
    # asks to tell its subscribers something: news of progress this one carried is in it
    told_later: bool = False


Consumer = Callable[[ItemChange], None]


class OutOfOrder(Exception):
    """An earlier record of the same application failed in this batch."""


class TableEvents:
    def __init__(self, consumers: Mapping[str, Consumer]) -> None:
        self._consumers = consumers

    def handle(self, event: Mapping[str, Any], context: Any) -> dict[str, Any]:
        """One batch from the stream; answers the records to deliver again."""
        failed: set[str] = set()

        def handle_record(record: DynamoDBRecord) -> None:
            # decoded once with the batch; a record that did not decode then fails here, on its own
            change = decoded.get(record.raw_event["dynamodb"]["SequenceNumber"]) or decode(record.raw_event)
            if change.sequence in told_later:
                change = dataclasses.replace(change, told_later=True)
            application = _application_of(change)
            if application is not None and application in failed:
                raise OutOfOrder(f"an earlier event of {application} failed in this batch")
            try:
                self.consume(change)
            except Exception:
                if application is not None:
                    failed.add(application)
                raise

        # a batch that fails whole is answered like any other (every record named), not raised
        records = event.get("Records") or []
        told_later = _told_later(records)
        decoded = _decoded(records)
        self.prepare(list(decoded.values()))
        processor = BatchProcessor(event_type=EventType.DynamoDBStreams, raise_on_entire_batch_failure=False)
        answer = process_partial_response(
            event=dict(event), record_handler=handle_record, processor=processor, context=context
        )
        return dict(answer)

    def prepare(self, changes: Sequence[ItemChange]) -> None:
        """Let the consumers that can handle the batch's changes together first
        (``prepare``); what they did not is left to each record's turn, so a failure here
        only costs the saving."""
        for name, consumer in self._consumers.items():
            if not hasattr(consumer, "prepare"):
                continue
            try:
                consumer.prepare(changes)
            except Exception:
                logger.exception("stream consumer's preparation failed", extra={"consumer": name})

    def consume(self, change: ItemChange) -> None:
        for name, consumer in self._consumers.items():
            try:
                consumer(change)
            except Exception:
                logger.exception("stream consumer failed", extra={"consumer": name, "sequence": change.sequence})
                raise


def lambda_record(record: Mapping[str, Any], arn: str) -> dict[str, Any]:
    """A record as ``GetRecords`` returns it through botocore, as Lambda puts it in the
    event: with the stream's ARN, the creation time in epoch seconds (DynamoDB keeps whole
    seconds) and binary values in base64, as in the JSON Lambda sends."""
    wire: dict[str, Any] = _wire(record)
    wire["eventSourceARN"] = arn
    return wire


def _wire(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {key: _wire(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_wire(item) for item in value]
    if isinstance(value, bytes | bytearray):
        return base64.b64encode(value).decode("ascii")
    if isinstance(value, datetime):
        return float(int(value.timestamp()))
    return value


def decode(record: Mapping[str, Any]) -> ItemChange:
    """A stream record as the mapping delivers it (images in DynamoDB's JSON)."""
    body = record["dynamodb"]
    return ItemChange(
        name=record["eventName"],
        sequence=body["SequenceNumber"],
        new=_entity(body.get("NewImage")),
        old=_entity(body.get("OldImage")),
    )


def _decoded(records: Sequence[Mapping[str, Any]]) -> dict[str, ItemChange]:
    """The batch's records that decode, by sequence number."""
    changes = {}
    for record in records:
        try:
            change = decode(record)
        except Exception:
            logger.exception("stream record not decoded", extra={"record": record.get("eventID")})
            continue
        changes[change.sequence] = change
    return changes


def _told_later(records: Sequence[Mapping[str, Any]]) -> set[str]:
    """The sequence numbers of the batch's audit events that ask to tell something and are
    followed, in the batch, by an event of the same application that tells something else
    (two warnings of two agencies are two pieces of news; filed, then in review, is one)."""
    telling = [
        (image["application_id"]["S"], record["dynamodb"]["SequenceNumber"], json.loads(image["notify"]["S"])["event"])
        for record in records
        if record.get("eventName") == INSERT
        and (image := record["dynamodb"].get("NewImage") or {}).get("kind", {}).get("S") == "audit"
        and "S" in image.get("notify", {})  # a JSON attribute: a string, or NULL when nothing is told
    ]
    later: set[str] = set()
    for index, (application, sequence, told) in enumerate(telling):
        if any(other == application and event != told for other, _, event in telling[index + 1 :]):
            later.add(sequence)
    return later


def _entity(image: Mapping[str, Any] | None) -> Entity | None:
    if not image:
        return None
    model = DECODED.get((image.get("kind") or {}).get("S", ""))
    return model.from_raw_data(dict(image)) if model is not None else None


def _application_of(change: ItemChange) -> str | None:
    item = change.new or change.old
    return getattr(item, "application_id", None)
