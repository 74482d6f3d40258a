"""Sign-ins a takeover ended.

When the holder of a CURP's e.firma takes over an account someone else opened with that
CURP, Cognito stops the earlier sign-in from being renewed (new password, refresh tokens
revoked), but an ID token it already issued stays valid, by its signature, until it
expires (up to an hour).  So the record remembers when it was taken over
(``signed_in_after``, on the profile and on every application it held) and a citizen's
request is refused when the sign-in it carries is older.  The check is made on the item
the request reads anyway, so it costs no extra read (docs/decisions.md).
"""

from __future__ import annotations

import time

from chalicelib.core.errors import NotAuthenticated
from chalicelib.identity.principal import Principal

ENDED = "session_ended"


def now() -> float:
    """Real time, as Cognito's (``auth_time`` is compared with it): never the platform's
    clock, which tests move."""
    return time.time()


def check(principal: Principal, signed_in_after: float | None) -> None:
    """Refuse the holder's sign-in if it is older than the takeover of the record."""
    if signed_in_after is None or not principal.holder:
        return
    if principal.signed_in_at is None or principal.signed_in_at < signed_in_after:
        raise NotAuthenticated(
            "this sign-in ended when the holder of this CURP's e.firma took the account over; sign in again",
            code=ENDED,
        )


def next_second() -> int:
    """The first whole second after now, once it has begun.

    Cognito dates sign-ins in whole seconds.  A takeover calls this after Cognito stopped
    the earlier sign-in: every token issued before has an ``auth_time`` below the answer,
    and every sign-in after it (the holder's, with the new password) one at or above it.
    Waiting for the second to begin (under one second, once per takeover) is what keeps
    the holder's first sign-in from falling in the same second as the takeover."""
    boundary = int(now()) + 1
    while (left := boundary - now()) > 0:
        time.sleep(left)
    return boundary
