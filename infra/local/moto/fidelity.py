"""Make the embedded DynamoDB as atomic as the real one, and as cheap per write, and the
embedded KMS sign a digest as the real one (local stack and tests only).

DynamoDB evaluates a condition and applies the write atomically per item (and per
transaction).  moto checks the condition, then writes, with nothing in between held:
two threads can both pass ``status = open`` and both write.  Holding one lock around
moto's write operations restores the guarantee our optimistic locking relies on
(two officials deciding at once: one wins, the other gets 409).  Queries and scans walk
the table's item dictionary, so they take the lock too: a write adding a partition
mid-walk made moto fail the read ("dictionary changed size during iteration").  And
moto builds an answer from the live item after the write returns (an update's
``ALL_NEW``, a GetItem's item): a step handler changing the same application meanwhile
made the same error, so each DynamoDB request is answered whole under the lock.

moto backs every ``TransactWriteItems`` up by deep-copying the *whole table* (items and
stream records) once per item in the transaction, so each write costs time in
proportion to everything ever written: after a few hundred applications one state
change took longer than the request it served.  Since writes
are serialised here anyway, the backup only needs the items the transaction touches:
``cheap_transaction_backups`` keeps those and restores them (and trims the stream
records) when the transaction is cancelled, exactly what moto's rollback achieved.

KMS ``Sign`` and ``Verify`` with ``MessageType=DIGEST`` take the message as the SHA-256
digest already made, as KMS does: the seal is then ES256 over the text, which anyone
checks with the published public key.  moto hashes the digest again (it does not
implement ``DIGEST``), so a seal it made checked with KMS alone; ``kms_signs_digests``
makes its ECDSA keys sign and verify such a digest as it is.

Step Functions' ``StopExecution`` ends an execution at once, a ``.waitForTaskToken`` wait
included.  moto's interpreter marks the execution stopped but leaves a Task waiting for
its token until the Task's own timeout (days, for a review), so a withdrawn application's
execution stayed ``RUNNING``; ``stopping_ends_waits`` wakes the execution's waits when it
is stopped, and it ends ``ABORTED`` as on AWS.

Like the Lambda adapter, this wraps moto internals; the pinned moto version and
``tests/infra/test_moto_fidelity.py`` guard it.
"""

from __future__ import annotations

import copy
import functools
import threading
from typing import Any

WRITES = ("put_item", "update_item", "delete_item", "transact_write_items")
WALKS = ("query", "scan")
_lock = threading.RLock()


def serialize_dynamodb_writes() -> None:
    from moto.dynamodb.models import DynamoDBBackend
    from moto.dynamodb.responses import DynamoHandler

    cheap_transaction_backups()
    answer = DynamoHandler.call_action
    if not getattr(answer, "_serialized", False):

        @functools.wraps(answer)
        def answered_whole(self: Any) -> Any:
            with _lock:
                return answer(self)

        answered_whole._serialized = True  # type: ignore[attr-defined]
        DynamoHandler.call_action = answered_whole  # type: ignore[method-assign]
    for name in WRITES + WALKS:
        original = getattr(DynamoDBBackend, name)
        if getattr(original, "_serialized", False):
            continue

        @functools.wraps(original)
        def locked(self: Any, *args: Any, __original: Any = original, **kwargs: Any) -> Any:
            with _lock:
                return __original(self, *args, **kwargs)

        locked._serialized = True  # type: ignore[attr-defined]
        setattr(DynamoDBBackend, name, locked)


def _same_table(table: Any, memo: dict[int, Any]) -> Any:
    return table


def _touched(backend: Any, transact_items: list[dict[str, Any]]) -> list[tuple[Any, Any, Any, Any, int | None]]:
    """(table, hash key, range key, deep copy of the item or None, stream length) per item."""
    from moto.dynamodb.models.dynamo_type import DynamoType

    saved = []
    for entry in transact_items:
        try:
            op_type, op = next(iter(entry.items()))
            table = backend.get_table(op["TableName"])
            key = op["Item"] if op_type == "Put" else op["Key"]
            hash_key = DynamoType(key[table.hash_key_attr])
            range_key = DynamoType(key[table.range_key_attr]) if table.range_key_attr else None
        except Exception:  # malformed: moto itself refuses it before writing anything
            continue
        item = table.get_item(hash_key, range_key)
        stream = len(table.stream_shard.items) if table.stream_shard is not None else None
        saved.append((table, hash_key, range_key, copy.deepcopy(item), stream))
    return saved


def _restore(saved: list[tuple[Any, Any, Any, Any, int | None]]) -> None:
    for table, hash_key, range_key, item, stream in reversed(saved):
        if range_key is None:
            if item is None:
                table.items.pop(hash_key, None)
            else:
                table.items[hash_key] = item
        elif item is None:
            table.items[hash_key].pop(range_key, None)
            if not table.items[hash_key]:
                table.items.pop(hash_key, None)
        else:
            table.items[hash_key][range_key] = item
        if stream is not None:
            del table.stream_shard.items[stream:]


def cheap_transaction_backups() -> None:
    from moto.dynamodb.models import DynamoDBBackend
    from moto.dynamodb.models.table import Table

    original = DynamoDBBackend.transact_write_items
    if getattr(original, "_item_backups", False):
        return

    @functools.wraps(original)
    def transact_write_items(self: Any, transact_items: list[dict[str, Any]]) -> None:
        with _lock:
            saved = _touched(self, transact_items)
            # moto's whole-table backup becomes a no-op (Table has no __deepcopy__ of its own,
            # so one is set for this transaction only)...
            Table.__deepcopy__ = _same_table  # type: ignore[attr-defined]
            try:
                return original(self, transact_items)
            except Exception:
                _restore(saved)  # ...and the touched items are put back instead
                raise
            finally:
                del Table.__deepcopy__  # type: ignore[attr-defined]  # the one set above

    transact_write_items._item_backups = True  # type: ignore[attr-defined]
    DynamoDBBackend.transact_write_items = transact_write_items  # type: ignore[method-assign]  # the patch


_digest = threading.local()


def kms_signs_digests() -> None:
    from cryptography.hazmat.primitives.asymmetric.utils import Prehashed
    from moto.kms.responses import KmsResponse
    from moto.kms.utils import ECDSAPrivateKey

    private = "_ECDSAPrivateKey__hash_algorithm"  # what moto's ECDSA key signs and verifies with
    hash_of = getattr(ECDSAPrivateKey, private)
    if getattr(hash_of, "_digests", False):
        return

    def answered(original: Any) -> Any:
        @functools.wraps(original)
        def answer(self: Any) -> Any:
            _digest.given = self._get_param("MessageType") == "DIGEST"
            try:
                return original(self)
            finally:
                _digest.given = False

        return answer

    @functools.wraps(hash_of)
    def hash_algorithm(self: Any, signing_algorithm: str) -> Any:
        algorithm = hash_of(self, signing_algorithm)
        return Prehashed(algorithm) if getattr(_digest, "given", False) else algorithm

    hash_algorithm._digests = True  # type: ignore[attr-defined]
    KmsResponse.sign = answered(KmsResponse.sign)  # type: ignore[method-assign]
    KmsResponse.verify = answered(KmsResponse.verify)  # type: ignore[method-assign]
    setattr(ECDSAPrivateKey, private, hash_algorithm)


def stopping_ends_waits() -> None:
    from moto.stepfunctions.parser.asl.eval.environment import Environment
    from moto.stepfunctions.parser.asl.eval.program_state import ProgramStopped
    from moto.stepfunctions.parser.backend.execution import Execution

    stop = Execution.stop
    if getattr(stop, "_ends_waits", False):
        return

    @functools.wraps(stop)
    def stopped(self: Any, *args: Any, **kwargs: Any) -> None:
        stop(self, *args, **kwargs)
        worker = self.exec_worker
        if worker is not None:
            # the waits of this execution only (each execution has its own pool of callbacks)
            for endpoint in list(worker.env.callback_pool_manager._pool.values()):
                endpoint.interrupt_all()

    set_error = Environment.set_error

    @functools.wraps(set_error)
    def failed(self: Any, *args: Any, **kwargs: Any) -> None:
        # the woken wait unwinds with an error; the execution was stopped, and stays ABORTED
        if isinstance(self._program_state, ProgramStopped):
            return
        set_error(self, *args, **kwargs)

    stopped._ends_waits = True  # type: ignore[attr-defined]
    Execution.stop = stopped  # type: ignore[method-assign]
    Environment.set_error = failed  # type: ignore[method-assign]
