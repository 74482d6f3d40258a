"""What a draft changes, as a citizen reads it on the consultation page."""

from __future__ import annotations

from chalicelib.procedures.diff import Change, changes, unified

BEFORE = {"code": "x-y-z", "version": 3, "fee": {"amount": "100.00"}, "keywords": ["a"], "old": True}
AFTER = {"code": "x-y-z", "version": 1, "fee": {"amount": "120.00"}, "keywords": ["a", "b"], "new": 1}


def test_each_value_added_removed_or_changed_by_path_and_the_version_is_no_change() -> None:
    assert changes(BEFORE, AFTER) == [
        Change(path="$.fee.amount", kind="changed", before="100.00", after="120.00"),
        Change(path="$.keywords", kind="changed", before=["a"], after=["a", "b"]),
        Change(path="$.new", kind="added", after=1),
        Change(path="$.old", kind="removed", before=True),
    ]


def test_a_new_procedure_is_all_additions() -> None:
    assert {change.kind for change in changes(None, AFTER)} == {"added"}


def test_the_unified_diff_names_both_sides_and_marks_the_lines() -> None:
    lines = unified(BEFORE, AFTER, "x-y-z v3", "x-y-z draft 2")
    assert lines[:2] == ["--- x-y-z v3", "+++ x-y-z draft 2"]
    assert '-    "amount": "100.00"' in lines and '+    "amount": "120.00"' in lines
    assert not [line for line in lines if '"version"' in line]
