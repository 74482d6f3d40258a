"""How long submit's content check of one PDF takes at the largest size a procedure accepts
(20 MiB, ``planos`` of licencia-construccion), for the two shapes a file of that size takes:

- ``scanned``: a few pages, each one large image stream (a scanned plan): few objects;
- ``many objects``: thousands of pages of small text streams, the most the check walks;

and, in a fresh interpreter, what loading pypdf adds to the first check of a process.

    python -m bench.document_check [--mib 20] [--runs 3]
"""

from __future__ import annotations

import argparse
import io
import os
import statistics
import subprocess
import sys
import time

import pypdf
from pypdf.generic import ContentStream, DecodedStreamObject, NameObject

from chalicelib.applications import content


def scanned(size: int) -> bytes:
    """Pages each holding one incompressible image stream, ``size`` bytes in all."""
    writer = pypdf.PdfWriter()
    pages = 8
    for _ in range(pages):
        page = writer.add_blank_page(width=612, height=792)
        image = DecodedStreamObject()
        image.set_data(os.urandom(size // pages))
        image.update(
            {
                NameObject("/Type"): NameObject("/XObject"),
                NameObject("/Subtype"): NameObject("/Image"),
                NameObject("/Width"): pypdf.generic.NumberObject(1000),
                NameObject("/Height"): pypdf.generic.NumberObject(1000),
                NameObject("/ColorSpace"): NameObject("/DeviceGray"),
                NameObject("/BitsPerComponent"): pypdf.generic.NumberObject(8),
            }
        )
        resources = pypdf.generic.DictionaryObject(
            {NameObject("/XObject"): pypdf.generic.DictionaryObject({NameObject("/Im0"): writer._add_object(image)})}
        )
        page[NameObject("/Resources")] = resources
    return _written(writer)


def many_objects(size: int) -> bytes:
    """Blank-ish pages with a small text stream each, added until the file reaches ``size``."""
    writer = pypdf.PdfWriter()
    text = b"BT /F1 12 Tf 72 720 Td (Plano de la obra, hoja) Tj ET\n" * 20
    per_page = len(text) + 400
    for _ in range(size // per_page):
        page = writer.add_blank_page(width=612, height=792)
        stream = ContentStream(None, None)
        stream.set_data(text)
        page[NameObject("/Contents")] = writer._add_object(stream)
    return _written(writer)


def _written(writer: pypdf.PdfWriter) -> bytes:
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def timed(document: bytes, runs: int) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        assert content.pdf_problem(document) is None
        times.append(time.perf_counter() - started)
    return statistics.median(times) * 1000


def import_ms() -> float:
    probe = "import time; t = time.perf_counter(); import pypdf; print((time.perf_counter() - t) * 1000)"
    return float(subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--mib", type=float, default=20)
    parser.add_argument("--runs", type=int, default=3)
    arguments = parser.parse_args()
    size = int(arguments.mib * 1024 * 1024)
    for name, build in (("scanned", scanned), ("many objects", many_objects)):
        document = build(size)
        pages = len(pypdf.PdfReader(io.BytesIO(document)).pages)
        print(f"{name}: {len(document) / 2**20:.1f} MiB, {pages} pages: check {timed(document, arguments.runs):.0f} ms")
    print(f"import pypdf (fresh interpreter): {import_ms():.0f} ms")


if __name__ == "__main__":
    main()
