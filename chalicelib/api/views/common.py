"""What several answers share that is not the domain's constrained values
(``chalicelib.core.fields``): a stored text shown as one of its documented choices, an
application's status, a time that may not be there yet; and ``shown``, which builds an
answer from what the domain hands over."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any, TypeVar

import msgspec
from msgspec import UNSET, Meta

from chalicelib.applications.transitions import STATUSES

View = TypeVar("View", bound=msgspec.Struct)


def shown(kind: type[View], source: object, **computed: Any) -> View:
    """``kind`` filled from ``source`` (a stored record, a domain result, or a mapping):
    each field from the attribute (or key) of its name, or from ``computed`` where the
    answer shows something else; ``UNSET`` in ``computed`` leaves a field out.  The
    answer's types check the values on the way (``msgspec.convert``)."""
    return msgspec.convert(_Fields(source, computed), kind, from_attributes=True)


class _Fields:
    """``source``'s attributes (or keys), ``computed`` first; a missing one raises
    AttributeError, which leaves the field at its default."""

    __slots__ = ("_computed", "_source")

    def __init__(self, source: object, computed: Mapping[str, Any]) -> None:
        self._source = source
        self._computed = computed

    def __getattr__(self, name: str) -> Any:
        if name in self._computed:
            value = self._computed[name]
        elif isinstance(self._source, Mapping):
            if name not in self._source:
                raise AttributeError(name)
            value = self._source[name]
        else:
            value = getattr(self._source, name)
        if value is UNSET:
            raise AttributeError(name)
        return value


def choices(*values: str, description: str | None = None) -> Meta:
    """A text that is one of ``values``: documented as an enum, and shown as stored (an
    answer is never refused for a value the document did not foresee)."""
    return Meta(description=description, extra_json_schema={"enum": list(values)})


Status = Annotated[
    str,
    choices(
        *STATUSES,
        description=(
            "draft → submitted → in_review ⇄ changes_requested → awaiting_payment → issued; or rejected, "
            "deemed_approved (then issued), withdrawn, error."
        ),
    ),
]
LanguageCode = Annotated[str, choices("es", "en")]
NullableInstant = Annotated[
    str | None,
    Meta(
        description="UTC, ISO-8601 with milliseconds and `Z`; null when not (yet) applicable.",
        extra_json_schema={"format": "date-time"},
    ),
]
NextCursor = Annotated[
    str | None,
    Meta(
        description=(
            "Give it as `cursor` for the next page (opaque; only for this list and this caller); null: this was the "
            "last page."
        ),
    ),
]
