"""The data-exchange log: one item per exchange with a registry, in the holder's
partition, written once (a conditional put) and never updated or deleted here."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pynamodb.exceptions import PutError

from chalicelib.store import keys
from chalicelib.store.models import DataExchange
from chalicelib.store.pages import Page, PageRequest, paged_prefix


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
