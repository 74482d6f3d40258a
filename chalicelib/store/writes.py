"""Writes that commit together: one DynamoDB transaction, built from repositories' parts.

A repository describes each item's part of a change as a ``Write`` (a new item, or
actions on an existing one under a condition); the domain composes them — a status
change, its audit event, the review it closes — and ``commit`` writes them in one
transaction.  What a ``Write`` holds is PynamoDB's business: the domain only passes
them along.
"""

from __future__ import annotations

from collections.abc import Sequence

from msgspec import Struct
from pynamodb.exceptions import TransactWriteError
from pynamodb.expressions.condition import Condition
from pynamodb.expressions.update import Action

from chalicelib.core.errors import THROTTLING_CODES, TransientFailure
from chalicelib.store.models import Entity, transaction

CONDITION_FAILED = "ConditionalCheckFailed"
CONFLICT = "TransactionConflict"


class Write(Struct, frozen=True, eq=False):
    """One item's part of a transaction: ``actions is None`` puts the item."""

    item: Entity
    actions: tuple[Action, ...] | None = None
    condition: Condition | None = None
    versioned: bool = False


def create(item: Entity) -> Write:
    """A new item, written only if no item has its key."""
    return Write(item, None, Entity.pk.does_not_exist())


def change(item: Entity, actions: Sequence[Action], condition: Condition | None = None) -> Write:
    return Write(item, tuple(actions), condition)


class Cancelled(Exception):
    """DynamoDB refused the transaction; ``reasons`` has one code (or None) per write, in
    the order the writes were given: ``CONDITION_FAILED``, ``CONFLICT``, ..."""

    def __init__(self, reasons: list[str | None]) -> None:
        super().__init__(", ".join(str(reason) for reason in reasons))
        self.reasons = reasons

    @property
    def conflicted(self) -> bool:
        """Another transaction was changing the same items at the same moment."""
        return CONFLICT in self.reasons

    def failed(self, index: int) -> bool:
        return self.reasons[index] == CONDITION_FAILED


def commit(writes: Sequence[Write]) -> None:
    """Write everything or nothing.  Raises ``Cancelled`` when a condition failed or a
    concurrent transaction conflicted, ``TransientFailure`` when the table is busy."""
    puts = [write for write in writes if write.actions is None]
    updates = [write for write in writes if write.actions is not None]
    try:
        with transaction() as batch:
            for write in puts:
                batch.save(write.item, condition=write.condition)
            for write in updates:
                # PynamoDB appends its version increment to the list it is given: pass a copy,
                # so that a caller retrying with the same actions does not send it twice
                batch.update(
                    write.item,
                    list(write.actions or ()),
                    condition=write.condition,
                    add_version_condition=write.versioned,
                )
    except TransactWriteError as error:
        if error.cause_response_code != "TransactionCanceledException":
            if error.cause_response_code in THROTTLING_CODES:
                raise TransientFailure("the table is busy; retry") from error
            raise
        sent = [reason.code if reason else None for reason in error.cancellation_reasons]
        # DynamoDB answers in the order PynamoDB sent them: every put, then every update
        by_write = {id(write): code for write, code in zip([*puts, *updates], sent, strict=False)}
        raise Cancelled([by_write.get(id(write)) for write in writes]) from error
