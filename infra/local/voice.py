"""A small interpreter of the status line's contact flow (``infra/connect/status-line.json``),
so the flow's JSON is exercised by tests and demos without Amazon Connect.

It knows exactly the block types the flow uses (``BLOCKS``) and refuses any other, follows
``Transitions`` (``NextAction``, ``Conditions`` with ``Equals``, the ``Errors`` Connect would
take), keeps the contact's attributes, the last function's answer (``$.External``) and the
stored keypad input (``$.StoredCustomerInput``), feeds the caller's keys to
``GetParticipantInput`` one entry at a time (no key left: ``InputTimeLimitExceeded``), and
invokes our functions with an event shaped as Connect sends it (``tests/fixtures/connect``).
What it says is returned as text: SSML tags dropped, entities decoded.

What it does not reproduce: speech itself (Polly's voices, pronunciation, SSML rendering
such as ``say-as``), barge-in (keys pressed while a prompt plays), the real timing of time
limits (a missing key is an immediate timeout), Connect's own validation of the flow,
queues, agents, hours of operation and routing, and Connect's limits on what a function may
answer (size, nesting) beyond "a map of strings".
"""

from __future__ import annotations

import html
import json
import re
import uuid
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from msgspec import Struct

FLOW = Path(__file__).resolve().parents[1] / "connect" / "status-line.json"
BLOCKS = frozenset(
    {
        "UpdateContactTextToSpeechVoice",
        "UpdateContactAttributes",
        "GetParticipantInput",
        "MessageParticipant",
        "InvokeLambdaFunction",
        "Compare",
        "DisconnectParticipant",
    }
)
# the functions the flow names as ``${name}`` in ``LambdaFunctionARN`` (the stack substitutes their ARNs)
FUNCTION = re.compile(r"^\$\{(\w+)\}$")
MAX_STEPS = 200  # a flow that loops without asking for input stops here
_REFERENCE = re.compile(r"\$\.(Attributes|External)\.(\w+)|\$\.StoredCustomerInput")
_TAG = re.compile(r"<[^>]+>")

Invoke = Callable[[str, dict[str, Any]], Mapping[str, Any]]


class Call(Struct, kw_only=True):
    prompts: list[str]
    ended: bool


class FlowError(ValueError):
    """The flow uses something the interpreter (or Connect) does not have."""


def load(path: Path = FLOW) -> dict[str, Any]:
    flow: dict[str, Any] = json.loads(path.read_text("utf-8"))
    return flow


def functions(flow: Mapping[str, Any]) -> set[str]:
    """The functions the flow invokes (their names in app.py)."""
    found = set()
    for action in flow["Actions"]:
        if action["Type"] == "InvokeLambdaFunction":
            match = FUNCTION.match(str(action["Parameters"]["LambdaFunctionARN"]))
            if match is None:
                raise FlowError(f"{action['Identifier']}: LambdaFunctionARN is not a ${{function}} placeholder")
            found.add(match.group(1))
    return found


def targets(action: Mapping[str, Any]) -> list[str]:
    """Every action a block may go to next."""
    transitions = action.get("Transitions") or {}
    found = [transitions["NextAction"]] if "NextAction" in transitions else []
    found += [entry["NextAction"] for entry in transitions.get("Conditions", [])]
    found += [entry["NextAction"] for entry in transitions.get("Errors", [])]
    return found


def spoken(ssml: str) -> str:
    """What a prompt says, as text: tags dropped, entities decoded, spaces collapsed."""
    return " ".join(html.unescape(_TAG.sub("", ssml)).split())


def connect_event(caller: str, attributes: Mapping[str, str], parameters: Mapping[str, str]) -> dict[str, Any]:
    """The event Connect sends a function from an ``InvokeLambdaFunction`` block."""
    contact_id = str(uuid.uuid4())
    return {
        "Details": {
            "ContactData": {
                "Attributes": dict(attributes),
                "AwsRegion": "us-east-1",
                "Channel": "VOICE",
                "ContactId": contact_id,
                "CustomerEndpoint": {"Address": caller, "Type": "TELEPHONE_NUMBER"},
                "Description": None,
                "InitialContactId": contact_id,
                "InitiationMethod": "INBOUND",
                "InstanceARN": "arn:aws:connect:us-east-1:123456789012:instance/00000000-0000-0000-0000-000000000000",
                "LanguageCode": "es-MX",
                "MediaStreams": {"Customer": {"Audio": None}},
                "Name": None,
                "PreviousContactId": contact_id,
                "Queue": None,
                "References": {},
                "RelatedContactId": None,
                "SystemEndpoint": {"Address": "+525500000000", "Type": "TELEPHONE_NUMBER"},
            },
            "Parameters": dict(parameters),
        },
        "Name": "ContactFlowEvent",
    }


class _Contact:
    def __init__(self, caller: str, keys: Sequence[str], invoke: Invoke) -> None:
        self.caller = caller
        self.keys = list(keys)
        self.invoke = invoke
        self.attributes: dict[str, str] = {}
        self.external: dict[str, str] = {}
        self.stored = ""
        self.prompts: list[str] = []

    def resolve(self, text: str) -> str:
        def value(match: re.Match[str]) -> str:
            if match.group(1) == "Attributes":
                return self.attributes.get(match.group(2), "")
            if match.group(1) == "External":
                return self.external.get(match.group(2), "")
            return self.stored

        return _REFERENCE.sub(value, text)

    def say(self, parameters: Mapping[str, Any]) -> None:
        text = parameters.get("SSML") or parameters.get("Text")
        if text:
            self.prompts.append(spoken(self.resolve(str(text))))

    def step(self, action: Mapping[str, Any]) -> str | None:
        """Run one block; the identifier of the next one (None: the call ended)."""
        kind, parameters = action["Type"], action.get("Parameters") or {}
        transitions = action.get("Transitions") or {}
        if kind not in BLOCKS:
            raise FlowError(f"{action['Identifier']}: the interpreter has no block {kind}")
        if kind == "DisconnectParticipant":
            return None
        if kind == "UpdateContactAttributes":
            self.attributes.update({str(k): self.resolve(str(v)) for k, v in parameters["Attributes"].items()})
        elif kind == "MessageParticipant":
            self.say(parameters)
        elif kind == "GetParticipantInput":
            self.say(parameters)
            if not self.keys:
                return _error(transitions, "InputTimeLimitExceeded")
            entry = self.keys.pop(0)
            if parameters.get("StoreInput") == "True":
                self.stored = entry
                return str(transitions["NextAction"])
            return _matching(transitions, entry)
        elif kind == "Compare":
            return _matching(transitions, self.resolve(str(parameters["ComparisonValue"])))
        elif kind == "InvokeLambdaFunction":
            match = FUNCTION.match(str(parameters["LambdaFunctionARN"]))
            if match is None:
                raise FlowError(f"{action['Identifier']}: LambdaFunctionARN is not a ${{function}} placeholder")
            sent = {
                str(k): self.resolve(str(v)) for k, v in (parameters.get("LambdaInvocationAttributes") or {}).items()
            }
            try:
                answer = self.invoke(match.group(1), connect_event(self.caller, self.attributes, sent))
            except Exception:  # any failure of a function (raised, timed out) takes Connect's error branch
                return _error(transitions, "NoMatchingError")
            if not all(isinstance(value, str) for value in answer.values()):
                return _error(transitions, "NoMatchingError")  # Connect takes only a map of strings
            self.external = dict(answer)
        return str(transitions["NextAction"])


def _matching(transitions: Mapping[str, Any], value: str) -> str:
    for condition in transitions.get("Conditions", []):
        operator, operands = condition["Condition"]["Operator"], condition["Condition"]["Operands"]
        if operator != "Equals":
            raise FlowError(f"the interpreter compares with Equals only, not {operator}")
        if value in operands:
            return str(condition["NextAction"])
    return _error(transitions, "NoMatchingCondition")


def _error(transitions: Mapping[str, Any], kind: str) -> str:
    errors = {entry["ErrorType"]: entry["NextAction"] for entry in transitions.get("Errors", [])}
    if kind in errors:
        return str(errors[kind])
    if "NoMatchingError" in errors:
        return str(errors["NoMatchingError"])
    raise FlowError(f"no transition for {kind}")


def call(caller: str, keys: Sequence[str], invoke: Invoke, flow: Mapping[str, Any] | None = None) -> Call:
    """A call from ``caller`` who presses ``keys`` (one entry per ``GetParticipantInput``)."""
    flow = flow if flow is not None else load()
    actions = {action["Identifier"]: action for action in flow["Actions"]}
    contact = _Contact(caller, keys, invoke)
    current: str | None = flow["StartAction"]
    for _ in range(MAX_STEPS):
        if current is None:
            return Call(prompts=contact.prompts, ended=True)
        current = contact.step(actions[current])
    return Call(prompts=contact.prompts, ended=False)
