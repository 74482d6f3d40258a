"""Signing with an e.firma in the browser: the .cer and .key come from the device, the key
opens with its password inside the page, and what leaves the page is the certificate and
the signature only.  Every request the page makes is recorded and searched for the
password and for any 16 bytes of the key file (raw, hex, base64); the key reader (the
vendored node-forge) comes from the stack itself, loaded only once a page signs.

The .key schemes checked here: PBES2 with PBKDF2-HMAC-SHA256 and AES-256 (the sandbox
authority's), PBES2 with PBKDF2 and 3DES, and the PKCS#12 pbeWithSHAAnd3-KeyTripleDES-CBC,
the last two re-encrypted with openssl as the SAT's tools write them."""

from __future__ import annotations

import base64
import binascii
import json
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from playwright.sync_api import BrowserContext, Page, expect

from chalicelib.efirma.keys import open_key
from tests.browser.efirma_files import (
    PASSWORD,
    Efirma,
    Recorder,
    assert_nothing_secret_left,
    issue,
    secrets_in,
)
from tests.browser.efirma_files import verifies as signed_by
from tests.browser.scenario import new_citizen
from tests.browser.support import assert_clean, axe_violations, open_page
from tests.support.client import Api, User

pytestmark = pytest.mark.browser

TEXT = "||1.0|Ventanilla|prueba de firma|Oaxaca de Juárez|2026-11-04T10:00:00Z||"
FORGE = "/vendor/forge/forge.min.js"
# openssl's pkcs8 options for the two 3DES schemes SAT files use
THREE_DES = {
    "pbes2-pbkdf2-3des": ["-v2", "des3"],
    "pkcs12-sha1-3des": ["-v1", "PBE-SHA1-3DES"],
}


def reencrypt(key_der: bytes, scheme: list[str], folder: Path) -> Path:
    """The same key written under another scheme, with the same password, by openssl."""
    plain = folder / "plain.pem"
    plain.write_bytes(
        open_key(key_der, PASSWORD).private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    out = folder / "reencrypted.key"
    subprocess.run(
        ["openssl", "pkcs8", "-topk8", "-in", plain, "-out", out, "-outform", "DER", "-passout", "stdin", *scheme],
        input=PASSWORD.encode(),
        check=True,
    )
    plain.unlink()
    return out


def verifies(efirma: Efirma, signature_b64: str, text: str = TEXT) -> bool:
    return signed_by(efirma, signature_b64, text)


def mount_panel(page: Page, text: str = TEXT, panel_id: str = "fixed") -> None:
    """The e.firma panel, as a signing page mounts it, signing a fixed text."""
    page.evaluate(
        """async ([text, id]) => {
            const { efirmaPanel } = await import("/js/efirma-panel.js");
            window.__signed = null;
            const panel = efirmaPanel({ id, text, onSigned: async ({ certificate, signature }) => {
                window.__signed = { certificate, signature };
            } });
            document.querySelector("main").append(panel.element);
        }""",
        [text, panel_id],
    )


def sign_with(page: Page, efirma: Efirma, password: str, key: Path | None = None, panel_id: str = "fixed") -> None:
    page.locator(f"#{panel_id}-cer").set_input_files(efirma.certificate)
    page.locator(f"#{panel_id}-key").set_input_files(key or efirma.key)
    page.locator(f"#{panel_id}-password").fill(password)
    page.evaluate("window.__signed = null")
    page.locator(f"#{panel_id}").get_by_role("button", name="Firmar").click()


def signed(page: Page) -> dict[str, Any]:
    page.wait_for_function("() => window.__signed !== null")  # a function: the policy refuses eval of a string
    result: dict[str, Any] = page.evaluate("window.__signed")
    return result


@pytest.fixture
def citizen(api: Api) -> User:
    return new_citizen(api, name="Carla Gómez Martínez", letters="GOMC")


def test_signing_from_files_keeps_the_key_and_the_password_in_the_page(
    contexts: Callable[..., BrowserContext], api: Api, stack_url: str, citizen: User, tmp_path: Path
) -> None:
    efirma = issue(api, citizen.username, tmp_path / "mine")
    context = contexts(token=citizen.token)
    recorder = Recorder(context)
    page = open_page(context, "/mi-expediente")
    page.wait_for_load_state("networkidle")
    assert not [url for url in recorder.urls() if FORGE in url], "a page that does not sign loaded the key reader"

    mount_panel(page)
    panel = page.locator("#fixed")
    expect(panel.get_by_label("Contraseña de la clave privada")).to_have_attribute("autocomplete", "off")
    expect(panel.get_by_label("Contraseña de la clave privada")).to_have_attribute("type", "password")

    # Nothing chosen: each field says what is missing.
    panel.get_by_role("button", name="Firmar").click()
    expect(page.locator("#fixed-cer-error")).to_have_text("Error: Elija el archivo .cer de su e.firma.")
    expect(page.locator("#fixed-key-error")).to_have_text("Error: Elija el archivo .key de su e.firma.")
    expect(page.locator("#fixed-password-error")).to_have_text("Error: Escriba la contraseña de su clave privada.")
    expect(page.locator("#fixed-cer")).to_be_focused()

    # The certificate is read as soon as it is chosen: the person sees whose it is.
    page.locator("#fixed-cer").set_input_files(efirma.certificate)
    holder = page.locator("#fixed-cer-status")
    serial = x509.load_der_x509_certificate(efirma.certificate.read_bytes()).serial_number
    expect(holder).to_contain_text(citizen.username)
    expect(holder).to_contain_text(serial.to_bytes(20, "big").decode("ascii"))
    expect(holder).to_contain_text(f"{citizen.username[:10]}SB0")

    # A wrong password is told apart from a damaged file and from another person's key.
    sign_with(page, efirma, "Ñandú-Firma-2025")
    expect(page.locator("#fixed-password-error")).to_have_text(
        "Error: La contraseña no abre esta clave privada. Revísela e intente de nuevo."
    )
    expect(page.locator("#fixed-password")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#fixed-password")).to_be_focused()
    expect(page.locator("#fixed-key-error")).to_be_hidden()

    damaged = tmp_path / "damaged.key"
    damaged.write_bytes(efirma.key.read_bytes()[: len(efirma.key.read_bytes()) // 2])
    sign_with(page, efirma, PASSWORD, key=damaged)
    expect(page.locator("#fixed-key-error")).to_have_text(
        "Error: El archivo .key está dañado o no es una clave privada. Elija el archivo .key de su e.firma."
    )
    expect(page.locator("#fixed-key")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#fixed-password-error")).to_be_hidden()

    theirs = issue(api, "HERJ751120HOCRMN07", tmp_path / "theirs")
    sign_with(page, efirma, PASSWORD, key=theirs.key)
    expect(page.locator("#fixed-key-error")).to_have_text(
        "Error: Esta clave privada no corresponde al certificado. Elija el .cer y el .key de la misma e.firma."
    )

    sign_with(page, efirma, PASSWORD)
    result = signed(page)
    assert verifies(efirma, result["signature"]), "the browser's signature does not verify against the certificate"
    assert base64.b64decode(result["certificate"]) == efirma.certificate.read_bytes()
    expect(page.locator("#fixed-password")).to_have_value("")
    expect(page.locator("#fixed .field-invalid")).to_have_count(0)
    expect(page.locator("#announcer")).to_have_text("Firmado con su e.firma.")

    forge = [request for request in recorder.requests if urlsplit(request.url).path == FORGE]
    assert len(forge) == 1 and forge[0].url == f"{stack_url}{FORGE}", [request.url for request in forge]
    response = forge[0].response()
    assert response is not None and response.status == 200
    assert_nothing_secret_left(recorder, efirma.key.read_bytes(), stack_url)
    assert_nothing_secret_left(recorder, theirs.key.read_bytes(), stack_url)


@pytest.mark.parametrize("scheme", sorted(THREE_DES))
def test_keys_under_3des_sign_in_the_browser(
    contexts: Callable[..., BrowserContext], api: Api, stack_url: str, citizen: User, tmp_path: Path, scheme: str
) -> None:
    efirma = issue(api, citizen.username, tmp_path)
    key = reencrypt(efirma.key.read_bytes(), THREE_DES[scheme], tmp_path)
    assert key.read_bytes() != efirma.key.read_bytes()
    context = contexts(token=citizen.token)
    recorder = Recorder(context)
    page = open_page(context, "/mi-expediente")
    mount_panel(page)

    sign_with(page, efirma, PASSWORD[:-1], key=key)
    expect(page.locator("#fixed-password-error")).to_have_text(
        "Error: La contraseña no abre esta clave privada. Revísela e intente de nuevo."
    )
    sign_with(page, efirma, PASSWORD, key=key)
    assert verifies(efirma, signed(page)["signature"])
    assert_nothing_secret_left(recorder, key.read_bytes(), stack_url)


def test_the_linking_page_reads_the_certificate_in_either_language(
    contexts: Callable[..., BrowserContext], api: Api, citizen: User, tmp_path: Path
) -> None:
    # a demo person's certificate: a name with accents, as UTF8String in the subject
    efirma = issue(api, "GOMC800101MDFMRR00", tmp_path)
    page = open_page(contexts(token=citizen.token), "/mi-expediente")
    page.get_by_role("link", name="Vincular mi e.firma").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Vincular mi e.firma")
    page.get_by_label("Certificado (.cer)").set_input_files(efirma.certificate)
    expect(page.locator("#efirma-cer-status")).to_contain_text("CARLA GÓMEZ MARTÍNEZ")
    expect(page.locator("#efirma-cer-status")).to_contain_text("GOMC800101MDFMRR00")
    expect(page.get_by_role("button", name="Firmar y vincular")).to_be_visible()
    assert [violation for violation in axe_violations(page) if violation["impact"] in ("serious", "critical")] == []
    assert_clean(page)

    page.get_by_role("button", name="English", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Link my e.firma")
    page.get_by_label("Private key (.key)").set_input_files(efirma.key)
    page.get_by_role("button", name="Sign and link").click()
    expect(page.locator("#efirma-cer-error")).to_have_text("Error: Choose the .cer file of your e.firma.")
    expect(page.locator("#efirma-password-error")).to_have_text("Error: Type the password of your private key.")
    assert_clean(page)


def test_an_official_opens_the_efirma_they_sign_with_from_the_queue(
    contexts: Callable[..., BrowserContext], api: Api, stack_url: str, tmp_path: Path
) -> None:
    official = api.sign_in("oficial.semovi")
    efirma = issue(api, official.username, tmp_path)
    context = contexts(token=official.token)
    recorder = Recorder(context)
    page = open_page(context, "/oficina")
    page.get_by_role("link", name="Vincular la e.firma con la que firmo").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Vincular mi e.firma")
    expect(page.locator(".lead")).to_contain_text("firmará sus resoluciones")
    page.get_by_label("Certificado (.cer)").set_input_files(efirma.certificate)
    expect(page.locator("#efirma-cer-status")).to_contain_text("LAURA DÍAZ (SEMOVI)")
    page.get_by_label("Clave privada (.key)").set_input_files(efirma.key)
    page.get_by_label("Contraseña de la clave privada").fill(PASSWORD.lower())
    page.get_by_role("button", name="Firmar y vincular").click()
    expect(page.locator("#efirma-password-error")).to_contain_text("La contraseña no abre esta clave privada")
    assert_clean(page)
    assert_nothing_secret_left(recorder, efirma.key.read_bytes(), stack_url)


def test_a_citizen_links_their_efirma_from_the_record(
    contexts: Callable[..., BrowserContext], api: Api, stack_url: str, citizen: User, tmp_path: Path
) -> None:
    efirma = issue(api, citizen.username, tmp_path)
    context = contexts(token=citizen.token)
    recorder = Recorder(context)
    page = open_page(context, "/mi-expediente/efirma")
    sign_with(page, efirma, PASSWORD, panel_id="efirma")
    expect(page.get_by_role("heading", level=1)).to_have_text("Mi expediente")
    serial = x509.load_der_x509_certificate(efirma.certificate.read_bytes()).serial_number
    expect(page.locator(".notice-success")).to_contain_text(
        f"Su e.firma quedó vinculada (certificado {serial.to_bytes(20, 'big').decode('ascii')}"
    )
    posted = [request for request in recorder.requests if urlsplit(request.url).path.endswith("/me/efirma")]
    assert len(posted) == 1
    body = json.loads(posted[0].post_data or "{}")
    assert sorted(body) == ["certificate", "challenge", "signature"]
    assert base64.b64decode(body["certificate"]) == efirma.certificate.read_bytes()
    assert verifies(efirma, body["signature"], body["challenge"])
    assert_nothing_secret_left(recorder, efirma.key.read_bytes(), stack_url)


def test_the_secret_search_finds_a_key_sent_in_any_of_its_encodings() -> None:
    """The leak check itself: a page sending 16 bytes of the key, however encoded, is caught."""
    key = bytes(range(256)) * 5
    needles = secrets_in(key, PASSWORD)
    for start in (0, 1, 2, 97, 500):
        window = key[start : start + 16]
        for sent in (
            window,
            window.hex().encode(),
            base64.b64encode(key[start : start + 40]),
            base64.urlsafe_b64encode(key[start : start + 40]),
            binascii.b2a_base64(key[start:], newline=False)[:24],
        ):
            assert any(needle in b"x=" + sent + b"&" for needle in needles), (start, sent)
    assert any(needle in quote(PASSWORD).encode() for needle in needles)
