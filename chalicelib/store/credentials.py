"""Issued documents (credentials): each in its own partition, and in its holder's record."""

from __future__ import annotations

from typing import Any

from chalicelib.core.errors import NotFound
from chalicelib.store import keys
from chalicelib.store.models import Credential
from chalicelib.store.reads import get


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
