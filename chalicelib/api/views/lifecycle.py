"""A procedure's drafts and consultations as the API shows them: the publishers' view
(with every audited step, by whom) and the public page (the change, the comments and the
agency's answers; no username of anyone)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from msgspec import Meta, convert

from chalicelib.api.views.common import NextCursor
from chalicelib.api.views.procedures import Jurisdiction
from chalicelib.core.fields import UNSET, Instant, LegalDate, Struct, Text, UnsetType
from chalicelib.procedures import jurisdictions
from chalicelib.procedures.lifecycle import Proposal, status_of
from chalicelib.store.models import DraftComment, ProcedureDraft, ProcedureEvent

Status = Annotated[
    Literal["draft", "consultation", "scheduled", "published"],
    Meta(
        description=(
            "`draft` (publishers only), `consultation` (public, taking comments), `scheduled` (approved, in "
            "effect from `effective_from`), `published` (in effect)."
        )
    ),
]


class ChangeView(Struct, kw_only=True, omit_defaults=True):
    path: Annotated[str, Meta(description="JSON path of the value, e.g. `$.steps.revision.deadline_days`.")]
    kind: Literal["added", "removed", "changed"]
    before: Any = None
    after: Any = None


class Answer(Struct, kw_only=True):
    text: str
    at: Instant


class Comment(Struct, kw_only=True):
    id: str
    author: Annotated[str | None, Meta(description="The name the commenter signed with; null: anonymous.")]
    text: str
    at: Instant
    answer: Annotated[Answer | None, Meta(description="The agency's public answer; null: not answered yet.")]


class Step(Struct, kw_only=True, omit_defaults=True):
    event: Annotated[
        str,
        Meta(
            description="drafted, consultation_opened, comment_answered, approved (each audited).", examples=["drafted"]
        ),
    ]
    by: str
    at: Instant
    details: dict[str, Any] | UnsetType = UNSET


class Consultation(Struct, kw_only=True, omit_defaults=True):
    """The public page of a draft put to consultation (kept after the version is published)."""

    code: str
    number: int
    name: Text
    agency: str
    agency_name: Text
    jurisdiction: Annotated[Jurisdiction, Meta(description="Who answers for the procedure; its publishers answer too.")]
    status: Status
    base_version: Annotated[int | None, Meta(description="The published version the change is shown against.")]
    opened_at: Instant | UnsetType = UNSET
    closes_on: LegalDate | UnsetType = UNSET
    published_version: int | UnsetType = UNSET
    effective_from: Instant | UnsetType = UNSET
    changes: Annotated[list[ChangeView], Meta(description="Every value the draft adds, removes or changes.")]
    diff: Annotated[
        list[str], Meta(description="The same change as a unified diff of the two definitions (sorted keys).")
    ]
    comments: Annotated[list[Comment], Meta(description="Oldest first, each with the agency's answer.")]


class Draft(Consultation, kw_only=True, omit_defaults=True):
    """A draft as its publishers see it: the public page's content, the definition, and who did what."""

    author: str
    created_at: Instant
    approved_by: str | UnsetType = UNSET
    definition: dict[str, Any]
    history: Annotated[list[Step], Meta(description="Every audited step of the draft, in order.")]


class ConsultationSummary(Struct, kw_only=True, omit_defaults=True):
    code: str
    number: int
    name: Text
    agency_name: Text
    status: Status
    opened_at: Instant
    closes_on: LegalDate | UnsetType = UNSET


class Consultations(Struct, kw_only=True):
    consultations: Annotated[list[ConsultationSummary], Meta(description="A page of them, newest first.")]
    next_cursor: NextCursor


def consultation(found: Proposal) -> Consultation:
    return Consultation(**_public(found))


def draft(found: Proposal) -> Draft:
    item = found.record.draft
    return Draft(
        **_public(found),
        author=item.author,
        created_at=item.created_at,
        approved_by=item.approved_by or UNSET,
        definition=item.definition,
        history=[_step(step) for step in found.record.events],
    )


def comment(item: DraftComment) -> Comment:
    answered = Answer(text=item.answer, at=item.answered_at or "") if item.answer is not None else None
    return Comment(id=item.comment_id, author=item.shown_as, text=item.text, at=item.at, answer=answered)


def consultations(drafts: list[ProcedureDraft], next_cursor: str | None) -> Consultations:
    return Consultations(
        consultations=[
            ConsultationSummary(
                code=item.code,
                number=int(item.number),
                name=convert(item.definition["name"], Text),
                agency_name=convert(item.definition["agencies"][item.definition["agency"]], Text),
                status=convert(status_of(item), Status),
                opened_at=item.consultation_opened_at or "",
                closes_on=item.consultation_closes_on or UNSET,
            )
            for item in drafts
        ],
        next_cursor=next_cursor,
    )


def _public(found: Proposal) -> dict[str, Any]:
    item = found.record.draft
    definition = item.definition
    return {
        "code": item.code,
        "number": int(item.number),
        "name": convert(definition["name"], Text),
        "agency": definition["agency"],
        "agency_name": convert(definition["agencies"][definition["agency"]], Text),
        "jurisdiction": convert(jurisdictions.of(definition), Jurisdiction),
        "status": found.status,
        "base_version": int(item.base_version) if item.base_version is not None else None,
        "opened_at": item.consultation_opened_at or UNSET,
        "closes_on": item.consultation_closes_on or UNSET,
        "published_version": int(item.published_version) if item.published_version is not None else UNSET,
        "effective_from": item.effective_from or UNSET,
        "changes": [convert(change, ChangeView, from_attributes=True) for change in found.changes],
        "diff": found.lines,
        "comments": [comment(each) for each in found.record.comments],
    }


def _step(event: ProcedureEvent) -> Step:
    return Step(event=event.event, by=event.by, at=event.at, details=event.detail or UNSET)
