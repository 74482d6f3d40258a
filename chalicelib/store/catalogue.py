"""Published procedure versions: each version in its procedure's partition, and the
latest of every procedure in the ``CATALOG`` partition (the catalogue is one Query).

A version approved to take effect on a later date is the latest item already, with its
``effective_from``: until then the catalogue serves the version it follows (an
immutable, cached read), so a scheduled publication needs no timer to happen."""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from typing import Any

from pynamodb.exceptions import TransactWriteError
from pynamodb.transactions import TransactWrite

from chalicelib.core.clock import iso, utcnow
from chalicelib.core.errors import Conflict, NotFound
from chalicelib.store import keys
from chalicelib.store.models import ProcedureVersion, transaction
from chalicelib.store.reads import find

Write = Callable[[TransactWrite], None]  # a write added to another's transaction


class CatalogueStore:
    def latest(self) -> list[ProcedureVersion]:
        """The version in effect of every published procedure."""
        served = (self._in_effect(item) for item in ProcedureVersion.query(keys.CATALOG_PK))
        return [item for item in served if item is not None]

    def find_latest(self, code: str) -> ProcedureVersion | None:
        """The version in effect now."""
        newest = self.find_newest(code)
        return self._in_effect(newest) if newest is not None else None

    def find_newest(self, code: str) -> ProcedureVersion | None:
        """The newest version published, in effect or scheduled."""
        return find(ProcedureVersion, keys.CATALOG_PK, keys.procedure(code))

    def _in_effect(self, item: ProcedureVersion) -> ProcedureVersion | None:
        now = iso(utcnow())
        while item.effective_from is not None and item.effective_from > now:
            if item.previous_version is None:
                return None
            item = self.version(item.code, int(item.previous_version))
        return item

    def version(self, code: str, version: int) -> ProcedureVersion:
        """A published version: immutable, so cached for the life of the process."""
        try:
            return _cached_version(code, version)
        except ProcedureVersion.DoesNotExist:
            raise NotFound(f"procedure {code!r} has no version {version}", code="unknown_version") from None

    def publish(
        self,
        code: str,
        version: int,
        previous: int | None,
        *also: Write,
        **fields: Any,
    ) -> ProcedureVersion:
        """Store ``version`` and make it the latest, unless someone published ``code``
        since ``previous`` (the latest version read, None if there was none); ``also``
        adds writes to the same transaction (the approved draft and its event)."""
        item = {"code": code, "version": version, "previous_version": previous, **fields}
        stored = ProcedureVersion(keys.procedure(code), keys.procedure_version(version), **item)
        latest = ProcedureVersion(keys.CATALOG_PK, keys.procedure(code), **item)
        try:
            with transaction() as write:
                write.save(stored, condition=ProcedureVersion.pk.does_not_exist())
                if previous is None:
                    write.save(latest, condition=ProcedureVersion.pk.does_not_exist())
                else:
                    write.save(
                        latest,
                        condition=(ProcedureVersion.version == previous) & ProcedureVersion.retired_at.does_not_exist(),
                    )
                for extra in also:
                    extra(write)
        except TransactWriteError as error:
            raise Conflict(
                f"{code} was published by someone else meanwhile; retry", code="concurrent_publish"
            ) from error
        return stored


@lru_cache(maxsize=256)
def _cached_version(code: str, version: int) -> ProcedureVersion:
    return ProcedureVersion.get(keys.procedure(code), keys.procedure_version(version))


def clear_cache() -> None:
    _cached_version.cache_clear()
