"""What follows a change, from the table's stream (``chalicelib.events``): a consumer that
fails is delivered the event again from the failed record, and nothing is lost or done
twice; the crash points of an SMS delivery; what the stream gives up on, the operator
replays."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from chalicelib import wiring as composition
from chalicelib.adapters.aws import client as aws_client
from chalicelib.core.clock import iso, utcnow
from chalicelib.events.replay import of as replay_of
from chalicelib.stats import figures
from chalicelib.store import keys
from chalicelib.store.models import AuditEvent
from infra.local.moto.lambda_adapter import LambdaContext
from infra.local.streams import EventSourceMapping, StreamPoller
from tests.support.client import wait_for
from tests.support.flows import decide, ready_licence, submit, wait_status
from tests.support.inprocess import Aws, HttpUser, changed_settings

CHANGES = "Falta la página 2 de la identificación"


class Crash(BaseException):
    """The process dies here: nothing of Python's (nor Powertools') cleans up after it."""


@pytest.fixture
def poller(aws: Aws) -> Iterator[StreamPoller]:
    """The stack's own mapping on the table's stream, its thread stopped: deliveries happen
    only when the test drains it (its requests are made by users that do not settle)."""
    (stack,) = aws.streams
    stack.stop()
    try:
        yield stack
    finally:
        stack.start()
        aws.settle()


def quiet(user: HttpUser) -> HttpUser:
    """The same person, whose requests return without delivering the stream."""
    return dataclasses.replace(user, settle=None)


def in_review(aws: Aws) -> tuple[HttpUser, str]:
    citizen = aws.user()
    application_id = ready_licence(citizen)
    submit(citizen, application_id)
    wait_status(citizen, application_id, "in_review")
    return citizen, application_id


def texts(aws: Aws, user: HttpUser, words: str) -> list[str]:
    return [text for text in aws.sms(user.phone or "") if words in text]


def decisions_counted(aws: Aws) -> int:
    """The licence's decisions counted this month (the raw counter: the public figures
    round small numbers away)."""
    aws.settle()
    month = figures.month_of(iso(utcnow()))
    rows = composition.container().store.statistics.rows(month, month)
    return sum(int(row.get("decisions", 0)) for row in rows if row["sk"].endswith("#P#licencia-conducir"))


def changes_requested(aws: Aws, application_id: str) -> AuditEvent:
    trail = composition.container().store.applications.audit(application_id)
    return next(event for event in trail if event.action == "review.changes_requested")


def delivered(event: AuditEvent, sequence: str) -> dict[str, Any]:
    """The event's INSERT, as the mapping hands it to ``table_events``."""
    image = event.serialize()
    keys = {"pk": image["pk"], "sk": image["sk"]}
    record = {"eventName": "INSERT", "eventSource": "aws:dynamodb", "awsRegion": "us-east-1"}
    return {"Records": [{**record, "dynamodb": {"Keys": keys, "NewImage": image, "SequenceNumber": sequence}}]}


def test_a_consumer_failing_mid_batch_gets_the_batch_again_from_the_failed_record(
    aws: Aws, poller: StreamPoller, monkeypatch: pytest.MonkeyPatch
) -> None:
    first, failing = in_review(aws), in_review(aws)
    before = decisions_counted(aws)
    official = quiet(aws.official())
    for _, application_id in (first, failing):
        assert decide(official, application_id, "request_changes", CHANGES).status_code == 200

    # the carrier's client fails once for the second application's phone: a transient fault
    services = composition.container()
    send = services.notifier.sms.send
    faults = [failing[0].phone]

    def flaky(phone: str, text: str) -> str:
        if phone in faults:
            faults.remove(phone)
            raise ConnectionResetError("the connection to the carrier dropped")
        return send(phone, text)

    monkeypatch.setattr(services.notifier.sms, "send", flaky)
    batches: list[list[str]] = []
    handle = services.table_events.handle

    def watched(event: dict[str, Any], context: Any) -> dict[str, Any]:
        batches.append([record["dynamodb"]["SequenceNumber"] for record in event["Records"]])
        return handle(event, context)

    monkeypatch.setattr(services.table_events, "handle", watched)
    poller.drain()

    # the retried batch starts at the record that failed: the records before it are done
    failed_at = batches[0].index(batches[1][0])
    assert batches[1] == batches[0][failed_at:] and failed_at > 0
    # each phone got its message once, and each decision was counted once
    assert len(texts(aws, first[0], "requiere correcciones")) == 1
    assert len(texts(aws, failing[0], "requiere correcciones")) == 1
    assert decisions_counted(aws) == before + 2


@dataclasses.dataclass
class Crashed:
    """A request for corrections whose SMS delivery died once (``Crash``), and how to deliver it again."""

    citizen: HttpUser
    application_id: str
    event: dict[str, Any]
    context: LambdaContext

    def delivered_again(self) -> dict[str, Any]:
        return composition.container().table_events.handle(self.event, self.context)

    def once_the_claim_lapses(self, poller: StreamPoller) -> None:
        """Deliver again until the dead invocation's claim lapses (with its time), then let the
        stream deliver its own copy of the event."""
        wait_for(lambda: not self.delivered_again()["batchItemFailures"], "the claim to lapse")
        poller.drain()


def crashed_delivery(
    aws: Aws, monkeypatch: pytest.MonkeyPatch, part: Callable[[Any], Any], name: str, dying: Callable[..., Any]
) -> Crashed:
    """Corrections requested, and their SMS's first delivery dies in ``part(services).name``,
    replaced by ``dying`` (given the real one); the real one is put back afterwards."""
    citizen, application_id = in_review(aws)
    assert decide(quiet(aws.official()), application_id, "request_changes", CHANGES).status_code == 200
    event = delivered(changes_requested(aws, application_id), "1")
    services = composition.container()
    real = getattr(part(services), name)
    monkeypatch.setattr(part(services), name, dying(real))
    context = LambdaContext("table_events", 256, "arn:aws:lambda:us-east-1:123456789012:function:table_events", 1)
    services.idempotency.register_lambda_context(context)
    with pytest.raises(Crash):
        services.table_events.handle(event, context)
    monkeypatch.setattr(part(services), name, real)
    return Crashed(citizen, application_id, event, context)


def test_a_crash_after_the_claim_lapses_and_the_message_goes_once(
    aws: Aws, poller: StreamPoller, monkeypatch: pytest.MonkeyPatch
) -> None:
    def dies(send: Callable[[str, str], str]) -> Callable[[str, str], str]:
        def dying(phone: str, text: str) -> str:
            raise Crash  # claimed, then the process died before the carrier was asked

        return dying

    crashed = crashed_delivery(aws, monkeypatch, lambda services: services.notifier.sms, "send", dies)

    # while the dead invocation's claim holds, the event is reported failed, not sent
    assert crashed.delivered_again()["batchItemFailures"]
    assert texts(aws, crashed.citizen, "requiere correcciones") == []
    # once the claim lapses, the delivery goes through once; the stream's own copy changes nothing
    crashed.once_the_claim_lapses(poller)
    assert len(texts(aws, crashed.citizen, "requiere correcciones")) == 1
    log = composition.container().notifier.log.for_application(crashed.application_id)
    (logged,) = [item for item in log if item.event == "changes_requested"]
    assert logged.status == "sent"


def test_a_crash_after_the_message_was_logged_sent_sends_nothing_more(
    aws: Aws, poller: StreamPoller, monkeypatch: pytest.MonkeyPatch
) -> None:
    def logged_then_dies(finish: Callable[..., None]) -> Callable[..., None]:
        def dying(*args: Any, **kwargs: Any) -> None:
            finish(*args, **kwargs)
            raise Crash  # the log says sent; the claim never completed

        return dying

    crashed = crashed_delivery(aws, monkeypatch, lambda services: services.notifier.log, "finish", logged_then_dies)
    crashed.once_the_claim_lapses(poller)
    assert len(texts(aws, crashed.citizen, "requiere correcciones")) == 1  # the log's word stands: not sent again


def test_a_crash_between_the_carriers_answer_and_the_log_may_send_twice(
    aws: Aws, poller: StreamPoller, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The one window left (docs/events.md): the carrier took the message, and the process
    died before the delivery log said so. Sent again, rather than risk it never going."""

    def sent_then_dies(send: Callable[[str, str], str]) -> Callable[[str, str], str]:
        def dying(phone: str, text: str) -> str:
            send(phone, text)
            raise Crash

        return dying

    crashed = crashed_delivery(aws, monkeypatch, lambda services: services.notifier.sms, "send", sent_then_dies)
    crashed.once_the_claim_lapses(poller)
    assert len(texts(aws, crashed.citizen, "requiere correcciones")) == 2


def test_a_batch_out_of_retries_goes_to_the_failed_events_queue_and_the_operator_replays_it(
    aws: Aws, poller: StreamPoller, monkeypatch: pytest.MonkeyPatch
) -> None:
    citizen, application_id = in_review(aws)
    assert decide(quiet(aws.official()), application_id, "request_changes", CHANGES).status_code == 200
    services = composition.container()
    send = services.notifier.sms.send

    def down(phone: str, text: str) -> str:
        raise ConnectionRefusedError("the carrier is down")

    monkeypatch.setattr(services.notifier.sms, "send", down)
    # the stack's mapping with no retries left to give: the batch is described in the queue
    impatient = StreamPoller(poller.arn, dataclasses.replace(poller.mapping, maximum_retry_attempts=0), session=None)
    impatient._shards = poller._shards
    impatient.drain()
    assert texts(aws, citizen, "requiere correcciones") == []
    queue = aws.env["FAILED_EVENTS_QUEUE_URL"]
    waiting = services.replay._sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["ApproximateNumberOfMessages"])
    assert int(waiting["Attributes"]["ApproximateNumberOfMessages"]) >= 1

    monkeypatch.setattr(services.notifier.sms, "send", send)  # the carrier is back
    replayed = services.replay.failed()
    assert replayed.delivered == replayed.batches >= 1 and replayed.failed == []
    assert len(texts(aws, citizen, "requiere correcciones")) == 1
    # replaying the whole application again (past the stream's 24 hours) sends nothing more
    assert replay_of(application_id, services.store.applications, services.table_events) > 0
    assert len(texts(aws, citizen, "requiere correcciones")) == 1


def test_the_stack_maps_the_stream_as_the_template_does(aws: Aws) -> None:
    (stack,) = aws.streams
    mapping: EventSourceMapping = stack.mapping
    assert (mapping.function_name, mapping.batch_size, mapping.maximum_retry_attempts) == ("table_events", 100, 10)
    assert mapping.report_batch_item_failures and mapping.on_failure and mapping.on_failure.endswith("failed-events")
    assert json.dumps(mapping.starting_position) == '"TRIM_HORIZON"'


def test_progress_news_a_moment_apart_makes_one_message(aws: Aws, poller: StreamPoller) -> None:
    """Filed and in review within one batch: the later message tells both."""
    with changed_settings(SMS_FOLD_PROGRESS="on"):
        told_once(aws, poller)


def told_once(aws: Aws, poller: StreamPoller) -> None:
    citizen = aws.user()
    application_id = ready_licence(citizen)
    chosen = citizen.put(f"/applications/{application_id}/sms-events", {"events": ["submitted", "in_review"]})
    assert chosen.status_code == 200, chosen.body
    quietly = quiet(citizen)
    submit(quietly, application_id)
    wait_status(quietly, application_id, "in_review")
    poller.drain()
    mine = [text for text in aws.sms(citizen.phone or "") if application_id in text]
    assert len(mine) == 1 and "en revision" in mine[0], mine


def submitted_counted(aws: Aws) -> int:
    aws.settle()
    month = figures.month_of(iso(utcnow()))
    rows = composition.container().store.statistics.rows(month, month)
    return sum(int(row.get("submitted", 0)) for row in rows if row["sk"].endswith("#P#licencia-conducir"))


def test_a_batchs_submissions_are_counted_together_and_once(aws: Aws, poller: StreamPoller) -> None:
    """Four filings in one batch: their counts reach the month's row in one write (the
    row's shard of the first), each event marked counted; the batch again changes nothing."""
    drafts = []
    for _ in range(4):
        citizen = aws.user()
        drafts.append((quiet(citizen), ready_licence(citizen)))
    poller.drain()
    before = submitted_counted(aws)
    month = figures.month_of(iso(utcnow()))
    row = keys.stats_procedure(month, "licencia-conducir")
    shards_before = {item["sk"]["S"]: int(item.get("submitted", {}).get("N", 0)) for item in row_items(row)}
    for user, application_id in drafts:
        assert user.post(f"/applications/{application_id}/submit", {}).status_code == 202
    poller.drain()
    assert submitted_counted(aws) == before + 4
    grew = {
        sk: int(item.get("submitted", {}).get("N", 0)) - shards_before.get(sk, 0)
        for item in row_items(row)
        for sk in [item["sk"]["S"]]
    }
    assert sorted(change for change in grew.values() if change) == [4]  # one item took the batch's four
    store = composition.container().store.statistics
    for _, application_id in drafts:
        assert store.counted_markers(application_id)  # each event marked counted
    poller.drain()  # nothing more to deliver, nothing more counted
    assert submitted_counted(aws) == before + 4


def row_items(row_sk: str) -> list[dict[str, Any]]:
    settings = composition.container().settings
    found = aws_client("dynamodb", settings).query(
        TableName=settings.table_name,
        KeyConditionExpression="pk = :pk AND begins_with(sk, :row)",
        ExpressionAttributeValues={":pk": {"S": keys.STATS_PK}, ":row": {"S": f"{row_sk}#"}},
        ConsistentRead=True,
    )
    items: list[dict[str, Any]] = found["Items"]
    return items
