"""The table's DynamoDB stream fed to handlers as a Lambda event source mapping feeds them
(local stack and tests only; the deployed app never imports ``infra/``).

moto has an event source mapping of its own, but it invokes the function inside the
write, on the writer's thread, one record per invocation, with no batching, retries or
on-failure destination (``docs/local-stack.md``).  This is instead a poller of the
streams API (``DescribeStream``, ``GetShardIterator``, ``GetRecords`` through boto3, so it
reads moto in-process and over the server alike) that calls a plain
``handler(event, context)`` the way the mapping does:

- **Batches shaped as Lambda delivers them**: ``{"Records": [...]}``, each record as
  ``GetRecords`` gives it plus ``eventSourceARN``, with ``ApproximateCreationDateTime`` in
  epoch seconds and binary attributes in base64, as in the JSON Lambda sends.
- **Per shard, in order, one batch at a time**: at most ``batch_size`` records; the
  mapping waits up to ``maximum_batching_window_seconds`` for a full batch (measured from
  the first record it read, checked at each poll).
- **Partial failures** (``report_batch_item_failures``, AWS's
  ``FunctionResponseTypes=["ReportBatchItemFailures"]``): an answer
  ``{"batchItemFailures": [{"itemIdentifier": <SequenceNumber>}, ...]}`` checkpoints before
  the lowest sequence number named; the records before it are done, and the batch is
  retried from it.  An identifier that is empty, missing or not in the batch fails the
  whole batch, as on AWS.  Without the setting the answer is ignored.
- **Retries**: an exception retries the whole batch, a reported failure the rest of it
  from the record named; no new records join a retried batch, and either way it uses one
  of its retries (AWS does not say whether a reported failure does).  After
  ``maximum_retry_attempts`` retries (``-1``: without end, AWS's default) the batch is
  discarded, its description sent to the ``on_failure`` SQS queue in Lambda's on-failure
  record for streams (``DDBStreamBatchInfo``), and the shard moves on.
- **Starting position**: ``TRIM_HORIZON`` (the default here) reads every record the
  stream holds; ``LATEST`` starts after the last record written when the poller is made.
  A shard that appears later is read from its start, as the mapping reads a child shard.

``start()``/``stop()`` run the polling in a thread (``make run``); ``drain()`` delivers, in
the caller's thread, everything written so far, including what the handler itself writes
meanwhile, and returns once the stream is quiet: tests call it instead of waiting.  Both
hold one lock per poller, so a batch is never delivered twice at once.

Not reproduced: bisecting a failed batch, the parallelization factor, tumbling windows,
filter criteria, the maximum record age and the stream's 24-hour retention, the 6 MB
payload cap, the exact timing of polls, batching windows and retry backoff, and the
ordering of a parent shard before its children (moto never splits its one shard).
"""

from __future__ import annotations

import json
import logging
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Literal

import boto3

from chalicelib.events.stream import lambda_record
from infra.local.moto.lambda_adapter import LambdaContext

Handler = Callable[[dict[str, Any], Any], Any]
StartingPosition = Literal["TRIM_HORIZON", "LATEST"]

POLL_SECONDS = 0.25  # Lambda polls each shard of a DynamoDB stream four times a second
GET_RECORDS_LIMIT = 1000  # the most GetRecords returns at once
DRAIN_TIMEOUT_SECONDS = 60.0
RUNNING: list[StreamPoller] = []  # started in this process (the local stack), for deliver_all()

log = logging.getLogger(__name__)


class DrainTimeout(Exception):
    """The stream did not go quiet: a batch keeps failing (retries without end) or the
    handler keeps writing what it then reads."""


@dataclass(frozen=True)
class EventSourceMapping:
    """What an event source mapping on a table's stream is given, in CreateEventSourceMapping's
    terms: the function (here the handler itself, and the name it is known by) and the
    batching, retry and destination settings."""

    function_name: str
    handler: Handler
    batch_size: int = 100
    maximum_batching_window_seconds: float = 0.0
    maximum_retry_attempts: int = -1
    report_batch_item_failures: bool = True
    starting_position: StartingPosition = "TRIM_HORIZON"
    on_failure: str | None = None  # an SQS queue's ARN

    def __post_init__(self) -> None:
        if not 1 <= self.batch_size <= 10_000:
            raise ValueError("batch_size must be between 1 and 10,000, as on AWS")
        if self.maximum_retry_attempts < -1:
            raise ValueError("maximum_retry_attempts is -1 (without end) or a number of retries")
        if self.starting_position not in ("TRIM_HORIZON", "LATEST"):
            raise ValueError("starting_position is TRIM_HORIZON or LATEST")


@dataclass
class _Shard:
    shard_id: str
    iterator: str | None  # where the next GetRecords reads; None once a closed shard is read to its end
    pending: list[dict[str, Any]] = field(default_factory=list)  # read, not yet in a batch
    batch: list[dict[str, Any]] = field(default_factory=list)  # in flight: failed, to be retried
    invocations: int = 0  # of the batch in flight
    function_error: str | None = None  # of its last invocation
    first_read_at: float | None = None  # when the oldest pending record was read (the batching window)


def stream_arn(table_name: str, session: boto3.session.Session | None = None, region: str | None = None) -> str:
    """The ARN of the table's stream (its latest), as the mapping's ``EventSourceArn``."""
    client = (session or boto3.session.Session()).client("dynamodb", region_name=region)
    arn: str = client.describe_table(TableName=table_name)["Table"]["LatestStreamArn"]
    return arn


def deliver_all() -> int:
    """Drain every poller running in this process (the sandbox's "deliver now")."""
    return sum(poller.drain() for poller in list(RUNNING))


class StreamPoller:
    """One event source mapping: the stream ``arn`` read for ``mapping.handler``."""

    def __init__(
        self,
        arn: str,
        mapping: EventSourceMapping,
        *,
        session: boto3.session.Session | None = None,
        poll_seconds: float = POLL_SECONDS,
    ) -> None:
        self.arn = arn
        self.mapping = mapping
        self.poll_seconds = poll_seconds
        _, _, _, self.region, self.account, _ = arn.split(":", 5)
        session = session or boto3.session.Session()
        self._streams = session.client("dynamodbstreams", region_name=self.region)
        self._sqs = session.client("sqs", region_name=self.region) if mapping.on_failure else None
        self._lock = threading.RLock()
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None
        self._shards: dict[str, _Shard] = {}
        with self._lock:
            self._discover(mapping.starting_position)

    @property
    def function_arn(self) -> str:
        return f"arn:aws:lambda:{self.region}:{self.account}:function:{self.mapping.function_name}"

    # --- running ---------------------------------------------------------------------
    def start(self) -> None:
        """Poll in a thread until ``stop()``, as the mapping polls on AWS."""
        if self._thread is not None:
            return
        RUNNING.append(self)
        self._stopping.clear()
        self._thread = threading.Thread(target=self._run, name=f"stream-{self.mapping.function_name}", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Stop polling once the batch being delivered (if any) is done; what is unread stays for the next start."""
        self._stopping.set()
        if self._thread is not None:
            self._thread.join()
            self._thread = None
        if self in RUNNING:
            RUNNING.remove(self)

    def drain(self, timeout: float = DRAIN_TIMEOUT_SECONDS) -> int:
        """Deliver everything written so far (and whatever the deliveries write), ignoring
        the batching window and retrying at once; return how many records left the
        stream (delivered, or discarded after their retries) once nothing is left."""
        deadline = time.monotonic() + timeout
        finished = 0
        with self._lock:
            self._discover("TRIM_HORIZON")
            while True:
                moved = False
                for shard in list(self._shards.values()):
                    progress, done = self._step(shard, waiting=False)
                    moved = moved or progress
                    finished += done
                if not moved:
                    return finished
                if time.monotonic() > deadline:
                    raise DrainTimeout(f"{self.mapping.function_name}: the stream was still moving after {timeout} s")

    def _run(self) -> None:
        while not self._stopping.is_set():
            try:
                with self._lock:
                    self._discover("TRIM_HORIZON")
                    finished = sum(self._step(shard, waiting=True)[1] for shard in list(self._shards.values()))
            except Exception:  # the mapping keeps polling whatever one poll met (it is retried next time)
                log.exception("polling the stream %s failed", self.arn)
                finished = 0
            # while batches go through, the next is read at once; an idle stream, one waiting for its
            # batching window or a failing batch's retry waits for the next poll
            if not finished:
                self._stopping.wait(self.poll_seconds)

    # --- one shard -------------------------------------------------------------------
    def _discover(self, position: StartingPosition) -> None:
        """Read the stream's shards; a shard not seen before starts at ``position``."""
        asked: dict[str, Any] = {"StreamArn": self.arn}
        while True:
            described = self._streams.describe_stream(**asked)["StreamDescription"]
            for shard in described.get("Shards", []):
                shard_id = shard["ShardId"]
                if shard_id not in self._shards:
                    iterator = self._streams.get_shard_iterator(
                        StreamArn=self.arn, ShardId=shard_id, ShardIteratorType=position
                    )["ShardIterator"]
                    self._shards[shard_id] = _Shard(shard_id, iterator)
            last = described.get("LastEvaluatedShardId")
            if not last:
                return
            asked["ExclusiveStartShardId"] = last

    def _read(self, shard: _Shard) -> bool:
        """Read until a batch is full or the shard has nothing more for now; True if anything came."""
        came = False
        while shard.iterator is not None and len(shard.pending) < self.mapping.batch_size:
            limit = min(GET_RECORDS_LIMIT, self.mapping.batch_size - len(shard.pending))
            answer = self._streams.get_records(ShardIterator=shard.iterator, Limit=limit)
            shard.iterator = answer.get("NextShardIterator")
            records = answer.get("Records", [])
            if not records:
                break
            if shard.first_read_at is None:
                shard.first_read_at = time.monotonic()
            shard.pending.extend(lambda_record(record, self.arn) for record in records)
            came = True
        return came

    def _step(self, shard: _Shard, *, waiting: bool) -> tuple[bool, int]:
        """Read the shard and deliver one batch if one is due: (whether anything moved,
        how many records left the stream).  ``waiting``: honour the batching window."""
        came = self._read(shard) if not shard.batch else False
        if not shard.batch:
            if not shard.pending:
                return came, 0
            full = len(shard.pending) >= self.mapping.batch_size
            window = self.mapping.maximum_batching_window_seconds
            opened = shard.first_read_at or time.monotonic()
            if waiting and not full and time.monotonic() - opened < window:
                return came, 0
            # a read stops at a full batch, so the batch takes everything pending
            shard.batch, shard.pending, shard.first_read_at = shard.pending, [], None
            shard.invocations = 0
        return True, self._deliver(shard)

    def _deliver(self, shard: _Shard) -> int:
        """Invoke the handler with the batch in flight; return how many of its records are done."""
        batch = shard.batch
        shard.invocations += 1
        context = LambdaContext(
            function_name=self.mapping.function_name,
            memory_limit_in_mb=256,
            invoked_function_arn=self.function_arn,
            timeout_seconds=60,
        )
        try:
            answer = self.mapping.handler({"Records": batch}, context)
        except Exception as error:  # the function failed: the whole batch is retried
            shard.function_error = "Unhandled"
            log.warning(
                "%s failed on records %s..%s (%s)",
                self.mapping.function_name,
                _sequence(batch[0]),
                _sequence(batch[-1]),
                type(error).__name__,
            )
            return self._failed(shard)
        shard.function_error = None
        checkpoint = self._checkpoint(batch, answer)
        if checkpoint is None:
            done = len(batch)
            shard.batch, shard.invocations = [], 0
            return done
        done = checkpoint
        shard.batch = batch[checkpoint:]
        return done + self._failed(shard)

    def _checkpoint(self, batch: list[dict[str, Any]], answer: Any) -> int | None:
        """Where in the batch a retry starts (0: the whole batch), or None if it succeeded."""
        if not self.mapping.report_batch_item_failures or not isinstance(answer, dict):
            return None
        failures = answer.get("batchItemFailures")
        if not failures:
            return None
        positions = {_sequence(record): index for index, record in enumerate(batch)}
        named = [failure.get("itemIdentifier") if isinstance(failure, dict) else None for failure in failures]
        if any(not isinstance(identifier, str) or identifier not in positions for identifier in named):
            return 0  # an empty, missing or unknown identifier fails the whole batch, as on AWS
        return min(positions[identifier] for identifier in named if isinstance(identifier, str))

    def _failed(self, shard: _Shard) -> int:
        """The batch in flight failed: keep it for a retry, or discard it once the retries are spent."""
        retries = self.mapping.maximum_retry_attempts
        if retries == -1 or shard.invocations <= retries:
            return 0
        discarded = shard.batch
        if self.mapping.on_failure:
            self._send_on_failure(shard, discarded)
        shard.batch, shard.invocations = [], 0
        return len(discarded)

    def _send_on_failure(self, shard: _Shard, batch: list[dict[str, Any]]) -> None:
        assert self._sqs is not None and self.mapping.on_failure is not None
        _, _, _, _, owner, queue_name = self.mapping.on_failure.split(":", 5)
        url = self._sqs.get_queue_url(QueueName=queue_name, QueueOwnerAWSAccountId=owner)["QueueUrl"]
        self._sqs.send_message(QueueUrl=url, MessageBody=json.dumps(self._on_failure_record(shard, batch)))

    def _on_failure_record(self, shard: _Shard, batch: list[dict[str, Any]]) -> dict[str, Any]:
        """Lambda's on-failure record for a stream batch: where the records are, not the records."""
        response: dict[str, Any] = {"statusCode": 200, "executedVersion": "$LATEST"}
        if shard.function_error:
            response["functionError"] = shard.function_error
        return {
            "requestContext": {
                "requestId": str(uuid.uuid4()),
                "functionArn": self.function_arn,
                "condition": "RetryAttemptsExhausted",
                "approximateInvokeCount": shard.invocations,
            },
            "responseContext": response,
            "version": "1.0",
            "timestamp": datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z"),
            "DDBStreamBatchInfo": {
                "shardId": shard.shard_id,
                "startSequenceNumber": _sequence(batch[0]),
                "endSequenceNumber": _sequence(batch[-1]),
                "approximateArrivalOfFirstRecord": _arrival(batch[0]),
                "approximateArrivalOfLastRecord": _arrival(batch[-1]),
                "batchSize": len(batch),
                "streamArn": self.arn,
            },
        }


def _sequence(record: dict[str, Any]) -> str:
    sequence: str = record["dynamodb"]["SequenceNumber"]
    return sequence


def _arrival(record: dict[str, Any]) -> str:
    seconds = record["dynamodb"]["ApproximateCreationDateTime"]
    return datetime.fromtimestamp(seconds, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
