"""The content check of uploads, on files built here: what passes, and why the rest is refused."""

from __future__ import annotations

import io

import pypdf
import pytest

from chalicelib.applications import content
from tests.support import documents


@pytest.mark.parametrize(
    ("content_type", "first_bytes"),
    [
        ("application/pdf", documents.pdf()),
        ("image/png", documents.png()),
        ("image/jpeg", documents.JPEG),
    ],
)
def test_a_file_of_its_declared_type_passes(content_type: str, first_bytes: bytes) -> None:
    assert content.magic_problem(content_type, first_bytes[: content.MAGIC_BYTES]) is None


def test_a_file_of_another_type_is_named_for_what_it_is() -> None:
    finding = content.magic_problem("image/jpeg", documents.png()[: content.MAGIC_BYTES])
    assert finding == content.Finding(
        "document_type_mismatch", "was declared as image/jpeg but is image/png; upload the file itself"
    )
    assert content.magic_problem("application/pdf", b"<html>")
    assert content.magic_problem("application/pdf", b"") is not None  # an empty file is no PDF


def test_a_plain_pdf_of_many_pages_passes() -> None:
    assert content.pdf_problem(documents.pdf("plano", pages=50)) is None


def test_an_encrypted_pdf_cannot_be_checked_and_is_refused() -> None:
    writer = pypdf.PdfWriter(clone_from=io.BytesIO(documents.pdf()))
    writer.encrypt(user_password="", owner_password="secreto", algorithm="AES-128")
    out = io.BytesIO()
    writer.write(out)
    finding = content.pdf_problem(out.getvalue())
    assert finding is not None and finding.code == "document_unreadable"
    assert "encrypted" in finding.message


@pytest.mark.parametrize(
    "hostile",
    [
        documents.pdf_with_javascript(),
        documents.pdf_with_page_action(),
        documents.pdf_with_embedded_file(),
        documents.pdf_with_file_annotation(),
    ],
)
def test_active_or_carrying_pdfs_are_unsafe(hostile: bytes) -> None:
    finding = content.pdf_problem(hostile)
    assert finding is not None and finding.code == "document_unsafe"


@pytest.mark.parametrize(
    "broken",
    [b"%PDF-1.7\n", b"%PDF-1.4 documento\n%%EOF\n", documents.pdf()[:200], b"%PDF-" + b"\x00" * 4096],
)
def test_a_pdf_that_does_not_parse_is_unreadable_not_an_error(broken: bytes) -> None:
    finding = content.pdf_problem(broken)
    assert finding is not None and finding.code == "document_unreadable"
