"""A definition as it would be published, before anything is stored: its problems, the
workflow it compiles to, the fee for sample answers, the legal deadline the citizen reads
and the SMS the citizen receives (``POST /procedures/preview``, for the publishing editor).

Pure functions over the definition. The diagram is drawn from the COMPILED state machine
(``compiler.compile_definition``): each ASL state is grouped back to the definition's
step it belongs to (``revision``, ``revision.wait``, ``revision.decision``... are the
step ``revision``), and each transition between two groups becomes an edge, labelled by
what makes it happen. The words come from the pages' own phrases (``messages.phrase``),
so the preview says what the procedure page and the citizen's SMS will say.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any

from msgspec import Meta
from msgspec import field as struct_field

from chalicelib.api.messages import business_days, phrase
from chalicelib.core.fields import Struct
from chalicelib.notifications import segments, templates
from chalicelib.procedures import diff
from chalicelib.procedures.compiler import EVIDENCE, compile_definition
from chalicelib.procedures.fees import FormulaError, compute_fee, formula_names
from chalicelib.procedures.validator import all_steps, validate_definition

LANGUAGES = ("es", "en")
CURRENCY = "MXN"
# the top-level terminal states of every compiled machine, as the diagram names them
ENDS = {"Done": "done", "Rejected": "rejected", "Withdrawn": "withdrawn"}
END = "$end"  # a state that ends its flow: the execution (``Done``) or its parallel branch
# events that only happen with a step of that kind (or evidence to confirm, or a ficta)
ONLY_WITH = {
    "awaiting_payment": "payment",
    "payment_received": "payment",
    "evidence_review": EVIDENCE,
    "deemed_approved": "afirmativa_ficta",
}

Bilingual = dict[str, str]


class PreviewRequest(Struct, kw_only=True):
    """A definition to preview, with sample answers to its form (for the fee)."""

    definition: Annotated[
        Any,
        Meta(
            description=(
                "The procedure definition being edited: any JSON value (a non-object, or an invalid definition, is "
                "answered with its problems)."
            )
        ),
    ]
    answers: Annotated[
        dict[str, Any],
        Meta(
            description="Sample answers to the form, by field name: the fee is computed for them.",
            examples=[{"superficie_m2": 120}],
        ),
    ] = struct_field(default_factory=dict)


def _both(key: str, **values: object) -> Bilingual:
    return {lang: phrase(key, lang, **values) for lang in LANGUAGES}


@dataclass
class Node:
    id: str
    kind: str
    name: Bilingual
    agency: str | None = None
    deadline_days: int | None = None
    on_deadline: str | None = None
    parent: str | None = None


@dataclass
class Diagram:
    nodes: list[Node] = field(default_factory=list)
    edges: list[dict[str, Any]] = field(default_factory=list)
    agencies: Mapping[str, Mapping[str, str]] = field(default_factory=dict)

    def edge(self, source: str, target: str, label: Bilingual) -> None:
        found = {"from": source, "to": target, "label": label}
        if source != target and found not in self.edges:
            self.edges.append(found)

    def _agency(self, code: str, lang: str) -> str:
        name = self.agencies.get(code)
        return f"{name.get(lang) or name['es']} ({code})" if name else code

    def text(self) -> dict[str, list[str]]:
        """The text alternative: one sentence per step, in order, with where it goes."""
        names = {node.id: node.name for node in self.nodes}
        out: dict[str, list[str]] = {}
        for lang in LANGUAGES:
            sentences = []
            for position, node in enumerate(self.nodes, start=1):
                parts = [
                    phrase(
                        "diagram.text.step",
                        lang,
                        position=position,
                        name=node.name[lang],
                        kind=phrase(f"diagram.kind.{node.kind}", lang),
                    )
                ]
                if node.parent is not None:
                    parts.append(phrase("diagram.text.branch", lang, parent=names[node.parent][lang]))
                if node.agency is not None:
                    parts.append(phrase("diagram.text.agency", lang, agency=self._agency(node.agency, lang)))
                if node.deadline_days is not None:
                    parts.append(phrase("diagram.text.deadline", lang, days=business_days(node.deadline_days, lang)))
                starts = [edge["to"] for edge in self.edges if edge["from"] == node.id and node.kind == "parallel"]
                if starts:
                    listed = ", ".join(
                        f"«{names[start][lang]}»" if lang == "es" else f"“{names[start][lang]}”" for start in starts
                    )
                    parts.append(phrase("diagram.text.branches", lang, steps=listed))
                for edge in self.edges:
                    if edge["from"] == node.id and edge["to"] not in starts:
                        target = names[edge["to"]][lang]
                        parts.append(phrase("diagram.text.edge", lang, label=edge["label"][lang], target=target))
                sentences.append(" ".join(parts))
            out[lang] = sentences
        return out


@dataclass(frozen=True)
class Preview:
    problems: list[dict[str, str]]
    definition: dict[str, Any] | None = None  # as it would be published (None: invalid)
    diagram: dict[str, Any] | None = None
    fee: dict[str, Any] | None = None
    deadline: dict[str, Any] | None = None
    sms: list[dict[str, Any]] = field(default_factory=list)
    changes: list[diff.Change] = field(default_factory=list)  # against the newest published version
    lines: list[str] = field(default_factory=list)  # the same, as a unified diff

    @property
    def valid(self) -> bool:
        return not self.problems


def preview(
    definition: Any,
    answers: Mapping[str, Any] | None = None,
    version: int = 1,
    published: Mapping[str, Any] | None = None,
) -> Preview:
    """Everything the editor shows of a definition; ``version``: the one it would be published as,
    ``published``: the newest version published (None for a new procedure), which the changes are
    counted against, as a draft's page counts them."""
    problems = validate_definition(definition)
    if not isinstance(definition, dict):
        return Preview(problems=problems)
    code = str(definition.get("code"))
    changes = diff.changes(published, definition)
    lines = diff.unified(published, definition, diff.side(code, version - 1 if published else None), f"{code} (editor)")
    if problems:
        return Preview(problems=problems, changes=changes, lines=lines)
    published_as = {**definition, "version": version}
    return Preview(
        problems=[],
        changes=changes,
        lines=lines,
        definition=published_as,
        diagram=diagram_of(published_as),
        fee=fee_of(published_as, answers or {}),
        deadline=deadline_of(published_as),
        sms=sms_of(published_as),
    )


# --- the diagram ------------------------------------------------------------------------


def diagram_of(definition: Mapping[str, Any]) -> dict[str, Any]:
    """Nodes (the definition's steps, the evidence lookups, the ends reached) and edges,
    from the state machine the definition compiles to; with its text alternative."""
    asl = compile_definition({"version": 1, **definition})
    diagram = Diagram(agencies=definition["agencies"])
    states: dict[str, Any] = asl["States"]
    has_evidence = EVIDENCE in states and EVIDENCE not in _step_ids(definition["steps"])
    if has_evidence:
        diagram.nodes.append(Node(EVIDENCE, "evidence", _both("diagram.node.evidence")))
    _nodes(definition["steps"], None, diagram)
    known = {node.id for node in diagram.nodes}
    if has_evidence:
        _flow_edges(states, EVIDENCE, {}, known, diagram, {})
    for step_id, step in definition["steps"].items():
        _step_edges(states, step_id, step, known, diagram, {})
    reached = {edge["to"] for edge in diagram.edges}
    for state, end in ENDS.items():
        if state in reached:
            diagram.nodes.append(Node(state, "end", _both(f"diagram.node.{end}")))
    return {
        "nodes": [node.__dict__ for node in diagram.nodes],
        "edges": diagram.edges,
        "text": diagram.text(),
    }


def _step_ids(steps: Mapping[str, Any]) -> set[str]:
    return {step_id for step_id, _, _ in all_steps(steps)}


def _kind(step: Mapping[str, Any]) -> str:
    if step["type"] == "issue" and step.get("registrations"):
        return "registration"
    return str(step["type"])


def _step_name(step_id: str, step: Mapping[str, Any]) -> Bilingual:
    """The step's name as the citizen's page shows it; its id when it has none."""
    name = step.get("name") or {}
    return {lang: str(name.get(lang) or name.get("es") or step_id) for lang in LANGUAGES}


def _nodes(steps: Mapping[str, Any], parent: str | None, diagram: Diagram) -> None:
    for step_id, step in steps.items():
        diagram.nodes.append(
            Node(
                step_id,
                _kind(step),
                _step_name(step_id, step),
                agency=step.get("agency"),
                deadline_days=step.get("deadline_days") if step["type"] == "review" else None,
                on_deadline=step.get("on_deadline") if step["type"] == "review" else None,
                parent=parent,
            )
        )
        for branch in step.get("branches", ()):
            _nodes(branch["steps"], step_id, diagram)


def _targets(state: Mapping[str, Any]) -> Iterator[tuple[str, str | None]]:
    """Every state a state may go to, with the choice's value that sends it there."""
    if "Next" in state:
        yield state["Next"], None
    if state.get("End"):
        yield END, None
    for choice in state.get("Choices", ()):
        yield choice["Next"], choice.get("StringEquals", choice.get("BooleanEquals"))
    if "Default" in state:
        yield state["Default"], "default"
    for catch in state.get("Catch", ()):
        yield catch["Next"], catch["ErrorEquals"][0]


def _group(state: str, exits: Mapping[str, str], known: set[str]) -> str | None:
    """The node a state belongs to: its step (``revision.wait`` is ``revision``), a branch's
    end mapped to where the parallel step goes (``exits``), or a top-level end."""
    if state in exits:
        return exits[state]
    if state == END:
        return "Done"
    if state in ENDS:
        return state
    head = state.split(".", 1)[0]
    return head if head in known else None


def _step_edges(
    states: Mapping[str, Any],
    step_id: str,
    step: Mapping[str, Any],
    known: set[str],
    diagram: Diagram,
    exits: Mapping[str, str],
) -> None:
    if step["type"] == "parallel":
        parallel = states[step_id]
        after = parallel.get("Next", END)
        caught = {catch["ErrorEquals"][0]: catch["Next"] for catch in parallel.get("Catch", ())}
        for branch_definition, branch in zip(step["branches"], parallel["Branches"], strict=True):
            diagram.edge(step_id, branch["StartAt"], _both("diagram.edge.branch"))
            first = next(iter(branch_definition["steps"]))
            joined = exits.get(after, after)
            inner_exits = {
                END: joined,
                f"{first}.done": joined,
                f"{first}.Rejected": exits.get(caught.get("Ventanilla.Rejected", "Rejected"), "Rejected"),
                f"{first}.Withdrawn": exits.get(caught.get("Ventanilla.Withdrawn", "Withdrawn"), "Withdrawn"),
            }
            for inner_id, inner in branch_definition["steps"].items():
                _step_edges(branch["States"], inner_id, inner, known, diagram, {**exits, **inner_exits})
        return
    _flow_edges(states, step_id, step, known, diagram, exits)


def _flow_edges(
    states: Mapping[str, Any],
    step_id: str,
    step: Mapping[str, Any],
    known: set[str],
    diagram: Diagram,
    exits: Mapping[str, str],
) -> None:
    """The edges out of one step's group of states, each labelled by what takes it."""
    own = [name for name in states if name == step_id or name.startswith(f"{step_id}.")]
    choice_index: dict[str, int] = {}  # a target's first option (the compiler keeps one per target)
    for index, item in enumerate(step.get("choices", ()), start=1):
        choice_index.setdefault(item["next"], index)
    for name in own:
        if name.endswith(".failed"):
            continue  # a technical failure's path (retry by an operator), not the procedure's
        for target, value in _targets(states[name]):
            if target in own and target not in exits:
                continue
            to = _group(target, exits, known)
            if to is None or to == step_id:
                continue
            label = _label(step, to, value, choice_index)
            if label is not None:
                diagram.edge(step_id, to, label)
            if step.get("type") == "review" and name.endswith(".decision"):
                ficta = _ficta_label(step, value)
                if ficta is not None:
                    diagram.edge(step_id, to, ficta)


def _ficta_label(step: Mapping[str, Any], value: Any) -> Bilingual | None:
    """The way a review's deadline takes, if the decision's ``value`` is that way: the
    machine times out into the deadline handler, which decides by ``on_deadline`` (read at
    run time), so the outcome is the step's: approval's way for afirmativa ficta, the
    rejection's for negativa ficta (after the supervisors' own deadline, when it escalates)."""
    final = _silence(step)
    if value != ("approve" if final == "afirmativa_ficta" else "default"):
        return None
    return _deadline_label(step["on_deadline"], final if step["on_deadline"] == "escalate" else None)


def _deadline_label(outcome: str, then: str | None = None) -> Bilingual:
    label = {}
    for lang in LANGUAGES:
        said = phrase(f"diagram.outcome.{outcome}", lang)
        if then is not None:
            said = f"{said}, {phrase(f'diagram.outcome.{then}', lang)}"
        label[lang] = phrase("diagram.edge.deadline", lang, outcome=said)
    return label


def _label(step: Mapping[str, Any], to: str, value: Any, choice_index: Mapping[str, int]) -> Bilingual | None:
    kind = step.get("type", EVIDENCE)
    rejected = to == "Rejected"
    withdrawn = to == "Withdrawn"
    if kind == EVIDENCE:
        return _both("diagram.edge.unconfirmed" if withdrawn else "diagram.edge.confirmed")
    if kind == "check":
        return _both("diagram.edge.failed" if rejected else "diagram.edge.passed")
    if kind == "review":
        if withdrawn:
            return _both("diagram.edge.lapsed")
        return _both("diagram.edge.rejected" if rejected else "diagram.edge.approved")
    if kind == "payment":
        return _both("diagram.edge.unpaid" if withdrawn else "diagram.edge.paid")
    if kind == "issue":
        return _both("diagram.edge.issued")
    if kind == "choice":
        if value == "default":
            return _both("diagram.edge.otherwise")
        return _both("diagram.edge.option", n=choice_index.get(to, 1))
    return None


# --- the fee, the deadline, the SMS -----------------------------------------------------


def fee_of(definition: Mapping[str, Any], answers: Mapping[str, Any]) -> dict[str, Any] | None:
    """The fee for the sample answers: the amount (None while the formula lacks a field, or
    an answer is not a number), and the fields the formula needs that the answers lack.
    None: the procedure is free."""
    fee = definition.get("fee")
    if not fee:
        return None
    if "amount" in fee and _is_zero(fee["amount"]):
        return None
    concept = fee.get("concept") or _both("preview.feeConcept")
    needed = sorted(formula_names(fee["formula"])) if "formula" in fee else []
    missing = [name for name in needed if answers.get(name) is None]
    amount = None
    if not missing:
        try:
            amount = str(compute_fee(fee, answers))
        except (FormulaError, InvalidOperation, ValueError, TypeError, OverflowError):
            amount = None
    return {"amount": amount, "currency": CURRENCY, "concept": dict(concept), "missing": missing}


def _is_zero(amount: Any) -> bool:
    try:
        return Decimal(str(amount)) == 0
    except InvalidOperation:
        return False


def legal_days(steps: Mapping[str, Any], start: str) -> int:
    """The longest the authorities may take, by their legal deadlines: reviews one after
    another add up, parallel branches take the longest, a choice its longest way."""
    memo: dict[str, int] = {}

    def longest(step_id: str, visiting: frozenset[str]) -> int:
        if step_id in memo:
            return memo[step_id]
        if step_id not in steps or step_id in visiting:
            return 0
        step = steps[step_id]
        own = step["deadline_days"] if step["type"] == "review" else 0
        if step["type"] == "parallel":
            own = max((legal_days(branch["steps"], branch["start"]) for branch in step["branches"]), default=0)
        targets = [step["next"]] if "next" in step else []
        if step["type"] == "choice":
            targets += [choice["next"] for choice in step["choices"]] + [step["default"]]
        after = max((longest(target, visiting | {step_id}) for target in targets), default=0)
        memo[step_id] = own + after
        return memo[step_id]

    return longest(start, frozenset())


def _silence(step: Mapping[str, Any]) -> str:
    return str(
        step.get("after_escalation", "negativa_ficta") if step["on_deadline"] == "escalate" else step["on_deadline"]
    )


def deadline_of(definition: Mapping[str, Any]) -> dict[str, Any] | None:
    """The legal deadline sentence the citizen reads, in the procedure page's words: the
    deadline (``procedure.legalDeadline``) and what silence means (``silence.*``).
    None: no agency reviews the application."""
    reviews = [step for _, _, step in all_steps(definition["steps"]) if step["type"] == "review"]
    if not reviews:
        return None
    days = legal_days(definition["steps"], definition["start"])
    outcomes = {_silence(step) for step in reviews}
    kinds = {step["on_deadline"] for step in reviews}
    text = {}
    for lang in LANGUAGES:
        said = f"{phrase('procedure.legalDeadline', lang)}: {business_days(days, lang)}."
        if len(outcomes) > 1:
            detail = f"{phrase('procedure.silence', lang)}: {phrase('silence.mixed', lang)}."
        elif kinds == {"escalate"}:
            escalation = max(int(step.get("escalation_days") or step["deadline_days"]) for step in reviews)
            detail = phrase(
                "silence.escalate_detail",
                lang,
                days=business_days(escalation, lang),
                outcome=phrase(f"silence.{next(iter(outcomes))}", lang),
            )
        elif len(kinds) == 1:
            detail = phrase(f"silence.{next(iter(kinds))}_detail", lang)
        else:  # some escalate, some do not, all ending the same
            detail = f"{phrase('procedure.silence', lang)}: {phrase(f'silence.{next(iter(outcomes))}', lang)}."
        text[lang] = f"{said} {detail}"
    return {"days": days, "text": text}


def sms_of(definition: Mapping[str, Any]) -> list[dict[str, Any]]:
    """What the citizen is texted about for this procedure unless they choose more (and
    what it makes legally due), by the templates it sends: as sent (GSM-7 transliterated,
    ``templates.render``), filled with the longest values its placeholders take, which is
    what the publishing check counts; segments and encoding by ``segments.count``."""
    present = {step["type"] for _, _, step in all_steps(definition["steps"])}
    present |= {_silence(step) for _, _, step in all_steps(definition["steps"]) if step["type"] == "review"}
    if any("evidence" in requirement for requirement in definition["requirements"]):
        present.add(EVIDENCE)
    sent = templates.sent_for(definition, None)
    events = [
        event for event in templates.EVENTS if event in sent and (event not in ONLY_WITH or ONLY_WITH[event] in present)
    ]
    rows = []
    for event in events:
        template = templates.template_for(event, definition)
        if template is None:
            continue
        for lang in LANGUAGES:
            text = templates.render(template, lang, templates.longest_values(definition, lang))
            counted = segments.count(text)
            rows.append(
                {
                    "event": event,
                    "language": lang,
                    "text": text,
                    "segments": counted.segments,
                    "encoding": counted.encoding,
                }
            )
    return rows
