"""One page of a Query: at most ``limit`` items, and the key to start the next page after.

Every list is one Query per page.  It asks for one item more than the page holds, so it
knows whether another page follows without a second call: a list that ends exactly at a
page's end answers no next page, rather than an empty one.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, Generic, TypeVar

from msgspec import Struct

from chalicelib.core.cursors import invalid
from chalicelib.store.models import Entity

E = TypeVar("E", bound=Entity)
TABLE_KEYS = ("pk", "sk")
OWNER_KEYS = ("pk", "sk", "gsi1pk", "gsi1sk")
QUEUE_KEYS = ("pk", "sk", "gsi2pk", "gsi2sk")


class PageRequest(Struct, frozen=True):
    """How many items, and after which key (None: from the start)."""

    limit: int
    after: Mapping[str, str] | None = None


class Page(Struct, Generic[E], frozen=True):
    items: list[E]
    after: dict[str, str] | None  # where the next page starts; None: this is the last one


Query = Callable[..., Iterable[Any]]  # a PynamoDB query with its key conditions already bound


def paged(
    query: Query,
    page: PageRequest,
    partition: Mapping[str, str],
    keys: Sequence[str] = TABLE_KEYS,
    keep: Callable[[Any], bool] = lambda item: True,
) -> Page[Any]:
    """One page of ``query``: ``partition`` (key attribute → value) is the partition the query
    reads, which a page's start key must be in; ``keys`` are the attributes of the table's
    (and the queried index's) key.  ``keep`` drops items of other kinds that share the
    partition: they take a place in the page without showing, so a page may hold fewer
    than ``limit`` items and still be followed by another."""
    read = list(query(limit=page.limit + 1, page_size=page.limit + 1, last_evaluated_key=_start(page, partition, keys)))
    shown = [item for item in read[: page.limit] if keep(item)]
    if len(read) <= page.limit:
        return Page(shown, None)
    last = read[page.limit - 1]
    return Page(shown, {name: str(getattr(last, name)) for name in keys})


def paged_prefix(
    model: type[E], pk: str, prefix: str, page: PageRequest, *, newest_first: bool = False, consistent: bool = False
) -> Page[E]:
    """One page of the items of ``model`` in the partition ``pk`` whose sort key begins
    with ``prefix``, in sort-key order (or newest first): one Query."""
    return paged(
        lambda **more: model.query(
            pk, model.sk.startswith(prefix), scan_index_forward=not newest_first, consistent_read=consistent, **more
        ),
        page,
        {"pk": pk},
    )


def _start(page: PageRequest, partition: Mapping[str, str], keys: Sequence[str]) -> Any:
    after = page.after
    if after is None:
        return None
    if set(after) != set(keys) or any(after.get(name) != value for name, value in partition.items()):
        raise invalid()  # sealed for this caller and list, so only a change of our own keys gets here
    return {name: {"S": after[name]} for name in keys}
