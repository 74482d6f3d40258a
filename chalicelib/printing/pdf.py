"""Signed legal documents as PDF: the acuse de recibo, a resolution, an issued credential.

One function, :func:`render`, turns a :class:`Printable` into the bytes of an A4 PDF:
the issuer, title and subtitle; the document's fields as label/value rows; the cadena
original; one block per signature (who signed, in what capacity, the certificate's
number, when, and the sello); and a QR code with the verification address printed
under it.  Every page carries the footer and "Página i de n".  Text that does not fit
flows onto further pages; the cadena original and the sellos are set in Courier and cut
at a fixed number of characters, as Mexican documents print them.

Text is set in the PDF standard fonts (Helvetica, Helvetica-Bold, Courier) with
WinAnsiEncoding, which covers Spanish (á é í ó ú ü ñ ¿ ¡) and needs no embedded font;
a character outside it prints as "?".  The QR code is drawn as vector squares from
segno's matrix.  pydyf and segno load on the first document drawn, not at a cold start.

Usage, for an acuse (``sealed`` is the ``notary.Sealed`` of the filing, ``firma`` its
``sealed.firma`` and ``sello`` its ``sealed.sello``)::

    from chalicelib.printing.pdf import Printable, SignatureBlock, render

    pdf: bytes = render(
        Printable(
            title="Acuse de recibo",
            subtitle="Licencia de construcción, folio 01JF3Z…",
            issuer="Secretaría de Desarrollo Urbano y Vivienda",
            fields=[("Trámite", "Licencia de construcción (versión 3)"), ("Solicitante", "María Núñez Peña")],
            cadena_original=sealed.cadena_original,
            signatures=[
                SignatureBlock(
                    role="Firma del solicitante",
                    signer=firma.holder.name,
                    certificate_serial=firma.serial,
                    signed_at=datetime.fromisoformat(firma.signed_at),  # printed in Mexico City time
                    seal=firma.signature,
                ),
                SignatureBlock(
                    role="Sello de la plataforma",
                    signer="Ventanilla",
                    key_id=sello.key_id,
                    algorithm=sello.algorithm,
                    signed_at=datetime.fromisoformat(sello.sealed_at),
                    seal=sello.seal,
                ),
            ],
            qr_payload=offline_payload,  # what an offline verifier needs
            verify_url=f"{api_url}/verify/{document_id}",
            footer="Este acuse da fe de la recepción de su solicitud; el plazo legal corre desde la fecha del sello.",
        )
    )
    # a route answers Response(pdf, headers={"Content-Type": "application/pdf"})
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Sequence
from datetime import UTC, datetime

from msgspec import Struct

from chalicelib.legal.calendar import MEXICO_CITY
from chalicelib.printing import metrics

VERIFICATION_NOTE = (
    "Escanee el código o abra la dirección de abajo para comprobar las firmas y el sello de este documento."
)


class SignatureBlock(Struct, frozen=True, kw_only=True):
    """One signature as the document prints it.  Empty optional fields are left out: an
    e.firma has a certificate number, the platform's seal a key id and an algorithm.  A
    block without a sello names a signature kept elsewhere (an approval on its resolution)."""

    role: str  # "Firma del solicitante", "Firma del servidor público", "Sello de la plataforma"
    signer: str  # the signer's name as the certificate gives it, or the platform's
    signed_at: datetime  # printed in Mexico City time with its UTC offset (naive means UTC)
    seal: str = ""  # the signature (sello), base64
    position: str = ""  # cargo
    agency: str = ""  # dependencia
    certificate_serial: str = ""  # the 20-digit número de certificado
    key_id: str = ""  # the platform's signing key (Seal.key_id)
    algorithm: str = ""  # e.g. Seal.algorithm, so a reader knows how to check the sello


class Printable(Struct, frozen=True, kw_only=True):
    """A legal document to print: what it is, what it says, who signed it and how to check it."""

    title: str
    issuer: str  # the agency (dependencia) or the platform
    cadena_original: str
    signatures: Sequence[SignatureBlock]
    qr_payload: str  # what the QR code carries
    verify_url: str  # printed under the QR code
    subtitle: str = ""
    fields: Sequence[tuple[str, str]] = ()  # (label, value) rows, in order
    footer: str = ""  # printed at the bottom of every page
    verification_note: str = VERIFICATION_NOTE  # beside the QR code: what it and the address below do


# A4 in points; 20 mm margins.
PAGE_WIDTH = 595.28
PAGE_HEIGHT = 841.89
MARGIN = 56.69
WIDTH = PAGE_WIDTH - 2 * MARGIN
LABEL_WIDTH = 150.0
GUTTER = 10.0
VALUE_X = MARGIN + LABEL_WIDTH + GUTTER
VALUE_WIDTH = WIDTH - LABEL_WIDTH - GUTTER
FOOTER_SIZE = 7.5
LEADING = 1.35  # line height as a multiple of the font size
QR_SIDE = 102.0  # 36 mm: a phone reads it from paper at arm's length
QR_MIN_MODULE = 1.42  # 0.5 mm: below this, printers and cameras blur the modules
QR_QUIET_ZONE = 4  # modules of white around the symbol, as the standard asks (12 pt at least)

REGULAR, BOLD, MONO = "F1", "F2", "F3"
FONTS = {REGULAR: "Helvetica", BOLD: "Helvetica-Bold", MONO: "Courier"}
WIDTHS = {REGULAR: metrics.REGULAR, BOLD: metrics.BOLD}
INK = (0.0, 0.0, 0.0)
MUTED = (0.35, 0.35, 0.35)
ACCENT = (0.38, 0.07, 0.2)  # guinda, the colour of Mexican government documents: headings and rules


def render(document: Printable) -> bytes:
    """The PDF of ``document``: A4, one page or more, the same bytes for the same document.

    A ``qr_payload`` longer than a QR code holds (about 2,300 bytes at this error
    correction level) raises segno's ``DataOverflowError``, a ``ValueError``."""
    pages = _Layout(_footer_lines(document.footer))
    _header(pages, document)
    _fields(pages, document.fields)
    _cadena_original(pages, document.cadena_original)
    _signatures(pages, document.signatures)
    _verification(pages, document.qr_payload, document.verify_url, document.verification_note)
    pages.finish()
    return _write(pages, document)


def _write(pages: _Layout, document: Printable) -> bytes:
    import io

    import pydyf

    pdf = pydyf.PDF()
    fonts = pydyf.Dictionary()
    for key, base in FONTS.items():
        font = pydyf.Dictionary(
            {"Type": "/Font", "Subtype": "/Type1", "BaseFont": "/" + base, "Encoding": "/WinAnsiEncoding"}
        )
        pdf.add_object(font)
        fonts[key] = font.reference
    resources = pydyf.Dictionary({"Font": fonts})
    pdf.add_object(resources)
    for operations in pages.pages:
        content = pydyf.Stream(operations, compress=True)
        pdf.add_object(content)
        pdf.add_page(
            pydyf.Dictionary(
                {
                    "Type": "/Page",
                    "Parent": pdf.pages.reference,
                    "MediaBox": pydyf.Array([0, 0, PAGE_WIDTH, PAGE_HEIGHT]),
                    "Resources": resources.reference,
                    "Contents": content.reference,
                }
            )
        )
    pdf.catalog["Lang"] = pydyf.String("es-MX")
    pdf.info["Title"] = pydyf.String(document.title)
    pdf.info["Author"] = pydyf.String(document.issuer)
    if document.subtitle:
        pdf.info["Subject"] = pydyf.String(document.subtitle)
    pdf.info["Producer"] = pydyf.String("Ventanilla")
    output = io.BytesIO()
    pdf.write(output, version=b"1.7", identifier=True, compress=True)
    return output.getvalue()


# ---- layout: a cursor that moves down the page and starts a new one when it runs out


Colour = tuple[float, float, float]


class _Layout:
    """Pages of content-stream operators, filled from the top; ``room`` starts a new page
    when what comes next does not fit above the footer."""

    def __init__(self, footer: list[bytes]) -> None:
        self.footer = footer
        self.bottom = MARGIN + (len(footer) + 1) * FOOTER_SIZE * LEADING + 8
        self.pages: list[list[bytes]] = []
        self.y = 0.0
        self.new_page()

    def new_page(self) -> None:
        self.pages.append([])
        self.y = PAGE_HEIGHT - MARGIN

    def room(self, height: float) -> None:
        at_top = self.y == PAGE_HEIGHT - MARGIN
        if self.y - height < self.bottom and not at_top:
            self.new_page()

    def space(self, height: float) -> None:
        self.y -= height

    @property
    def ops(self) -> list[bytes]:
        return self.pages[-1]

    def line(self, columns: Sequence[tuple[float, str, float, bytes, Colour]]) -> None:
        """One line of text, possibly in several columns sharing a baseline: each column is
        (x, font, size, encoded text, colour)."""
        height = max(size for _, _, size, _, _ in columns) * LEADING
        self.room(height)
        baseline = self.y - height * 0.75
        for x, font, size, text, colour in columns:
            if text:
                _text(self.ops, x, baseline, font, size, text, colour)
        self.y -= height

    def rule(self, colour: Colour = ACCENT, width: float = 0.6) -> None:
        self.ops.append(
            b"q %s RG %s w %s %s m %s %s l S Q"
            % (_colour(colour), _num(width), _num(MARGIN), _num(self.y), _num(MARGIN + WIDTH), _num(self.y))
        )

    def finish(self) -> None:
        """Footer and page number on every page, now that the number of pages is known."""
        total = len(self.pages)
        for number, ops in enumerate(self.pages, start=1):
            y = MARGIN + (len(self.footer) + 1) * FOOTER_SIZE * LEADING
            ops.append(
                b"q %s RG 0.4 w %s %s m %s %s l S Q"
                % (_colour(MUTED), _num(MARGIN), _num(y + 3), _num(MARGIN + WIDTH), _num(y + 3))
            )
            for text in self.footer:
                y -= FOOTER_SIZE * LEADING
                _text(ops, MARGIN, y, REGULAR, FOOTER_SIZE, text, MUTED)
            label = _encode(f"Página {number} de {total}")
            y -= FOOTER_SIZE * LEADING
            x = MARGIN + WIDTH - _width(label, REGULAR, FOOTER_SIZE)
            _text(ops, x, y, REGULAR, FOOTER_SIZE, label, MUTED)


def _text(ops: list[bytes], x: float, y: float, font: str, size: float, text: bytes, colour: Colour) -> None:
    ops.append(
        b"BT %s rg /%s %s Tf 1 0 0 1 %s %s Tm %s Tj ET"
        % (_colour(colour), font.encode(), _num(size), _num(x), _num(y), _string(text))
    )


def _num(value: float) -> bytes:
    return (b"%.2f" % value).rstrip(b"0").rstrip(b".") or b"0"


def _colour(colour: Colour) -> bytes:
    return b" ".join(_num(part) for part in colour)


def _string(text: bytes) -> bytes:
    return b"(" + re.sub(rb"([\\()])", rb"\\\1", text) + b")"


# ---- text: WinAnsi bytes, measured with the fonts' metrics, wrapped to a width


def _encode(text: str) -> bytes:
    """``text`` in WinAnsiEncoding: composed first (a decomposed "ñ" is one character of
    the font), control characters as spaces, anything the encoding lacks as "?"."""
    composed = unicodedata.normalize("NFC", text)
    cleaned = "".join(" " if unicodedata.category(char) == "Cc" else char for char in composed)
    return cleaned.encode("cp1252", errors="replace")


def _width(text: bytes, font: str, size: float) -> float:
    if font == MONO:
        return len(text) * metrics.MONO * size / 1000
    widths = WIDTHS[font]
    return sum(widths[byte] for byte in text) * size / 1000


def _wrap(text: str, font: str, size: float, width: float) -> list[bytes]:
    """Lines of ``text`` no wider than ``width``: at spaces where it can, within a word
    where a word alone is wider; each newline in ``text`` starts a new line."""
    lines: list[bytes] = []
    for paragraph in text.split("\n"):
        line = b""
        for word in _encode(paragraph).split(b" "):
            candidate = line + b" " + word if line else word
            if _width(candidate, font, size) <= width:
                line = candidate
                continue
            if line:
                lines.append(line)
            line = b""
            for byte in word:
                piece = line + bytes((byte,))
                if line and _width(piece, font, size) > width:
                    lines.append(line)
                    piece = bytes((byte,))
                line = piece
        lines.append(line)
    return lines


def _wrap_mono(text: str, size: float, width: float) -> list[bytes]:
    """``text`` cut every so many characters: a sello or a cadena original must print
    every character, with no space added or lost where a line ends."""
    encoded = _encode(text.replace("\n", " "))
    per_line = max(1, int(width * 1000 / (metrics.MONO * size)))
    return [encoded[start : start + per_line] for start in range(0, len(encoded), per_line)] or [b""]


def _footer_lines(footer: str) -> list[bytes]:
    return _wrap(footer, REGULAR, FOOTER_SIZE, WIDTH) if footer else []


# ---- the sections, top to bottom

HEADING_SIZE = 10.5
LABEL_SIZE = 8.5
VALUE_SIZE = 9.0
MONO_SIZE = 7.0


def _header(pages: _Layout, document: Printable) -> None:
    for line in _wrap(document.issuer, BOLD, 9, WIDTH):
        pages.line([(MARGIN, BOLD, 9, line, MUTED)])
    pages.space(4)
    for line in _wrap(document.title, BOLD, 16, WIDTH):
        pages.line([(MARGIN, BOLD, 16, line, INK)])
    if document.subtitle:
        for line in _wrap(document.subtitle, REGULAR, 10.5, WIDTH):
            pages.line([(MARGIN, REGULAR, 10.5, line, INK)])
    pages.space(6)
    pages.rule(width=1.2)
    pages.space(10)


def _heading(pages: _Layout, text: str, keep_with: float) -> None:
    """A section heading, moved to the next page with its section if less than
    ``keep_with`` points of the section would fit under it."""
    lines = _wrap(text, BOLD, HEADING_SIZE, WIDTH)
    pages.room(len(lines) * HEADING_SIZE * LEADING + 6 + keep_with)
    pages.space(6)
    for line in lines:
        pages.line([(MARGIN, BOLD, HEADING_SIZE, line, ACCENT)])
    pages.space(2)


def _row(pages: _Layout, label: str, value: list[bytes], value_font: str, value_size: float) -> None:
    """A label on the left and its value's lines on the right, line by line so a long
    value flows onto the next page."""
    labels = _wrap(label, BOLD, LABEL_SIZE, LABEL_WIDTH)
    for index in range(max(len(labels), len(value))):
        pages.line(
            [
                (MARGIN, BOLD, LABEL_SIZE, labels[index] if index < len(labels) else b"", MUTED),
                (VALUE_X, value_font, value_size, value[index] if index < len(value) else b"", INK),
            ]
        )
    pages.space(2)


def _text_row(pages: _Layout, label: str, value: str) -> None:
    _row(pages, label, _wrap(value, REGULAR, VALUE_SIZE, VALUE_WIDTH), REGULAR, VALUE_SIZE)


def _fields(pages: _Layout, fields: Sequence[tuple[str, str]]) -> None:
    for label, value in fields:
        _text_row(pages, label, value)


def _cadena_original(pages: _Layout, cadena: str) -> None:
    _heading(pages, "Cadena original", keep_with=3 * MONO_SIZE * LEADING)
    for line in _wrap_mono(cadena, MONO_SIZE, WIDTH):
        pages.line([(MARGIN, MONO, MONO_SIZE, line, INK)])


def _signatures(pages: _Layout, signatures: Sequence[SignatureBlock]) -> None:
    if not signatures:
        return
    blocks = [(signature, _signer_rows(signature)) for signature in signatures]
    _heading(pages, "Firmas electrónicas", keep_with=_head_height(blocks[0][1]))
    for signature, rows in blocks:
        pages.room(_head_height(rows))
        pages.space(6)
        for line in _wrap(signature.role, BOLD, 9.5, WIDTH):
            pages.line([(MARGIN, BOLD, 9.5, line, INK)])
        for label, value in rows:
            _text_row(pages, label, value)
        if signature.seal:
            _row(pages, "Sello digital", _wrap_mono(signature.seal, MONO_SIZE, VALUE_WIDTH), MONO, MONO_SIZE)


def _signer_rows(signature: SignatureBlock) -> list[tuple[str, str]]:
    rows = [
        ("Firmante", signature.signer),
        ("Cargo", signature.position),
        ("Dependencia", signature.agency),
        ("Número de certificado", signature.certificate_serial),
        ("Llave", signature.key_id),
        ("Algoritmo", signature.algorithm),
        ("Fecha y hora de firma", printed_time(signature.signed_at)),
    ]
    return [(label, value) for label, value in rows if value]


def _head_height(rows: list[tuple[str, str]]) -> float:
    """The role, who signed and the start of the sello: kept together on one page."""
    return (len(rows) + 3) * VALUE_SIZE * LEADING + 8


def printed_time(moment: datetime) -> str:
    """A moment as the documents print it: Mexico City time with its UTC offset (a naive
    time is the platform's UTC, never the host's local time)."""
    local = (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).astimezone(MEXICO_CITY)
    offset = local.strftime("%z")
    return f"{local:%d/%m/%Y %H:%M:%S} (Ciudad de México, UTC{offset[:3]}:{offset[3:]})"


def _verification(pages: _Layout, payload: str, url: str, text: str) -> None:
    import segno

    matrix = segno.make_qr(payload, error="m").matrix
    modules = len(matrix)
    module = max(QR_MIN_MODULE, QR_SIDE / modules)
    module = math.ceil(module * 100) / 100  # whole hundredths: every edge lands exactly on a printed number
    side = module * modules
    quiet = max(QR_QUIET_ZONE * module, 12.0)
    note = _wrap(
        text,
        REGULAR,
        VALUE_SIZE,
        WIDTH - side - 2 * quiet,
    )
    urls = _wrap_mono(url, MONO_SIZE + 1, WIDTH)
    _heading(pages, "Verificación", keep_with=side + 2 * quiet + len(urls) * (MONO_SIZE + 1) * LEADING)
    pages.space(quiet)
    top = round(pages.y, 2)
    _qr(pages.ops, matrix, MARGIN, top, module)
    for index, line in enumerate(note):
        baseline = top - (index + 0.75) * VALUE_SIZE * LEADING
        _text(pages.ops, MARGIN + side + quiet, baseline, REGULAR, VALUE_SIZE, line, INK)
    pages.space(side + quiet)
    for line in urls:
        pages.line([(MARGIN, MONO, MONO_SIZE + 1, line, INK)])


def _qr(ops: list[bytes], matrix: Sequence[Sequence[int]], left: float, top: float, module: float) -> None:
    """The dark modules as filled rectangles, one per horizontal run, all in one path
    filled once, so no hairline shows between neighbouring modules."""
    path: list[bytes] = [b"q 0 0 0 rg"]
    for row, cells in enumerate(matrix):
        y = top - (row + 1) * module
        column = 0
        while column < len(cells):
            if not cells[column]:
                column += 1
                continue
            start = column
            while column < len(cells) and cells[column]:
                column += 1
            path.append(
                b"%s %s %s %s re"
                % (_num(left + start * module), _num(y), _num((column - start) * module), _num(module))
            )
    path.append(b"f Q")
    ops.append(b"\n".join(path))


def render_report(
    title: str, issuer: str, sections: Sequence[tuple[str, Sequence[tuple[str, str]]]], footer: str = ""
) -> bytes:
    """A plain report (no signatures, no QR code): a heading per section, label and value rows
    under it, flowing onto as many pages as it takes."""

    pages = _Layout(_footer_lines(footer))
    document = Printable(title=title, issuer=issuer, cadena_original="", signatures=(), qr_payload="", verify_url="")
    _header(pages, document)
    for heading, fields in sections:
        _heading(pages, heading, keep_with=VALUE_SIZE * LEADING)
        _fields(pages, fields)
    pages.finish()
    return _write(pages, document)
