"""The issued documents' PDFs as their holders download them, written once to the locked
bucket when they are issued (``chalicelib.credentials.archive``)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from msgspec import Struct

from chalicelib.credentials import archive
from chalicelib.credentials.archive import LockedStore
from chalicelib.credentials.service import verify_url
from chalicelib.store.models import Credential


class IssuedPdfs(Struct, frozen=True):
    store: LockedStore
    public_api_url: str

    def keep(self, credential: Credential, payload: Mapping[str, Any], definition: Mapping[str, Any]) -> None:
        # imported here: only the issue step draws a PDF, not every cold start (~5 ms)
        from chalicelib.printing.documents import issued
        from chalicelib.printing.pdf import render

        printable = issued(credential, payload, definition, verify_url(self.public_api_url, credential.id))
        self.store.keep(archive.key_of(credential.id), render(printable), archive.retain_until(payload))
