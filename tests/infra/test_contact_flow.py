"""The status line's contact flow: only blocks the local interpreter knows, only functions
app.py has, every transition to a block that exists, and the events it sends shaped as the
Connect fixtures."""

from __future__ import annotations

import json
from pathlib import Path

import app as application
from infra.aws.stack.naming import FUNCTIONS
from infra.local import voice

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "connect"


def test_the_flow_uses_only_blocks_the_interpreter_knows() -> None:
    flow = voice.load()
    assert flow["Version"] == "2019-10-30"
    assert {action["Type"] for action in flow["Actions"]} <= voice.BLOCKS


def test_every_transition_goes_to_a_block_that_exists_and_every_block_is_reached() -> None:
    flow = voice.load()
    identifiers = [action["Identifier"] for action in flow["Actions"]]
    assert len(identifiers) == len(set(identifiers))
    assert flow["StartAction"] in identifiers
    reached = {flow["StartAction"]}
    for action in flow["Actions"]:
        for target in voice.targets(action):
            assert target in identifiers, f"{action['Identifier']} goes to {target}, which is not in the flow"
            reached.add(target)
        if action["Type"] != "DisconnectParticipant":
            assert voice.targets(action), f"{action['Identifier']} goes nowhere"
    assert reached == set(identifiers)


def test_the_flow_invokes_functions_that_app_py_has_and_the_stack_deploys() -> None:
    names = {function.name for function in application.app.pure_lambda_functions}
    invoked = voice.functions(voice.load())
    assert invoked == {"voice_status", "voice_folio", "voice_callback"}
    assert invoked <= names and invoked <= set(FUNCTIONS)


def test_the_interpreter_sends_the_event_connect_sends() -> None:
    def shape(value: object) -> object:
        if isinstance(value, dict):
            return {key: shape(item) for key, item in value.items() if key not in ("Attributes", "Parameters")}
        return type(value).__name__ if value is not None else None

    sent = voice.connect_event("+525512345678", {"language": "es"}, {"folio": "1"})
    for name in ("voice_status", "voice_folio"):
        fixture = json.loads((FIXTURES / f"{name}.json").read_text("utf-8"))
        assert shape(sent) == shape(fixture)


def test_the_stack_puts_the_flow_into_connect_only_when_an_instance_is_given() -> None:
    from infra.aws import stack
    from infra.aws.stack import voice as voice_stack

    resources = stack.resources("prueba")
    connect = {
        logical_id: item
        for logical_id, item in resources.items()
        if "Connect" in logical_id or item.get("Type", "").startswith("AWS::Connect::")
    }
    assert {item["Type"] for item in connect.values()} == {
        "AWS::Lambda::Permission",
        "AWS::Connect::IntegrationAssociation",
        "AWS::Connect::ContactFlow",
    }
    assert all(item["Condition"] == voice_stack.CONDITION for item in connect.values())
    assert stack.parameters()[voice_stack.PARAMETER]["Default"] == ""
    assert voice_stack.CONDITION in stack.conditions()
    permissions = [item for item in connect.values() if item["Type"] == "AWS::Lambda::Permission"]
    assert {item["Properties"]["Principal"] for item in permissions} == {"connect.amazonaws.com"}
    text, substitutions = resources["StatusLineFlow"]["Properties"]["Content"]["Fn::Sub"]
    assert json.loads(text) == voice.load()
    assert set(substitutions) == voice.functions(voice.load())
