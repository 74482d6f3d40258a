"""A call-centre agent is an assistant who helps by phone: same centres' checks, its own
role, and an actor that names the channel."""

from __future__ import annotations

from chalicelib.identity.principal import AGENT, ASSISTANT, Principal


def test_a_call_centre_agent_has_the_agent_role_and_helps_by_phone() -> None:
    agent = Principal("agente", frozenset({"callcentre-LINEA"}), name="Rosa")
    assert agent.roles == {AGENT} and agent.assistant_at == {"LINEA"} and agent.holder is None
    assert agent.channel_at("LINEA") == "phone"
    assert agent.describe() == {"kind": "agent", "id": "agente", "name": "Rosa", "centre": "LINEA", "channel": "phone"}


def test_someone_at_both_kinds_of_centre_is_told_apart_by_the_centre() -> None:
    both = Principal("mixta", frozenset({"assistant-CDC", "callcentre-LINEA"}))
    assert both.roles == {ASSISTANT, AGENT} and both.assistant_at == {"CDC", "LINEA"}
    assert (both.channel_at("CDC"), both.channel_at("LINEA")) == ("centre", "phone")
    assert both.describe()["kind"] == "assistant" and both.describe()["centre"] == "CDC"
