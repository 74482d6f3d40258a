"""Statistics kept up to date as applications move: a projection of the audit events.

``Transitions`` calls the projector after each change commits (beside the SMS), with
the audit event it has just written; the SMS service calls it for each message the
carrier accepted.  Counting is one DynamoDB transaction: a marker item for the event
(``APP#<id>`` / ``STATS#<seq>``, written only if absent) and atomic ``ADD``s on the
month's items of the procedure (``STATS`` / ``M#<month>#P#<code>``) and, for a review,
of the reviewing agency (``M#<month>#A#<agency>``).  A replayed event finds its marker
and counts nothing: the projection is idempotent.

What is counted, in the (Mexico City) month of the event:

- ``application.created`` → ``started``; ``application.submitted`` → ``submitted``, and
  for an application filed by an assistant of a community centre (``application.centre``)
  ``assisted`` and ``assisted:<centre>`` (the centre's code, nothing about the person);
- an official's decision → the procedure's and the agency's ``decisions`` and
  ``out_of_order``, and the agency's ``on_time`` or ``late`` (by the review's deadline);
- a review's deadline passing (deemed approved/denied, escalated) → the agency's ``late``;
- ``rating.submitted`` → ``ratings``, ``rating_sum``, ``rating_low`` (score ≤ 2);
- a final status → the application's ``Resolution`` (``figures.resolution``, read from
  its whole audit trail): ``issued``/``rejected``/``withdrawn``, ``deemed_approved``,
  ``deemed_denied``, and for issued or rejected ones ``resolved``, ``within_deadline``,
  ``corrections``, ``days_<n>`` (a histogram of business days to resolution) and
  ``step_days_<step>``/``step_n_<step>`` (business days per step);
- an SMS sent → ``sms_sent`` and ``sms_segments`` (the delivery-log entry is the marker).

A projection that fails after the commit is logged and counted in the metric
``StatsProjectionFailed``, never raised into the command (its change stands); the
application's events are counted later by ``catch_up`` (when the step is retried) or by
the operator's ``python -m infra.aws.ops stats-replay <application_id>``.
"""

from __future__ import annotations

import random
import time
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from aws_lambda_powertools import Logger
from pynamodb.exceptions import PynamoDBException, TransactWriteError
from pynamodb.expressions.operand import Path
from pynamodb.expressions.update import Action
from pynamodb.transactions import TransactWrite

from chalicelib.core import observability
from chalicelib.core.clock import iso, utcnow
from chalicelib.notifications.models import SmsMessage
from chalicelib.stats import figures
from chalicelib.stats.models import CountedEvent, StatsRow
from chalicelib.store import keys
from chalicelib.store.models import Application, AuditEvent, transaction

logger = Logger(child=True)

PROCEDURE, AGENCY = "procedure", "agency"
ATTEMPTS = 4
OFFICIALS = ("official", "supervisor", "admin")
ASSISTED_AT = "assisted:"  # + a centre's code: the applications it filed (submitted)
COUNTED_ACTIONS = frozenset(
    {"application.created", "application.submitted", "rating.submitted", *figures.DECISIONS, *figures.EXPIRIES}
)
Row = tuple[str, str]  # (scope, code)


def event_view(event: AuditEvent) -> dict[str, Any]:
    return {
        name: getattr(event, name)
        for name in ("seq", "at", "actor", "action", "from_status", "to_status", "reason", "details")
    }


def counted(event: Mapping[str, Any]) -> bool:
    """Whether an audit event changes any statistic (most do not: edits, uploads, checks)."""
    return event["action"] in COUNTED_ACTIONS or event.get("to_status") in figures.FINAL


def counts(
    application: Application, event: Mapping[str, Any], history: Sequence[Mapping[str, Any]] | None = None
) -> dict[Row, Counter[str]]:
    """What one audit event adds to which statistics item; ``history`` (the events up to
    and including this one) is needed only for a final status."""
    procedure: Row = (PROCEDURE, application.procedure_code)
    out: dict[Row, Counter[str]] = {}

    def add(row: Row, **values: int) -> None:
        out.setdefault(row, Counter()).update({name: value for name, value in values.items() if value})

    details = event.get("details") or {}
    action = event["action"]
    if action == "application.created":
        add(procedure, started=1)
    elif action == "application.submitted":
        add(procedure, submitted=1)
        if application.centre:
            out[procedure].update({"assisted": 1, f"{ASSISTED_AT}{application.centre}": 1})
    elif action in figures.DECISIONS and (event.get("actor") or {}).get("kind") in OFFICIALS:
        agency: Row = (AGENCY, details.get("agency") or application.agency)
        out_of_order = 1 if details.get("out_of_order") else 0
        late = figures.decided_late(event)
        add(procedure, decisions=1, out_of_order=out_of_order)
        add(agency, decisions=1, out_of_order=out_of_order, on_time=0 if late else 1, late=1 if late else 0)
    elif action in figures.EXPIRIES:
        add((AGENCY, details.get("agency") or application.agency), late=1)
    elif action == "rating.submitted":
        score = int(details.get("score", 0))
        add(procedure, ratings=1, rating_sum=score, rating_low=1 if score <= 2 else 0)
    if event.get("to_status") in figures.FINAL and history is not None:
        ended = figures.resolution(history)
        if ended is not None:
            add(
                procedure,
                **{ended.outcome: 1},
                deemed_approved=int(ended.deemed_approved),
                deemed_denied=int(ended.deemed_denied),
            )
            if ended.resolved:
                add(
                    procedure,
                    resolved=1,
                    within_deadline=int(ended.within_deadline),
                    corrections=int(ended.corrections),
                )
                if ended.days is not None:
                    out[procedure][f"days_{ended.days}"] += 1
                for step, days in ended.steps.items():
                    out[procedure][f"step_n_{step}"] += 1
                    out[procedure][f"step_days_{step}"] += days
    return {row: counter for row, counter in out.items() if counter}


def row_update(row: Row, month: str, owner: str | None, counter: Mapping[str, int]) -> tuple[StatsRow, list[Action]]:
    """The item of ``row`` for ``month`` and the atomic ADDs (creating it if new)."""
    scope, code = row
    sk = keys.stats_procedure(month, code) if scope == PROCEDURE else keys.stats_agency(month, code)
    item = StatsRow(keys.STATS_PK, sk)
    actions: list[Action] = [
        Path(["kind"]).set("stats"),
        StatsRow.scope.set(scope),
        StatsRow.code.set(code),
        StatsRow.month.set(month),
    ]
    if scope == PROCEDURE and owner:
        actions.append(StatsRow.agency.set(owner))
    actions += [Path([name]).add(value) for name, value in sorted(counter.items())]
    return item, actions


class Projector:
    # --- audit events ----------------------------------------------------------------
    def __call__(self, application: Application, event: AuditEvent) -> None:
        """After a commit: count the event.  Never raises: the change it counts stands."""
        view = event_view(event)
        if not counted(view):
            return
        try:
            history = self._history(application) if view.get("to_status") in figures.FINAL else None
            self.project(application, view, history)
        except PynamoDBException:
            logger.exception(
                "statistics not updated; the event is counted on replay",
                extra={"application_id": application.id, "seq": view["seq"]},
            )
            observability.emit("StatsProjectionFailed")

    def project(
        self, application: Application, event: Mapping[str, Any], history: Sequence[Mapping[str, Any]] | None = None
    ) -> bool:
        """Count one audit event; False if it was counted before (or counts nothing)."""
        changes = counts(application, event, history)
        if not changes:
            return False
        month = figures.month_of(event["at"])
        marker = CountedEvent(
            keys.application(application.id),
            keys.stats_marker(int(event["seq"])),
            application_id=application.id,
            seq=int(event["seq"]),
            at=iso(utcnow()),
        )
        updates = [row_update(row, month, application.agency, counter) for row, counter in sorted(changes.items())]

        def count(write: TransactWrite) -> None:
            write.save(marker, condition=CountedEvent.pk.does_not_exist())
            for item, actions in updates:
                # PynamoDB appends to the list it is given: a copy, so that a retry sends it once
                write.update(item, list(actions), add_version_condition=False)

        return _transact(count)

    def catch_up(self, application: Application) -> dict[str, int]:
        """Count whatever of this application's events is not counted yet (replays, and
        the operator's ``stats-replay``): one Query of its counted markers, one of its
        events, and a transaction per missing event."""
        done = {
            marker.seq
            for marker in CountedEvent.query(
                keys.application(application.id),
                CountedEvent.sk.startswith(keys.STATS_MARKER_PREFIX),
                consistent_read=True,
            )
        }
        events = self._history(application)
        result = {"counted": 0, "already": 0}
        for index, event in enumerate(events):
            if not counted(event) or int(event["seq"]) in done:
                continue
            changed = self.project(application, event, events[: index + 1])
            result["counted" if changed else "already"] += 1
        return result

    def catch_up_quietly(self, application: Application) -> None:
        try:
            self.catch_up(application)
        except PynamoDBException:
            logger.exception("statistics catch-up failed", extra={"application_id": application.id})
            observability.emit("StatsProjectionFailed")

    # --- SMS ---------------------------------------------------------------------------
    def sms(self, message: SmsMessage) -> None:
        """Count an SMS the carrier accepted (once: the log entry carries the mark)."""
        procedure = getattr(message, "procedure", None)
        if not procedure:
            return
        item, actions = row_update(
            (PROCEDURE, procedure),
            figures.month_of(message.sent_at or message.created_at),
            message.agency,
            {"sms_sent": 1, "sms_segments": int(message.segments)},
        )

        def count(write: TransactWrite) -> None:
            write.update(message, [SmsMessage.counted.set(True)], condition=SmsMessage.counted.does_not_exist())
            write.update(item, list(actions), add_version_condition=False)

        try:
            _transact(count)
        except PynamoDBException:
            logger.exception("SMS not counted in the statistics", extra={"application_id": message.application_id})
            observability.emit("StatsProjectionFailed")

    # --- helpers -----------------------------------------------------------------------
    @staticmethod
    def _history(application: Application) -> list[dict[str, Any]]:
        events = AuditEvent.query(
            keys.application(application.id), AuditEvent.sk.startswith(keys.AUDIT_PREFIX), consistent_read=True
        )
        return [event_view(event) for event in events]


def _transact(writes: Callable[[TransactWrite], None]) -> bool:
    """One transaction whose first write carries the counted mark; False if that mark's
    condition failed (counted before).  Retried while another projection is adding to the
    same month's item."""
    for attempt in range(ATTEMPTS):
        try:
            with transaction() as write:
                writes(write)
            return True
        except TransactWriteError as error:
            codes = _codes(error)
            if codes and codes[0] == "ConditionalCheckFailed":
                return False
            if "TransactionConflict" not in codes or attempt == ATTEMPTS - 1:
                raise
            _pause(attempt)
    return False


def _codes(error: TransactWriteError) -> list[str | None]:
    if error.cause_response_code != "TransactionCanceledException":
        return []
    return [reason.code if reason else None for reason in error.cancellation_reasons]


def _pause(attempt: int) -> None:
    time.sleep(random.uniform(0.01, 0.05) * (attempt + 1))
