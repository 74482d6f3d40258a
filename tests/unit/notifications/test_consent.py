"""STOP replies: what opts a phone out, of one agency or of everything."""

from __future__ import annotations

import pytest

from chalicelib.notifications.consent import StopRequest, parse_reply


@pytest.mark.parametrize(
    "text",
    ["STOP", "stop", "Stop", "BAJA", "baja", "Bája", "ALTO", "altó", "ÁLTO", " stop. ", "¡Alto!", "BAJA\n", "stóp"],
)
def test_a_keyword_opts_out_of_the_agency(text: str) -> None:
    reply = parse_reply(text)
    assert reply is not None and reply.everything is False


@pytest.mark.parametrize(
    "text",
    ["STOP TODO", "stop todo", "Baja todos", "ALTO TODO!", "STOP ALL", "stóp tódo", "  baja   todo  ", "BAJA, TODO"],
)
def test_todo_opts_out_of_everything(text: str) -> None:
    reply = parse_reply(text)
    assert reply is not None and reply.everything is True


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "hola",
        "STOPS",
        "BAJAR",
        "no stop",
        "stop the messages please",
        "gracias, alto",
        "STOP TODO YA",
        None,
        5,
    ],
)
def test_anything_else_is_not_a_keyword(text: object) -> None:
    assert parse_reply(text) is None


def test_the_keyword_is_recorded_without_accents() -> None:
    assert parse_reply("bája tódo") == StopRequest("BAJA TODO", everything=True)
