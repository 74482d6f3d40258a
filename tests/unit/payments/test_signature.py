"""Signed bank webhooks: only the bank, and only now, can confirm a payment."""

from __future__ import annotations

import hashlib
import hmac
import time

import pytest

from chalicelib.core.errors import NotAuthenticated
from chalicelib.payments.signature import TOLERANCE_SECONDS, sign, verify

SECRET = "bank-shared-secret"
BODY = b'{"reference":"26013040721593866123","amount":"1016.00","status":"paid"}'
SIGNED_AT = 1_769_796_000  # 2026-01-30T18:00:00Z


def refusal(header: str | None, body: bytes = BODY, secret: str = SECRET, now: float | None = SIGNED_AT) -> str:
    with pytest.raises(NotAuthenticated) as caught:
        verify(secret, body, header, now=now)
    return caught.value.code


def accepts(header: str, body: bytes = BODY, secret: str = SECRET, now: float | None = SIGNED_AT) -> bool:
    """Whether ``verify`` returns normally (the webhook goes on) rather than refusing."""
    try:
        verify(secret, body, header, now=now)
    except NotAuthenticated:
        return False
    return True


def test_a_signed_body_verifies() -> None:
    header = sign(SECRET, BODY, timestamp=SIGNED_AT)
    expected = hmac.new(SECRET.encode(), f"{SIGNED_AT}.".encode() + BODY, hashlib.sha256).hexdigest()
    assert header == f"t={SIGNED_AT},v1={expected}"
    assert accepts(header)
    # The same header is bound to this body, this secret and this time: if verify accepted
    # anything, these would pass too.
    assert refusal(header, body=BODY + b" ") == "signature_invalid"
    assert refusal(header, secret=SECRET + "x") == "signature_invalid"
    assert refusal(header, now=SIGNED_AT + TOLERANCE_SECONDS + 1) == "signature_expired"


def test_a_header_signed_now_verifies_now() -> None:
    before = int(time.time())
    header = sign(SECRET, BODY)
    stamp = int(header.split(",")[0].removeprefix("t="))
    assert before <= stamp <= time.time()
    assert accepts(header, now=None)
    # Without ``now``, verify reads the clock: a header from an hour ago is refused the same way.
    assert refusal(sign(SECRET, BODY, timestamp=stamp - 3600), now=None) == "signature_expired"
    assert refusal(header, body=b"{}", now=None) == "signature_invalid"


@pytest.mark.parametrize("offset", [-TOLERANCE_SECONDS, -1, 1, TOLERANCE_SECONDS])
def test_a_signature_within_five_minutes_is_accepted(offset: int) -> None:
    header = sign(SECRET, BODY, timestamp=SIGNED_AT)
    assert accepts(header, now=SIGNED_AT + offset)
    # At the edges of the window, one second further out the same header is refused.
    beyond = offset + (1 if offset > 0 else -1)
    if abs(beyond) > TOLERANCE_SECONDS:
        assert refusal(header, now=SIGNED_AT + beyond) == "signature_expired"
    assert refusal(header, body=BODY.upper(), now=SIGNED_AT + offset) == "signature_invalid"


@pytest.mark.parametrize("offset", [TOLERANCE_SECONDS + 1, 3600, -(TOLERANCE_SECONDS + 1), -3600])
def test_a_signature_older_or_newer_than_five_minutes_is_refused(offset: int) -> None:
    assert refusal(sign(SECRET, BODY, timestamp=SIGNED_AT), now=SIGNED_AT + offset) == "signature_expired"


def test_a_tampered_body_is_refused() -> None:
    header = sign(SECRET, BODY, timestamp=SIGNED_AT)
    assert refusal(header, body=BODY.replace(b"1016.00", b"1.00")) == "signature_invalid"


def test_a_wrong_secret_is_refused() -> None:
    assert refusal(sign("someone-else", BODY, timestamp=SIGNED_AT)) == "signature_invalid"


def test_moving_the_timestamp_of_a_captured_signature_is_refused() -> None:
    captured = sign(SECRET, BODY, timestamp=SIGNED_AT - 3600)
    replayed = captured.replace(f"t={SIGNED_AT - 3600}", f"t={SIGNED_AT}")
    assert refusal(replayed) == "signature_invalid"


@pytest.mark.parametrize("header", [None, ""])
def test_a_missing_header_is_refused(header: str | None) -> None:
    assert refusal(header) == "signature_missing"


@pytest.mark.parametrize(
    "header",
    [
        "garbage",
        f"t={SIGNED_AT}",
        "v1=" + "0" * 64,
        "t=yesterday,v1=" + "0" * 64,
        f"t={SIGNED_AT}, v1=" + "0" * 64,
        f"t={SIGNED_AT},v1=",
        f"t={SIGNED_AT},v1=" + "0" * 64,
        f"t={SIGNED_AT},v1=" + "é" * 64,
    ],
)
def test_a_malformed_header_is_refused_not_crashed_on(header: str) -> None:
    assert refusal(header) == "signature_invalid"
