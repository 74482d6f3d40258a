"""The conditional writes of a six-digit code's redemption, for every item that holds one
(a subscription's ``code_hash``, a delegation's): each holds only while the code checked is
still the one stored, since a code sent meanwhile replaces it."""

from __future__ import annotations

from collections.abc import Sequence

from pynamodb.exceptions import UpdateError
from pynamodb.expressions.update import Action

from chalicelib.store.models import Delegation, Subscription

Coded = Subscription | Delegation


def spend_attempt(item: Coded) -> bool:
    """Count one wrong code against ``item`` (its ``attempts`` are reloaded); False when a
    new code replaced the one checked."""
    return if_same_code(item, [type(item).attempts.add(1)])


def confirm(item: Coded, status: str, confirmed_at: str, *also: Action) -> bool:
    """The right code: ``item`` takes ``status``, confirmed at ``confirmed_at`` (and
    ``also``), and its code is spent; False when a new code replaced the one checked."""
    model = type(item)
    spent = [model.code_hash.remove(), model.code_expires_at.remove()]
    return if_same_code(item, [model.status.set(status), model.confirmed_at.set(confirmed_at), *also, *spent])


def if_same_code(item: Coded, actions: Sequence[Action]) -> bool:
    """Apply ``actions`` to ``item`` (reloaded from the answer) unless its code changed
    meanwhile (False).  A versioned item's version is checked too, as ``update`` does."""
    try:
        item.update(actions=list(actions), condition=type(item).code_hash == item.code_hash)
    except UpdateError as error:
        if error.cause_response_code != "ConditionalCheckFailedException":
            raise
        return False
    return True
