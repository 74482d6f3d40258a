"""``limit`` and ``cursor``: how every list route pages, and the cursor sealed for whom asked.

A list route's query type is (or extends) ``Paging``; the view opens the cursor with
``page_of`` into a ``PageRequest`` for the domain, and seals the page's end with
``next_cursor``.  The scope a cursor is sealed for is the route's path as called (its
agency or application), its other query parameters and the caller: another caller's
cursor, or one of another list, is refused (``invalid_cursor``).  A list anyone may read
(the catalogue, the consultations) is the same for every caller, so its cursors are too."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated

from chalice.app import Request
from msgspec import Meta, Struct

from chalicelib.api.http import principal_of
from chalicelib.api.routes import ROUTES
from chalicelib.core.cursors import MAX_CURSOR_LENGTH
from chalicelib.identity.principal import ANONYMOUS
from chalicelib.store.pages import PageRequest
from chalicelib.wiring import container

DEFAULT_LIMIT = 50
MAX_LIMIT = 200
PAGING = ("limit", "cursor")  # the query parameters that say which page, not which list


class Paging(Struct, kw_only=True):
    """The page asked for."""

    limit: Annotated[
        int,
        Meta(
            ge=1,
            le=MAX_LIMIT,
            description=f"How many items at most (1 to {MAX_LIMIT}; default {DEFAULT_LIMIT}).",
            extra={"code": "invalid_limit", "message": f"must be a whole number from 1 to {MAX_LIMIT}"},
        ),
    ] = DEFAULT_LIMIT
    cursor: (
        Annotated[
            str,
            Meta(
                min_length=1,
                max_length=MAX_CURSOR_LENGTH,
                description="`next_cursor` of the previous page, as it came (absent: the first page).",
                extra={"code": "invalid_cursor", "message": "is not a cursor this list gave you"},
            ),
        ]
        | None
    ) = None


def page_of(request: Request, paging: Paging) -> PageRequest:
    """The page ``paging`` asks for; ``ValidationFailed`` (``invalid_cursor``) for a cursor
    not sealed for this caller and this list."""
    if paging.cursor is None:
        return PageRequest(paging.limit)
    return PageRequest(paging.limit, container().cursors.open(_scope(request), paging.cursor))


def next_cursor(request: Request, after: Mapping[str, str] | None) -> str | None:
    """The cursor of the page after the one that ended at ``after`` (None: it was the last)."""
    return None if after is None else container().cursors.seal(_scope(request), after)


def _scope(request: Request) -> str:
    filters = sorted((name, value) for name, value in dict(request.query_params or {}).items() if name not in PAGING)
    place = sorted((request.uri_params or {}).items())
    route = ROUTES.get((request.method, request.path))
    # a list anyone may read is the same for everyone (and cached so): its cursor is too
    caller = "" if route is not None and ANONYMOUS in route.roles else principal_of(request).username
    return f"{request.method} {request.path} {place} {filters} {caller}"
