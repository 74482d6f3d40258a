"""Línea de captura: the number a citizen copies onto a bank form."""

from __future__ import annotations

from datetime import date

import pytest

from chalicelib.payments.reference import check_digits, formatted, is_valid_reference, new_reference

BODY = "260130" + "407215938661"
REFERENCE = BODY + check_digits(BODY)


def test_a_new_reference_is_twenty_digits_starting_with_the_issue_date_and_valid() -> None:
    reference = new_reference(date(2026, 1, 30))
    assert len(reference) == 20
    assert reference.isascii() and reference.isdigit()
    assert reference.startswith("260130")
    assert is_valid_reference(reference)


def test_the_fixed_reference_used_below_is_valid() -> None:
    assert is_valid_reference(REFERENCE)


def test_every_single_digit_mistake_is_detected() -> None:
    mistyped = [
        REFERENCE[:i] + digit + REFERENCE[i + 1 :] for i in range(20) for digit in "0123456789" if digit != REFERENCE[i]
    ]
    assert len(mistyped) == 20 * 9
    assert [wrong for wrong in mistyped if is_valid_reference(wrong)] == []


def test_every_swap_of_two_neighbouring_digits_is_detected() -> None:
    swapped = [
        REFERENCE[:i] + REFERENCE[i + 1] + REFERENCE[i] + REFERENCE[i + 2 :]
        for i in range(19)
        if REFERENCE[i] != REFERENCE[i + 1]
    ]
    assert len(swapped) >= 15
    assert [wrong for wrong in swapped if is_valid_reference(wrong)] == []


@pytest.mark.parametrize(
    "value",
    [
        REFERENCE[:19],
        REFERENCE + "0",
        REFERENCE[:-1] + "X",
        REFERENCE + "\n",
        " " + REFERENCE,
        formatted(REFERENCE),
        REFERENCE.replace("2", "٢"),  # Arabic-Indic digits
        int(REFERENCE),
        None,
    ],
)
def test_anything_else_is_not_a_reference(value: object) -> None:
    assert not is_valid_reference(value)


def test_formatted_groups_the_digits_in_fours_for_the_printed_slip() -> None:
    assert formatted("26013040721593866123") == "2601 3040 7215 9386 6123"
    assert formatted(REFERENCE).replace(" ", "") == REFERENCE
