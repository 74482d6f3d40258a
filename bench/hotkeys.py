"""Writes per partition key: which keys would take more than their share at the peak.

The table's stream (``NEW_AND_OLD_IMAGES``) carries one record per item written, whoever
wrote it (the API, the step handlers, the stream consumers, the workflows' own DynamoDB
tasks), each element of a transaction or batch on its own.  Each record is one write to
the table partition of its ``pk``; and, per index, one write to the index partition the
item is in after the write, plus one to the partition it left (an item that moves from
``STARTING`` to nothing writes ``STARTING`` once; one that stays in ``QUEUE#SEMOVI`` while
it changes writes it once more, the projection being ALL).  A write whose condition failed
changes nothing, leaves no record and is not counted (it costs a write unit all the same).

Keys whose value is one application's, one citizen's or one phone's are grouped by kind
(``APP#*``); every other value stays on its own (``STATS``, ``QUEUE#SEMOVI``,
``SMSQUEUE#<day>``).  The projection takes the capacity model's peak (docs/scale.md): 50
submitted applications a second, each writing what one did in the run.
"""

from __future__ import annotations

import math
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from bench.calls import item_size

PEAK_SUBMITS_PER_SECOND = 50
PARTITION_WRITE_UNITS = 1000  # per second, per partition (table or index)
PARTITION_READ_UNITS = 3000
SHARE = 0.5  # what one key may take of its partition's limit at the peak
# One item written by many applications: a transaction holds its items for ~10-25 ms, so at
# 4 writes/s on one item fewer than one in ten transactions meets another on it.
ITEM_WRITES_PER_SECOND = 4.0
INDEXES = (("table", "pk"), ("by_owner", "gsi1pk"), ("by_queue", "gsi2pk"))
# kinds of key whose every value belongs to one application, citizen, phone, payment, document...
SPREAD_KINDS = frozenset(
    {
        "APP",
        "REVIEW",
        "PAY",
        "CRED",
        "OWNER",
        "CITIZEN",
        "PHONE",
        "SMSTO",
        "DLG",
        "EFIRMA_CHALLENGE",
        "SIGNER",
        "PROC",
    }
)


def kind(value: str) -> str:
    prefix, separator, _ = value.partition("#")
    return f"{prefix}#*" if separator and prefix in SPREAD_KINDS else value


@dataclass
class Writes:
    """Writes counted per (index, key value), and the applications submitted meanwhile."""

    per_key: Counter[tuple[str, str]] = field(default_factory=Counter)
    # write units: a write costs one unit per KB of the item (the larger of before and after)
    # in the table, and the projected item (ALL: the whole item) in each index partition it
    # enters or leaves; a transaction's write costs two (not seen in the stream: counted as one)
    units_per_key: Counter[tuple[str, str]] = field(default_factory=Counter)
    per_item: Counter[tuple[str, str]] = field(default_factory=Counter)  # shared partitions' items
    submitted: int = 0
    records: int = 0

    def add(self, record: dict[str, Any]) -> None:
        data = record.get("dynamodb", {})
        old, new = data.get("OldImage") or {}, data.get("NewImage") or {}
        keys = data.get("Keys") or {}
        self.records += 1
        pk, sk = (keys.get("pk") or {}).get("S", ""), (keys.get("sk") or {}).get("S", "")
        if not kind(pk).endswith("#*"):
            self.per_item[(pk, sk)] += 1
        old_units, new_units = _units(old), _units(new)
        for index, attribute in INDEXES:
            before = (old.get(attribute) or {}).get("S")
            after = (new.get(attribute) or keys.get(attribute) or {}).get("S")
            if index == "table":
                before = after = (keys.get("pk") or {}).get("S")
            for value in {before, after} - {None}:
                self.per_key[(index, str(value))] += 1
                if index == "table" or before == after:
                    units = max(old_units, new_units)
                else:
                    units = old_units if value == before else new_units
                self.units_per_key[(index, str(value))] += units
        status_before, status_after = (old.get("status") or {}).get("S"), (new.get("status") or {}).get("S")
        if (old.get("sk") or {}).get("S") == "APPLICATION" and status_before == "draft" != status_after is not None:
            self.submitted += 1

    def table(self) -> dict[str, Any]:
        """Rows by kind (every key of a spread kind together) and the top individual keys."""
        applications = max(1, self.submitted)
        by_kind: Counter[tuple[str, str]] = Counter()
        units_by_kind: Counter[tuple[str, str]] = Counter()
        values: dict[tuple[str, str], set[str]] = {}
        top_value: Counter[tuple[str, str]] = Counter()
        for (index, value), writes in self.per_key.items():
            group = (index, kind(value))
            by_kind[group] += writes
            units_by_kind[group] += self.units_per_key[(index, value)]
            values.setdefault(group, set()).add(value)
            top_value[group] = max(top_value[group], writes)
        rows = []
        for (index, name), writes in by_kind.most_common():
            spread = name.endswith("#*")
            per_application = writes / applications
            units_per_application = units_by_kind[(index, name)] / applications
            # a shared key takes every application's writes; a spread key only its own application's
            peak = None if spread else per_application * PEAK_SUBMITS_PER_SECOND
            peak_units = None if spread else units_per_application * PEAK_SUBMITS_PER_SECOND
            rows.append(
                {
                    "index": index,
                    "key": name,
                    "values": len(values[(index, name)]),
                    "writes": writes,
                    "per_application": per_application,
                    "most_on_one_value": top_value[(index, name)],
                    "units_per_application": units_per_application,
                    "peak_per_second": peak,
                    "peak_units_per_second": peak_units,
                    "share_of_limit": None if peak_units is None else peak_units / PARTITION_WRITE_UNITS,
                    "hot": peak_units is not None and peak_units > SHARE * PARTITION_WRITE_UNITS,
                }
            )
        top = [
            {"index": index, "key": value, "writes": writes, "per_application": writes / applications}
            for (index, value), writes in self.per_key.most_common(12)
        ]
        items = [
            {
                "pk": pk,
                "sk": sk,
                "writes": writes,
                "per_application": writes / applications,
                "peak_per_second": writes / applications * PEAK_SUBMITS_PER_SECOND,
                "hot": writes / applications * PEAK_SUBMITS_PER_SECOND > ITEM_WRITES_PER_SECOND,
            }
            for (pk, sk), writes in self.per_item.most_common()
            # an item that took fewer writes than half the applications is one application's (an
            # idempotency record, a marker): its writes do not grow with the national rate
            if writes >= applications / 2
        ][:8]
        return {"submitted": self.submitted, "records": self.records, "rows": rows, "top": top, "items": items}


def _units(image: dict[str, Any]) -> int:
    return max(1, math.ceil(item_size(image) / 1024)) if image else 0


class StreamTap:
    """Reads the table's stream from where it was when made (or from its start)."""

    def __init__(self, moto_url: str, table: str, from_start: bool = False) -> None:
        import boto3

        options = {"region_name": "us-east-1", "endpoint_url": moto_url}
        ddb = boto3.client("dynamodb", **options)
        self.streams = boto3.client("dynamodbstreams", **options)
        arn = ddb.describe_table(TableName=table)["Table"]["LatestStreamArn"]
        shards = self.streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"]
        self.iterators = [
            self.streams.get_shard_iterator(StreamArn=arn, ShardId=shard["ShardId"], ShardIteratorType="TRIM_HORIZON")[
                "ShardIterator"
            ]
            for shard in shards
        ]
        if not from_start:
            self.read()

    def read(self) -> list[dict[str, Any]]:
        """Every record written since the last read."""
        records: list[dict[str, Any]] = []
        for position, iterator in enumerate(self.iterators):
            while iterator:
                page = self.streams.get_records(ShardIterator=iterator, Limit=1000)
                records += page["Records"]
                iterator = page.get("NextShardIterator")
                if not page["Records"]:
                    break
            self.iterators[position] = iterator
        return records

    def count(self, writes: Writes) -> Writes:
        for record in self.read():
            writes.add(record)
        return writes


def settle(seconds: float = 1.0) -> None:
    """Let the stack's stream consumers finish what the run's last writes started."""
    time.sleep(seconds)
