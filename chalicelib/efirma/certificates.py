"""A ``.cer`` as the SAT issues it: DER X.509 v3, RSA 2048, and who it names.

A person's subject carries the CURP in ``serialNumber`` (2.5.4.5) and the RFC in
``x500UniqueIdentifier`` (2.5.4.45).  A company's carries ``"<company RFC> / <legal
representative's RFC>"`` and ``" / <representative's CURP>"``: both shapes are read, and a
field is never assumed to hold one bare value.
"""

from __future__ import annotations

import base64
import binascii
from datetime import datetime
from typing import TYPE_CHECKING, Literal

from msgspec import Struct

from chalicelib.core.errors import ValidationFailed

if TYPE_CHECKING:
    from cryptography import x509

HolderKind = Literal["person", "company"]


class Holder(Struct, frozen=True, kw_only=True):
    kind: HolderKind
    name: str
    rfc: str
    curp: str | None  # a person's own CURP; None for a company
    representative_rfc: str | None = None  # a company's legal representative
    representative_curp: str | None = None

    @property
    def signer_curp(self) -> str | None:
        """The CURP of the person who holds the key: the person, or the company's representative."""
        return self.curp or self.representative_curp


class Certificate(Struct, frozen=True, kw_only=True):
    serial: str  # the 20-digit número de certificado printed on Mexican documents
    holder: Holder
    not_before: datetime
    not_after: datetime


def refused(field: str, code: str, message: str) -> ValidationFailed:
    return ValidationFailed.field(field, message, code=code)


def decode(field: str, text: str) -> bytes:
    """Base64 (standard alphabet, padding optional) as the pages and clients send files and signatures."""
    try:
        return base64.b64decode(text + "=" * (-len(text) % 4), validate=True)
    except (binascii.Error, ValueError):
        raise refused(field, "not_base64", "must be base64") from None


def certificate_number(serial: int) -> str:
    """The número de certificado: the SAT writes the 20 digits as ASCII into the serial's
    bytes (``0x3330…`` is ``30…``).  A serial that is not ASCII digits is printed in decimal."""
    raw = serial.to_bytes((serial.bit_length() + 7) // 8 or 1, "big")
    text = raw.decode("ascii", errors="replace")
    return text if text.isdigit() else str(serial)


def load(der: bytes, field: str = "certificate") -> x509.Certificate:
    from cryptography import x509

    try:
        return x509.load_der_x509_certificate(der)
    except ValueError:
        raise refused(field, "certificate_unreadable", "is not a DER X.509 certificate (.cer)") from None


def read(der: bytes, field: str = "certificate") -> tuple[x509.Certificate, Certificate]:
    cert = load(der, field)
    return cert, Certificate(
        serial=certificate_number(cert.serial_number),
        holder=holder(cert, field),
        not_before=cert.not_valid_before_utc,
        not_after=cert.not_valid_after_utc,
    )


def _attribute(cert: x509.Certificate, oid: x509.ObjectIdentifier) -> str:
    values = cert.subject.get_attributes_for_oid(oid)
    return str(values[0].value).strip() if values else ""


def _parts(value: str) -> tuple[str, str]:
    """``"A / B"`` → ``("A", "B")``; ``"A"`` → ``("A", "")``; ``" / B"`` → ``("", "B")``."""
    first, _, second = value.partition("/")
    return first.strip().upper(), second.strip().upper()


def holder(cert: x509.Certificate, field: str = "certificate") -> Holder:
    from cryptography.x509.oid import NameOID

    name = _attribute(cert, NameOID.COMMON_NAME) or _attribute(cert, NameOID.ORGANIZATION_NAME)
    rfc, representative_rfc = _parts(_attribute(cert, NameOID.X500_UNIQUE_IDENTIFIER))
    curp, representative_curp = _parts(_attribute(cert, NameOID.SERIAL_NUMBER))
    if not rfc:
        raise refused(field, "certificate_not_efirma", "names no RFC (x500UniqueIdentifier): it is not an e.firma")
    if curp:
        return Holder(kind="person", name=name, rfc=rfc, curp=curp)
    if representative_curp:
        return Holder(
            kind="company",
            name=name,
            rfc=rfc,
            curp=None,
            representative_rfc=representative_rfc or None,
            representative_curp=representative_curp,
        )
    raise refused(field, "certificate_not_efirma", "names no CURP (serialNumber): it is not an e.firma")
