"""JSON shown exactly as it was stored: an audit event's actor, a document's signed content.

A hash or a signature covers these values as they were written, so an answer passes them
through whole (a type would drop a key an older writer used).  A Struct still documents
them: ``shown_as`` puts its JSON Schema, inlined, on the pass-through field.
"""

from __future__ import annotations

from typing import Any

import msgspec
from msgspec import Meta

_REF = "#/components/schemas/{name}"


def shown_as(kind: type[msgspec.Struct], description: str) -> Meta:
    """``Meta`` for a ``dict[str, Any]`` field that holds a stored ``kind``: the schema of
    ``kind`` (and of the types it uses), inlined."""
    _, components = msgspec.json.schema_components([kind], ref_template=_REF)
    schema = _inline(components[kind.__name__], components)
    schema.pop("title", None)
    schema.pop("type", None)  # the field's own ``object`` stands
    if not schema.get("required"):
        schema.pop("required", None)
    return Meta(description=description, extra_json_schema=schema)


def _inline(schema: Any, components: dict[str, Any]) -> Any:
    if isinstance(schema, dict):
        reference = schema.get("$ref")
        if isinstance(reference, str) and reference.startswith(_REF.format(name="")):
            target = dict(components[reference.removeprefix(_REF.format(name=""))])
            target.pop("title", None)
            return _inline(target, components)
        return {key: _inline(value, components) for key, value in schema.items()}
    if isinstance(schema, list):
        return [_inline(item, components) for item in schema]
    return schema
