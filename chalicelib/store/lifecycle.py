"""A procedure's drafts, their public comments and every audited step of its life.

A draft's item, its comments and its events share the procedure's partition under the
draft's sort key, so a draft (or its consultation page) is one Query.  Each change of a
draft is written with its event in one transaction, on the condition that the draft is
still in the state the change was decided on.
"""

from __future__ import annotations

import secrets
from typing import Any

from pynamodb.exceptions import PutError, TransactWriteError, UpdateError
from pynamodb.transactions import TransactWrite

from chalicelib.core.clock import iso, utcnow
from chalicelib.core.errors import Conflict, NotFound
from chalicelib.store import keys
from chalicelib.store.catalogue import Write, retirement
from chalicelib.store.models import (
    DraftComment,
    Entity,
    ProcedureDraft,
    ProcedureEvent,
    ProcedureVersion,
    transaction,
)
from chalicelib.store.pages import QUEUE_KEYS, Page, PageRequest, paged
from chalicelib.store.reads import find


class DraftRecord:
    """A draft as read: the item, its comments (oldest first) and its events (in order)."""

    def __init__(self, draft: ProcedureDraft, comments: list[DraftComment], events: list[ProcedureEvent]) -> None:
        self.draft = draft
        self.comments = comments
        self.events = events


def new_id() -> str:
    """Time-ordered, so a partition's comments read back in the order they came; letters and
    digits only, so it travels in a URL as it is."""
    return f"{utcnow().strftime('%Y%m%dT%H%M%S%f')}-{secrets.token_hex(4)}"


def event(code: str, name: str, by: str, number: int | None = None, **detail: Any) -> ProcedureEvent:
    at = iso(utcnow())
    sk = (
        keys.draft_event(number, at, secrets.token_hex(4)) if number else keys.procedure_event(at, secrets.token_hex(4))
    )
    version = detail.pop("version", None)
    return ProcedureEvent(
        keys.procedure(code),
        sk,
        code=code,
        event=name,
        by=by,
        at=at,
        number=number,
        version=version,
        detail=detail or None,
    )


class LifecycleStore:
    def last_number(self, code: str) -> int:
        found = list(
            Entity.query(
                keys.procedure(code),
                Entity.sk.startswith(keys.DRAFT_PREFIX),
                scan_index_forward=False,
                limit=1,
            )
        )
        return int(found[0].sk[len(keys.DRAFT_PREFIX) : len(keys.DRAFT_PREFIX) + 6]) if found else 0

    def create(self, code: str, number: int, author: str, **fields: Any) -> ProcedureDraft:
        """Draft ``number`` of ``code``, with its event; refused if someone took the number meanwhile."""
        draft = ProcedureDraft(
            keys.procedure(code),
            keys.draft(number),
            code=code,
            number=number,
            author=author,
            created_at=iso(utcnow()),
            **fields,
        )
        try:
            with transaction() as write:
                write.save(draft, condition=ProcedureDraft.pk.does_not_exist())
                write.save(event(code, "drafted", author, number))
        except TransactWriteError as error:
            raise Conflict(f"someone else drafted {code} at the same time; retry", code="concurrent_draft") from error
        return draft

    def record(self, code: str, number: int) -> DraftRecord:
        items = list(Entity.query(keys.procedure(code), Entity.sk.startswith(keys.draft(number))))
        drafts = [item for item in items if isinstance(item, ProcedureDraft)]
        if not drafts:
            raise NotFound(f"procedure {code!r} has no draft {number}", code="unknown_draft")
        return DraftRecord(
            drafts[0],
            [item for item in items if isinstance(item, DraftComment)],
            [item for item in items if isinstance(item, ProcedureEvent)],
        )

    def change(self, draft: ProcedureDraft, expected: tuple[str, ...], happened: ProcedureEvent, *also: Write) -> None:
        """Save ``draft`` (already changed) with its event, if its stored status is still one of ``expected``;
        a draft opened to consultation joins the list of consultations, for good."""
        if draft.consultation_opened_at is not None:
            draft.gsi2pk = keys.CONSULTATIONS
            draft.gsi2sk = keys.consultation_order(draft.consultation_opened_at, draft.code, int(draft.number))
        try:
            with transaction() as write:
                write.save(draft, condition=ProcedureDraft.status.is_in(*expected))
                write.save(happened)
                for extra in also:
                    extra(write)
        except TransactWriteError as error:
            raise Conflict(
                f"draft {draft.number} of {draft.code} changed meanwhile; read it again", code="draft_changed"
            ) from error

    def change_writes(self, draft: ProcedureDraft, expected: tuple[str, ...], happened: ProcedureEvent) -> Write:
        """The same change, as writes to add to another transaction (the publication's)."""

        def add(write: TransactWrite) -> None:
            write.save(draft, condition=ProcedureDraft.status.is_in(*expected))
            write.save(happened)

        return add

    def comment(self, code: str, number: int, author: str, shown_as: str | None, text: str) -> DraftComment:
        comment_id = new_id()
        comment = DraftComment(
            keys.procedure(code),
            keys.draft_comment(number, comment_id),
            comment_id=comment_id,
            code=code,
            number=number,
            author=author,
            shown_as=shown_as,
            text=text,
            at=iso(utcnow()),
        )
        try:
            comment.save(condition=DraftComment.pk.does_not_exist())
        except PutError as error:  # pragma: no cover - the id is random
            raise Conflict("that comment already exists; retry", code="concurrent_comment") from error
        return comment

    def answer(self, comment: DraftComment, answer: str, by: str, happened: ProcedureEvent) -> DraftComment:
        at = iso(utcnow())
        try:
            with transaction() as write:
                write.update(
                    comment,
                    actions=[
                        DraftComment.answer.set(answer),
                        DraftComment.answered_by.set(by),
                        DraftComment.answered_at.set(at),
                    ],
                    condition=DraftComment.answer.does_not_exist(),
                )
                write.save(happened)
        except TransactWriteError as error:
            raise Conflict(f"comment {comment.comment_id} is already answered", code="already_answered") from error
        comment.answer, comment.answered_by, comment.answered_at = answer, by, at
        return comment

    def consultations(self, page: PageRequest) -> Page[ProcedureDraft]:
        """One page of the drafts put to consultation, newest first: one Query on ``by_queue``."""
        return paged(
            lambda **kw: Entity.by_queue.query(keys.CONSULTATIONS, scan_index_forward=False, **kw),
            page,
            {"gsi2pk": keys.CONSULTATIONS},
            QUEUE_KEYS,
            keep=lambda item: isinstance(item, ProcedureDraft),
        )

    def retire(self, code: str, by: str, reason: str) -> ProcedureVersion:
        """Mark the catalogue's item retired (once), with the event."""
        latest = find(ProcedureVersion, keys.CATALOG_PK, keys.procedure(code), consistent=True)
        if latest is None:
            raise NotFound(f"there is no procedure {code!r}", code="unknown_procedure")
        at = iso(utcnow())
        try:
            with transaction() as write:
                write.update(
                    latest,
                    actions=[ProcedureVersion.retired_at.set(at), ProcedureVersion.retired_by.set(by)],
                    condition=ProcedureVersion.retired_at.does_not_exist()
                    & (ProcedureVersion.version == int(latest.version)),
                )
                write.save(event(code, "retired", by, reason=reason, version=int(latest.version)))
                retirement(code, at)(write)
        except (TransactWriteError, UpdateError) as error:
            raise Conflict(
                f"{code} is already retired, or was published meanwhile", code="procedure_retired"
            ) from error
        latest.retired_at, latest.retired_by = at, by
        return latest

    def procedure_events(self, code: str) -> list[ProcedureEvent]:
        return [
            item
            for item in ProcedureEvent.query(
                keys.procedure(code), ProcedureEvent.sk.startswith(keys.PROCEDURE_LOG_PREFIX)
            )
            if isinstance(item, ProcedureEvent)
        ]
