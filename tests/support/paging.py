"""Walking a paged list the way a client does: page after page by ``next_cursor``."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import quote

from tests.support.inprocess import HttpUser


def with_page(path: str, limit: int, cursor: str | None = None) -> str:
    joined = "&" if "?" in path else "?"
    return f"{path}{joined}limit={limit}" + (f"&cursor={quote(cursor)}" if cursor else "")


def pages(user: HttpUser, path: str, limit: int, items: Callable[[Any], list[Any]]) -> list[list[Any]]:
    """Every page of ``path``, ``limit`` at a time (``items`` picks a page's list from its body)."""
    found, cursor = [], None
    for _ in range(1000):
        reply = user.get(with_page(path, limit, cursor))
        assert reply.status_code == 200, reply.body
        found.append(items(reply.body))
        cursor = reply.body["next_cursor"]
        if cursor is None:
            return found
    raise AssertionError(f"{path} never ended")


def refused_to(user: HttpUser, path: str, cursor: str) -> None:
    """``user`` may read ``path`` but not page it with a cursor sealed for someone else."""
    reply = user.get(with_page(path, 2, cursor))
    assert reply.status_code == 422, reply.body
    assert reply.body["error"]["code"] == "invalid_cursor"
    assert reply.body["error"]["details"][0]["field"] == "cursor"
