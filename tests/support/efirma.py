"""People's e.firma in the tests: files from the sandbox authority, and a filing signed with them."""

from __future__ import annotations

import base64
from collections.abc import Callable, Mapping
from functools import cache
from typing import Any

from chalicelib.efirma.keys import sign_with_files
from infra.local import efirma
from infra.local.demo import DEMO_EFIRMA_PASSWORD as PASSWORD

Files = tuple[bytes, bytes]  # the .cer and the .key, DER


@cache
def _issued(directory: str, subject: str) -> Files:
    issued = efirma.current().authority.issue(subject, PASSWORD)
    return issued.certificate, issued.key


def files_for(subject: str) -> Files:
    """``subject``'s e.firma from the sandbox authority of this process (one per subject and authority)."""
    return _issued(str(efirma.current().authority.directory), subject)


def files_over_http(post: Callable[[str, Any], Any], subject: str) -> Files:
    """``subject``'s e.firma from a running stack's sandbox route (``post(path, body)`` answers JSON)."""
    issued = post("/sandbox/efirma/certificates", {"subject": subject, "password": PASSWORD})
    return base64.b64decode(issued["certificate"]), base64.b64decode(issued["key"])


def signed(files: Files, text: str) -> dict[str, str]:
    certificate, key = files
    return {
        "certificate": base64.b64encode(certificate).decode(),
        "cadena_original": text,
        "signature": sign_with_files(certificate, key, PASSWORD, text),
    }


def filing(prepared: Mapping[str, Any], files: Callable[[], Files]) -> dict[str, Any]:
    """What a filing or a decision adds for a prepared cadena original: its e.firma when required."""
    if not prepared["efirma_required"]:
        return {}
    return {"efirma": signed(files(), prepared["cadena_original"])}
