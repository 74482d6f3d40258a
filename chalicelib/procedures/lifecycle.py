"""A procedure's life: a new version is drafted, optionally put to public consultation
(anyone signed in comments, the agency answers each comment in public), approved by a
second publisher — never its author — and published on an effective date; later the
procedure may be retired (no new applications; running ones finish on their version).

Every step is an audited event (who, when) written in the same transaction as the
change.  Publishing itself is the catalogue's (``Catalogue.publish``): an approval adds
the draft's change to the publication's transaction, so a draft is approved exactly when
its version exists.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from chalicelib.core.clock import iso, utcnow
from chalicelib.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from chalicelib.identity.principal import Principal
from chalicelib.legal.calendar import MEXICO_CITY, legal_date
from chalicelib.procedures import diff
from chalicelib.procedures.catalogue import CODE, Catalogue, digest_of, ensure_open
from chalicelib.procedures.validator import ensure_valid
from chalicelib.store.lifecycle import DraftRecord, LifecycleStore, event
from chalicelib.store.models import DraftComment, ProcedureDraft, ProcedureVersion
from chalicelib.store.pages import Page, PageRequest

DRAFT, CONSULTATION, APPROVED = "draft", "consultation", "approved"
OPEN = (DRAFT, CONSULTATION)


@dataclass(frozen=True)
class Proposal:
    """A draft as its readers see it: the draft, what it changes against the version it
    was drafted on, its public comments and its audited steps."""

    record: DraftRecord
    base: ProcedureVersion | None
    changes: list[diff.Change]
    lines: list[str]

    @property
    def status(self) -> str:
        return status_of(self.record.draft)


class Lifecycle:
    def __init__(self, catalogue: Catalogue, store: LifecycleStore) -> None:
        self._catalogue = catalogue
        self._store = store

    # --- reading ---------------------------------------------------------------------
    def proposal(self, code: str, number: int, reader: Principal | None = None) -> Proposal:
        """A draft with what it changes; with ``reader``, only if they may publish it."""
        newest = self._newest_known(code)  # unknown_procedure before unknown_draft
        record = self._store.record(code, number)
        draft = record.draft
        if reader is not None:
            self._catalogue.ensure_may_publish(reader, draft.definition, newest)
        base = self._catalogue.get(code, int(draft.base_version)) if draft.base_version is not None else None
        before = base.definition if base is not None else None
        left = diff.side(code, int(base.version) if base is not None else None)
        return Proposal(
            record=record,
            base=base,
            changes=diff.changes(before, draft.definition),
            lines=diff.unified(before, draft.definition, left, f"{code} draft {number}"),
        )

    def consultation(self, code: str, number: int) -> Proposal:
        """The public page of a draft put to consultation (kept after its publication)."""
        found = self.proposal(code, number)
        if found.record.draft.consultation_opened_at is None:
            raise NotFound(f"draft {number} of {code} was not put to consultation", code="unknown_consultation")
        return found

    def consultations(self, page: PageRequest) -> Page[ProcedureDraft]:
        return self._store.consultations(page)

    # --- commands --------------------------------------------------------------------
    def draft(self, principal: Principal, definition: dict[str, Any]) -> ProcedureDraft:
        """A new draft of the procedure ``definition['code']`` (new or published), by ``principal``."""
        ensure_valid(definition)
        code = definition["code"]
        newest = self._catalogue.newest(code)
        self._catalogue.ensure_may_publish(principal, definition, newest)
        if newest is not None:
            ensure_open(newest)
            if newest.digest == digest_of(definition):
                raise ValidationFailed(
                    f"the draft is identical to version {int(newest.version)} of {code}: it changes nothing",
                    code="nothing_changed",
                )
        number = self._store.last_number(code) + 1
        draft = self._store.create(
            code,
            number,
            principal.username,
            definition=definition,  # its ``version`` is assigned when it is published
            digest=digest_of(definition),
            base_version=int(newest.version) if newest is not None else None,
            status=DRAFT,
        )
        return draft

    def open_consultation(self, principal: Principal, code: str, number: int, closes_on: date | None) -> ProcedureDraft:
        draft = self._open_draft(principal, code, number)
        if draft.status != DRAFT:
            raise Conflict(f"draft {number} of {code} is already in consultation", code="already_in_consultation")
        today = legal_date(utcnow())
        if closes_on is not None and closes_on < today:
            raise ValidationFailed.field(
                "closes_on", f"must be today ({today.isoformat()}) or later", code="invalid_closing_date"
            )
        now = iso(utcnow())
        draft.status = CONSULTATION
        draft.consultation_opened_at = now
        draft.consultation_closes_on = closes_on.isoformat() if closes_on else None
        happened = event(
            code, "consultation_opened", principal.username, number, closes_on=draft.consultation_closes_on
        )
        self._store.change(draft, (DRAFT,), happened)
        return draft

    def comment(self, principal: Principal, code: str, number: int, text: str, anonymous: bool) -> DraftComment:
        draft = self._store.record(code, number).draft
        if draft.status != CONSULTATION or _closed(draft):
            raise Conflict(
                f"draft {number} of {code} takes no comments: its consultation is closed", code="consultation_closed"
            )
        comment = self._store.comment(
            code, number, principal.username, None if anonymous else (principal.name or None), text
        )
        return comment

    def answer(self, principal: Principal, code: str, number: int, comment_id: str, text: str) -> DraftComment:
        record = self._store.record(code, number)
        definition = record.draft.definition
        if definition["agency"] not in principal.supervisor_of and not self._publishes(principal, definition):
            raise Forbidden(
                f"{code} belongs to {definition['agency']}: its supervisors or its publishers answer",
                code="other_agency",
            )
        found = next((item for item in record.comments if item.comment_id == comment_id), None)
        if found is None:
            raise NotFound(f"draft {number} of {code} has no comment {comment_id!r}", code="unknown_comment")
        if found.answer is not None:
            raise Conflict(f"comment {comment_id} is already answered", code="already_answered")
        happened = event(code, "comment_answered", principal.username, number, comment=comment_id)
        return self._store.answer(found, text, principal.username, happened)

    def approve(self, principal: Principal, code: str, number: int, effective_on: date | None) -> ProcedureDraft:
        """Publish the draft as the next version, in effect from ``effective_on`` (Mexico
        City midnight; today or none: at once)."""
        record = self._store.record(code, number)
        draft = record.draft
        if draft.status not in OPEN:
            raise Conflict(f"draft {number} of {code} is already approved", code="already_approved")
        newest = self._catalogue.newest(code)
        self._catalogue.ensure_may_publish(principal, draft.definition, newest)
        if draft.author == principal.username:
            raise Forbidden(f"you wrote draft {number} of {code}: another publisher must approve it", code="four_eyes")
        if draft.status == CONSULTATION and draft.consultation_closes_on and not _closed(draft):
            raise Conflict(
                f"the consultation on draft {number} of {code} runs until {draft.consultation_closes_on}",
                code="consultation_open",
            )
        unanswered = [item.comment_id for item in record.comments if item.answer is None]
        if unanswered:
            raise Conflict(
                f"{len(unanswered)} comment(s) on draft {number} of {code} await the agency's answer",
                details=[{"comment": comment_id} for comment_id in unanswered],
                code="unanswered_comments",
            )
        today = legal_date(utcnow())
        if effective_on is not None and effective_on < today:
            raise ValidationFailed.field(
                "effective_on", f"must be today ({today.isoformat()}) or later", code="effective_in_past"
            )
        effective_from = iso(datetime.combine(effective_on, time(0), tzinfo=MEXICO_CITY)) if effective_on else None
        expected = (draft.status,)
        now = iso(utcnow())
        draft.status, draft.approved_by, draft.approved_at = APPROVED, principal.username, now
        newest_version = int(newest.version) if newest is not None else None
        base_version = int(draft.base_version) if draft.base_version is not None else None
        if newest_version != base_version:
            # approving it would silently undo what that version changed
            raise Conflict(
                f"version {newest_version} of {code} was published after draft {number} was written; "
                "draft again from it",
                code="draft_outdated",
            )
        draft.published_version = (newest_version or 0) + 1
        draft.effective_from = effective_from if effective_from and effective_from > now else now
        happened = event(
            code,
            "approved",
            principal.username,
            number,
            version=draft.published_version,
            effective_from=draft.effective_from,
        )
        published, created = self._catalogue.publish(
            {**draft.definition, "code": code},
            principal.username,
            self._store.change_writes(draft, expected, happened),
            effective_from=effective_from,
        )
        if not created:  # pragma: no cover - draft() refused identical definitions; someone published it since
            raise Conflict(f"version {int(published.version)} of {code} already says this", code="nothing_changed")
        return draft

    def retire(self, principal: Principal, code: str, reason: str) -> ProcedureVersion:
        newest = self._catalogue.newest(code)
        if newest is None:
            raise NotFound(f"there is no procedure {code!r}", code="unknown_procedure")
        self._catalogue.ensure_may_publish(principal, newest.definition)
        ensure_open(newest)
        return self._store.retire(code, principal.username, reason)

    def _newest_known(self, code: str) -> ProcedureVersion | None:
        """The newest version of a procedure that exists: once published, or drafted (a new
        procedure's first draft is read, and approved, before any version of it is)."""
        newest = self._catalogue.newest(code)
        if newest is not None:
            return newest
        if isinstance(code, str) and CODE.fullmatch(code) and self._store.last_number(code) > 0:
            return None
        self._catalogue.get(code)  # says why: no such procedure (or a code no procedure can have)
        raise NotFound(f"there is no procedure {code!r}", code="unknown_procedure")  # pragma: no cover

    def _open_draft(self, principal: Principal, code: str, number: int) -> ProcedureDraft:
        draft = self._store.record(code, number).draft
        if draft.status not in OPEN:
            raise Conflict(f"draft {number} of {code} is already approved", code="already_approved")
        self._catalogue.ensure_may_publish(principal, draft.definition, self._catalogue.newest(code))
        return draft

    def _publishes(self, principal: Principal, definition: dict[str, Any]) -> bool:
        try:
            self._catalogue.ensure_may_publish(principal, definition)
        except Forbidden:
            return False
        return True


def status_of(draft: ProcedureDraft) -> str:
    """``approved`` reads as ``scheduled`` until its effective date, then ``published``."""
    if draft.status != APPROVED:
        return str(draft.status)
    return "scheduled" if draft.effective_from and draft.effective_from > iso(utcnow()) else "published"


def _closed(draft: ProcedureDraft) -> bool:
    closes_on = draft.consultation_closes_on
    return closes_on is not None and legal_date(utcnow()).isoformat() > closes_on
