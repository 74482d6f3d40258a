"""Files to upload, built here (none downloaded): real PDFs, PNGs and JPEGs that pass the
content check at submit, and hostile PDFs that must not."""

from __future__ import annotations

import io
import struct
import zlib

import pypdf
from pypdf.actions import JavaScript
from pypdf.generic import ArrayObject, DictionaryObject, NameObject, TextStringObject

# the smallest JPEG header a browser recognises: start of image, then a JFIF APP0 segment
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00\xff\xd9"


def pdf(note: str = "documento de prueba", *, pages: int = 1) -> bytes:
    """A real PDF of blank pages whose title is ``note`` (so different notes differ in bytes)."""
    writer = pypdf.PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=612, height=792)
    writer.add_metadata({"/Title": note})
    return _written(writer)


def pdf_with_javascript(note: str = "abre y ejecuta") -> bytes:
    """A PDF that runs JavaScript when opened (the catalogue's /OpenAction)."""
    writer = pypdf.PdfWriter()
    writer.add_blank_page(width=612, height=792)
    writer.add_open_action(JavaScript(f"app.alert('{note}');"))
    return _written(writer)


def pdf_with_page_action() -> bytes:
    """A PDF whose page runs JavaScript when shown (a page's /AA, not the catalogue)."""
    writer = pypdf.PdfWriter()
    page = writer.add_blank_page(width=612, height=792)
    action = DictionaryObject(
        {NameObject("/S"): NameObject("/JavaScript"), NameObject("/JS"): TextStringObject("app.alert(1)")}
    )
    page[NameObject("/AA")] = DictionaryObject({NameObject("/O"): writer._add_object(action)})
    return _written(writer)


def pdf_with_embedded_file() -> bytes:
    """A PDF carrying another file (the catalogue's /EmbeddedFiles name tree)."""
    writer = pypdf.PdfWriter()
    writer.add_blank_page(width=612, height=792)
    writer.add_attachment("factura.exe", b"MZ\x90\x00 not really a program")
    return _written(writer)


def pdf_with_file_annotation() -> bytes:
    """A PDF whose page holds a file attachment annotation (no /EmbeddedFiles tree)."""
    writer = pypdf.PdfWriter()
    page = writer.add_blank_page(width=612, height=792)
    annotation = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Annot"),
            NameObject("/Subtype"): NameObject("/FileAttachment"),
            NameObject("/Rect"): ArrayObject([pypdf.generic.NumberObject(n) for n in (0, 0, 10, 10)]),
        }
    )
    page[NameObject("/Annots")] = ArrayObject([writer._add_object(annotation)])
    return _written(writer)


def png(width: int = 1, height: int = 1) -> bytes:
    """A real PNG of white greyscale pixels."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    rows = b"".join(b"\x00" + b"\xff" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")


def _written(writer: pypdf.PdfWriter) -> bytes:
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
