"""The committed OpenAPI description (``chalicelib/api/openapi.json``), as the tests read it."""

from __future__ import annotations

import json
from importlib import resources
from typing import Any

Document = dict[str, Any]


def committed() -> Document:
    loaded: Document = json.loads(resources.files("chalicelib.api").joinpath("openapi.json").read_text("utf-8"))
    return loaded


def resolve(document: Document, node: dict[str, Any]) -> dict[str, Any]:
    """Follow a local ``$ref`` (``#/components/...``) once."""
    if "$ref" not in node:
        return node
    target: Any = document
    for part in node["$ref"].removeprefix("#/").split("/"):
        target = target[part]
    resolved: dict[str, Any] = target
    return resolved
