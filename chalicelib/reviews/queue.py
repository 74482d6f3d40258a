"""An agency's queue, a page at a time: its open reviews (and, for its supervisors, theirs)
in turn order — legal deadline first, then first come, first served — with how many
reviews of the same queue each would jump.

A page reads each queue once, ``limit + 1`` reviews after where the previous page left
that queue, and merges them in turn order.  The cursor keeps, per queue, the turn of the
last review shown and how many came before, so a review on a later page still counts the
earlier deadlines shown on the pages before it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import datetime

from msgspec import Struct

from chalicelib.core.clock import parse_iso
from chalicelib.store.models import Review
from chalicelib.store.pages import PageRequest

# one Query of a queue: its reviews after a turn (None: from the first), at most ``limit``
Read = Callable[[str, str | None, int], list[Review]]


class Queued(Struct, frozen=True):
    """A review in an agency's queue, with where it stands: ``earlier_open`` reviews of
    the same queue (another application's, on this page) have an earlier legal deadline,
    so deciding it now needs ``reason_out_of_order``."""

    review: Review
    earlier_open: int
    near_deadline: bool
    overdue: bool


class QueuePage(Struct, frozen=True):
    items: list[Queued]
    after: dict[str, str] | None


class _Seen(Struct, frozen=True):
    """What the pages before showed of one queue."""

    turn: str | None = None  # the last review's turn (its ``gsi2sk``)
    shown: int = 0
    deadline: str = ""  # the last review's deadline
    at_deadline: int = 0  # how many shown reviews had that deadline

    def then(self, taken: Sequence[Review]) -> _Seen:
        if not taken:
            return self
        last = taken[-1].deadline
        same = sum(1 for review in taken if review.deadline == last) + (
            self.at_deadline if self.deadline == last else 0
        )
        return _Seen(taken[-1].gsi2sk, self.shown + len(taken), last, same)

    def earlier_than(self, deadline: str) -> int:
        return self.shown - (self.at_deadline if self.deadline == deadline else 0)


def page(queues: Sequence[str], read: Read, request: PageRequest, now: datetime) -> QueuePage:
    seen = {name: _opened(request.after, name) for name in queues}
    fetched = {name: read(name, seen[name].turn, request.limit + 1) for name in queues}
    merged = sorted((turn(review), name, review) for name in queues for review in fetched[name])
    shown = merged[: request.limit]
    items = []
    for _, name, review in shown:
        same_queue = [other for _, queue, other in shown if queue == name]
        earlier = seen[name].earlier_than(review.deadline) + sum(
            1
            for other in same_queue
            if other.deadline < review.deadline and other.application_id != review.application_id
        )
        items.append(_queued(review, now, earlier))
    if len(merged) <= request.limit:
        return QueuePage(items, None)
    after = {name: seen[name].then([review for _, queue, review in shown if queue == name]) for name in queues}
    return QueuePage(items, {f"{name}.{field}": value for name in queues for field, value in _fields(after[name])})


def turn(review: Review) -> str:
    return str(review.gsi2sk)


def _queued(review: Review, now: datetime, earlier_open: int) -> Queued:
    near = bool(review.warned) or bool(review.warn_at and parse_iso(review.warn_at) <= now)
    return Queued(review, earlier_open, near_deadline=near, overdue=parse_iso(review.deadline) < now)


def _fields(seen: _Seen) -> list[tuple[str, str]]:
    return [
        ("turn", seen.turn or ""),
        ("shown", str(seen.shown)),
        ("deadline", seen.deadline),
        ("same", str(seen.at_deadline)),
    ]


def _opened(after: Mapping[str, str] | None, name: str) -> _Seen:
    if not after or f"{name}.turn" not in after:
        return _Seen()
    return _Seen(
        after[f"{name}.turn"] or None,
        int(after[f"{name}.shown"]),
        after[f"{name}.deadline"],
        int(after[f"{name}.same"]),
    )
