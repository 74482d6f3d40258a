"""Revocation by OCSP (RFC 6960): the request for one certificate, and the checks on its answer.

The SAT's certificates carry no Authority Information Access, so the responder's URL is
a setting (``EFIRMA_OCSP_URL``), reached through the ``OcspResponder`` port.  The answer
must be signed by the issuing authority or by a responder it delegated (extended key
usage ``OCSPSigning``), name the certificate asked about, and be current.  Its DER is kept
with every signature it vouched for, so the signature can be checked after the
certificate expires.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Literal

from chalicelib.core.errors import TransientFailure

if TYPE_CHECKING:
    from cryptography import x509
    from cryptography.x509 import ocsp

Status = Literal["good", "revoked", "unknown"]
CLOCK_SKEW = timedelta(minutes=5)
INVALID = "efirma_ocsp_invalid"


def request(cert: x509.Certificate, issuer: x509.Certificate) -> bytes:
    from cryptography.hazmat.primitives.hashes import SHA1
    from cryptography.hazmat.primitives.serialization import Encoding
    from cryptography.x509.ocsp import OCSPRequestBuilder

    # SHA-1 names the certificate (issuer name and key hashes), as responders expect; it signs nothing
    return OCSPRequestBuilder().add_certificate(cert, issuer, SHA1()).build().public_bytes(Encoding.DER)


def _invalid(why: str) -> TransientFailure:
    return TransientFailure(f"the revocation service (OCSP) answered something unusable: {why}", code=INVALID)


def _delegated(answer: ocsp.OCSPResponse, issuer: x509.Certificate) -> list[x509.Certificate]:
    """The responder certificates the answer carries that the issuer delegated OCSP signing to."""
    from cryptography.exceptions import InvalidSignature
    from cryptography.x509 import ExtendedKeyUsage
    from cryptography.x509.oid import ExtendedKeyUsageOID

    delegated = []
    for candidate in answer.certificates:
        try:
            candidate.verify_directly_issued_by(issuer)
            usages = candidate.extensions.get_extension_for_class(ExtendedKeyUsage).value
        except (ValueError, TypeError, InvalidSignature, LookupError):
            continue
        if ExtendedKeyUsageOID.OCSP_SIGNING in usages:
            delegated.append(candidate)
    return delegated


def _signed_by(answer: ocsp.OCSPResponse, issuer: x509.Certificate) -> None:
    """The answer's signature checks with the issuer's key or with a responder it delegated."""
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives.asymmetric.padding import PKCS1v15
    from cryptography.hazmat.primitives.asymmetric.rsa import RSAPublicKey

    algorithm = answer.signature_hash_algorithm
    for signer in (issuer, *_delegated(answer, issuer)):
        key = signer.public_key()
        if not isinstance(key, RSAPublicKey) or algorithm is None:
            continue
        try:
            key.verify(answer.signature, answer.tbs_response_bytes, PKCS1v15(), algorithm)
        except InvalidSignature:
            continue
        return
    raise _invalid("it is not signed by the authority or a responder it delegated")


def read(der: bytes) -> ocsp.OCSPResponse:
    from cryptography.x509.ocsp import load_der_ocsp_response

    try:
        return load_der_ocsp_response(der)
    except ValueError:
        raise _invalid("not a DER OCSP response") from None


def status(der: bytes, cert: x509.Certificate, issuer: x509.Certificate, at: datetime) -> Status:
    """What a signed, current answer says of ``cert`` at ``at``."""
    from cryptography.x509.ocsp import OCSPCertStatus, OCSPResponseStatus

    answer = read(der)
    if answer.response_status != OCSPResponseStatus.SUCCESSFUL:
        raise _invalid(f"the responder refused the question ({answer.response_status.name})")
    _signed_by(answer, issuer)
    if answer.serial_number != cert.serial_number:
        raise _invalid("it is about another certificate")
    if answer.this_update_utc > at + CLOCK_SKEW:
        raise _invalid("it is dated in the future")
    if answer.next_update_utc is not None and answer.next_update_utc < at - CLOCK_SKEW:
        raise _invalid("it is out of date")
    if answer.certificate_status == OCSPCertStatus.GOOD:
        return "good"
    if answer.certificate_status == OCSPCertStatus.REVOKED:
        return "revoked"
    return "unknown"
