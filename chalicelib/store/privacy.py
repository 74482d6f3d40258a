"""Privacy (ARCO) requests, the holder's privacy log, and every item Ventanilla holds about a
holder (for the export and for the effects of a granted request).

A request is one item, its trail inside it: a change of status is one conditional write
under its version, so of two officers answering at once exactly one does.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any

from pynamodb.exceptions import PutError, UpdateError

from chalicelib.core.errors import Conflict
from chalicelib.store import keys
from chalicelib.store.models import (
    Application,
    AuditEvent,
    Credential,
    Entity,
    OptOut,
    Payment,
    PrivacyLog,
    PrivacyRequest,
    Profile,
    SmsMessage,
    Subscription,
)
from chalicelib.store.pages import OWNER_KEYS, QUEUE_KEYS, Page, PageRequest, paged
from chalicelib.store.reads import find

OPEN, CLOSED = keys.PRIVACY_OPEN, keys.PRIVACY_CLOSED
NO_APPLICATION = "-"  # the delivery log's partition of messages about no application


class PrivacyStore:
    # --- requests ----------------------------------------------------------------------
    def new_request(
        self, request_id: str, holder: str, kind: str, opened_at: str, deadline: str, **fields: Any
    ) -> PrivacyRequest:
        """A request not yet saved, listed under its holder and in the open queue."""
        return PrivacyRequest(
            keys.privacy_request(request_id),
            keys.PRIVACY_REQUEST_SK,
            gsi1pk=keys.privacy_of(holder),
            gsi1sk=keys.privacy_order(opened_at, request_id),
            **keys.by_queue(OPEN, keys.privacy_queue_order(deadline, opened_at, request_id)),
            id=request_id,
            holder=holder,
            request_kind=kind,
            opened_at=opened_at,
            deadline=deadline,
            **fields,
        )

    def create(self, request: PrivacyRequest) -> None:
        request.save(condition=PrivacyRequest.pk.does_not_exist())

    def get(self, request_id: str, *, consistent: bool = False) -> PrivacyRequest | None:
        return find(PrivacyRequest, keys.privacy_request(request_id), keys.PRIVACY_REQUEST_SK, consistent=consistent)

    def change(self, request: PrivacyRequest, fields: Mapping[str, Any], *, closed: bool | None = None) -> None:
        """Set ``fields`` on the request if nobody changed it since it was read (its version);
        ``closed`` moves it out of (True) or keeps it in (False) the open queue.
        ``Conflict(concurrent_change)`` otherwise."""
        changed = dict(fields)
        if closed is not None:
            changed["gsi2pk"] = CLOSED if closed else OPEN
            changed["gsi2sk"] = keys.privacy_queue_order(
                str(changed.get("deadline", request.deadline)), request.opened_at, request.id
            )
        actions = [
            getattr(PrivacyRequest, name).remove() if value is None else getattr(PrivacyRequest, name).set(value)
            for name, value in changed.items()
        ]
        try:
            request.update(actions=actions)
        except UpdateError as error:
            if error.cause_response_code == "ConditionalCheckFailedException":
                raise Conflict("the request changed meanwhile; reload and retry", code="concurrent_change") from None
            raise

    def of_holder(self, holder: str, page: PageRequest) -> Page[PrivacyRequest]:
        """A page of the holder's requests, newest first: one Query on ``by_owner``."""
        partition = keys.privacy_of(holder)
        return paged(
            lambda **more: PrivacyRequest.by_owner.query(partition, scan_index_forward=False, **more),
            page,
            {"gsi1pk": partition},
            OWNER_KEYS,
        )

    def all_of_holder(self, holder: str) -> list[PrivacyRequest]:
        return [
            item
            for item in PrivacyRequest.by_owner.query(keys.privacy_of(holder), scan_index_forward=False)
            if isinstance(item, PrivacyRequest)
        ]

    def queue(self, closed: bool, page: PageRequest, status: str | None = None) -> Page[PrivacyRequest]:
        """A page of the open (or answered) requests, earliest deadline first: one Query on
        ``by_queue``; ``status`` keeps only requests in that status."""
        partition = CLOSED if closed else OPEN
        return paged(
            lambda **more: PrivacyRequest.by_queue.query(partition, **more),
            page,
            {"gsi2pk": partition},
            QUEUE_KEYS,
            keep=lambda item: isinstance(item, PrivacyRequest) and (status is None or item.status == status),
        )

    # --- the holder's privacy log ------------------------------------------------------
    def log(self, holder: str, at: str, entry_id: str, action: str, details: Mapping[str, Any]) -> None:
        item = PrivacyLog(
            keys.citizen(holder),
            keys.privacy_log(at, entry_id),
            holder=holder,
            at=at,
            action=action,
            details=dict(details),
        )
        try:
            item.save(condition=PrivacyLog.pk.does_not_exist())
        except PutError as error:
            if error.cause_response_code != "ConditionalCheckFailedException":
                raise

    # --- the profile's privacy fields ----------------------------------------------------
    def set_profile(self, profile: Profile, fields: Mapping[str, Any]) -> None:
        profile.update(
            actions=[
                getattr(Profile, name).remove() if value is None else getattr(Profile, name).set(value)
                for name, value in fields.items()
            ]
        )

    # --- everything held about a holder --------------------------------------------------
    def holdings(self, holder: str) -> Iterator[Entity]:
        """Every item keyed to ``holder``: their partition (profile, e.firma proofs, data-use
        log, privacy log, codes), their record (applications, documents, delegations,
        subscriptions), each application's partition (audit trail, subscriptions, SMS log,
        rating), its payment, each document's check counter, the opt-outs of their phone and
        the messages texted to it about no application, and their privacy requests.  Each
        item once."""
        seen: set[tuple[str, str]] = set()

        def once(items: Iterable[Entity]) -> Iterator[Entity]:
            for item in items:
                key = (item.pk, item.sk)
                if key not in seen:
                    seen.add(key)
                    yield item

        yield from once(Entity.query(keys.citizen(holder)))
        record = list(Entity.by_owner.query(keys.owner(holder)))
        yield from once(record)
        phones: set[str] = set()
        for item in record:
            if isinstance(item, Profile) and item.phone:
                phones.add(item.phone)
            if isinstance(item, Application):
                yield from once(Entity.query(keys.application(item.id)))
                if item.payment_reference:
                    payment = find(Payment, keys.payment(item.payment_reference), keys.PAYMENT_SK)
                    if payment is not None:
                        yield from once([payment])
            if isinstance(item, Credential):
                yield from once(Entity.query(keys.credential(item.id)))
        profile = find(Profile, keys.citizen(holder), keys.PROFILE_SK)
        if profile is not None and profile.phone:
            phones.add(profile.phone)
        for phone in sorted(phones):
            yield from once(OptOut.query(keys.phone(phone), OptOut.sk.startswith(keys.OPT_OUT_PREFIX)))
            # what was texted to the phone about no application (codes, replies to commands):
            # a message about an application is that application's, read with it above
            yield from once(
                item
                for item in Entity.by_queue.query(keys.sms_to(phone))
                if isinstance(item, SmsMessage) and item.application_id == NO_APPLICATION
            )
        yield from once(self.all_of_holder(holder))

    # --- erasure (a granted cancellation) ------------------------------------------------
    def erase_application(self, application: Application) -> int:
        """A draft and everything in its partition (its events, subscriptions): nothing of it
        was filed, so nothing of it must be kept.  Returns how many items went."""
        items = list(Entity.query(keys.application(application.id)))
        with Entity.batch_write() as batch:
            for item in items:
                batch.delete(item)
        return len(items)

    def erase(self, items: Sequence[Subscription | AuditEvent | Entity]) -> int:
        with Entity.batch_write() as batch:
            for item in items:
                batch.delete(item)
        return len(items)
