"""The user pool's key set: fetched once, again after an hour, and for a token naming a
key id it does not hold at most once a minute (the pool may have rotated its keys; anyone
else sending unknown key ids must not make every request download it)."""

from __future__ import annotations

from typing import Any

import pytest
import rsa
from jwt.utils import base64url_encode

from chalicelib.core.errors import NotAuthenticated
from chalicelib.identity import tokens


def jwk(kid: str) -> dict[str, str]:
    public, _ = rsa.newkeys(512)
    as_b64 = lambda number: base64url_encode(number.to_bytes((number.bit_length() + 7) // 8, "big")).decode()  # noqa: E731
    return {"kty": "RSA", "alg": "RS256", "kid": kid, "n": as_b64(public.n), "e": as_b64(public.e)}


def test_an_unknown_key_id_fetches_the_key_set_at_most_once_a_minute(monkeypatch: pytest.MonkeyPatch) -> None:
    published: dict[str, Any] = {"keys": [jwk("first")]}
    fetched: list[str] = []

    def fetch(url: str) -> dict[str, Any]:
        fetched.append(url)
        return published

    monkeypatch.setattr(tokens, "fetch_json", fetch)
    clock = [5.0]  # a fresh container's monotonic clock starts small
    verifier = tokens.TokenVerifier("https://pool/jwks", "issuer", "audience", clock=lambda: clock[0])

    assert verifier._key("first") is not None
    for _ in range(3):
        with pytest.raises(NotAuthenticated):
            verifier._key("forged")
    assert len(fetched) == 1

    published = {"keys": [jwk("first"), jwk("rotated")]}  # the pool rotates its keys
    clock[0] += 61
    assert verifier._key("rotated") is not None
    with pytest.raises(NotAuthenticated):
        verifier._key("forged")
    assert len(fetched) == 2
    clock[0] += 3601
    verifier._key("first")
    assert len(fetched) == 3
