"""Reading one item by its keys, as every repository does: one GetItem."""

from __future__ import annotations

from typing import TypeVar

from chalicelib.core.errors import NotFound
from chalicelib.store.models import Entity

E = TypeVar("E", bound=Entity)


def find(model: type[E], pk: str, sk: str, *, consistent: bool = False) -> E | None:
    """The item of ``model`` with these keys, or None."""
    try:
        return model.get(pk, sk, consistent_read=consistent)
    except model.DoesNotExist:
        return None


def get(model: type[E], pk: str, sk: str, missing: NotFound, *, consistent: bool = False) -> E:
    """The item of ``model`` with these keys, or ``missing`` raised."""
    found = find(model, pk, sk, consistent=consistent)
    if found is None:
        raise missing
    return found
