"""Count the AWS calls the app makes, with botocore's event system.

``AwsCalls.install()`` adds ``before-call`` / ``after-call`` handlers to botocore's
built-in handler list, so every botocore session created afterwards (PynamoDB's and
boto3's alike: the app's DynamoDB, S3, KMS, SNS, Cognito and Step Functions clients)
reports each call it makes — the same hook moto itself uses.  A call is counted only
when the thread making it is inside ``tally(label)``: an API request (the benchmark's
middleware, or a test around the chalice test client) or a step handler invocation.
Calls of moto's own interpreter, of the benchmark's bare client and of anything else
stay out.  Sessions made before ``install()`` do not report: reset the composition
root after installing so the app builds fresh clients.

Used by ``bench/`` and by ``tests/component/test_call_counts.py`` (counts are asserted
there; timings never are).
"""

from __future__ import annotations

import json
import math
import threading
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from botocore import handlers

READS = frozenset({"GetItem", "Query", "Scan", "BatchGetItem", "TransactGetItems"})
WRITES = frozenset({"PutItem", "UpdateItem", "DeleteItem", "BatchWriteItem", "TransactWriteItems"})

ItemSize = Callable[[str, dict[str, Any]], int]


@dataclass
class Call:
    service: str
    operation: str
    params: dict[str, Any] | None = None
    response: dict[str, Any] | None = None

    @property
    def name(self) -> str:
        return f"{self.service}:{self.operation}"


@dataclass
class Tally:
    """The calls one request or one step made."""

    label: str
    calls: list[Call] = field(default_factory=list)
    seconds: float = 0.0

    def dynamodb(self) -> list[str]:
        return [call.operation for call in self.calls if call.service == "dynamodb"]

    def count(self, service: str) -> Counter[str]:
        return Counter(call.operation for call in self.calls if call.service == service)


class AwsCalls:
    def __init__(self, keep_payloads: bool = False) -> None:
        self.keep_payloads = keep_payloads
        self._local = threading.local()
        self._lock = threading.Lock()
        self.tallies: list[Tally] = []
        self._specs = [("before-call", self._before), ("after-call", self._after)]

    # --- lifecycle -------------------------------------------------------------------
    def install(self) -> AwsCalls:
        for spec in self._specs:
            if spec not in handlers.BUILTIN_HANDLERS:
                handlers.BUILTIN_HANDLERS.append(spec)
        return self

    def uninstall(self) -> None:
        for spec in self._specs:
            if spec in handlers.BUILTIN_HANDLERS:
                handlers.BUILTIN_HANDLERS.remove(spec)
        self.tallies = []

    def clear(self) -> None:
        with self._lock:
            self.tallies = []

    # --- attribution -----------------------------------------------------------------
    @contextmanager
    def tally(self, label: str) -> Iterator[Tally]:
        """Count the calls this thread makes inside the block under ``label``."""
        import time

        outer = getattr(self._local, "tally", None)
        current = Tally(label)
        self._local.tally = current
        started = time.perf_counter()
        try:
            yield current
        finally:
            current.seconds = time.perf_counter() - started
            self._local.tally = outer
            with self._lock:
                self.tallies.append(current)

    @contextmanager
    def paused(self) -> Iterator[None]:
        """Calls inside are not counted (the benchmark's own look-ups)."""
        outer = getattr(self._local, "tally", None)
        self._local.tally = None
        try:
            yield
        finally:
            self._local.tally = outer

    def relabel(self, label: str) -> None:
        current = getattr(self._local, "tally", None)
        if current is not None:
            current.label = label

    # --- botocore handlers -----------------------------------------------------------
    def _before(self, model: Any = None, params: Any = None, context: Any = None, **kwargs: Any) -> None:
        current: Tally | None = getattr(self._local, "tally", None)
        if current is None or model is None:
            return
        call = Call(model.service_model.service_name, model.name)
        if self.keep_payloads and isinstance(params, dict) and model.service_model.protocol == "json":
            body = params.get("body") or b"{}"
            call.params = json.loads(body)
        current.calls.append(call)
        if context is not None:
            context["ventanilla_call"] = call

    def _after(self, parsed: Any = None, context: Any = None, **kwargs: Any) -> None:
        call = (context or {}).get("ventanilla_call")
        if call is not None and self.keep_payloads and isinstance(parsed, dict):
            call.response = parsed


# --- DynamoDB capacity units (on-demand request units) ---------------------------------


def attribute_size(value: dict[str, Any]) -> int:
    """Bytes DynamoDB bills for one attribute value (its documented sizing rules)."""
    ((kind, inner),) = value.items()
    if kind == "S":
        return len(inner.encode())
    if kind == "N":
        digits = inner.lstrip("-").replace(".", "").lstrip("0").rstrip("0") or "0"
        return math.ceil(len(digits) / 2) + 1
    if kind == "B":
        return len(inner)
    if kind in ("BOOL", "NULL"):
        return 1
    if kind == "L":
        return 3 + sum(1 + attribute_size(item) for item in inner)
    if kind == "M":
        return 3 + sum(1 + len(name.encode()) + attribute_size(item) for name, item in inner.items())
    if kind in ("SS", "NS", "BS"):
        return sum(attribute_size({kind[0]: item}) for item in inner)
    return 0


def item_size(item: dict[str, Any]) -> int:
    return sum(len(name.encode()) + attribute_size(value) for name, value in item.items())


def _read_units(size: int, consistent: bool, transactional: bool = False) -> float:
    units = max(1, math.ceil(size / 4096))
    if transactional:
        return 2.0 * units
    return float(units) if consistent else units / 2


def _write_units(size: int, transactional: bool = False) -> float:
    units = max(1, math.ceil(size / 1024))
    return 2.0 * units if transactional else float(units)


def request_units(call: Call, size_of: ItemSize) -> tuple[float, float]:
    """(read request units, write request units) one DynamoDB call costs on demand.

    ``size_of(table, key)`` gives an item's size after the call, for updates whose
    response does not carry the item (transactional updates).
    """
    params, response = call.params or {}, call.response or {}
    op = call.operation
    if op == "GetItem":
        return _read_units(item_size(response.get("Item") or {}), bool(params.get("ConsistentRead"))), 0.0
    if op in ("Query", "Scan"):
        size = sum(item_size(item) for item in response.get("Items", []))
        return _read_units(size, bool(params.get("ConsistentRead"))), 0.0
    if op == "TransactGetItems":
        return sum(
            _read_units(item_size((entry or {}).get("Item") or {}), True, True)
            for entry in response.get("Responses", [])
        ), 0.0
    if op == "PutItem":
        return 0.0, _write_units(item_size(params.get("Item", {})))
    if op in ("UpdateItem", "DeleteItem"):
        attributes = response.get("Attributes")
        size = item_size(attributes) if attributes else size_of(params["TableName"], params["Key"])
        return 0.0, _write_units(size)
    if op == "TransactWriteItems":
        writes = 0.0
        for entry in params.get("TransactItems", []):
            ((kind, spec),) = entry.items()
            if kind == "Put":
                writes += _write_units(item_size(spec["Item"]), True)
            elif kind in ("Update", "Delete", "ConditionCheck"):
                writes += _write_units(size_of(spec["TableName"], spec["Key"]), True)
        return 0.0, writes
    return 0.0, 0.0
