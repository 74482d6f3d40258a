"""The statistics' items: each procedure's and agency's figures per month, and the marks of
what has been counted.

All rows live in one partition, ``STATS``: ``M#<month>#P#<code>`` for a procedure,
``M#<month>#A#<agency>`` for an agency, ``M#<month>#Q#status`` for the status queries by
channel, so that any window of months is one Query.  Each
row is split into up to ``keys.STATS_SHARDS`` items (the shard chosen from the counted
application's id) and summed on read: at the peak every submission counts on the same
month's rows, and transactions on one item conflict.
Counting is one transaction: the mark of what is counted (an audit event's
``STATS#<seq>`` in its application's partition, or the SMS's own delivery-log entry),
written only if absent, and atomic ``ADD``s on the month's rows, created if new.  A mark
already there means counted before: nothing is added, so counting is idempotent.
"""

from __future__ import annotations

import random
import time
from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any

from msgspec import Struct
from pynamodb.expressions.operand import Path
from pynamodb.expressions.update import Action

from chalicelib.core.errors import TransientFailure
from chalicelib.store import keys
from chalicelib.store.models import CountedEvent, Entity, SmsMessage, StatsRow
from chalicelib.store.writes import Cancelled, Write, change, commit, create

PROCEDURE, AGENCY, QUERIES = "procedure", "agency", "queries"  # a row's scope
ATTEMPTS = 4
TOGETHER = 100  # items in one transaction (DynamoDB's limit)

Row = tuple[str, str]  # (scope, code)


class Counted(Struct, frozen=True):
    """What one audit event adds to which rows, for counting several at once."""

    application_id: str
    seq: int
    counted_at: str
    month: str
    owner: str | None
    changes: Mapping[Row, Mapping[str, int]]


class StatisticsStore:
    # --- counting ----------------------------------------------------------------------
    def count_event(
        self,
        application_id: str,
        seq: int,
        counted_at: str,
        month: str,
        owner: str | None,
        changes: Mapping[Row, Mapping[str, int]],
    ) -> bool:
        """Add ``changes`` to the ``month``'s rows and mark the application's audit event
        ``seq`` counted, in one transaction; False if it was counted before.

        ``owner`` is the agency that owns the procedure (kept on the procedure's rows).
        ``TransientFailure`` when the table was busy or the rows kept changing."""
        shard = keys.stats_shard(application_id)
        rows = (_row(row, month, owner, counter, shard) for row, counter in sorted(changes.items()))
        return _count([_marker(application_id, seq, counted_at), *rows])

    def count_together(self, counts: Sequence[Counted]) -> bool:
        """Add several events' counts to the rows at once, and mark each event counted, in
        one transaction (the rows' sums on one shard); False if it did not commit (an event
        counted before, or another count on the rows meanwhile): nothing was written then,
        and each event is counted on its own.  At most ``TOGETHER`` items."""
        if not counts:
            return True
        rows: dict[tuple[Row, str], Counter[str]] = {}
        owners: dict[tuple[Row, str], str | None] = {}
        markers: list[Write] = []
        for counted in counts:
            markers.append(_marker(counted.application_id, counted.seq, counted.counted_at))
            for row, counter in counted.changes.items():
                rows.setdefault((row, counted.month), Counter()).update(counter)
                owners.setdefault((row, counted.month), counted.owner)
        shard = keys.stats_shard(counts[0].application_id)
        writes = [
            *markers,
            *(_row(row, month, owners[(row, month)], rows[(row, month)], shard) for row, month in sorted(rows)),
        ]
        if len(writes) > TOGETHER:
            raise ValueError(f"{len(writes)} items do not fit one transaction")
        try:
            commit(writes)
        except Cancelled:
            return False
        return True

    def count_sms(self, message: SmsMessage, procedure: str, month: str, counters: Mapping[str, int]) -> bool:
        """Add ``counters`` to the ``month``'s row of ``procedure`` (the message's) and mark
        the message counted (its delivery-log entry carries the mark), in one transaction;
        False if it was counted before."""
        mark = change(message, [SmsMessage.counted.set(True)], SmsMessage.counted.does_not_exist())
        shard = keys.stats_shard(message.application_id)
        return _count([mark, _row((PROCEDURE, procedure), month, message.agency, counters, shard)])

    def count_query(self, code: str, month: str, channel: str, shard: int) -> None:
        """Add one query answered on ``channel`` to ``shard`` of the ``month``'s row ``code``:
        one atomic ``ADD`` (created if new), with no mark — a query is no record to replay."""
        write = _row((QUERIES, code), month, None, {channel: 1}, shard)
        write.item.update(actions=list(write.actions or ()))

    def counted_markers(self, application_id: str) -> set[int]:
        """The sequence numbers of the application's audit events already counted: one Query."""
        return {
            int(marker.seq)
            for marker in CountedEvent.query(
                keys.application(application_id),
                CountedEvent.sk.startswith(keys.STATS_MARKER_PREFIX),
                consistent_read=True,
            )
        }

    # --- reading -----------------------------------------------------------------------
    def rows(self, first_month: str, last_month: str) -> list[dict[str, Any]]:
        """Every row of the months from ``first_month`` to ``last_month`` (``YYYY-MM``),
        attributes as plain values, its shards summed (``sk`` is the row's, without the
        shard): one Query (more pages if it is large).  The counters' names depend on the
        data, so they are read raw, not through a model."""
        lower, upper = keys.stats_range(first_month, last_month)
        connection = Entity._get_connection()
        rows: list[dict[str, Any]] = []
        start = None
        while True:
            page = connection.query(
                keys.STATS_PK, range_key_condition=Entity.sk.between(lower, upper), exclusive_start_key=start
            )
            rows += [{name: _plain(value) for name, value in item.items()} for item in page.get("Items", [])]
            start = page.get("LastEvaluatedKey")
            if not start:
                return _summed(rows)


def _summed(shards: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One row per scope, code and month: the counters of its shards added up."""
    rows: dict[tuple[str, str, str], dict[str, Any]] = {}
    for shard in shards:
        scope, code, month = str(shard.get("scope")), str(shard.get("code")), str(shard.get("month"))
        row = rows.get((scope, code, month))
        if row is None:
            rows[(scope, code, month)] = {**shard, "sk": _row_sk(scope, month, code)}
            continue
        for name, value in shard.items():
            if isinstance(value, int | float) and not isinstance(value, bool):
                row[name] = row.get(name, 0) + value
            else:
                row.setdefault(name, value)
    return list(rows.values())


def _marker(application_id: str, seq: int, counted_at: str) -> Write:
    """The mark that the application's audit event ``seq`` is counted: written only if absent."""
    return create(
        CountedEvent(
            keys.application(application_id),
            keys.stats_marker(seq),
            application_id=application_id,
            seq=seq,
            at=counted_at,
        )
    )


def _row(row: Row, month: str, owner: str | None, counter: Mapping[str, int], shard: int) -> Write:
    """The atomic ADDs of ``counter`` on ``shard`` of the row of ``month`` (created if new)."""
    scope, code = row
    sk = keys.stats_sharded(_row_sk(scope, month, code), shard)
    actions: list[Action] = [
        Path(["kind"]).set("stats"),
        StatsRow.scope.set(scope),
        StatsRow.code.set(code),
        StatsRow.month.set(month),
    ]
    if scope == PROCEDURE and owner:
        actions.append(StatsRow.agency.set(owner))
    actions += [Path([name]).add(value) for name, value in sorted(counter.items())]
    return change(StatsRow(keys.STATS_PK, sk), actions)


def _row_sk(scope: str, month: str, code: str) -> str:
    """The sort key of a row (without its shard)."""
    if scope == PROCEDURE:
        return keys.stats_procedure(month, code)
    return keys.stats_queries(month, code) if scope == QUERIES else keys.stats_agency(month, code)


def _count(writes: list[Write]) -> bool:
    """Commit a counting transaction whose first write carries the counted mark; False if
    that mark's condition failed (counted before).  Retried while another count is adding
    to the same month's row: those conflicts are expected, the rows being shared."""
    for attempt in range(ATTEMPTS):
        try:
            commit(writes)
            return True
        except Cancelled as cancelled:
            if cancelled.failed(0):
                return False
            if not cancelled.conflicted or attempt == ATTEMPTS - 1:
                raise TransientFailure("the statistics were not updated; retry") from cancelled
            _pause(attempt)
    return False


def _pause(attempt: int) -> None:
    time.sleep(random.uniform(0.01, 0.05) * (attempt + 1))


def _plain(value: Mapping[str, Any]) -> Any:
    if "N" in value:
        number = float(value["N"])
        return int(number) if number.is_integer() else number
    if "S" in value:
        return value["S"]
    return None
