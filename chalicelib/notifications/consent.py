"""Consent: STOP replies, and the opt-outs they leave per phone and agency.

A reply of STOP, BAJA or ALTO (any case, with or without accents, with punctuation
around it) opts the phone out of the messages of the agency it answers; followed by
TODO, TODOS or ALL it opts out of every agency's messages.  Anything else is not a
keyword.  The opt-outs are ours, per agency: the account-wide SNS opt-out list would
silence every agency at once, so it is not relied on.

An opt-out silences a subscription unless the subscription was confirmed again, with a
code, after it (``blocking``): re-subscribing needs a fresh confirmation.
"""

from __future__ import annotations

import re
import unicodedata

from msgspec import Struct

from chalicelib.notifications.states import ALL_AGENCIES
from chalicelib.store.models import OptOut
from chalicelib.store.phones import PhoneStore

STOP_WORDS = frozenset({"STOP", "BAJA", "ALTO"})
ALL_WORDS = frozenset({"TODO", "TODOS", "ALL"})
_NOT_A_LETTER = re.compile(r"[^A-Z0-9]+")


class StopRequest(Struct, frozen=True):
    keyword: str
    everything: bool


def parse_reply(text: object) -> StopRequest | None:
    """The opt-out an inbound SMS asks for, or None when it is not a STOP keyword."""
    if not isinstance(text, str):
        return None
    plain = "".join(char for char in unicodedata.normalize("NFKD", text) if not unicodedata.combining(char)).upper()
    words = _NOT_A_LETTER.sub(" ", plain).split()
    if not words or words[0] not in STOP_WORDS:
        return None
    if len(words) == 1:
        return StopRequest(words[0], everything=False)
    if len(words) == 2 and words[1] in ALL_WORDS:
        return StopRequest(f"{words[0]} {words[1]}", everything=True)
    return None


class Consent:
    def __init__(self, store: PhoneStore) -> None:
        self._store = store

    def opt_out(self, phone: str, agency: str, keyword: str, at: str) -> OptOut:
        """Record (or renew) an opt-out; ``agency`` is an agency code or ``ALL_AGENCIES``."""
        return self._store.opt_out(phone, agency, keyword, at)

    def blocking(self, phone: str, agency: str, confirmed_at: str | None) -> OptOut | None:
        """The opt-out that silences this phone for this agency, if any.

        ``confirmed_at`` is when the subscription was last confirmed with a code; an
        opt-out before it no longer counts.  Subscriptions never confirmed with a code
        (the owner's phone on record) are silenced by any opt-out.
        """
        for item in self._store.opt_outs(phone):
            if item.agency in (agency, ALL_AGENCIES) and (confirmed_at is None or item.at > confirmed_at):
                return item
        return None
