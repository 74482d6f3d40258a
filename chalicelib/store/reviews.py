"""Review tasks, the agencies' queues, and the decisions kept for the intermediaries' report.

An open review carries ``gsi2pk = queue(<queue>)`` (a sparse index: only while open), so
an agency's queue is one Query, oldest legal deadline first.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from pynamodb.exceptions import UpdateError

from chalicelib.core.errors import NotFound
from chalicelib.reviews.states import CANCELLED, DECIDED, EXPIRED, LIVE, OPEN
from chalicelib.store import keys
from chalicelib.store.models import Decision, Entity, Review
from chalicelib.store.reads import get
from chalicelib.store.writes import Write, change

MAX_ID_LENGTH = 40


class ReviewStore:
    # --- reads -----------------------------------------------------------------------
    def get(self, review_id: str, *, consistent: bool = False) -> Review:
        missing = NotFound("no such review", code="unknown_review")
        if not isinstance(review_id, str) or len(review_id) > MAX_ID_LENGTH:
            raise missing
        return get(Review, keys.review(review_id), keys.REVIEW_SK, missing, consistent=consistent)

    def queue(self, name: str, after: str | None = None, limit: int | None = None) -> list[Review]:
        """Open reviews of a queue (an agency's, or its supervisors') in turn order: every one,
        or at most ``limit`` after the turn ``after`` (one Query)."""
        found = Entity.by_queue.query(
            keys.queue(name), Entity.gsi2sk > after if after else None, limit=limit, page_size=limit
        )
        return [item for item in found if isinstance(item, Review)]

    def earlier_in_queue(self, name: str, deadline: str, limit: int) -> list[Review]:
        """Open reviews of a queue whose legal deadline is earlier than ``deadline``."""
        earlier = Entity.by_queue.query(keys.queue(name), Entity.gsi2sk < f"{deadline}#", limit=limit, page_size=limit)
        return [item for item in earlier if isinstance(item, Review)]

    def count_due(self, name: str, horizon: str) -> int:
        """Open reviews of a queue due by ``horizon`` (sort keys are ``<deadline>#<id>``)."""
        return int(Review.by_queue.count(keys.queue(name), Review.gsi2sk <= f"{horizon}~"))

    def decisions_since(self, agency: str, since: str) -> list[Decision]:
        return list(Decision.query(keys.decisions(agency), Decision.sk >= since))

    # --- new items -------------------------------------------------------------------
    def new(self, review_id: str, **fields: Any) -> Review:
        return Review(keys.review(review_id), keys.REVIEW_SK, id=review_id, **fields)

    def new_appeal(self, review_id: str, queue: str, **fields: Any) -> Review:
        """An appeal, open in ``queue`` from the start: no workflow waits on it."""
        return Review(
            keys.review(review_id),
            keys.REVIEW_SK,
            id=review_id,
            appeal=1,
            status=OPEN,
            gsi2pk=keys.queue(queue),
            gsi2sk=keys.queue_order(fields["deadline"], fields.get("opened_at"), review_id),
            **fields,
        )

    def new_decision(self, agency: str, review_id: str, decided_at: str, **fields: Any) -> Decision:
        return Decision(
            keys.decisions(agency),
            keys.decision_order(decided_at, review_id),
            agency=agency,
            decided_at=decided_at,
            **fields,
        )

    # --- writes ----------------------------------------------------------------------
    def enqueue(self, review: Review, token: str, queue: str) -> bool:
        """Put a pending (or open) review in ``queue`` with the workflow's task token;
        False if it was decided, expired or cancelled meanwhile (``review`` is then
        reloaded)."""
        try:
            review.update(
                actions=[
                    Review.task_token.set(token),
                    Review.status.set(OPEN),
                    Review.gsi2pk.set(keys.queue(queue)),
                    Review.gsi2sk.set(keys.queue_order(review.deadline, review.opened_at, review.id)),
                ],
                condition=Review.status.is_in(*LIVE),
                add_version_condition=False,
            )
        except UpdateError as error:
            if error.cause_response_code != "ConditionalCheckFailedException":
                raise
            review.refresh()
            return False
        return True

    def await_corrections(self, review: Review, token: str) -> None:
        """Keep the task token of the wait for the citizen's corrections."""
        review.update(
            actions=[Review.corrections_token.set(token)],
            condition=Review.decision == "request_changes",
            add_version_condition=False,
        )

    def cancel(self, review_ids: Iterable[str]) -> None:
        """Take reviews out of every queue (those already closed stay as they are)."""
        for review_id in review_ids:
            try:
                Review(keys.review(review_id), keys.REVIEW_SK).update(
                    actions=[Review.status.set(CANCELLED), Review.gsi2pk.remove(), Review.gsi2sk.remove()],
                    condition=Review.status.is_in(*LIVE),
                    add_version_condition=False,
                )
            except UpdateError as error:
                if error.cause_response_code != "ConditionalCheckFailedException":
                    raise

    def abandon(self, review_ids: Sequence[str]) -> None:
        """The application was withdrawn: its live reviews leave every queue, and no review
        keeps a task token that could resume the workflow (a decided one waiting for
        corrections included)."""
        self.cancel(review_ids)
        for review_id in review_ids:
            try:
                Review(keys.review(review_id), keys.REVIEW_SK).update(
                    actions=[Review.task_token.remove(), Review.corrections_token.remove()],
                    condition=Review.pk.exists(),
                    add_version_condition=False,
                )
            except UpdateError as error:
                if error.cause_response_code != "ConditionalCheckFailedException":
                    raise

    # --- parts of an application's change (``Transitions.record(also=...)``) -----------
    @staticmethod
    def expiring(review: Review, at: str) -> Write:
        """The review's deadline passed while it was still pending or open."""
        actions = [
            Review.status.set(EXPIRED),
            Review.gsi2pk.remove(),
            Review.gsi2sk.remove(),
            Review.decided_at.set(at),
        ]
        return change(review, actions, Review.status.is_in(*LIVE))

    @staticmethod
    def deciding(review: Review, decision: str, reason: str, by: str, at: str) -> Write:
        """An official's decision on an open review (one decision: the condition refuses a second)."""
        actions = [
            Review.status.set(DECIDED),
            Review.decision.set(decision),
            Review.reason.set(reason),
            Review.decided_by.set(by),
            Review.decided_at.set(at),
            Review.gsi2pk.remove(),
            Review.gsi2sk.remove(),
        ]
        return change(review, actions, Review.status == OPEN)

    @staticmethod
    def warning(review: Review, timer: dict[str, Any] | None = None) -> Write:
        """The agency is warned of the deadline, once (and the workflow's timer is armed for the deadline)."""
        actions = [Review.warned.set(1), *([Review.timer.set(timer)] if timer else [])]
        return change(review, actions, Review.warned == 0)

    @staticmethod
    def moving(review: Review, deadline: str, warn_at: str | None) -> Write:
        """A later legal deadline (the agency published non-working days while the clock ran),
        kept in the queue's deadline order; refused if the review closed or moved meanwhile."""
        actions = [
            Review.deadline.set(deadline),
            Review.warn_at.set(warn_at) if warn_at else Review.warn_at.remove(),
        ]
        if review.status == OPEN:
            actions.append(Review.gsi2sk.set(keys.queue_order(deadline, review.opened_at, review.id)))
        return change(review, actions, (Review.status == review.status) & (Review.deadline == review.deadline))

    def arm(self, review: Review, timer: dict[str, Any]) -> None:
        """Record the timer the workflow waits on now (``Review.timer``)."""
        review.update(actions=[Review.timer.set(timer)], add_version_condition=False)
