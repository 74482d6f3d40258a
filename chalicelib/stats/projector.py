"""Statistics kept up to date as applications move: a projection of the audit events.

The table's stream hands the projector each new audit event (``chalicelib.events``); the
SMS service calls it for each message the carrier accepted.  Counting is one DynamoDB
transaction (``chalicelib.store.statistics``):
a marker item for the event (``APP#<id>`` / ``STATS#<seq>``, written only if absent) and
atomic ``ADD``s on the month's items of the procedure (``STATS`` / ``M#<month>#P#<code>``)
and, for a review, of the reviewing agency (``M#<month>#A#<agency>``).  A replayed event
finds its marker and counts nothing: the projection is idempotent.

What is counted, in the (Mexico City) month of the event:

- ``application.created`` → ``started``, and ``started_<channel>`` by who started it
  (``channels.started_by``: ``web``, ``centre`` or ``phone``); ``application.submitted`` → ``submitted``, and
  for an application filed by an assistant of a community centre (``application.centre``)
  ``assisted`` and ``assisted:<centre>`` (the centre's code, nothing about the person);
- an official's decision → the procedure's and the agency's ``decisions`` and
  ``out_of_order``, and the agency's ``on_time`` or ``late`` (by the review's deadline);
- a review's deadline passing (deemed approved/denied, escalated) → the agency's ``late``;
- an appeal filed or resolved (``appeal.*``) → the deciding agency's and the procedure's
  ``appeals_filed``, ``appeals_confirmed``, ``appeals_revoked``, ``appeals_new_review``;
- ``rating.submitted`` → ``ratings``, ``rating_sum``, ``rating_low`` (score ≤ 2);
- a final status → the application's ``Resolution`` (``figures.resolution``, read from
  its whole audit trail): ``issued``/``rejected``/``withdrawn`` (not a draft withdrawn), ``deemed_approved``,
  ``deemed_denied``, and for issued or rejected ones ``resolved``, ``within_deadline``,
  ``corrections``, ``days_<n>`` (a histogram of business days to resolution) and
  ``step_days_<step>``/``step_n_<step>`` (business days per step);
- an SMS sent → ``sms_sent`` and ``sms_segments`` (the delivery-log entry is the marker).

A projection that fails is raised to the stream, which delivers the event again (the
marker keeps it from being counted twice); the operator's ``python -m infra.aws.ops
stats-replay <application_id>`` recounts an application's events (``catch_up``).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any

from aws_lambda_powertools import Logger

from chalicelib.core import observability
from chalicelib.core.clock import iso, utcnow
from chalicelib.core.errors import TransientFailure
from chalicelib.stats import channels, figures
from chalicelib.store.applications import ApplicationStore
from chalicelib.store.errors import StoreFailure
from chalicelib.store.models import Application, AuditEvent, SmsMessage
from chalicelib.store.statistics import AGENCY, PROCEDURE, TOGETHER, Counted, Row, StatisticsStore

logger = Logger(child=True)

# What keeps an event from being counted now (the table busy, the rows contended, the
# database failing): logged and left to the replay, never raised into the change counted
NOT_COUNTED = (StoreFailure, TransientFailure)

OFFICIALS = ("official", "supervisor", "admin")
ASSISTED_AT = "assisted:"  # + a centre's code: the applications it filed (submitted)
# an appeal of a rejection and its resolutions → the deciding agency's (and the procedure's) counter
APPEALS = {
    "appeal.filed": "appeals_filed",
    "appeal.confirmed": "appeals_confirmed",
    "appeal.revoked": "appeals_revoked",
    "appeal.new_review": "appeals_new_review",
}
COUNTED_ACTIONS = frozenset(
    {
        "application.created",
        "application.submitted",
        "rating.submitted",
        *figures.DECISIONS,
        *figures.EXPIRIES,
        *APPEALS,
    }
)


def _chunks(pending: Sequence[Counted]) -> list[list[Counted]]:
    """``pending`` in runs that fit one transaction each: a marker per event, a write per row."""
    chunks: list[list[Counted]] = []
    chunk: list[Counted] = []
    rows: set[tuple[Row, str]] = set()
    for item in pending:
        more = {(row, item.month) for row in item.changes} - rows
        if chunk and len(chunk) + 1 + len(rows) + len(more) > TOGETHER:
            chunks.append(chunk)
            chunk, rows, more = [], set(), {(row, item.month) for row in item.changes}
        chunk.append(item)
        rows |= more
    if chunk:
        chunks.append(chunk)
    return chunks


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
        channel = channels.started_by(event.get("actor"))
        add(procedure, started=1, **({f"{channels.STARTED}{channel}": 1} if channel else {}))
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
    elif action in APPEALS:
        add(procedure, **{APPEALS[action]: 1})
        add((AGENCY, details.get("agency") or application.agency), **{APPEALS[action]: 1})
    elif action == "rating.submitted":
        score = int(details.get("score", 0))
        add(procedure, ratings=1, rating_sum=score, rating_low=1 if score <= 2 else 0)
    if event.get("to_status") in figures.FINAL and history is not None:
        ended = figures.resolution(history)
        # a draft withdrawn was never filed: it is no withdrawal of an application (it stays in ``started``)
        if ended is not None and not (ended.outcome == "withdrawn" and ended.days is None):
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


class Projector:
    def __init__(self, statistics: StatisticsStore, applications: ApplicationStore) -> None:
        self._statistics = statistics
        self._applications = applications

    # --- audit events ----------------------------------------------------------------
    def count(self, event: AuditEvent) -> bool:
        """Count one audit event (raises what kept it from being counted); False if it was
        counted before, or counts nothing."""
        counting = self._counting(event)
        return counting is not None and self._count(counting)

    def count_together(self, events: Sequence[AuditEvent]) -> set[tuple[str, int]]:
        """Count the events of one stream batch in as few transactions as fit (the rows they
        add to summed): at the national peak one procedure's month row takes every
        application's events, and one write per batch instead of one per event keeps counts
        from meeting on it.  Answers the events counted (application id, seq); any other is
        left to ``count``, one at a time (a chunk that did not commit wrote nothing)."""
        pending = [counting for event in events if (counting := self._counting(event)) is not None]
        done: set[tuple[str, int]] = set()
        for chunk in _chunks(pending):
            if self._statistics.count_together(chunk):
                done |= {(item.application_id, item.seq) for item in chunk}
        return done

    def project(
        self, application: Application, event: Mapping[str, Any], history: Sequence[Mapping[str, Any]] | None = None
    ) -> bool:
        """Count one audit event; False if it was counted before (or counts nothing)."""
        counting = self._prepared(application, event, history)
        return counting is not None and self._count(counting)

    def _counting(self, event: AuditEvent) -> Counted | None:
        """What one audit event adds, read with its application (and, for a final status,
        the trail up to it); None if it counts nothing."""
        view = event_view(event)
        if not counted(view):
            return None
        application = self._applications.get(event.application_id, consistent=True)
        history = None
        if view.get("to_status") in figures.FINAL:
            history = [past for past in self._history(application) if int(past["seq"]) <= int(view["seq"])]
        return self._prepared(application, view, history)

    @staticmethod
    def _prepared(
        application: Application, event: Mapping[str, Any], history: Sequence[Mapping[str, Any]] | None
    ) -> Counted | None:
        changes = counts(application, event, history)
        if not changes:
            return None
        return Counted(
            application.id, int(event["seq"]), iso(utcnow()), figures.month_of(event["at"]), application.agency, changes
        )

    def _count(self, counting: Counted) -> bool:
        return self._statistics.count_event(
            counting.application_id,
            counting.seq,
            counting.counted_at,
            counting.month,
            counting.owner,
            counting.changes,
        )

    def catch_up(self, application: Application) -> dict[str, int]:
        """Count whatever of this application's events is not counted yet (replays, and
        the operator's ``stats-replay``): one Query of its counted markers, one of its
        events, and a transaction per missing event."""
        done = self._statistics.counted_markers(application.id)
        events = self._history(application)
        result = {"counted": 0, "already": 0}
        for index, event in enumerate(events):
            if not counted(event) or int(event["seq"]) in done:
                continue
            changed = self.project(application, event, events[: index + 1])
            result["counted" if changed else "already"] += 1
        return result

    # --- SMS ---------------------------------------------------------------------------
    def sms(self, message: SmsMessage) -> None:
        """Count an SMS the carrier accepted (once: the log entry carries the mark)."""
        procedure = getattr(message, "procedure", None)
        if not procedure:
            return
        try:
            self._statistics.count_sms(
                message,
                procedure,
                figures.month_of(message.sent_at or message.created_at),
                {"sms_sent": 1, "sms_segments": int(message.segments)},
            )
        except NOT_COUNTED:
            logger.exception("SMS not counted in the statistics", extra={"application_id": message.application_id})
            observability.emit("StatsProjectionFailed")

    # --- helpers -----------------------------------------------------------------------
    def _history(self, application: Application) -> list[dict[str, Any]]:
        return [event_view(event) for event in self._applications.audit(application.id)]
