"""Verification of Cognito ID tokens with PyJWT: signature (JWKS, cached), issuer,
audience (the app client), expiry and token use.  Anything else is refused.

PyJWT (with ``cryptography`` behind it) and ``requests`` are imported on first use,
not with the app: the seven step-handler functions share the entry point and never
verify a token, and the import cost ~80 ms of each of their cold starts.
"""

from __future__ import annotations

import threading
import time
from typing import Any

from chalicelib.core.errors import NotAuthenticated
from chalicelib.identity.principal import Principal

JWKS_TTL_SECONDS = 3600
_ALGORITHMS = ["RS256"]


class TokenVerifier:
    def __init__(self, jwks_url: str, issuer: str, audience: str) -> None:
        self._jwks_url = jwks_url
        self._issuer = issuer
        self._audience = audience
        self._keys: dict[str, Any] = {}
        self._fetched_at = 0.0
        self._lock = threading.Lock()

    def _key(self, kid: str) -> Any:
        import jwt
        import requests

        with self._lock:
            stale = time.monotonic() - self._fetched_at > JWKS_TTL_SECONDS
            if stale or kid not in self._keys:
                response = requests.get(self._jwks_url, timeout=5)
                response.raise_for_status()
                self._keys = {jwk["kid"]: jwt.PyJWK(jwk).key for jwk in response.json()["keys"]}
                self._fetched_at = time.monotonic()
            if kid not in self._keys:
                raise NotAuthenticated("the token was signed by an unknown key")
            return self._keys[kid]

    def verify(self, token: str) -> Principal:
        import jwt

        try:
            header = jwt.get_unverified_header(token)
            if header.get("alg") not in _ALGORITHMS:
                raise NotAuthenticated("the token's algorithm is not accepted")
            claims = jwt.decode(
                token,
                key=self._key(str(header.get("kid"))),
                algorithms=_ALGORITHMS,
                audience=self._audience,
                issuer=self._issuer,
                options={"require": ["exp", "iat", "iss", "aud", "token_use", "cognito:username"]},
            )
        except jwt.ExpiredSignatureError:
            raise NotAuthenticated("the token has expired; sign in again") from None
        except jwt.PyJWTError as error:
            raise NotAuthenticated(f"the token is not valid ({error.__class__.__name__})") from None
        if claims.get("token_use") != "id":
            raise NotAuthenticated("an ID token is required")
        return Principal(username=claims["cognito:username"], groups=frozenset(claims.get("cognito:groups", [])))
