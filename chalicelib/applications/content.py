"""What an uploaded file holds, checked before an application is submitted: its first bytes
must be those of its declared type, and a PDF must parse and carry nothing that runs or
hides another file (JavaScript, launch actions, embedded files, file attachments).

The store checked size, type header and SHA-256 on upload; nothing there looked inside the
file, and an HTML page sent as ``application/pdf`` would be served back to the reviewing
official as the PDF it claims to be.
"""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator
from typing import Any

from msgspec import Struct

# the first bytes of each type a procedure may accept (procedure.schema.json's content_types)
SIGNATURES: dict[str, bytes] = {
    "application/pdf": b"%PDF-",
    "image/png": b"\x89PNG\r\n\x1a\n",
    "image/jpeg": b"\xff\xd8\xff",
}
MAGIC_BYTES = max(len(signature) for signature in SIGNATURES.values())
# a PDF whose objects hold more entries than this is refused rather than walked for minutes:
# 17.6 MiB of 14,169 text pages hold 70,854 and take ~2 s to walk (bench/document_check.py)
MAX_PDF_ENTRIES = 200_000

TYPE_MISMATCH = "document_type_mismatch"
UNREADABLE = "document_unreadable"
UNSAFE = "document_unsafe"
INFECTED = "document_infected"
# the verdict GuardDuty Malware Protection for S3 tags an object with when it found malware
THREATS_FOUND = "THREATS_FOUND"

# dictionary keys that only JavaScript or embedded files use
_SCRIPT_KEYS = frozenset({"/JS", "/JavaScript"})
_FILE_KEYS = frozenset({"/EmbeddedFiles", "/EmbeddedFile", "/EF"})
# action types that run something: a script, or a program on the reader's machine
_RUNNING_ACTIONS = frozenset({"/JavaScript", "/Launch"})


class Finding(Struct, frozen=True):
    """Why a file is refused: a stable code and a sentence for the citizen."""

    code: str
    message: str


def magic_problem(content_type: str, first_bytes: bytes) -> Finding | None:
    """A file whose first bytes are not those of its declared type."""
    signature = SIGNATURES.get(content_type)
    if signature is None or first_bytes.startswith(signature):
        return None
    actual = next((name for name, magic in SIGNATURES.items() if first_bytes.startswith(magic)), None)
    found = f"is {actual}" if actual else "is not"
    return Finding(TYPE_MISMATCH, f"was declared as {content_type} but {found}; upload the file itself")


def pdf_problem(content: bytes) -> Finding | None:
    """A PDF that does not parse, is encrypted, or holds JavaScript, a launch action or an
    embedded file.  Every object reachable from the trailer is read (not only the catalogue's
    /OpenAction and /Names), so a script on a page, an annotation or a form field is found."""
    # imported here: only a submit with a PDF pays for loading the parser
    import pypdf

    # pypdf narrates every repair it makes of a damaged file; those are the citizen's, not ours
    logging.getLogger("pypdf").setLevel(logging.ERROR)
    try:
        reader = pypdf.PdfReader(io.BytesIO(content), strict=False)
        if reader.is_encrypted:
            return Finding(UNREADABLE, "is encrypted or protected by a password; upload it without protection")
        for count, (key, value) in enumerate(_entries(reader.trailer)):
            if count > MAX_PDF_ENTRIES:
                return Finding(UNREADABLE, "is too complex to check; print it to a new PDF and upload that")
            if key in _SCRIPT_KEYS or (key == "/S" and value in _RUNNING_ACTIONS):
                return Finding(UNSAFE, "contains JavaScript or an action that runs a program; these are not accepted")
            if key in _FILE_KEYS or (key == "/Subtype" and value == "/FileAttachment"):
                return Finding(UNSAFE, "contains embedded files or attachments; these are not accepted")
    # the parser meets hostile input here: whatever it raises means the file is not a PDF
    # it can read, which the citizen is told (a 422), never a failure of the platform
    except Exception:
        return Finding(UNREADABLE, "is not a PDF that can be read; export or scan it again")
    return None


def _entries(root: Any) -> Iterator[tuple[str, Any]]:
    """Every (key, value) of every dictionary reachable from ``root``, each object once."""
    import pypdf.generic as generic

    seen: set[tuple[int, int]] = set()
    pending = [root]
    while pending:
        item = pending.pop()
        if isinstance(item, generic.IndirectObject):
            reference = (item.idnum, item.generation)
            if reference in seen:
                continue
            seen.add(reference)
            item = item.get_object()
        if isinstance(item, dict):
            for key, value in item.items():
                yield str(key), value
                pending.append(value)
        elif isinstance(item, list):
            pending.extend(item)
