"""Make the embedded AWS fast enough for many applications at once (local stack and
tests only; the deployed app never imports this).

moto is correct but, in places, does work per request that grows with what it holds or
repeats what never changes; under a load test those made the local stack quadratic.
(DynamoDB transactions that copied whole tables are made cheap in ``moto_fidelity``.)
Each patch wraps a moto internal, as ``moto_fidelity`` and ``lambda_adapter`` do: moto
is pinned and ``tests/infra/test_moto_speed.py`` fails loudly if a hook point moves.

- Step Functions built a new boto3 client (~100 ms of CPU) for every Lambda task; it
  now builds one per region.
- The server listed moto's package directory (~200 ``stat`` calls) under its global
  lock for every request to find the service; the list is now read once.
- A DynamoDB Query on the table's own key listed and sorted every item of the table
  (``Table.all_items``) to keep those of one partition; it now reads that partition
  only, as DynamoDB does. Queries on an index still walk the table (moto keeps no index).
"""

from __future__ import annotations

import functools
import threading
from typing import Any

LAMBDA_TASKS = "moto.stepfunctions.parser.asl.component.state.exec.state_task.lambda_eval_utils"


def install() -> None:
    one_lambda_client_per_region()
    list_moto_modules_once()
    query_one_partition()


def one_lambda_client_per_region() -> None:
    import importlib

    tasks = importlib.import_module(LAMBDA_TASKS)
    original = tasks.boto_client_for
    if getattr(original, "_cached", False):
        return
    clients: dict[tuple[str, str], Any] = {}
    lock = threading.Lock()

    @functools.wraps(original)
    def boto_client_for(region: str, service: str, state_credentials: Any = None) -> Any:
        # moto's own builds every client with the same fixed keys, whatever the state's credentials
        with lock:  # one build, not one per waiting thread
            if (region, service) not in clients:
                clients[(region, service)] = original(region, service)  # boto3 clients are thread-safe
            return clients[(region, service)]

    boto_client_for._cached = True  # type: ignore[attr-defined]
    tasks.boto_client_for = boto_client_for


def list_moto_modules_once() -> None:
    from moto import backends

    original = backends.list_of_moto_modules
    if getattr(original, "_cached", False):
        return
    modules = frozenset(original())

    def list_of_moto_modules() -> frozenset[str]:
        return modules

    list_of_moto_modules._cached = True  # type: ignore[attr-defined]
    backends.list_of_moto_modules = list_of_moto_modules


def query_one_partition() -> None:
    """``Table.query`` without an index keeps the items whose hash key matches out of
    ``all_items()`` (the whole table, sorted); while it runs, ``all_items`` of that table
    answers with the one partition instead: the same items, then sorted by ``query``."""
    from moto.dynamodb.models.table import Table

    if getattr(Table.query, "_one_partition", False):
        return
    original_query, original_all_items = Table.query, Table.all_items
    asked = threading.local()

    @functools.wraps(original_all_items)
    def all_items(self: Any) -> Any:
        partition = getattr(asked, "partition", None)
        if partition is None or partition[0] is not self:
            return original_all_items(self)
        found = self.items.get(partition[1])
        if found is None:
            return []
        return list(found.values()) if self.range_key_attr else [found]

    @functools.wraps(original_query)
    def query(self: Any, hash_key: Any, *args: Any, **kwargs: Any) -> Any:
        index_name = kwargs.get("index_name", args[6] if len(args) > 6 else None)
        if index_name or hash_key is None:
            return original_query(self, hash_key, *args, **kwargs)
        asked.partition = (self, hash_key)
        try:
            return original_query(self, hash_key, *args, **kwargs)
        finally:
            asked.partition = None

    query._one_partition = True  # type: ignore[attr-defined]
    Table.query, Table.all_items = query, all_items
