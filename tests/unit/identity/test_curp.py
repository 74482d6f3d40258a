"""CURP and RFC: what the single citizen record accepts as a key, and what it reads from it."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chalicelib.core.errors import ValidationFailed
from chalicelib.identity.curp import STATES, curp_check_digit, is_curp, parse_curp, parse_rfc, rfc_check_digit

RENAPO_EXAMPLE = "HEGG560427MVZRRL04"
DEMO_CURPS = ["GOMC800101MDFMRR00", "HERJ751120HOCRMN07", "LOPA100315HJCPRNA7"]


def with_check_digit(first17: str) -> str:
    return first17 + curp_check_digit(first17)


def rejection(value: object) -> str:
    with pytest.raises(ValidationFailed) as caught:
        parse_curp(value)
    assert caught.value.code == "invalid_curp"
    assert caught.value.details == [{"field": "curp", "message": caught.value.message.removeprefix("curp: ")}]
    return caught.value.message


# --- CURP: accepted -------------------------------------------------------------------


@pytest.mark.parametrize("curp", [RENAPO_EXAMPLE, *DEMO_CURPS])
def test_published_and_demo_curps_are_valid(curp: str) -> None:
    assert parse_curp(curp).curp == curp
    assert is_curp(curp)


@pytest.mark.parametrize("typed", ["hegg560427mvzrrl04", "  HEGG560427MVZRRL04  ", "\tHegg560427mVZrrl04\n"])
def test_lowercase_and_surrounding_whitespace_are_normalised(typed: str) -> None:
    assert parse_curp(typed).curp == RENAPO_EXAMPLE


# --- CURP: rejected -------------------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    [
        "",
        "HEGG560427MVZRRL0",  # 17 characters
        "HEGG560427MVZRRL045",  # 19 characters
        "H3GG560427MVZRRL04",  # digit among the name letters
        "HBGG560427MVZRRL04",  # second character must be a vowel (or X)
        "HEGG560427QVZRRL04",  # sex is H, M or X
        "HEGG561327MVZRRL04",  # month 13
        "HEGG560400MVZRRL04",  # day 00
        "HEGG560427MVZRAL04",  # internal consonants cannot be vowels
        "HEGG560427MVZRRL0A",  # the check character is a digit
        "HEGG 560427MVZRRL04",
    ],
)
def test_malformed_text_is_not_a_curp(value: str) -> None:
    assert "is not a CURP" in rejection(value)
    assert not is_curp(value)


@pytest.mark.parametrize("value", [None, 560427, ["HEGG560427MVZRRL04"]])
def test_a_value_that_is_not_text_is_refused_not_crashed_on(value: object) -> None:
    assert "must be a text of 18 characters" in rejection(value)


@pytest.mark.parametrize(
    "first17",
    [
        "HEGG560231MVZRRL0",  # 31 February
        "HEGG560431MVZRRL0",  # 31 April
        "HEGG000229MVZRRL0",  # 29 February 1900 (the digit in position 17 says 19xx; 1900 was not a leap year)
        "HEGG010229MVZRRLA",  # 29 February 2001
    ],
)
def test_impossible_birth_dates_are_refused_even_with_a_right_check_digit(first17: str) -> None:
    assert "impossible birth date" in rejection(with_check_digit(first17))


def test_29_february_2000_exists_because_a_letter_in_position_17_means_2000s() -> None:
    assert parse_curp(with_check_digit("HEGG000229MVZRRLA")).birth_date == date(2000, 2, 29)


@pytest.mark.parametrize("state", ["ZZ", "XX", "MX"])
def test_unknown_state_codes_are_refused(state: str) -> None:
    assert f"unknown state code {state!r}" in rejection(with_check_digit(f"HEGG560427M{state}RRL0"))


@pytest.mark.parametrize("last", "0123456789".replace("4", ""))
def test_any_other_check_digit_is_refused(last: str) -> None:
    assert "wrong check digit" in rejection(RENAPO_EXAMPLE[:17] + last)


@pytest.mark.parametrize("value", ["HEGG٥٦0427MVZRRL04", "HEGG５６0427MVZRRL04", "HEGG560427MVZRRL0٤"])
def test_non_ascii_digits_are_refused_not_crashed_on(value: str) -> None:
    assert "is not a CURP" in rejection(value)
    assert not is_curp(value)


# --- CURP: facts ----------------------------------------------------------------------


def test_facts_of_renapos_example() -> None:
    facts = parse_curp(RENAPO_EXAMPLE)
    assert facts.birth_date == date(1956, 4, 27)
    assert facts.sex == "M"
    assert facts.birth_state == "VZ"
    assert STATES[facts.birth_state] == "Veracruz"
    assert facts.initials == "H.G.G."


@pytest.mark.parametrize(
    ("curp", "born", "sex", "state", "initials"),
    [
        ("GOMC800101MDFMRR00", date(1980, 1, 1), "M", "DF", "G.M.C."),
        ("HERJ751120HOCRMN07", date(1975, 11, 20), "H", "OC", "H.R.J."),
        ("LOPA100315HJCPRNA7", date(2010, 3, 15), "H", "JC", "L.P.A."),
    ],
)
def test_facts_of_demo_curps(curp: str, born: date, sex: str, state: str, initials: str) -> None:
    facts = parse_curp(curp)
    assert (facts.birth_date, facts.sex, facts.birth_state, facts.initials) == (born, sex, state, initials)


@pytest.mark.parametrize(("century_character", "year"), [("0", 1956), ("9", 1956), ("A", 2056), ("Z", 2056)])
def test_the_17th_character_decides_the_century(century_character: str, year: int) -> None:
    assert parse_curp(with_check_digit(f"HEGG560427MVZRRL{century_character}")).birth_date.year == year


@pytest.mark.parametrize(
    ("day", "age"),
    [
        (date(2028, 3, 14), 17),  # the day before the 18th birthday
        (date(2028, 3, 15), 18),  # the birthday itself
        (date(2028, 3, 16), 18),
        (date(2029, 3, 14), 18),
        (date(2010, 3, 15), 0),
    ],
)
def test_age_on_turns_over_on_the_birthday(day: date, age: int) -> None:
    assert parse_curp("LOPA100315HJCPRNA7").age_on(day) == age


def test_someone_born_on_29_february_comes_of_age_on_1_march_in_a_common_year() -> None:
    facts = parse_curp(with_check_digit("HEGG000229MVZRRLA"))
    assert facts.age_on(date(2018, 2, 28)) == 17
    assert facts.age_on(date(2018, 3, 1)) == 18


# --- CURP: property -------------------------------------------------------------------

LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
CONSONANTS = "BCDFGHJKLMNPQRSTVWXYZ"


@st.composite
def valid_curps(draw: st.DrawFn) -> str:
    born = draw(st.dates(min_value=date(1900, 1, 1), max_value=date(2099, 12, 31)))
    century = draw(st.sampled_from("0123456789" if born.year < 2000 else LETTERS))
    first17 = (
        draw(st.sampled_from(LETTERS))
        + draw(st.sampled_from("AEIOUX"))
        + draw(st.text(LETTERS, min_size=2, max_size=2))
        + born.strftime("%y%m%d")
        + draw(st.sampled_from("HMX"))
        + draw(st.sampled_from(sorted(STATES)))
        + draw(st.text(CONSONANTS, min_size=3, max_size=3))
        + century
    )
    return with_check_digit(first17)


@settings(deadline=None, database=None)
@given(curp=valid_curps(), other=st.integers(min_value=1, max_value=9))
def test_any_curp_built_from_valid_parts_parses_and_a_changed_check_digit_breaks_it(curp: str, other: int) -> None:
    facts = parse_curp(curp)
    assert facts.curp == curp
    assert facts.birth_date.strftime("%y%m%d") == curp[4:10]
    tampered = curp[:17] + str((int(curp[17]) + other) % 10)
    assert not is_curp(tampered)


# --- RFC ------------------------------------------------------------------------------


@pytest.mark.parametrize(("rfc", "length"), [("GODE561231GR8", 13), ("SAT970701NN3", 12)])
def test_valid_rfcs_of_a_person_and_a_company(rfc: str, length: int) -> None:
    assert len(rfc) == length
    assert parse_rfc(rfc) == rfc


def test_rfc_is_normalised() -> None:
    assert parse_rfc("  gode561231gr8 ") == "GODE561231GR8"


@pytest.mark.parametrize("rfc", ["GODE561231GR9", "SAT970701NN4", "GODE561231GRA"])
def test_rfc_with_a_wrong_check_digit_is_refused(rfc: str) -> None:
    with pytest.raises(ValidationFailed, match="wrong check digit") as caught:
        parse_rfc(rfc)
    assert caught.value.code == "invalid_rfc"


@pytest.mark.parametrize("body", ["GODE560230GR", "SAT970431NN"])
def test_rfc_with_an_impossible_date_is_refused(body: str) -> None:
    with pytest.raises(ValidationFailed, match="impossible date"):
        parse_rfc(body + rfc_check_digit(body))


@pytest.mark.parametrize(
    "value",
    [
        "SA970701NN3",  # 11 characters: too few letters
        "GODEX561231GR8",  # 14 characters
        "GODE561331GR8",  # month 13
        "GODE56123GR8",
        "GODE٥٦1231GR8",
        None,
    ],
)
def test_text_that_is_not_an_rfc_is_refused(value: object) -> None:
    with pytest.raises(ValidationFailed) as caught:
        parse_rfc(value)
    assert caught.value.code == "invalid_rfc"
