"""Verification of Cognito ID tokens with PyJWT: signature (JWKS, cached), issuer,
audience (the app client), expiry and token use.  Anything else is refused.

The RS256 signature is checked by the pure-Python ``rsa`` package (PKCS#1 v1.5 with
SHA-256, exactly what RS256 is) plugged into PyJWT as its RS256 algorithm, instead of
``cryptography``: the Lambda package stays ~4.7 MB smaller (docs/decisions.md).  Only
verification is needed here; Cognito signs.

PyJWT, ``rsa`` and ``requests`` are imported on first use, not with the app: the
step-handler functions share the entry point and never verify a token.

A token that passed every check is remembered (by its exact text, up to
``VERIFIED_KEPT`` tokens) until its ``exp``: a browser sends the same token with every
request for up to an hour, and re-checking its signature and claims each time cost
~0.5 ms of a ~10 ms read.  Expiry is still checked on every request; any other token,
tampered by one character, is a different text and is checked in full.
"""

from __future__ import annotations

import json
import threading
import time
import urllib.request
from collections.abc import Callable
from typing import Any

from chalicelib.core.errors import NotAuthenticated
from chalicelib.identity.principal import Principal

JWKS_TTL_SECONDS = 3600
# A token naming a key id the pool does not publish makes the key set be fetched again (the
# pool may have rotated its keys), but at most once a minute: else anyone could make every
# request download it.
JWKS_REFRESH_SECONDS = 60
VERIFIED_KEPT = 4096
ALGORITHM = "RS256"
REQUIRED_CLAIMS = ["exp", "iat", "iss", "aud", "token_use", "cognito:username"]


def _signature_checker() -> Any:
    """A PyJWS whose only algorithm is RS256 verified by ``rsa``."""
    import rsa
    from jwt.algorithms import Algorithm
    from jwt.api_jws import PyJWS

    class RsaRS256(Algorithm):
        def prepare_key(self, key: Any) -> Any:
            if not isinstance(key, rsa.PublicKey):
                raise TypeError("an rsa.PublicKey from the pool's JWKS is required")
            return key

        def sign(self, msg: bytes, key: Any) -> bytes:
            raise TypeError("this service verifies tokens; it never signs them")

        def verify(self, msg: bytes, key: Any, sig: bytes) -> bool:
            try:
                return bool(rsa.verify(msg, sig, key) == "SHA-256")
            except rsa.VerificationError:
                return False

        @staticmethod
        def to_jwk(key_obj: Any, as_dict: bool = False) -> Any:
            raise TypeError("not needed: keys come from the pool's JWKS")

        @staticmethod
        def from_jwk(jwk: str | dict[str, Any]) -> Any:
            raise TypeError("use public_key_from_jwk")

    checker = PyJWS(algorithms=[])
    checker.register_algorithm(ALGORITHM, RsaRS256())
    return checker


def public_key_from_jwk(jwk: dict[str, Any]) -> Any:
    import rsa
    from jwt.utils import base64url_decode

    if jwk.get("kty") != "RSA" or jwk.get("alg", ALGORITHM) != ALGORITHM:
        raise NotAuthenticated("the pool published a key this service does not accept")
    modulus = int.from_bytes(base64url_decode(jwk["n"]), "big")
    exponent = int.from_bytes(base64url_decode(jwk["e"]), "big")
    return rsa.PublicKey(modulus, exponent)


def now() -> float:
    """Real time, as Cognito's: never the platform's clock, which tests move to run legal
    deadlines and quiet hours."""
    return time.time()


def fetch_json(url: str) -> Any:
    """GET a JSON document: the standard library's client, since one small GET now and
    then needs no HTTP package in the Lambda zip (an HTTP error status raises)."""
    with urllib.request.urlopen(url, timeout=5) as response:
        return json.load(response)


def _signed_in_at(claims: dict[str, Any]) -> int | None:
    """When the person typed their password: ``auth_time`` (a refreshed token keeps the
    sign-in's), else the token's ``iat``."""
    for claim in ("auth_time", "iat"):
        value = claims.get(claim)
        if isinstance(value, int | float) and not isinstance(value, bool):
            return int(value)
    return None


class TokenVerifier:
    def __init__(self, jwks_url: str, issuer: str, audience: str, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._jwks_url = jwks_url
        self._issuer = issuer
        self._audience = audience
        self._keys: dict[str, Any] = {}
        self._fetched_at: float | None = None  # never yet
        self._lock = threading.Lock()
        self._checker: Any = None
        self._verified: dict[str, tuple[Principal, float]] = {}  # token -> (principal, exp)

    def _key(self, kid: str) -> Any:
        with self._lock:
            age = self._clock() - self._fetched_at if self._fetched_at is not None else None
            if age is None or age > JWKS_TTL_SECONDS or (kid not in self._keys and age > JWKS_REFRESH_SECONDS):
                published = fetch_json(self._jwks_url)
                self._keys = {jwk["kid"]: public_key_from_jwk(jwk) for jwk in published["keys"]}
                self._fetched_at = self._clock()
            if kid not in self._keys:
                raise NotAuthenticated("the token was signed by an unknown key")
            if self._checker is None:
                self._checker = _signature_checker()
            return self._keys[kid]

    def verify(self, token: str) -> Principal:
        known = self._verified.get(token)
        if known and now() < known[1]:
            return known[0]
        principal, expires = self._verify(token)
        with self._lock:
            if len(self._verified) >= VERIFIED_KEPT:
                self._verified.pop(next(iter(self._verified)))  # the oldest first
            self._verified[token] = (principal, expires)
        return principal

    def _verify(self, token: str) -> tuple[Principal, float]:
        import jwt

        try:
            header = jwt.get_unverified_header(token)
            if header.get("alg") != ALGORITHM:
                raise NotAuthenticated("the token's algorithm is not accepted")
            key = self._key(str(header.get("kid")))
            self._checker.decode_complete(token, key=key, algorithms=[ALGORITHM])
            # the signature holds; now the claims, with PyJWT's own checks
            claims = jwt.decode(
                token,
                algorithms=[ALGORITHM],
                audience=self._audience,
                issuer=self._issuer,
                options={
                    "verify_signature": False,
                    "verify_exp": False,
                    "verify_iat": True,
                    "verify_aud": True,
                    "verify_iss": True,
                    "require": REQUIRED_CLAIMS,
                },
            )
        except jwt.PyJWTError as error:
            raise NotAuthenticated(f"the token is not valid ({error.__class__.__name__})") from None
        if not isinstance(claims["exp"], int | float) or isinstance(claims["exp"], bool):
            raise NotAuthenticated("the token is not valid (its exp is not a time)")
        if claims["exp"] <= now():
            raise NotAuthenticated("the token has expired; sign in again")
        if claims.get("token_use") != "id":
            raise NotAuthenticated("an ID token is required")
        name = claims.get("name")
        principal = Principal(
            username=claims["cognito:username"],
            groups=frozenset(claims.get("cognito:groups", [])),
            name=name if isinstance(name, str) else None,
            signed_in_at=_signed_in_at(claims),
        )
        return principal, float(claims["exp"])
