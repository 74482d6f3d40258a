"""The audit chain: what ``GET /applications/{id}/audit/verify`` tells an operator."""

from __future__ import annotations

import hashlib
from typing import Any

import pytest

from chalicelib.applications.audit import GENESIS, event_hash, verify_chain, without_personal_data

STEPS = [
    ("citizen:HEGG560427MVZRRL04", "created", None, "draft", None),
    ("citizen:HEGG560427MVZRRL04", "submitted", "draft", "submitted", None),
    ("official:SEMOVI", "review_opened", "submitted", "in_review", None),
    (
        "official:SEMOVI",
        "changes_requested",
        "in_review",
        "changes_requested",
        "El comprobante de domicilio es ilegible",
    ),
    ("citizen:HEGG560427MVZRRL04", "resubmitted", "changes_requested", "in_review", None),
]


def build_chain(count: int = len(STEPS)) -> list[dict[str, Any]]:
    events: list[dict[str, Any]] = []
    prev = GENESIS
    for seq, (actor, action, from_status, to_status, reason) in enumerate(STEPS[:count], start=1):
        fields = {
            "application_id": "01JAPPLICATION",
            "seq": seq,
            "at": f"2026-01-{seq + 4:02d}T18:00:00Z",
            "actor": actor,
            "action": action,
            "from_status": from_status,
            "to_status": to_status,
            "reason": reason,
            "details": {"step": "revision"} if seq > 2 else {},
        }
        digest = event_hash(prev, fields)
        events.append({**fields, "prev_hash": prev, "hash": digest})
        prev = digest
    return events


def rechain(events: list[dict[str, Any]], start: int) -> None:
    """What a forger who knows the algorithm does: recompute every hash from ``start`` on."""
    prev = events[start - 1]["hash"] if start else GENESIS
    for event in events[start:]:
        event["prev_hash"] = prev
        event["hash"] = prev = event_hash(prev, event)


def verify(events: list[dict[str, Any]], recorded: list[dict[str, Any]]) -> dict[str, Any]:
    """Verify ``events`` against the head the application item recorded for ``recorded``."""
    return verify_chain(events, len(recorded), recorded[-1]["hash"] if recorded else "")


def assert_broken_at(result: dict[str, Any], seq: int, why: str) -> None:
    """The chain is reported broken, first at event ``seq``, for a reason saying ``why``."""
    assert result["intact"] is False
    assert result["first_broken"]["seq"] == seq
    assert why in result["first_broken"]["reason"]


def test_an_untouched_chain_is_intact() -> None:
    events = build_chain()
    result = verify(events, events)
    assert result == {"intact": True, "events": 5, "head": events[-1]["hash"]}


def test_an_application_without_events_is_intact() -> None:
    assert verify_chain([], 0, "")["intact"] is True


def test_hashes_depend_on_the_previous_event() -> None:
    fields = build_chain(1)[0]
    assert event_hash(GENESIS, fields) != event_hash("f" * 64, fields)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("actor", "official:SSPC"),
        ("reason", "Documentos completos"),
        ("to_status", "approved"),
        ("at", "2026-01-01T00:00:00Z"),
        ("details", {"step": "pago"}),
    ],
)
def test_editing_a_field_breaks_the_chain_at_that_event(field: str, value: Any) -> None:
    events = build_chain()
    events[2][field] = value
    assert_broken_at(verify(events, build_chain()), 3, "content does not match its hash")


def test_the_broken_event_is_named_with_its_action_and_time() -> None:
    events = build_chain()
    events[3]["reason"] = None
    assert verify(events, build_chain())["first_broken"] == {
        "seq": 4,
        "action": "changes_requested",
        "at": "2026-01-08T18:00:00Z",
        "reason": "content does not match its hash",
    }


def test_an_edit_whose_hash_was_recomputed_is_caught_at_the_next_event() -> None:
    events = build_chain()
    events[2]["reason"] = "Documentos completos"
    events[2]["hash"] = event_hash(events[2]["prev_hash"], events[2])
    assert_broken_at(verify(events, build_chain()), 4, "does not follow its predecessor")


def test_a_consistently_rewritten_tail_is_caught_by_the_recorded_head() -> None:
    original = build_chain()
    events = build_chain()
    events[3]["reason"] = None
    rechain(events, 3)
    assert_broken_at(verify(events, original), 5, "recorded head")


def test_deleting_a_middle_event_is_reported_at_its_sequence_number() -> None:
    events = build_chain()
    del events[2]
    assert_broken_at(verify(events, build_chain()), 3, "missing event")


def test_deleting_the_last_event_is_caught_by_the_recorded_head() -> None:
    events = build_chain()
    del events[-1]
    assert_broken_at(verify(events, build_chain()), 5, "missing event")


def test_deleting_every_event_is_caught() -> None:
    assert_broken_at(verify([], build_chain()), 1, "missing event")


def test_an_extra_event_appended_after_the_head_is_reported() -> None:
    recorded = build_chain()
    events = build_chain()
    forged = {**events[-1], "seq": 6, "action": "approved", "to_status": "awaiting_payment", "reason": None}
    events.append(forged)
    rechain(events, 5)
    assert_broken_at(verify(events, recorded), 6, "never recorded")


def test_an_extra_event_slipped_into_the_middle_is_reported() -> None:
    recorded = build_chain()
    events = build_chain()
    forged = {**events[2], "action": "approved", "to_status": "awaiting_payment"}
    forged["hash"] = event_hash(forged["prev_hash"], forged)
    events.insert(2, forged)  # the forged event takes seq 3; the real third event now sits fourth
    assert_broken_at(verify(events, recorded), 4, "extra event")


def test_the_chain_keeps_file_names_and_comments_as_hashes_and_phones_masked() -> None:
    kept = without_personal_data(
        {
            "requirement": "identificacion",
            "filename": "ine-juan-perez.pdf",
            "score": 2,
            "comment": "Tardó mucho.",
            "phone": "+525512345678",
            "documents": [{"requirement": "planos", "filename": "planos.pdf"}],
        }
    )
    assert kept == {
        "requirement": "identificacion",
        "filename_sha256": hashlib.sha256(b"ine-juan-perez.pdf").hexdigest(),
        "score": 2,
        "comment_sha256": hashlib.sha256("Tardó mucho.".encode()).hexdigest(),
        "phone": "+52 ••• ••• 5678",
        "documents": [{"requirement": "planos", "filename_sha256": hashlib.sha256(b"planos.pdf").hexdigest()}],
    }
