"""A definition previewed for its publisher (``POST /procedures/preview``) and the
templates a new procedure starts from (``GET /procedure-templates``)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any, Literal

from msgspec import Meta, convert, field

from chalicelib.api.views.lifecycle import ChangeView
from chalicelib.api.views.procedures import Definition, PathProblem, ProcedureDetail, unpublished
from chalicelib.core.clock import iso, utcnow
from chalicelib.core.fields import Currency, Money, Struct, Text
from chalicelib.procedures.preview import Preview
from chalicelib.procedures.templates import Template

StepKind = Annotated[
    str,
    Meta(
        description=(
            "What the node is: a definition step's type (`check`, `review`, `parallel`, `choice`, `payment`, "
            "`issue`; `registration` for an issue that also registers in registries), `evidence` (the registry "
            "lookups before the first step) or `end`."
        ),
        examples=["review"],
    ),
]


class DiagramNode(Struct, kw_only=True):
    id: Annotated[
        str,
        Meta(description="The step's id in the definition; `evidence`, or an end: `Done`, `Rejected`, `Withdrawn`."),
    ]
    kind: StepKind
    name: Text
    agency: Annotated[str | None, Meta(description="The agency that reviews (review steps).")]
    deadline_days: Annotated[int | None, Meta(description="The review's legal deadline, in business days.")]
    on_deadline: Annotated[
        Literal["afirmativa_ficta", "negativa_ficta", "escalate"] | None,
        Meta(description="What the authority's silence at the deadline means (review steps)."),
    ]
    parent: Annotated[str | None, Meta(description="The parallel step this step is a branch step of.")]


class DiagramEdge(Struct, kw_only=True):
    from_: str = field(name="from")
    to: str
    label: Annotated[Text, Meta(description="What takes this way: “aprobada”, “plazo vencido: afirmativa ficta”…")]


class DiagramText(Struct, kw_only=True):
    es: list[str]
    en: list[str]


class Diagram(Struct, kw_only=True):
    """The compiled state machine grouped back to the definition's steps: what will run."""

    nodes: list[DiagramNode]
    edges: list[DiagramEdge]
    text: Annotated[DiagramText, Meta(description="The diagram's text alternative: one sentence per node, in order.")]


class PreviewFee(Struct, kw_only=True):
    amount: Annotated[
        Money | None,
        Meta(description="The fee for the sample answers; null while a field is missing or an answer is not a number."),
    ]
    currency: Currency
    concept: Text
    missing: Annotated[list[str], Meta(description="The form fields the formula needs that the answers lack.")]


class LegalDeadline(Struct, kw_only=True):
    days: Annotated[
        int, Meta(description="Business days the authorities may take: the longest way through the reviews.")
    ]
    text: Annotated[Text, Meta(description="The sentence the citizen reads, with what silence means.")]


class SmsPreview(Struct, kw_only=True):
    event: Annotated[str, Meta(examples=["changes_requested"])]
    language: Literal["es", "en"]
    text: Annotated[str, Meta(description="As sent (in GSM-7), with the longest values its placeholders take.")]
    segments: int
    encoding: Literal["GSM-7", "UCS-2"]


class PreviewReport(Struct, kw_only=True):
    valid: bool
    problems: Annotated[list[PathProblem], Meta(description="Every problem, in the caller's language.")]
    procedure: Annotated[
        ProcedureDetail | None,
        Meta(description="What `GET /procedures/{code}` would answer once published; null when invalid."),
    ]
    diagram: Diagram | None
    fee: Annotated[PreviewFee | None, Meta(description="Null when the procedure is free.")]
    deadline: Annotated[LegalDeadline | None, Meta(description="Null when no agency reviews the application.")]
    sms: Annotated[
        list[SmsPreview],
        Meta(description="What the citizen is texted about by default (and what the procedure makes due)."),
    ]
    changes: Annotated[
        list[ChangeView],
        Meta(
            description=(
                "Every value that differs from the newest published version (every value for a new procedure), "
                "as a draft's page lists them; also for an invalid definition."
            )
        ),
    ]
    diff: Annotated[list[str], Meta(description="The same change as a unified diff of the two definitions.")]


class ProcedureTemplate(Struct, kw_only=True):
    id: Annotated[str, Meta(examples=["revision-dos-dependencias"])]
    name: Text
    description: Text
    definition: Definition


class ProcedureTemplates(Struct, kw_only=True):
    templates: list[ProcedureTemplate]


def report(found: Preview, say: Callable[[str], str]) -> PreviewReport:
    """The preview as answered, each problem's message said by ``say`` (the caller's language)."""
    published = found.definition
    return PreviewReport(
        valid=found.valid,
        problems=[PathProblem(path=problem["path"], message=say(problem["message"])) for problem in found.problems],
        procedure=unpublished(published, iso(utcnow())) if published is not None else None,
        diagram=_as(found.diagram, Diagram),
        fee=_as(found.fee, PreviewFee),
        deadline=_as(found.deadline, LegalDeadline),
        sms=[convert(row, SmsPreview) for row in found.sms],
        changes=[convert(change, ChangeView, from_attributes=True) for change in found.changes],
        diff=found.lines,
    )


def _as(value: dict[str, Any] | None, kind: Any) -> Any:
    return convert(value, kind) if value is not None else None


def templates(found: list[Template]) -> ProcedureTemplates:
    return ProcedureTemplates(
        templates=[
            ProcedureTemplate(
                id=item.id,
                name=convert(item.name, Text),
                description=convert(item.description, Text),
                definition=item.definition,
            )
            for item in found
        ]
    )
