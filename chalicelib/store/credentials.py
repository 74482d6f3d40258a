"""Issued documents (credentials): each in its own partition, and in its holder's record,
with the count of its public checks beside it."""

from __future__ import annotations

from typing import Any

from msgspec import Struct
from pynamodb.constants import ALL_OLD, ATTRIBUTES

from chalicelib.core.errors import NotFound
from chalicelib.store import keys
from chalicelib.store.models import Credential, VerificationCounter
from chalicelib.store.reads import find, get


class Counted(Struct, frozen=True):
    """One public check counted: the running total including it, and whether it is the
    first check of its hour (the one that is written to the audit trail)."""

    verifications: int
    first_of_hour: bool


class CredentialStore:
    def get(self, document_id: str) -> Credential:
        missing = NotFound("no such document", code="unknown_document")
        return get(Credential, keys.credential(document_id), keys.CREDENTIAL_SK, missing)

    def new(self, document_id: str, holder: str, issued_at: str, **fields: Any) -> Credential:
        """A credential not yet saved (it is written with the status change that issues it)."""
        return Credential(
            keys.credential(document_id),
            keys.CREDENTIAL_SK,
            **keys.by_owner(holder, keys.owner_order("DOC", issued_at, document_id)),
            id=document_id,
            issued_at=issued_at,
            **fields,
        )

    def count_verification(self, document_id: str, hour: str) -> Counted:
        """Count one public check of the document in ``hour`` (``YYYY-MM-DDTHH``, UTC): one
        UpdateItem of a small item.  Of concurrent checks in a new hour exactly one sees the
        previous hour in the old values, so exactly one is told it is the first."""
        actions = [
            VerificationCounter.verifications.add(1),
            VerificationCounter.hour.set(hour),
            VerificationCounter.kind.set(VerificationCounter),
        ]
        # the item as it was (``Model.update`` answers the new one): the hour before this check
        answer = VerificationCounter._get_connection().update_item(
            keys.credential(document_id), keys.VERIFICATIONS_SK, actions=actions, return_values=ALL_OLD
        )
        before = answer.get(ATTRIBUTES, {})
        total = int(before.get("verifications", {}).get("N", "0")) + 1
        return Counted(verifications=total, first_of_hour=before.get("hour", {}).get("S") != hour)

    def verifications(self, document_id: str) -> int:
        """How often the document was checked publicly (0 if never): one GetItem."""
        counter = find(VerificationCounter, keys.credential(document_id), keys.VERIFICATIONS_SK)
        return int(counter.verifications) if counter is not None else 0
