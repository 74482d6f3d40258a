"""Reading the signed documents' PDFs back as a person (and a phone) would: their text,
and the QR code's modules as the page draws them."""

from __future__ import annotations

import io

import pypdf


def read(pdf: bytes) -> pypdf.PdfReader:
    assert pdf.startswith(b"%PDF-1.7")
    return pypdf.PdfReader(io.BytesIO(pdf))


def text_of(reader: pypdf.PdfReader) -> str:
    return "\n".join(page.extract_text() for page in reader.pages)


def qr_modules(page: pypdf.PageObject) -> tuple[set[tuple[int, int]], float]:
    """The QR code's dark modules as (row, column), rebuilt from the rectangles the page
    fills (the document draws no other rectangles), and the y of its lower edge."""
    contents = page.get_contents()
    assert contents is not None
    rectangles = [
        tuple(float(value) for value in operands)
        for operands, operator in pypdf.generic.ContentStream(contents, page.pdf).operations
        if operator == b"re"
    ]
    assert rectangles, "the page draws the QR code"
    module = min(height for _, _, _, height in rectangles)
    left = min(x for x, _, _, _ in rectangles)
    top = max(y + height for _, y, _, height in rectangles)
    dark: set[tuple[int, int]] = set()
    for x, y, width, height in rectangles:
        row, column = round((top - y - height) / module), round((x - left) / module)
        dark.update((row, column + step) for step in range(round(width / module)))
    bottom = min(y for _, y, _, _ in rectangles)
    return dark, bottom
