"""CURP and RFC under hostile text: any input is either a key or a ``ValidationFailed``
naming the field — never another exception — and look-alike characters (full-width or
other scripts' digits, Cyrillic letters, combining marks) never pass as a key."""

from __future__ import annotations

from datetime import date

from hypothesis import example, given, settings
from hypothesis import strategies as st

from chalicelib.core.errors import ValidationFailed
from chalicelib.identity.curp import is_curp, parse_curp, parse_rfc, rfc_check_digit
from tests.unit.identity.test_curp import valid_curps

FUZZ = settings(max_examples=300, deadline=None, database=None, derandomize=True)
ANYTHING = st.one_of(
    st.text(),
    st.text(alphabet="0123456789ABCDEFGHIJKLMNÑOPQRSTUVWXYZ&", min_size=10, max_size=20),
    st.none(),
    st.integers(),
    st.binary(),
)
FULL_WIDTH = {ord(c): chr(ord(c) - ord("0") + ord("０")) for c in "0123456789"}
LOOK_ALIKES = {
    ord("A"): "А",
    ord("E"): "Е",
    ord("O"): "О",
    ord("0"): "٠",
    ord("1"): "١",
}  # Cyrillic A E O, Arabic-Indic 0 1


def refused(parse: object, value: object, field: str) -> bool:
    try:
        parse(value)  # type: ignore[operator]
    except ValidationFailed as error:
        assert error.details and error.details[0]["field"] == field
        return True
    return False


@FUZZ
@given(value=ANYTHING)
@example("GOMC800101MDFMRR00\n")
@example("GOMC800101MDFMRR0\u0660")
@example("ß" * 9)
def test_any_value_is_a_curp_or_a_clear_refusal(value: object) -> None:
    if not refused(parse_curp, value, "curp"):
        facts = parse_curp(value)
        assert len(facts.curp) == 18 and facts.curp.isascii() and facts.curp == facts.curp.upper()
        assert is_curp(value)


@FUZZ
@given(curp=valid_curps(), spacing=st.sampled_from(["", " ", "\t", "\n "]))
def test_look_alike_characters_never_pass_as_a_curp(curp: str, spacing: str) -> None:
    assert parse_curp(f"{spacing}{curp.lower()}{spacing}").curp == curp
    for twisted in (curp.translate(FULL_WIDTH), curp.translate(LOOK_ALIKES), curp[:5] + "\u0301" + curp[5:]):
        if twisted != curp:
            assert refused(parse_curp, twisted, "curp"), twisted


@st.composite
def valid_rfcs(draw: st.DrawFn) -> str:
    name = draw(st.text("ABCDEFGHIJKLMNÑOPQRSTUVWXYZ&", min_size=3, max_size=4))
    day = draw(st.dates(min_value=date(2000, 1, 1), max_value=date(2099, 12, 31)))
    body = name + day.strftime("%y%m%d") + draw(st.text("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", min_size=2, max_size=2))
    return body + rfc_check_digit(body)


@FUZZ
@given(value=ANYTHING)
def test_any_value_is_an_rfc_or_a_clear_refusal(value: object) -> None:
    if not refused(parse_rfc, value, "rfc"):
        rfc = parse_rfc(value)
        assert len(rfc) in (12, 13) and rfc == rfc.upper()


@FUZZ
@given(rfc=valid_rfcs())
def test_any_rfc_built_from_valid_parts_parses_and_look_alikes_do_not(rfc: str) -> None:
    assert parse_rfc(rfc) == rfc
    assert refused(parse_rfc, rfc.translate(FULL_WIDTH), "rfc") or rfc.translate(FULL_WIDTH) == rfc
