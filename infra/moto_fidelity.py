"""Make the embedded DynamoDB as atomic as the real one (local stack and tests only).

DynamoDB evaluates a condition and applies the write atomically per item (and per
transaction).  moto checks the condition, then writes, with nothing in between held:
two threads can both pass ``status = open`` and both write.  Holding one lock around
moto's write operations restores the guarantee our optimistic locking relies on
(two officials deciding at once: one wins, the other gets 409).  Like the Lambda
adapter, this wraps a moto internal; the pinned moto version and
``tests/infra/test_moto_fidelity.py`` guard it.
"""

from __future__ import annotations

import functools
import threading
from typing import Any

WRITES = ("put_item", "update_item", "delete_item", "transact_write_items")
_lock = threading.RLock()


def serialize_dynamodb_writes() -> None:
    from moto.dynamodb.models import DynamoDBBackend

    for name in WRITES:
        original = getattr(DynamoDBBackend, name)
        if getattr(original, "_serialized", False):
            continue

        @functools.wraps(original)
        def locked(self: Any, *args: Any, __original: Any = original, **kwargs: Any) -> Any:
            with _lock:
                return __original(self, *args, **kwargs)

        locked._serialized = True  # type: ignore[attr-defined]
        setattr(DynamoDBBackend, name, locked)
