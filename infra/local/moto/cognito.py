"""Give the embedded Cognito the ``RevokeToken`` action (local stack and tests only).

Signing out of a shared screen must end the session in Cognito, not only in the browser:
``RevokeToken`` (the app client's ID and a refresh token) revokes that refresh token, and
from then on ``InitiateAuth`` with ``REFRESH_TOKEN_AUTH`` refuses it with
``NotAuthorizedException``.  moto 5.2.5 answers ``GlobalSignOut`` and
``AdminUserGlobalSignOut`` but not ``RevokeToken``; ``revoke_token`` adds the action with
AWS's rules:

- the token is revoked only for the client it was issued to; another client's ID is
  refused with ``NotAuthorizedException`` and the token keeps working;
- a client whose ``EnableTokenRevocation`` is off is refused with
  ``UnsupportedOperationException`` (on by default, as on AWS);
- a token already revoked, or never issued, is answered with success (revoking is
  idempotent, as RFC 7009 asks).

The access tokens issued from the refresh token are not tracked by moto per refresh token
and are left alone: the API verifies ID tokens by their signature, which no revocation
changes on AWS either (see docs/decisions.md, "Sign-out revokes the refresh token").

It adds a method to moto's Cognito responder; the pinned moto version and
``tests/infra/test_moto_cognito.py`` guard it (the test fails if moto gains its own
``RevokeToken`` or if the hook points move).
"""

from __future__ import annotations

from typing import Any

ACTION = "revoke_token"  # what moto's responder looks up for X-Amz-Target ...RevokeToken


def revoke_token() -> None:
    from moto.cognitoidp.exceptions import NotAuthorizedError, ResourceNotFoundError
    from moto.cognitoidp.responses import CognitoIdpResponse
    from moto.core.exceptions import JsonRESTError
    from moto.core.responses import EmptyResult

    if getattr(getattr(CognitoIdpResponse, ACTION, None), "_ventanilla", False):
        return

    def revoke(self: Any) -> Any:
        token = self._get_param("Token")
        client_id = self._get_param("ClientId")
        for pool in self.backend.user_pools.values():
            client = pool.clients.get(client_id)
            if client is None:
                continue
            if not client.extended_config.get("EnableTokenRevocation", True):
                raise JsonRESTError("UnsupportedOperationException", "Token revocation is not enabled for this client")
            issued = pool.refresh_tokens.get(token)
            if issued is not None and issued[0] != client_id:
                raise NotAuthorizedError("The token was not issued to this client")
            if token in pool.refresh_tokens:
                pool.refresh_tokens[token] = None  # what moto's sign-out marks as revoked
            return EmptyResult()
        raise ResourceNotFoundError(client_id)

    revoke._ventanilla = True  # type: ignore[attr-defined]
    setattr(CognitoIdpResponse, ACTION, revoke)
