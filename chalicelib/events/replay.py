"""The operator's replay of what the table's stream could not deliver.

A batch whose retries ran out is described in the failed-events queue (Lambda's
on-failure record for streams: shard, first and last sequence numbers).  ``failed``
reads each description, reads that range of the stream again and hands it to the same
handler; a description whose batch is now delivered is deleted, one that fails again
stays for the next replay.  The stream keeps records for 24 hours: past that, ``of``
replays an application's whole audit trail from the table instead.  Consumers are
idempotent per (event, consumer), so replaying what was already delivered changes nothing.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from chalicelib.events.stream import INSERT, ItemChange, TableEvents, lambda_record
from chalicelib.store.applications import ApplicationStore

Handler = Callable[[Mapping[str, Any], Any], Mapping[str, Any]]
MESSAGES_PER_READ = 10  # the most ReceiveMessage gives at once


@dataclass(frozen=True)
class Replayed:
    batches: int  # descriptions read
    delivered: int  # batches delivered whole now (their descriptions deleted)
    records: int  # records handed to the handler
    failed: list[str]  # what failed again, or could not be read (kept in the queue)


class Replay:
    def __init__(self, sqs: Any, streams: Any, queue_url: str | None, handler: Handler) -> None:
        self._sqs = sqs
        self._streams = streams
        self._queue_url = queue_url
        self._handler = handler

    def failed(self, limit: int = 100) -> Replayed:
        """Deliver again up to ``limit`` batches the stream gave up on."""
        if not self._queue_url:
            raise RuntimeError("FAILED_EVENTS_QUEUE_URL is not set: run with the deployment's environment")
        batches = delivered = records = 0
        failed: list[str] = []
        while batches < limit:
            messages = self._sqs.receive_message(
                QueueUrl=self._queue_url,
                MaxNumberOfMessages=min(MESSAGES_PER_READ, limit - batches),
                VisibilityTimeout=300,
                WaitTimeSeconds=0,
            ).get("Messages", [])
            if not messages:
                break
            for message in messages:
                batches += 1
                info = json.loads(message["Body"])["DDBStreamBatchInfo"]
                try:
                    batch = self._read(info)
                except self._streams.exceptions.TrimmedDataAccessException:
                    failed.append(f"{info['startSequenceNumber']}: past the stream's 24 hours; replay by application")
                    continue
                records += len(batch)
                answer = self._handler({"Records": batch}, None)
                if answer.get("batchItemFailures"):
                    failed.append(f"{info['startSequenceNumber']}: {len(answer['batchItemFailures'])} failed again")
                    continue
                self._sqs.delete_message(QueueUrl=self._queue_url, ReceiptHandle=message["ReceiptHandle"])
                delivered += 1
        return Replayed(batches, delivered, records, failed)

    def _read(self, info: Mapping[str, Any]) -> list[dict[str, Any]]:
        """The records of ``info``'s range, as the mapping delivered them."""
        iterator = self._streams.get_shard_iterator(
            StreamArn=info["streamArn"],
            ShardId=info["shardId"],
            ShardIteratorType="AT_SEQUENCE_NUMBER",
            SequenceNumber=info["startSequenceNumber"],
        )["ShardIterator"]
        last = int(info["endSequenceNumber"])
        found: list[dict[str, Any]] = []
        while iterator:
            page = self._streams.get_records(ShardIterator=iterator, Limit=1000)
            for record in page["Records"]:
                if int(record["dynamodb"]["SequenceNumber"]) > last:
                    return found
                found.append(lambda_record(record, info["streamArn"]))
            if not page["Records"] or len(found) >= int(info["batchSize"]):
                return found
            iterator = page.get("NextShardIterator")
        return found


def of(application_id: str, applications: ApplicationStore, events: TableEvents) -> int:
    """Hand every audit event of the application to the consumers again, oldest first;
    returns how many."""
    trail = applications.audit(application_id)
    for event in trail:
        events.consume(ItemChange(INSERT, f"replay:{application_id}:{int(event.seq)}", event, None))
    return len(trail)
