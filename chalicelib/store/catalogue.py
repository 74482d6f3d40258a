"""Published procedure versions: each version in its procedure's partition, and the
latest of every procedure in the ``CATALOG`` partition (the catalogue is one Query)."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from pynamodb.exceptions import TransactWriteError

from chalicelib.core.errors import Conflict, NotFound
from chalicelib.store import keys
from chalicelib.store.models import ProcedureVersion, transaction
from chalicelib.store.reads import find


class CatalogueStore:
    def latest(self) -> list[ProcedureVersion]:
        """The latest version of every published procedure."""
        return list(ProcedureVersion.query(keys.CATALOG_PK))

    def find_latest(self, code: str) -> ProcedureVersion | None:
        return find(ProcedureVersion, keys.CATALOG_PK, keys.procedure(code))

    def version(self, code: str, version: int) -> ProcedureVersion:
        """A published version: immutable, so cached for the life of the process."""
        try:
            return _cached_version(code, version)
        except ProcedureVersion.DoesNotExist:
            raise NotFound(f"procedure {code!r} has no version {version}", code="unknown_version") from None

    def publish(self, code: str, version: int, previous: int | None, **fields: Any) -> ProcedureVersion:
        """Store ``version`` and make it the latest, unless someone published ``code``
        since ``previous`` (the latest version read, None if there was none)."""
        item = {"code": code, "version": version, **fields}
        stored = ProcedureVersion(keys.procedure(code), keys.procedure_version(version), **item)
        latest = ProcedureVersion(keys.CATALOG_PK, keys.procedure(code), **item)
        try:
            with transaction() as write:
                write.save(stored, condition=ProcedureVersion.pk.does_not_exist())
                if previous is None:
                    write.save(latest, condition=ProcedureVersion.pk.does_not_exist())
                else:
                    write.save(latest, condition=ProcedureVersion.version == previous)
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
