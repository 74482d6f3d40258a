"""The folio telefónico: numeric, one-to-one with the id, refused on a wrong check digit."""

from __future__ import annotations

import random

import pytest

from chalicelib.core.ids import (
    ALPHABET,
    APPLICATION_ID_LENGTH,
    FOLIO_LENGTH,
    application_id_of,
    folio_shape,
    phone_folio,
    verhoeff_digit,
    verhoeff_valid,
)


def test_a_folio_is_17_digits_and_names_its_application_again() -> None:
    rng = random.Random(21)
    for _ in range(500):
        application_id = "".join(rng.choice(ALPHABET) for _ in range(APPLICATION_ID_LENGTH))
        folio = phone_folio(application_id)
        assert len(folio) == FOLIO_LENGTH and folio.isdigit()
        assert folio_shape(folio) is None
        assert application_id_of(folio) == application_id


def test_the_extreme_ids_have_folios() -> None:
    assert phone_folio("0000000000") == "0000000000000000" + verhoeff_digit("0000000000000000")
    assert application_id_of(phone_folio("ZZZZZZZZZZ")) == "ZZZZZZZZZZ"


def test_the_check_digit_catches_every_wrong_digit_and_every_swap_of_neighbours() -> None:
    folio = phone_folio("8Q9FQ5PXS4")
    for place in range(FOLIO_LENGTH):
        for digit in "0123456789":
            typo = folio[:place] + digit + folio[place + 1 :]
            assert typo == folio or folio_shape(typo) == "check_digit"
    for place in range(FOLIO_LENGTH - 1):
        swapped = folio[:place] + folio[place + 1] + folio[place] + folio[place + 2 :]
        assert swapped == folio or folio_shape(swapped) == "check_digit"


def test_verhoeff_matches_the_published_example() -> None:
    assert verhoeff_digit("236") == "3"
    assert verhoeff_valid("2363")
    assert not verhoeff_valid("2336")


@pytest.mark.parametrize("typed", ["", "123", "0307089865668388", "030708986566838870", "0307089865668388A", "٣" * 17])
def test_anything_but_17_digits_is_no_folio(typed: str) -> None:
    assert folio_shape(typed) == "length"


def test_a_number_beyond_every_id_is_refused_like_a_wrong_check_digit() -> None:
    digits = "9" * 16
    assert folio_shape(digits + verhoeff_digit(digits)) == "check_digit"
