"""The data-exchange log: one item per exchange with a registry, in the holder's
partition, written once (a conditional put) and never updated; filed under its purge date
(``by_queue``, ``DUE#DATAUSE#<n>``) for the retention job, which deletes it then."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import date, timedelta
from typing import Any

from pynamodb.exceptions import PutError

from chalicelib.core.clock import parse_iso
from chalicelib.legal.calendar import legal_date
from chalicelib.legal.retention_schedule import DATA_USE_DAYS
from chalicelib.store import keys
from chalicelib.store.models import DataExchange, Entity, Profile, transaction
from chalicelib.store.pages import Page, PageRequest, paged_prefix
from chalicelib.store.reads import find


def purge_on(at: str) -> str:
    """The legal date an exchange made at ``at`` leaves the log (``legal.retention_schedule``)."""
    return (legal_date(parse_iso(at)) + timedelta(days=DATA_USE_DAYS)).isoformat()


class ExchangeStore:
    def append(self, holder: str, at: str, exchange_id: str, entry: Mapping[str, Any]) -> None:
        """Log an exchange (a question asked again under the same id is logged again: it was sent again)."""
        item = DataExchange(
            keys.citizen(holder),
            keys.data_use(at, exchange_id),
            exchange_id=exchange_id,
            at=at,
            holder=holder,
            entry=dict(entry),
            **keys.by_queue(keys.due(keys.DATA_USE_DUE, holder), f"{purge_on(at)}#{holder}#{at}#{exchange_id}"),
        )
        try:
            item.save(condition=DataExchange.pk.does_not_exist())
        except PutError as error:
            if error.cause_response_code != "ConditionalCheckFailedException":
                raise

    def page_of_holder(self, holder: str, page: PageRequest) -> Page[DataExchange]:
        """One page of the holder's exchanges, newest first: one Query of the holder's partition."""
        return paged_prefix(DataExchange, keys.citizen(holder), keys.DATA_USE_PREFIX, page, newest_first=True)

    def of_holder(self, holder: str, limit: int = 500) -> list[dict[str, Any]]:
        """The holder's exchanges, newest first."""
        query = DataExchange.query(
            keys.citizen(holder),
            DataExchange.sk.startswith(keys.DATA_USE_PREFIX),
            scan_index_forward=False,
            limit=limit,
        )
        return [dict(item.entry) for item in query]

    def due(self, day: date) -> Iterator[DataExchange]:
        """Entries whose retention ends by ``day``, oldest due first within each shard: a Query per shard."""
        for shard in keys.due_shards(keys.DATA_USE_DUE):
            for item in Entity.by_queue.query(shard, Entity.gsi2sk < f"{day.isoformat()}~"):
                if isinstance(item, DataExchange):
                    yield item

    def purge(self, entries: list[DataExchange], holder: str, up_to: str, at: str) -> None:
        """Delete ``entries`` (all of ``holder``) and count them on the holder's profile (if
        there is one), in one transaction: a purge run again finds them gone and counts
        nothing twice."""
        profile = find(Profile, keys.citizen(holder), keys.PROFILE_SK, consistent=True)
        with transaction() as write:
            for entry in entries:
                write.delete(entry)
            if profile is not None:
                earlier = int(((profile.purged or {}).get("data_use") or {}).get("entries", 0))
                summary = {"entries": earlier + len(entries), "up_to": up_to, "at": at}
                write.update(
                    profile,
                    actions=[Profile.purged.set({**(profile.purged or {}), "data_use": summary})],
                    condition=Profile.pk.exists(),
                )
