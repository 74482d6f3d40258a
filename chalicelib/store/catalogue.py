"""Published procedure versions: each version in its procedure's partition, the latest
of every procedure in the ``CATALOG`` partition, and a small summary of each in the
``CATALOG#INDEX`` partition, which is what the catalogue's searches read; a counter,
the catalogue's generation, moves with every change, so that a reader knows with one
small read whether the summaries it holds are current.

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
from chalicelib.store.models import CatalogueEntry, CatalogueGeneration, ProcedureVersion, transaction
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

    def generation(self) -> int:
        """How many times the catalogue changed (0: never, or before summaries existed)."""
        mark = find(CatalogueGeneration, keys.CATALOG_GENERATION_PK, keys.GENERATION_SK, consistent=True)
        return int(mark.generation) if mark is not None else 0

    def entries(self) -> list[CatalogueEntry]:
        """Every procedure's summary: a Query of the index partition (a few pages at 5,000)."""
        return [item for item in CatalogueEntry.query(keys.CATALOG_INDEX_PK) if isinstance(item, CatalogueEntry)]

    def backfill(self, summary_of: Callable[[dict[str, Any]], dict[str, Any]]) -> list[str]:
        """Write the summary (``summary_of`` a definition) of every procedure published
        before summaries existed; returns their codes."""
        indexed = {item.code for item in self.entries()}
        missing = [item for item in ProcedureVersion.query(keys.CATALOG_PK) if item.code not in indexed]
        for item in missing:
            in_effect = self._in_effect(item)
            with transaction() as write:
                write.save(
                    _entry(
                        item.code,
                        summary_of(item.definition),
                        item.effective_from if in_effect is not item else None,
                        summary_of(in_effect.definition) if in_effect is not None and in_effect is not item else None,
                        item.retired_at,
                    ),
                    condition=CatalogueEntry.pk.does_not_exist(),
                )
                _moved(write)
        return [item.code for item in missing]

    def publish(
        self,
        code: str,
        version: int,
        previous: int | None,
        *also: Write,
        summary: dict[str, Any],
        before: dict[str, Any] | None = None,
        **fields: Any,
    ) -> ProcedureVersion:
        """Store ``version`` and make it the latest, unless someone published ``code``
        since ``previous`` (the latest version read, None if there was none), with its
        ``summary`` in the index (and ``before``, the summary in effect until the version's
        ``effective_from``); ``also`` adds writes to the same transaction (the approved
        draft and its event)."""
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
                write.save(_entry(code, summary, fields.get("effective_from"), before))
                _moved(write)
                for extra in also:
                    extra(write)
        except TransactWriteError as error:
            raise Conflict(
                f"{code} was published by someone else meanwhile; retry", code="concurrent_publish"
            ) from error
        return stored


def retirement(code: str, at: str) -> Write:
    """The index's part of a retirement, for the retirement's transaction."""

    def write(transaction: TransactWrite) -> None:
        transaction.update(
            CatalogueEntry(keys.CATALOG_INDEX_PK, keys.procedure(code)),
            actions=[CatalogueEntry.retired_at.set(at)],
            condition=CatalogueEntry.pk.exists(),
        )
        _moved(transaction)

    return write


def _entry(
    code: str,
    summary: dict[str, Any],
    effective_from: str | None,
    before: dict[str, Any] | None,
    retired_at: str | None = None,
) -> CatalogueEntry:
    return CatalogueEntry(
        keys.CATALOG_INDEX_PK,
        keys.procedure(code),
        code=code,
        summary=summary,
        effective_from=effective_from,
        before=before if effective_from is not None else None,
        retired_at=retired_at,
    )


def _moved(write: TransactWrite) -> None:
    # one counter for the whole catalogue: two publications at the same instant conflict
    # and one is asked to retry, which publishing (a few a day) can afford
    write.update(
        CatalogueGeneration(keys.CATALOG_GENERATION_PK, keys.GENERATION_SK),
        actions=[CatalogueGeneration.generation.add(1)],
    )


@lru_cache(maxsize=256)
def _cached_version(code: str, version: int) -> ProcedureVersion:
    return ProcedureVersion.get(keys.procedure(code), keys.procedure_version(version))


def clear_cache() -> None:
    _cached_version.cache_clear()
