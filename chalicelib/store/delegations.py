"""Delegations (a citizen's consent to an assistant) and the code a citizen generates to
show one.

A delegation lives in its own partition, in the citizen's record (``by_owner``) and in
the assistant's list (``by_queue``, sorted by citizen).  The code a citizen generates in
their account is one item in the citizen's partition, replaced by the next.
"""

from __future__ import annotations

from typing import Any

from pynamodb.exceptions import DeleteError, UpdateError

from chalicelib.assistance.states import ACTIVE, PENDING, REVOKED
from chalicelib.core.clock import parse_iso
from chalicelib.store import codes, keys
from chalicelib.store.models import Delegation, DelegationCode, Entity
from chalicelib.store.pages import QUEUE_KEYS, Page, PageRequest, paged
from chalicelib.store.reads import find
from chalicelib.store.writes import Write, change

MAX_ID_LENGTH = 40


# an expired code is kept a day (a late attempt is told it expired), then DynamoDB's TTL removes it
CODE_KEPT_SECONDS = 24 * 3600


class DelegationStore:
    # --- reads -----------------------------------------------------------------------
    def find(self, delegation_id: str) -> Delegation | None:
        """The delegation, read strongly consistent (consent is never read stale), or None
        for any id that is not one."""
        if not isinstance(delegation_id, str) or not 0 < len(delegation_id) <= MAX_ID_LENGTH:
            return None
        return find(Delegation, keys.delegation(delegation_id), keys.DELEGATION_SK, consistent=True)

    def of_assistant(self, username: str, holder: str | None = None) -> list[Delegation]:
        """An assistant's delegations (of one citizen): one Query on ``by_queue``, which
        lags behind the items themselves."""
        condition = Entity.gsi2sk.startswith(f"{holder}#") if holder else None
        return [
            item for item in Entity.by_queue.query(keys.assistant(username), condition) if isinstance(item, Delegation)
        ]

    def page_of_assistant(self, username: str, page: PageRequest) -> Page[Delegation]:
        """One page of an assistant's delegations, by citizen: one Query on ``by_queue``.  The
        applications started under each are listed on the delegation itself, so the page
        needs no other read."""
        partition = keys.assistant(username)
        return paged(
            lambda **kw: Entity.by_queue.query(partition, **kw),
            page,
            {"gsi2pk": partition},
            QUEUE_KEYS,
            keep=lambda item: isinstance(item, Delegation),
        )

    # --- new items -------------------------------------------------------------------
    def new(self, delegation_id: str, holder: str, assistant: str, at: str, **fields: Any) -> Delegation:
        """A pending delegation not yet saved (``await_code`` or ``grant`` saves it)."""
        return Delegation(
            keys.delegation(delegation_id),
            keys.DELEGATION_SK,
            **keys.by_owner(holder, keys.owner_order("DLG", at, delegation_id)),
            **keys.by_queue(keys.assistant(assistant), keys.assistant_order(holder, at, delegation_id)),
            id=delegation_id,
            holder=holder,
            assistant=assistant,
            status=PENDING,
            created_at=at,
            **fields,
        )

    # --- writes ----------------------------------------------------------------------
    def await_code(self, delegation: Delegation, code_hash: str, code_expires_at: str) -> None:
        """Pending until the code texted to the citizen is given (saved whole, guarded by
        its version: a code sent earlier is replaced, its attempts forgotten)."""
        delegation.status, delegation.origin, delegation.attempts = PENDING, "sms", 0
        delegation.code_hash, delegation.code_expires_at = code_hash, code_expires_at
        delegation.save()

    def grant(self, delegation: Delegation, confirmed_at: str, expires_at: str) -> None:
        """Active at once, by the code the citizen showed from their account (saved whole,
        guarded by its version)."""
        delegation.origin, delegation.code_hash, delegation.code_expires_at = "account", None, None
        delegation.status, delegation.confirmed_at, delegation.expires_at = ACTIVE, confirmed_at, expires_at
        delegation.save()

    def spend_attempt(self, delegation: Delegation) -> bool:
        """A wrong texted code; False when a new code replaced the one checked."""
        return codes.spend_attempt(delegation)

    def activate(self, delegation: Delegation, confirmed_at: str, expires_at: str) -> bool:
        """The right texted code: active until ``expires_at``; False when a new code
        replaced it meanwhile."""
        return codes.confirm(delegation, ACTIVE, confirmed_at, Delegation.expires_at.set(expires_at))

    def revoke(self, delegation: Delegation, by: str, at: str) -> None:
        # no version condition: revoking wins over whatever else changed the delegation meanwhile
        delegation.update(
            actions=[
                Delegation.status.set(REVOKED),
                Delegation.revoked_at.set(at),
                Delegation.revoked_by.set(by),
                Delegation.code_hash.remove(),
            ],
            add_version_condition=False,
        )

    def allow_documents(self, delegation: Delegation, allowed: bool) -> bool:
        """Whether the assistant receives the issued documents; False if the delegation
        was revoked meanwhile."""
        try:
            delegation.update(
                actions=[Delegation.documents_allowed.set(allowed)],
                condition=Delegation.status != REVOKED,
                add_version_condition=False,
            )
        except UpdateError as error:
            if error.cause_response_code != "ConditionalCheckFailedException":
                raise
            return False
        return True

    @staticmethod
    def attach(delegation: Delegation, application_id: str) -> Write:
        """Lists a new application under its (still active) delegation: a part of the
        application's creation (``ApplicationStore.create(also=...)``)."""
        return change(
            delegation,
            [Delegation.applications.set((Delegation.applications | []).append([application_id]))],
            Delegation.status == ACTIVE,
        )

    # --- the code a citizen shows ----------------------------------------------------
    def issue_code(self, holder: str, code_hash: str, expires_at: str) -> None:
        """The citizen's code to show an assistant; it replaces any earlier one."""
        DelegationCode(
            keys.citizen(holder),
            keys.DELEGATION_CODE_SK,
            code_hash=code_hash,
            expires_at=expires_at,
            attempts=0,
            tries={},
            expiration=int(parse_iso(expires_at).timestamp()) + CODE_KEPT_SECONDS,
        ).save()

    def shown_code(self, holder: str) -> DelegationCode | None:
        return find(DelegationCode, keys.citizen(holder), keys.DELEGATION_CODE_SK, consistent=True)

    def spend_code_attempt(self, shown: DelegationCode, assistant: str, each: int, in_all: int) -> bool:
        """Count one try at the citizen's code by ``assistant``, before the code is compared,
        so that requests racing each other cannot try more than the bounds allow: at most
        ``each`` per assistant and ``in_all`` by every assistant together.  False (nothing
        written) when a bound is reached or the code was replaced or used meanwhile."""
        tries = DelegationCode.tries[assistant]
        condition = (
            (DelegationCode.code_hash == shown.code_hash)
            & DelegationCode.tries.exists()
            & ((DelegationCode.attempts < in_all) | DelegationCode.attempts.does_not_exist())
            & (tries.does_not_exist() | (tries < each))
        )
        try:
            shown.update(actions=[DelegationCode.attempts.add(1), tries.set((tries | 0) + 1)], condition=condition)
        except UpdateError as error:
            if error.cause_response_code != "ConditionalCheckFailedException":
                raise
            return False
        return True

    @staticmethod
    def tries_of(shown: DelegationCode, assistant: str) -> int:
        """How many times ``assistant`` tried the citizen's code (as last read)."""
        return int(shown.tries.attribute_values.get(assistant, 0)) if shown.tries is not None else 0

    def use_code(self, shown: DelegationCode) -> bool:
        """The citizen's code is used once: whoever deletes it first holds it (False: it
        was used, or replaced, meanwhile)."""
        try:
            shown.delete(condition=DelegationCode.code_hash == shown.code_hash)
        except DeleteError:
            return False
        return True
