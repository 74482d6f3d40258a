"""Signed documents as PDF, read back with a real PDF reader (pypdf): the text a person
reads, in order and with its accents; a cadena original and sellos that can be copied
off the page and checked with the signer's certificate; pages that flow; a QR code that
carries the payload."""

from __future__ import annotations

import base64
import hashlib
import re
import subprocess
import sys
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import msgspec
import pytest
import segno
from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.asymmetric.padding import PKCS1v15
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPublicKey
from cryptography.hazmat.primitives.hashes import SHA256

from chalicelib.efirma import certificates
from chalicelib.efirma.keys import open_key, sign
from chalicelib.printing.pdf import Printable, SignatureBlock, render
from infra.aws import bytecode
from infra.local.efirma import Authority
from tests.support.pdf import qr_modules, read, text_of

PASSWORD = "12345678a"
CITIZEN = "GOMC800101MDFMRR00"  # Carla Gómez Martínez
OFFICIAL = "oficial.dumun"  # Rocío Vega (Desarrollo Urbano)
FOLIO = "01JF3ZK8Q2M4N6P8R0T2V4X6Z8"
VERIFY_URL = f"https://ventanilla.example.gob.mx/verify/{FOLIO}"
ROLES = {"Firma del solicitante", "Firma del servidor público", "Sello de la plataforma"}
FOOTER = "Documento firmado con e.firma; verifique su autenticidad en la dirección del código QR."


@dataclass(frozen=True)
class Signers:
    citizen: Signer
    official: Signer
    platform: rsa.RSAPrivateKey  # stands in for the KMS key


@dataclass(frozen=True)
class Signer:
    name: str
    serial: str
    certificate: x509.Certificate
    key: rsa.RSAPrivateKey  # opened once from the .key file: its password-based decryption is slow by design


@pytest.fixture(scope="module")
def signers(tmp_path_factory: pytest.TempPathFactory) -> Signers:
    authority = Authority(tmp_path_factory.mktemp("efirma"))

    def signer(subject: str) -> Signer:
        issued = authority.issue(subject, PASSWORD)
        certificate, read = certificates.read(issued.certificate)
        return Signer(read.holder.name, read.serial, certificate, open_key(issued.key, PASSWORD))

    return Signers(signer(CITIZEN), signer(OFFICIAL), rsa.generate_private_key(public_exponent=65537, key_size=2048))


def cadena(digests: int) -> str:
    documents = [hashlib.sha256(f"documento {n}".encode()).hexdigest() for n in range(digests)]
    fields = ["1", "LIC-CONST", "3", FOLIO, CITIZEN, "Calle Ñandú 12, Álvaro Obregón", *documents]
    return "||" + "|".join([*fields, "2026-12-03T18:04:05Z"]) + "||"


def acuse(signers: Signers, text: str) -> Printable:
    citizen, official = signers.citizen, signers.official
    citizen_seal = sign(citizen.key, text)
    official_seal = sign(official.key, text)
    return Printable(
        title="Resolución: licencia de construcción aprobada",
        subtitle=f"Folio {FOLIO}",
        issuer="Secretaría de Desarrollo Urbano y Vivienda",
        fields=[
            ("Trámite", "Licencia de construcción (versión 3)"),
            ("Solicitante", citizen.name),
            ("Domicilio de la obra", "Calle Ñandú 12, Colonia Xochimilco, Alcaldía Álvaro Obregón, C.P. 01000"),
            ("Observaciones", "¿Alineamiento? ¡Aprobado! Pingüino, año, acción."),
        ],
        cadena_original=text,
        signatures=[
            SignatureBlock(
                role="Firma del solicitante",
                signer=citizen.name,
                certificate_serial=citizen.serial,
                signed_at=datetime(2026, 12, 3, 18, 4, 5, tzinfo=UTC),
                seal=citizen_seal,
            ),
            SignatureBlock(
                role="Firma del servidor público",
                signer=official.name,
                position="Directora de Licencias",
                agency="Secretaría de Desarrollo Urbano y Vivienda",
                certificate_serial=official.serial,
                signed_at=datetime(2026, 12, 4, 16, 0, tzinfo=UTC),
                seal=official_seal,
            ),
            SignatureBlock(
                role="Sello de la plataforma",
                signer="Ventanilla",
                key_id="alias/ventanilla-prod-seal",
                algorithm="RSASSA_PKCS1_V1_5_SHA_256",
                signed_at=datetime(2026, 12, 4, 16, 0, 1, tzinfo=UTC),
                seal=sign(signers.platform, text),
            ),
        ],
        qr_payload=f"{VERIFY_URL}?s={official_seal}",
        verify_url=VERIFY_URL,
        footer=FOOTER,
    )


def assert_in_order(text: str, expected: list[str]) -> None:
    position = 0
    for part in expected:
        found = text.find(part, position)
        assert found >= 0, f"{part!r} missing after position {position}"
        position = found + len(part)


def printed_seal(text: str, role: str) -> str:
    """The sello printed under ``role``, its lines joined, as a person would copy it."""
    start = text.index("Sello digital", text.index(role)) + len("Sello digital")
    lines = []
    for line in text[start:].strip().splitlines():
        if not re.fullmatch(r"[A-Za-z0-9+/=]+", line.strip()):
            break
        lines.append(line.strip())
    return "".join(lines)


def test_an_acuse_reads_in_order_with_its_accents(signers: Signers) -> None:
    document = acuse(signers, cadena(4))
    reader = read(render(document))
    text = text_of(reader)
    citizen, official = signers.citizen, signers.official
    assert citizen.name == "CARLA GÓMEZ MARTÍNEZ"
    assert_in_order(
        text,
        [
            "Secretaría de Desarrollo Urbano y Vivienda",
            "Resolución: licencia de construcción aprobada",
            f"Folio {FOLIO}",
            "Trámite",
            "Licencia de construcción (versión 3)",
            "Solicitante",
            "CARLA GÓMEZ MARTÍNEZ",
            "Calle Ñandú 12, Colonia Xochimilco, Alcaldía Álvaro Obregón",
            "¿Alineamiento? ¡Aprobado! Pingüino, año, acción.",
            "Cadena original",
            "||1|LIC-CONST|3|",
            "Firmas electrónicas",
            "Firma del solicitante",
            "CARLA GÓMEZ MARTÍNEZ",
            "Número de certificado",
            citizen.serial,
            "03/12/2026 12:04:05 (Ciudad de México, UTC-06:00)",
            "Sello digital",
            "Firma del servidor público",
            official.name,
            "Cargo",
            "Directora de Licencias",
            "Dependencia",
            official.serial,
            "04/12/2026 10:00:00",
            "Sello digital",
            "Sello de la plataforma",
            "Ventanilla",
            "Llave",
            "alias/ventanilla-prod-seal",
            "Algoritmo",
            "RSASSA_PKCS1_V1_5_SHA_256",
            "Sello digital",
            "Verificación",
            VERIFY_URL,
            FOOTER,
            f"Página {len(reader.pages)} de {len(reader.pages)}",
        ],
    )
    assert text.count("Cargo") == 1, "a signer without a position prints no empty Cargo row"
    assert text.count("Número de certificado") == 2, "the platform's seal has a key, not a certificate"
    assert reader.metadata is not None and reader.metadata.title == document.title


def test_the_printed_cadena_and_sellos_check_with_the_signers_certificates(signers: Signers) -> None:
    """What the e.firma promises on paper: copy the cadena original and a sello off the
    page, and the signer's certificate (or the platform's published key) verifies one
    against the other."""
    text = cadena(4)
    document = acuse(signers, text)
    printed = text_of(read(render(document)))
    lines = printed[printed.index("Cadena original") + len("Cadena original") : printed.index("Firmas electrónicas")]
    assert lines.count("\n") > 2, "a long cadena original is wrapped over several lines"
    assert lines.replace("\n", "") == text
    keys = [
        signers.citizen.certificate.public_key(),
        signers.official.certificate.public_key(),
        signers.platform.public_key(),
    ]
    for block, key in zip(document.signatures, keys, strict=True):
        seal = printed_seal(printed, block.role)
        assert len(seal) == 344 and seal == block.seal
        assert isinstance(key, RSAPublicKey)
        key.verify(base64.b64decode(seal), lines.replace("\n", "").encode(), PKCS1v15(), SHA256())


def test_a_long_document_flows_onto_more_pages_each_with_its_footer(signers: Signers) -> None:
    text = cadena(120)
    reader = read(render(acuse(signers, text)))
    pages = [page.extract_text() for page in reader.pages]
    assert len(pages) >= 2
    assert text[:40] in pages[0] and text[-40:] in pages[1], "the cadena original itself crosses the page break"
    for number, page in enumerate(pages, start=1):
        assert FOOTER in page and f"Página {number} de {len(pages)}" in page
        width, height = reader.pages[number - 1].mediabox.width, reader.pages[number - 1].mediabox.height
        assert (round(float(width)), round(float(height))) == (595, 842)  # A4
    body = "".join(
        line for page in pages for line in page.splitlines() if line != FOOTER and not line.startswith("Página ")
    )
    assert text in body, "the cadena original continues on the next page where the last one ended"
    assert "Cadena original" in pages[0] and "Verificación" in pages[-1]


def test_the_qr_code_carries_the_payload_and_the_verify_url_is_printed_under_it(signers: Signers) -> None:
    document = acuse(signers, cadena(4))
    reader = read(render(document))
    page = next(page for page in reader.pages if "Verificación" in page.extract_text())
    dark, bottom = qr_modules(page)

    expected = segno.make_qr(document.qr_payload, error="m").matrix
    assert dark == {(row, column) for row, cells in enumerate(expected) for column, cell in enumerate(cells) if cell}
    assert len(dark) == sum(sum(cells) for cells in expected)

    url_at: list[float] = []
    page.extract_text(
        visitor_text=lambda text, _cm, tm, _font, _size: url_at.append(tm[5]) if VERIFY_URL in text else None
    )
    assert url_at and url_at[0] < bottom


def test_text_outside_the_fonts_encoding_prints_as_a_question_mark(signers: Signers) -> None:
    document = acuse(signers, cadena(1))
    odd = msgspec.structs.replace(document, title="Ακτα ☃")
    assert "???? ?" in text_of(read(render(odd)))


def test_the_same_document_gives_the_same_bytes(signers: Signers) -> None:
    document = acuse(signers, cadena(2))
    assert render(document) == render(document)


def test_a_cold_start_does_not_load_the_pdf_writer() -> None:
    """Routes may import this module at the top; pydyf and segno still load only when a
    document is drawn, not at every cold start."""
    root = Path(__file__).resolve().parents[3]
    listing = "import app, chalicelib.printing.pdf, sys; print(' '.join(sys.modules))"
    done = subprocess.run(
        [sys.executable, "-c", listing],
        cwd=root,
        env=bytecode.lambda_environment(root),
        capture_output=True,
        text=True,
        check=True,
    )
    loaded = {name.split(".")[0] for name in done.stdout.split()}
    assert "chalicelib" in loaded and not loaded & {"pydyf", "segno"}
    app_alone = subprocess.run(
        [sys.executable, "-c", "import app, sys; print(' '.join(sys.modules))"],
        cwd=root,
        env=bytecode.lambda_environment(root),
        capture_output=True,
        text=True,
        check=True,
    )
    assert "chalicelib.printing" not in app_alone.stdout.split(), "the documents load with the routes that draw one"


@pytest.mark.parametrize("digests", range(40, 110, 5))
def test_no_page_ends_with_a_heading_whatever_the_length(signers: Signers, digests: int) -> None:
    reader = read(render(acuse(signers, cadena(digests))))
    for page in reader.pages[:-1]:
        body = [line for line in page.extract_text().splitlines() if line != FOOTER and not line.startswith("Página ")]
        assert body[-1] not in {"Cadena original", "Firmas electrónicas", "Verificación"}
        assert body[-1] not in ROLES


def test_a_signature_kept_elsewhere_prints_who_signed_without_a_sello(signers: Signers) -> None:
    """An issued permit names who approved it; their sellos are on their resolutions."""
    document = acuse(signers, cadena(1))
    approval = SignatureBlock(
        role="Aprobó con e.firma",
        signer=signers.official.name,
        certificate_serial=signers.official.serial,
        signed_at=datetime(2026, 12, 4, 16, 0, tzinfo=UTC),
    )
    platform = document.signatures[-1]
    note = "El código lleva el texto firmado y el sello de la plataforma."
    text = text_of(
        read(render(msgspec.structs.replace(document, signatures=[approval, platform], verification_note=note)))
    )
    assert_in_order(text, ["Aprobó con e.firma", signers.official.serial, "Sello de la plataforma", "Sello digital"])
    assert text.count("Sello digital") == 1
    assert note in text and "Escanee" not in text
