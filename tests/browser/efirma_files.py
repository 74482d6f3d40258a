"""e.firma files as a person keeps them, for the browser tests that sign: issued by the
stack's sandbox authority and written to disk, picked in a signing panel (an official's
decision signed in the review page), a signature checked against them, and a recorder of
every request a browser context makes, searched for the key and the password."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, urlsplit

from cryptography import x509
from cryptography.hazmat.primitives.asymmetric.padding import PKCS1v15
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPublicKey
from cryptography.hazmat.primitives.hashes import SHA256
from playwright.sync_api import BrowserContext, Page, Request, expect

from tests.support.client import Api

# Not ASCII on purpose: PBES2 derives from its UTF-8 bytes, PKCS#12 from its UTF-16 units.
PASSWORD = "Ñandú-Firma-2026"


@dataclass
class Efirma:
    certificate: Path
    key: Path

    @property
    def serial(self) -> str:
        """The número de certificado: the serial's bytes read as ASCII."""
        number = x509.load_der_x509_certificate(self.certificate.read_bytes()).serial_number
        return number.to_bytes(20, "big").decode("ascii")

    @property
    def public_key(self) -> RSAPublicKey:
        key = x509.load_der_x509_certificate(self.certificate.read_bytes()).public_key()
        assert isinstance(key, RSAPublicKey)
        return key


def issue(api: Api, subject: str, folder: Path, password: str = PASSWORD) -> Efirma:
    """An e.firma from the stack's sandbox authority, written to files as a person keeps them."""
    issued = api.anonymous().post("/sandbox/efirma/certificates", {"subject": subject, "password": password})
    assert issued.status_code == 201, issued.text
    folder.mkdir(parents=True, exist_ok=True)
    certificate, key = folder / "efirma.cer", folder / "efirma.key"
    certificate.write_bytes(base64.b64decode(issued.json()["certificate"]))
    key.write_bytes(base64.b64decode(issued.json()["key"]))
    return Efirma(certificate, key)


def choose_files(page: Page, panel: str, efirma: Efirma, password: str = PASSWORD) -> None:
    """The .cer and the .key picked in a signing panel's file inputs, and the password typed."""
    page.locator(f"#{panel}-cer").set_input_files(efirma.certificate)
    page.locator(f"#{panel}-key").set_input_files(efirma.key)
    page.locator(f"#{panel}-password").fill(password)


def sign_the_decision(page: Page, efirma: Efirma) -> None:
    """On the review page, the decision and its reason filled in: on to the signing step,
    the official's files picked, signed; the page then sends the decision with the signature."""
    page.get_by_role("button", name="Continuar para firmar").click()
    expect(page.locator("section[data-signing=decision]")).to_be_visible()
    choose_files(page, "decision-efirma", efirma)
    page.get_by_role("button", name="Firmar y registrar resolución").click()


def verifies(efirma: Efirma, signature_b64: str, text: str) -> bool:
    try:
        efirma.public_key.verify(base64.b64decode(signature_b64), text.encode(), PKCS1v15(), SHA256())
    except Exception:
        return False
    return True


class Recorder:
    """Every request a browser context makes: URL, headers and body, as sent."""

    def __init__(self, context: BrowserContext) -> None:
        self.requests: list[Request] = []
        context.on("request", self.record)

    def record(self, request: Request) -> None:
        self.requests.append(request)

    def urls(self) -> list[str]:
        return [request.url for request in self.requests]

    def sent(self) -> Iterator[tuple[str, bytes]]:
        for request in self.requests:
            headers = json.dumps(request.headers, ensure_ascii=False).encode()
            yield request.url, request.url.encode() + b"\n" + headers + b"\n" + (request.post_data_buffer or b"")


def secrets_in(key_der: bytes, password: str) -> set[bytes]:
    """What would show the key or the password in a request, in the encodings a page could use."""
    found = {
        password.encode(),
        quote(password).encode(),
        quote(password, safe="").encode(),
        json.dumps(password).encode()[1:-1],
        base64.b64encode(password.encode()),
    }
    for start in range(len(key_der) - 15):
        window = key_der[start : start + 16]
        found |= {window, window.hex().encode(), window.hex().upper().encode()}
    # Any 16 bytes in base64 hold 15 bytes encoded on a 4-character boundary of the whole
    # file's base64 started at one of three offsets.
    for shift in range(3):
        for encode in (base64.b64encode, base64.urlsafe_b64encode):
            encoded = encode(key_der[shift:])
            found |= {encoded[start : start + 20] for start in range(0, len(encoded) - 19, 4)}
    return found


def assert_no_secret_sent(recorder: Recorder, key_der: bytes, password: str = PASSWORD) -> None:
    needles = secrets_in(key_der, password)
    leaked = [url for url, raw in recorder.sent() if any(needle in raw for needle in needles)]
    assert not leaked, f"requests carrying the key or the password: {leaked}"


def assert_nothing_secret_left(recorder: Recorder, key_der: bytes, stack_url: str, password: str = PASSWORD) -> None:
    """No request carries the key or the password, and none leaves the stack's origin (a
    page that uploads documents also talks to the storage's, which this does not allow)."""
    assert_no_secret_sent(recorder, key_der, password)
    origin = urlsplit(stack_url)
    elsewhere = [
        url for url in recorder.urls() if urlsplit(url).scheme in ("http", "https") and urlsplit(url)[:2] != origin[:2]
    ]
    assert not elsewhere, f"the page contacted another origin: {elsewhere}"
