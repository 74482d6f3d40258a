"""A cursor opens only for the list and the caller it was sealed for, and only as sealed."""

import pytest

from chalicelib.core.cursors import Cursors
from chalicelib.core.errors import ValidationFailed

SCOPE = "GET /agencies/{agency}/reviews [('agency', 'SEMOVI')] [] ana"
POSITION = {"pk": "REVIEW#abc", "sk": "REVIEW", "gsi2pk": "QUEUE#SEMOVI", "gsi2sk": "2026-12-01T05:59:59Z#x#abc"}


@pytest.fixture
def cursors() -> Cursors:
    return Cursors(lambda: b"k" * 32)


def refused(action) -> ValidationFailed:
    with pytest.raises(ValidationFailed) as raised:
        action()
    assert raised.value.code == "invalid_cursor"
    assert raised.value.details == [{"field": "cursor", "message": raised.value.details[0]["message"]}]
    return raised.value


def test_a_sealed_cursor_opens_to_its_position(cursors: Cursors) -> None:
    assert cursors.open(SCOPE, cursors.seal(SCOPE, POSITION)) == POSITION


def test_another_caller_or_list_is_refused(cursors: Cursors) -> None:
    cursor = cursors.seal(SCOPE, POSITION)
    refused(lambda: cursors.open(SCOPE.replace(" ana", " beto"), cursor))
    refused(lambda: cursors.open(SCOPE.replace("SEMOVI", "SAT"), cursor))


def test_an_altered_cursor_is_refused(cursors: Cursors) -> None:
    cursor = cursors.seal(SCOPE, POSITION)
    body, mac = cursor.split(".")
    other = cursors.seal(SCOPE, {**POSITION, "gsi2sk": "2020"}).split(".")[0]
    refused(lambda: cursors.open(SCOPE, f"{other}.{mac}"))
    refused(lambda: cursors.open(SCOPE, f"{body}.{mac[:-2]}AA"))
    for garbage in ("", ".", "abc", "é.é", "x" * 3000, f"{body}.", f".{mac}"):
        refused(lambda garbage=garbage: cursors.open(SCOPE, garbage))


def test_a_cursor_of_another_deployment_is_refused(cursors: Cursors) -> None:
    refused(lambda: cursors.open(SCOPE, Cursors(lambda: b"z" * 32).seal(SCOPE, POSITION)))
