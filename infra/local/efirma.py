"""The sandbox certificate authority and its OCSP responder (local stack only).

Issues e.firma files shaped like the SAT's (``chalicelib/efirma/certificates.py``): a
DER certificate with the CURP in ``serialNumber`` and the RFC in
``x500UniqueIdentifier``, and a DER PKCS#8 key encrypted with PBES2 (PBKDF2, AES-256),
one of the schemes SAT files use.  The authority's key, what it issued and what it
revoked live in one directory (``build/efirma`` for ``make run``), so files handed out
keep working across restarts.  The responder answers ``POST`` of a DER OCSP request on
its own loopback port, as the SAT's does on its own host; it can be switched off to show
what happens when the SAT's responder is unreachable.
"""

from __future__ import annotations

import hashlib
import json
import secrets
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509 import ocsp
from cryptography.x509.oid import NameOID

from chalicelib.efirma.certificates import certificate_number
from chalicelib.identity.curp import curp_check_digit, is_curp
from infra.local.demo import DEMO_USERS

AUTHORITY_NAME = "A.C. DE PRUEBAS DE VENTANILLA"
AUTHORITY_RFC = "VEN260101AC1"
CERTIFICATE_YEARS = 4  # as the SAT's e.firma
STATUS_HOURS = 24  # how long an OCSP answer stays current
ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"


@dataclass(frozen=True)
class Issued:
    certificate: bytes  # DER
    key: bytes  # DER PKCS#8, encrypted with the password
    serial: str  # the 20-digit número de certificado


def staff_curp(username: str) -> str:
    """A well-formed CURP for a staff account in the sandbox (officials' real e.firma carry their own)."""
    digest = hashlib.sha256(username.encode()).digest()
    letters = ALPHABET[digest[0] % 26] + "AEIOU"[digest[1] % 5] + "".join(ALPHABET[byte % 26] for byte in digest[2:4])
    consonants = "".join("BCDFGHJKLMNPQRSTVWXZ"[byte % 20] for byte in digest[4:7])
    first17 = f"{letters}{800101 + digest[7] % 28:06d}H" + "DF" + consonants + "0"
    return first17 + curp_check_digit(first17)


def _now() -> datetime:
    return datetime.now(UTC)


def _serial() -> tuple[int, str]:
    number = "3000" + f"{secrets.randbelow(10**16):016d}"
    return int.from_bytes(number.encode("ascii"), "big"), number


def certificate_number_of(der: bytes) -> str:
    """The número de certificado of a DER certificate."""
    return certificate_number(x509.load_der_x509_certificate(der).serial_number)


def _name(subject: str) -> str:
    for user in DEMO_USERS:
        if user.username == subject:
            return user.name.upper()
    return "PERSONA DE PRUEBAS"


class Authority:
    """A certificate authority that keeps its state in ``directory``."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        directory.mkdir(parents=True, exist_ok=True)
        (directory / "issued").mkdir(exist_ok=True)
        self._lock = threading.Lock()
        self.clock: Callable[[], datetime] = _now  # when its OCSP answers are dated (tests set it back)
        key_file, cert_file = directory / "ca.key", directory / "ca.pem"
        if key_file.exists() and cert_file.exists():
            loaded = serialization.load_pem_private_key(key_file.read_bytes(), None)
            assert isinstance(loaded, rsa.RSAPrivateKey)
            self._key = loaded
            self.certificate = x509.load_pem_x509_certificate(cert_file.read_bytes())
        else:
            self._key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
            self.certificate = self._self_signed()
            key_file.write_bytes(
                self._key.private_bytes(
                    serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
                )
            )
            cert_file.write_bytes(self.certificate.public_bytes(serialization.Encoding.PEM))
        self.bundle = cert_file

    def _self_signed(self) -> x509.Certificate:
        name = x509.Name(
            [
                x509.NameAttribute(NameOID.COMMON_NAME, AUTHORITY_NAME),
                x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Ventanilla (sandbox)"),
                x509.NameAttribute(NameOID.COUNTRY_NAME, "MX"),
                x509.NameAttribute(NameOID.X500_UNIQUE_IDENTIFIER, AUTHORITY_RFC),
            ]
        )
        now = datetime.now(UTC)
        return (
            x509.CertificateBuilder()
            .subject_name(name)
            .issuer_name(name)
            .public_key(self._key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - timedelta(days=1))
            .not_valid_after(now + timedelta(days=3650))
            .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
            .add_extension(
                x509.KeyUsage(
                    digital_signature=True,
                    content_commitment=False,
                    key_encipherment=False,
                    data_encipherment=False,
                    key_agreement=False,
                    key_cert_sign=True,
                    crl_sign=True,
                    encipher_only=False,
                    decipher_only=False,
                ),
                critical=True,
            )
            .sign(self._key, hashes.SHA256())
        )

    def issue(
        self,
        subject: str,
        password: str,
        *,
        valid_from: datetime | None = None,
        valid_until: datetime | None = None,
        digital_signature: bool = True,
        issuer_key: rsa.RSAPrivateKey | None = None,
        company: str | None = None,
    ) -> Issued:
        """An e.firma for a CURP (a person) or a staff username (an official, with a sandbox CURP).

        The keyword arguments make the certificates tests need: not yet valid, expired,
        without the digital-signature usage, or signed by a key this authority does not hold;
        ``company`` (an RFC of 12 characters) makes the e.firma of that company, held by the
        subject as its legal representative (the SAT's ``"<RFC> / <representative's RFC>"``
        and ``" / <representative's CURP>"``)."""
        curp = subject if is_curp(subject) else staff_curp(subject)
        rfc = curp[:10] + "SB" + "0"
        name = _name(subject)
        unique, serial_number = rfc, curp
        if company:
            unique, serial_number, name = f"{company} / {rfc}", f" / {curp}", f"EMPRESA {company} SA DE CV"
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        number, serial = _serial()
        now = datetime.now(UTC)
        person = x509.Name(
            [
                x509.NameAttribute(NameOID.COMMON_NAME, name),
                x509.NameAttribute(x509.ObjectIdentifier("2.5.4.41"), name),
                x509.NameAttribute(NameOID.ORGANIZATION_NAME, name),
                x509.NameAttribute(NameOID.COUNTRY_NAME, "MX"),
                x509.NameAttribute(NameOID.EMAIL_ADDRESS, "pruebas@ventanilla.local"),
                x509.NameAttribute(NameOID.X500_UNIQUE_IDENTIFIER, unique),
                x509.NameAttribute(NameOID.SERIAL_NUMBER, serial_number),
            ]
        )
        certificate = (
            x509.CertificateBuilder()
            .subject_name(person)
            .issuer_name(self.certificate.subject)
            .public_key(key.public_key())
            .serial_number(number)
            .not_valid_before(valid_from or now - timedelta(minutes=10))
            .not_valid_after(valid_until or now + timedelta(days=365 * CERTIFICATE_YEARS))
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(
                x509.KeyUsage(
                    digital_signature=digital_signature,
                    content_commitment=True,
                    key_encipherment=False,
                    data_encipherment=True,
                    key_agreement=True,
                    key_cert_sign=False,
                    crl_sign=False,
                    encipher_only=False,
                    decipher_only=False,
                ),
                critical=False,
            )
            .add_extension(
                x509.ExtendedKeyUsage(
                    [x509.oid.ExtendedKeyUsageOID.EMAIL_PROTECTION, x509.oid.ExtendedKeyUsageOID.CLIENT_AUTH]
                ),
                critical=False,
            )
            .sign(issuer_key or self._key, hashes.SHA256())
        )
        der = certificate.public_bytes(serialization.Encoding.DER)
        encrypted = key.private_bytes(
            serialization.Encoding.DER,
            serialization.PrivateFormat.PKCS8,
            serialization.BestAvailableEncryption(password.encode()),
        )
        (self.directory / "issued" / f"{serial}.cer").write_bytes(der)
        return Issued(certificate=der, key=encrypted, serial=serial)

    # --- revocation -----------------------------------------------------------------------
    @property
    def _revoked_file(self) -> Path:
        return self.directory / "revoked.json"

    def revoked(self) -> dict[str, str]:
        """Serial → when it was revoked (ISO-8601)."""
        if not self._revoked_file.exists():
            return {}
        data: dict[str, str] = json.loads(self._revoked_file.read_text())
        return data

    def issued(self, serial: str) -> x509.Certificate | None:
        path = self.directory / "issued" / f"{serial}.cer"
        return x509.load_der_x509_certificate(path.read_bytes()) if path.exists() else None

    def revoke(self, serial: str) -> str | None:
        """Revoke a certificate this authority issued; when (ISO-8601), or None if it issued no such serial."""
        if self.issued(serial) is None:
            return None
        with self._lock:
            revoked = self.revoked()
            revoked.setdefault(serial, datetime.now(UTC).isoformat())
            self._revoked_file.write_text(json.dumps(revoked, indent=1))
            return revoked[serial]

    def respond(self, request_der: bytes) -> bytes:
        """The signed OCSP answer to a DER request (malformed: an unsuccessful answer)."""
        try:
            asked = ocsp.load_der_ocsp_request(request_der)
        except ValueError:
            return ocsp.OCSPResponseBuilder.build_unsuccessful(ocsp.OCSPResponseStatus.MALFORMED_REQUEST).public_bytes(
                serialization.Encoding.DER
            )
        number = asked.serial_number
        serial_text = certificate_number(number)
        certificate = self.issued(serial_text)
        now = self.clock()
        builder = ocsp.OCSPResponseBuilder()
        revoked_at = self.revoked().get(serial_text)
        if certificate is None:
            builder = builder.add_response_by_hash(
                issuer_name_hash=asked.issuer_name_hash,
                issuer_key_hash=asked.issuer_key_hash,
                serial_number=number,
                algorithm=asked.hash_algorithm,
                cert_status=ocsp.OCSPCertStatus.UNKNOWN,
                this_update=now,
                next_update=now + timedelta(hours=STATUS_HOURS),
                revocation_time=None,
                revocation_reason=None,
            )
        else:
            builder = builder.add_response(
                cert=certificate,
                issuer=self.certificate,
                algorithm=asked.hash_algorithm,
                cert_status=ocsp.OCSPCertStatus.REVOKED if revoked_at else ocsp.OCSPCertStatus.GOOD,
                this_update=now,
                next_update=now + timedelta(hours=STATUS_HOURS),
                revocation_time=datetime.fromisoformat(revoked_at) if revoked_at else None,
                revocation_reason=x509.ReasonFlags.key_compromise if revoked_at else None,
            )
        answer = builder.responder_id(ocsp.OCSPResponderEncoding.HASH, self.certificate).sign(
            self._key, hashes.SHA256()
        )
        return answer.public_bytes(serialization.Encoding.DER)


class Responder:
    """The authority's OCSP responder on a loopback port; ``available`` False makes it drop every question."""

    def __init__(self, authority: Authority) -> None:
        self.available = True
        responder = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                if not responder.available:
                    self.close_connection = True
                    self.send_error(503, "the OCSP responder is switched off")
                    return
                length = int(self.headers.get("Content-Length") or 0)
                body = authority.respond(self.rfile.read(length))
                self.send_response(200)
                self.send_header("Content-Type", "application/ocsp-response")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: Any) -> None:
                return

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}/ocsp"
        threading.Thread(target=self._server.serve_forever, name="sandbox-ocsp", daemon=True).start()

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()


# --- the one sandbox authority of this process (set by ``install``; read by the sandbox routes) ----
@dataclass
class Sandbox:
    authority: Authority
    responder: Responder


_current: list[Sandbox] = []


def start(directory: Path) -> Sandbox:
    """The authority kept in ``directory`` and a responder on a new loopback port (replacing any earlier one)."""
    for earlier in _current:
        earlier.responder.stop()
    authority = Authority(directory)
    _current[:] = [Sandbox(authority, Responder(authority))]
    return _current[0]


def current() -> Sandbox:
    if not _current:
        raise LookupError("the sandbox certificate authority is not running (infra.local.install starts it)")
    return _current[0]


def issue_demo_files(authority: Authority, subjects: list[str], password: str) -> Path:
    """Each subject's ``<subject>.cer`` and ``<subject>.key`` under ``demo/``, issued once and kept."""
    folder = authority.directory / "demo"
    folder.mkdir(exist_ok=True)
    for subject in subjects:
        if not (folder / f"{subject}.cer").exists():
            issued = authority.issue(subject, password)
            (folder / f"{subject}.key").write_bytes(issued.key)
            (folder / f"{subject}.cer").write_bytes(issued.certificate)
    return folder
