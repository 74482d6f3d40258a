"""The definitions a new procedure starts from in the publishing editor
(``GET /procedure-templates``): one JSON file per template beside this module, each a
valid definition under a placeholder code (``nuevo-tramite``) whose texts say what to
replace. A unit test validates and compiles every one."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any


@dataclass(frozen=True)
class Template:
    id: str
    name: dict[str, str]
    description: dict[str, str]
    definition: dict[str, Any]


@cache
def _loaded() -> tuple[Template, ...]:
    files = sorted(
        (entry for entry in resources.files(__name__).iterdir() if entry.name.endswith(".json")),
        key=lambda entry: entry.name,
    )
    return tuple(Template(**json.loads(entry.read_text("utf-8"))) for entry in files)


def all_templates() -> list[Template]:
    """Every template, by id; their definitions are copies the caller may change."""
    return [
        Template(item.id, item.name, item.description, json.loads(json.dumps(item.definition))) for item in _loaded()
    ]
