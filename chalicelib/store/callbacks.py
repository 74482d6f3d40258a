"""Call-me-back requests: one item each, in its agency's callback queue while open."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from chalicelib.store import keys
from chalicelib.store.models import CallbackRequest
from chalicelib.store.pages import QUEUE_KEYS, Page, PageRequest, paged
from chalicelib.store.reads import find
from chalicelib.store.writes import Write, change, create

OPEN = "open"
DONE = "done"


class CallbackStore:
    def new(
        self, application_id: str, suffix: str, agency: str, requested_at: str, deadline: str, **fields: Any
    ) -> CallbackRequest:
        """A request not yet saved, in its application's partition and its agency's callback queue."""
        callback_id = keys.callback_id(application_id, suffix)
        pk, sk = keys.callback(callback_id) or ("", "")
        return CallbackRequest(
            pk,
            sk,
            **keys.by_queue(keys.callbacks(agency), keys.callback_order(deadline, requested_at, callback_id)),
            id=callback_id,
            application_id=application_id,
            agency=agency,
            requested_at=requested_at,
            deadline=deadline,
            status=OPEN,
            **fields,
        )

    @staticmethod
    def creating(callback: CallbackRequest) -> Write:
        return create(callback)

    @staticmethod
    def closing(callback: CallbackRequest, fields: Mapping[str, Any]) -> Write:
        """The request answered: ``fields`` set, out of the queue; only if it is still open."""
        actions = [getattr(CallbackRequest, name).set(value) for name, value in fields.items()]
        actions += [
            CallbackRequest.status.set(DONE),
            CallbackRequest.gsi2pk.remove(),
            CallbackRequest.gsi2sk.remove(),
        ]
        return change(callback, actions, CallbackRequest.status == OPEN)

    def get(self, callback_id: str, *, consistent: bool = False) -> CallbackRequest | None:
        found = keys.callback(callback_id)
        if found is None:
            return None
        return find(CallbackRequest, *found, consistent=consistent)

    def queue(self, agency: str, page: PageRequest) -> Page[CallbackRequest]:
        """A page of the agency's open requests, earliest deadline first: one Query on ``by_queue``."""
        partition = keys.callbacks(agency)
        return paged(
            lambda **more: CallbackRequest.by_queue.query(partition, **more),
            page,
            {"gsi2pk": partition},
            QUEUE_KEYS,
            keep=lambda item: isinstance(item, CallbackRequest),
        )
