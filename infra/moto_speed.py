"""Make the embedded AWS fast enough for many applications at once (local stack and
tests only; the deployed app never imports this).

moto is correct but, in three places, does work per request that grows with what it
holds or repeats what never changes; under a load test those made the local stack
quadratic.  Each patch wraps a moto internal, as ``moto_fidelity`` and
``lambda_adapter`` do: moto is pinned and ``tests/infra/test_moto_speed.py`` fails
loudly if a hook point moves.

- A DynamoDB transaction deep-copied every table it touched (once per item) to be able
  to roll back; it now keeps copies of just the items it touches.
- Step Functions built a new boto3 client (~100 ms of CPU) for every Lambda task; it
  now builds one per region.
- The server listed moto's package directory (~200 ``stat`` calls) under its global
  lock for every request to find the service; the list is now read once.
"""

from __future__ import annotations

import copy
import functools
import threading
from typing import Any

from infra.moto_fidelity import _lock

LAMBDA_TASKS = "moto.stepfunctions.parser.asl.component.state.exec.state_task.lambda_eval_utils"


def install() -> None:
    roll_back_items_not_tables()
    one_lambda_client_per_region()
    list_moto_modules_once()


class _TablesAsTheyAre:
    """``copy`` for moto's DynamoDB module while a transaction runs: a table is 'copied'
    as itself; everything else is copied for real."""

    def __getattr__(self, name: str) -> Any:
        return getattr(copy, name)

    @staticmethod
    def deepcopy(value: Any, memo: Any = None) -> Any:
        from moto.dynamodb.models.table import Table

        return value if isinstance(value, Table) else copy.deepcopy(value, memo)


def roll_back_items_not_tables() -> None:
    """Keep copies of the items a transaction touches and put them back if it is
    cancelled.  Runs under the DynamoDB write lock, so nothing sees the half-way state."""
    from moto.dynamodb import models
    from moto.dynamodb.models import DynamoDBBackend

    original = DynamoDBBackend.transact_write_items
    if getattr(original, "_rolls_back_items", False):
        return

    @functools.wraps(original)
    def transact_write_items(self: Any, transact_items: list[dict[str, Any]]) -> Any:
        with _lock:
            before = []
            for entry in transact_items:
                operation = next(iter(entry.values()), {}) if isinstance(entry, dict) else {}
                table = self.tables.get(operation.get("TableName")) if isinstance(operation, dict) else None
                if table is None:
                    continue
                source = operation.get("Key") or operation.get("Item") or {}
                key = {name: source[name] for name in (table.hash_key_attr, table.range_key_attr) if name and name in source}
                try:
                    current = self.get_item(table.name, key)
                except Exception:  # a malformed key: moto's own checks answer it below
                    continue
                before.append((table.name, key, copy.deepcopy(current.to_json()["Attributes"]) if current else None))
            models.copy = _TablesAsTheyAre()  # type: ignore[assignment]
            try:
                return original(self, transact_items)
            except Exception:
                for table_name, key, attributes in reversed(before):
                    if attributes is None:
                        if self.get_item(table_name, key) is not None:
                            self.delete_item(table_name, key)
                    else:
                        self.put_item(table_name, attributes)
                raise
            finally:
                models.copy = copy  # type: ignore[assignment]

    transact_write_items._rolls_back_items = True  # type: ignore[attr-defined]
    transact_write_items._serialized = True  # type: ignore[attr-defined]
    DynamoDBBackend.transact_write_items = transact_write_items  # type: ignore[method-assign]


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
