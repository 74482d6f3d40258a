"""Whether an e.firma signature holds, and what is kept so it can be checked again later.

A signature holds when the certificate chains to one of the configured authorities
(``EFIRMA_CA_BUNDLE``: several SAT generations are in use at once), was valid when it
signed, allows digital signatures, is not revoked (OCSP) and the signature checks (RSA
PKCS#1 v1.5, SHA-256, over the text's UTF-8 bytes).  Each refusal has its own code.

A ``Signature`` keeps the certificate, its issuer and the OCSP answer, so ``recheck``
proves it again with nothing but what is stored, after the certificate has expired.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING

from msgspec import Struct

from chalicelib.core.clock import iso, parse_iso
from chalicelib.core.errors import TransientFailure, ValidationFailed
from chalicelib.efirma import certificates, ocsp
from chalicelib.efirma.certificates import Holder, decode, refused

if TYPE_CHECKING:
    from cryptography import x509

# posts a DER OCSP request to the responder and returns its DER answer (TransientFailure if unreachable)
OcspResponder = Callable[[bytes], bytes]
UNAVAILABLE = "efirma_unavailable"


class Signature(Struct, frozen=True, kw_only=True):
    """A signature that held when it was made, with everything that proves it."""

    serial: str
    holder: Holder
    signed_at: str
    valid_until: str
    signature: str  # base64
    certificate: str  # base64 DER of the signer's certificate
    issuer: str  # base64 DER of the authority that issued it
    ocsp: str  # base64 DER of the OCSP answer that said it was good


def _b64(der: bytes) -> str:
    import base64

    return base64.b64encode(der).decode()


def _verify_rsa(cert: x509.Certificate, signature: bytes, text: str) -> bool:
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives.asymmetric.padding import PKCS1v15
    from cryptography.hazmat.primitives.asymmetric.rsa import RSAPublicKey
    from cryptography.hazmat.primitives.hashes import SHA256

    key = cert.public_key()
    if not isinstance(key, RSAPublicKey):
        return False
    try:
        key.verify(signature, text.encode(), PKCS1v15(), SHA256())
    except InvalidSignature:
        return False
    return True


def _issued_by(cert: x509.Certificate, issuer: x509.Certificate) -> bool:
    from cryptography.exceptions import InvalidSignature

    try:
        cert.verify_directly_issued_by(issuer)
    except (ValueError, TypeError, InvalidSignature):
        return False
    return True


def _allows_signing(cert: x509.Certificate) -> bool:
    from cryptography.x509 import ExtensionNotFound, KeyUsage

    try:
        usage = cert.extensions.get_extension_for_class(KeyUsage).value
    except ExtensionNotFound:
        return False
    return bool(usage.digital_signature)


class Trust:
    """The authorities this deployment trusts and the responder that says what they revoked."""

    def __init__(self, authorities: list[x509.Certificate], responder: OcspResponder) -> None:
        self._authorities = authorities
        self._responder = responder

    @classmethod
    def from_pem(cls, bundle: bytes, responder: OcspResponder) -> Trust:
        from cryptography import x509

        return cls(x509.load_pem_x509_certificates(bundle), responder)

    def issuer_of(self, cert: x509.Certificate) -> x509.Certificate:
        for authority in self._authorities:
            if authority.subject == cert.issuer and _issued_by(cert, authority):
                return authority
        raise refused("certificate", "certificate_untrusted", "was not issued by an authority this service trusts")

    def verify(self, certificate: str, text: str, signature: str, at: datetime) -> Signature:
        """The signature of ``text`` by the holder of ``certificate`` (both base64), made at ``at``."""
        from cryptography.hazmat.primitives.serialization import Encoding

        der = decode("certificate", certificate)
        cert, info = certificates.read(der)
        issuer = self.issuer_of(cert)
        if at < info.not_before:
            raise refused("certificate", "certificate_not_yet_valid", f"is valid from {iso(info.not_before)}")
        if at > info.not_after:
            raise refused("certificate", "certificate_expired", f"expired on {iso(info.not_after)}")
        if not _allows_signing(cert):
            raise refused("certificate", "certificate_key_usage", "does not allow digital signatures (key usage)")
        if not _verify_rsa(cert, decode("signature", signature), text):
            raise refused("signature", "signature_invalid", "does not check with this certificate over this text")
        answer = self._responder(ocsp.request(cert, issuer))
        state = ocsp.status(answer, cert, issuer, at)
        if state == "revoked":
            raise refused("certificate", "certificate_revoked", "was revoked by its authority")
        if state == "unknown":
            raise refused("certificate", "certificate_status_unknown", "is unknown to its authority's OCSP responder")
        return Signature(
            serial=info.serial,
            holder=info.holder,
            signed_at=iso(at),
            valid_until=iso(info.not_after),
            signature=signature,
            certificate=_b64(der),
            issuer=_b64(issuer.public_bytes(Encoding.DER)),
            ocsp=_b64(answer),
        )


def recheck(stored: Signature, text: str) -> list[str]:
    """What no longer holds of a stored signature, checked with nothing but what was
    stored (empty: it holds).  Works after the certificate expired or the authority moved on."""
    from cryptography import x509

    problems = []
    cert = x509.load_der_x509_certificate(decode("certificate", stored.certificate))
    issuer = x509.load_der_x509_certificate(decode("issuer", stored.issuer))
    signed_at = parse_iso(stored.signed_at)
    if not _issued_by(cert, issuer):
        problems.append("certificate_untrusted")
    if not cert.not_valid_before_utc <= signed_at <= cert.not_valid_after_utc:
        problems.append("certificate_expired")
    if not _verify_rsa(cert, decode("signature", stored.signature), text):
        problems.append("signature_invalid")
    try:
        if ocsp.status(decode("ocsp", stored.ocsp), cert, issuer, signed_at) != "good":
            problems.append("certificate_revoked")
    except (TransientFailure, ValidationFailed):
        problems.append("ocsp_invalid")
    return problems
