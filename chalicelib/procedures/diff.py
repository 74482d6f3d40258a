"""What a draft changes in a procedure, readable by a citizen: each value added, removed
or changed, by its JSON path, and the whole change as a unified diff of the two
definitions written out with sorted keys (the form a reviewer reads in a pull request)."""

from __future__ import annotations

import difflib
import json
from collections.abc import Mapping
from typing import Any

from msgspec import Struct

ASSIGNED = ("version",)  # set by the platform when it publishes, never a proposal's change


class Change(Struct, kw_only=True, omit_defaults=True):
    path: str
    kind: str  # added, removed, changed
    before: Any = None
    after: Any = None


def changes(before: Mapping[str, Any] | None, after: Mapping[str, Any]) -> list[Change]:
    """Every value that differs, by JSON path (``$.steps.revision.deadline_days``); a list
    that differs is one change (its items carry no stable identity to pair them by)."""
    found: list[Change] = []
    _walk(_proposal(before or {}), _proposal(after), "$", found)
    return found


def side(code: str, version: int | None) -> str:
    """How a diff names the published version it starts from (``licencia-conducir v3``), or its absence."""
    return f"{code} v{version}" if version is not None else f"{code} (new)"


def unified(before: Mapping[str, Any] | None, after: Mapping[str, Any], left: str, right: str) -> list[str]:
    return list(
        difflib.unified_diff(
            _lines(_proposal(before or {})), _lines(_proposal(after)), fromfile=left, tofile=right, lineterm="", n=2
        )
    )


def _proposal(definition: Mapping[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in definition.items() if key not in ASSIGNED}


def _lines(definition: Mapping[str, Any]) -> list[str]:
    return json.dumps(definition, indent=2, sort_keys=True, ensure_ascii=False).splitlines()


def _walk(before: Any, after: Any, path: str, found: list[Change]) -> None:
    if isinstance(before, Mapping) and isinstance(after, Mapping):
        for key in sorted({*before, *after}):
            here = f"{path}.{key}"
            if key not in before:
                found.append(Change(path=here, kind="added", after=after[key]))
            elif key not in after:
                found.append(Change(path=here, kind="removed", before=before[key]))
            else:
                _walk(before[key], after[key], here, found)
    elif before != after:
        found.append(Change(path=path, kind="changed", before=before, after=after))
