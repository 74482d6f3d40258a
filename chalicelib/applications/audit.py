"""The audit chain: append-only events, each carrying the hash of the one before.

An event's hash covers its own fields and its predecessor's hash, so changing or
deleting any event breaks every hash after it; ``verify_chain`` names the first event
where the chain no longer holds.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from typing import Any

GENESIS = "0" * 64
HASHED_FIELDS = ("application_id", "seq", "at", "actor", "action", "from_status", "to_status", "reason", "details")


def canonical_json(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)


# Details that would keep personal data in the chain after a purge removed it elsewhere: each is
# kept as a SHA-256 of its text (a reference a holder of the original can check), or masked.
HASHED_DETAILS = ("filename", "comment")
MASKED_DETAILS = ("phone",)


def without_personal_data(details: Mapping[str, Any]) -> dict[str, Any]:
    """``details`` as the audit chain keeps them: file names and comments as their SHA-256
    (``filename_sha256``...), phone numbers masked to their last four digits; the rest as is."""
    kept: dict[str, Any] = {}
    for name, value in details.items():
        if name in HASHED_DETAILS and isinstance(value, str):
            kept[f"{name}_sha256"] = hashlib.sha256(value.encode()).hexdigest()
        elif name in MASKED_DETAILS and isinstance(value, str):
            kept[name] = masked_phone(value)
        else:
            kept[name] = _without_personal_data(value)
    return kept


def _without_personal_data(value: Any) -> Any:
    if isinstance(value, Mapping):
        return without_personal_data(value)
    if isinstance(value, list):
        return [_without_personal_data(item) for item in value]
    return value


def masked_phone(phone: str) -> str:
    """A phone as the audit keeps it: its country code for +52 and its last four digits (``+52 ••• ••• 1234``)."""
    country = "+52 " if phone.startswith("+52") else ""
    return f"{country}••• ••• {phone[-4:]}"


def event_hash(prev_hash: str, fields: Mapping[str, Any]) -> str:
    body = canonical_json({name: fields.get(name) for name in HASHED_FIELDS})
    return hashlib.sha256(f"{prev_hash}\n{body}".encode()).hexdigest()


def verify_chain(events: Iterable[Mapping[str, Any]], head_seq: int, head_hash: str) -> dict[str, Any]:
    """``{"intact": True, "events": n}`` or the first broken event and why.

    ``head_seq``/``head_hash`` are what the application item recorded when it last
    appended, so deleting the newest events is caught too.
    """
    prev = GENESIS
    count = 0
    for expected_seq, event in enumerate(events, start=1):
        count = expected_seq
        if event["seq"] > expected_seq:
            return _broken(expected_seq, "missing event: the sequence jumps", event)
        if event["seq"] < expected_seq:
            return _broken(expected_seq, "extra event: the sequence repeats or goes back", event)
        if event["prev_hash"] != prev:
            return _broken(expected_seq, "does not follow its predecessor", event)
        if event_hash(prev, event) != event["hash"]:
            return _broken(expected_seq, "content does not match its hash", event)
        prev = event["hash"]
    if count < head_seq:
        return _broken(count + 1, "missing event: the chain ends before the application's last recorded event", {})
    if count > head_seq:
        return _broken(head_seq + 1, "event the application never recorded", {})
    if prev != (head_hash or GENESIS):
        return _broken(count, "differs from the application's recorded head", {})
    return {"intact": True, "events": count, "head": prev}


def _broken(seq: int, reason: str, event: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "intact": False,
        "first_broken": {"seq": seq, "action": event.get("action"), "at": event.get("at"), "reason": reason},
    }
