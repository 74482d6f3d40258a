"""Reading a .cer: who it names (a person, a company) and its número de certificado."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID

from chalicelib.core.errors import ValidationFailed
from chalicelib.efirma import certificates
from infra.local.efirma import Authority


def test_a_persons_certificate_names_their_curp_rfc_and_number(authority: Authority) -> None:
    issued = authority.issue("GOMC800101MDFMRR00", "12345678a")
    _, read = certificates.read(issued.certificate)
    assert read.serial == issued.serial and len(read.serial) == 20 and read.serial.startswith("3000")
    assert read.holder.kind == "person"
    assert read.holder.curp == read.holder.signer_curp == "GOMC800101MDFMRR00"
    assert read.holder.rfc == "GOMC800101SB0"
    assert read.holder.name == "CARLA GÓMEZ MARTÍNEZ"


def company_certificate(rfc: str, curp: str) -> bytes:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.COMMON_NAME, "TALLERES DEL VALLE SA DE CV"),
            x509.NameAttribute(NameOID.X500_UNIQUE_IDENTIFIER, rfc),
            x509.NameAttribute(NameOID.SERIAL_NUMBER, curp),
        ]
    )
    now = datetime.now(UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(int.from_bytes(b"30001000000500003416", "big"))
        .not_valid_before(now)
        .not_valid_after(now + timedelta(days=1))
        .sign(key, hashes.SHA256())
    )
    return certificate.public_bytes(serialization.Encoding.DER)


def test_a_companys_certificate_names_its_rfc_and_its_representative() -> None:
    der = company_certificate("TVA060209QL5 / GOMC800101AB1", " / GOMC800101MDFMRR00")
    _, read = certificates.read(der)
    assert read.serial == "30001000000500003416"
    assert read.holder.kind == "company"
    assert (read.holder.rfc, read.holder.curp) == ("TVA060209QL5", None)
    assert (read.holder.representative_rfc, read.holder.representative_curp) == ("GOMC800101AB1", "GOMC800101MDFMRR00")
    assert read.holder.signer_curp == "GOMC800101MDFMRR00"


def test_a_certificate_without_curp_or_rfc_is_not_an_efirma() -> None:
    with pytest.raises(ValidationFailed) as refused:
        certificates.read(company_certificate("TVA060209QL5", " / "))
    assert refused.value.code == "certificate_not_efirma"


def test_a_file_that_is_not_a_certificate_is_refused() -> None:
    with pytest.raises(ValidationFailed) as refused:
        certificates.read(b"\x30\x03\x02\x01\x01")
    assert (refused.value.code, refused.value.details[0]["field"]) == ("certificate_unreadable", "certificate")


def test_a_serial_that_is_not_ascii_digits_prints_in_decimal() -> None:
    assert certificates.certificate_number(int.from_bytes(b"30001000000500003416", "big")) == "30001000000500003416"
    assert certificates.certificate_number(0x1F) == "31"
