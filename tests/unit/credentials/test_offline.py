"""Checking the platform's seal offline: its public key as a JWK, and a QR code's text
read back by a verifier that knows only the documented format."""

from __future__ import annotations

import base64
import hashlib
import zlib
from urllib.parse import parse_qs, unquote

import pytest
import segno
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.asymmetric.utils import Prehashed
from cryptography.hazmat.primitives.hashes import SHA256
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from chalicelib.credentials import offline

ADDRESS = "https://ventanilla.example.gob.mx/api/verify/l8mSwjsfii8We5MrF2zAPQ"
KEY_ID = "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"
CADENA = "||1.0|ACUSE|licencia-conducir|1|8Q9FQ5PXS4|GOMC800101MDFMRR00|" + "9f2c" * 16 + "||"


@pytest.fixture(scope="module")
def key() -> ec.EllipticCurvePrivateKey:
    return ec.generate_private_key(ec.SECP256R1())


def der(public: ec.EllipticCurvePublicKey | rsa.RSAPublicKey) -> bytes:
    return public.public_bytes(Encoding.DER, PublicFormat.SubjectPublicKeyInfo)


def sealed(key: ec.EllipticCurvePrivateKey, text: str) -> str:
    """A seal as KMS makes it (ECDSA_SHA_256 over the text's digest), base64."""
    return base64.b64encode(key.sign(text.encode(), ec.ECDSA(SHA256()))).decode()


def unpadded(value: str) -> bytes:
    return base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))


def read_back(payload: str) -> tuple[str, dict[str, str]]:
    address, _, fragment = payload.partition("#")
    return address, {name: values[0] for name, values in parse_qs(fragment, strict_parsing=True).items()}


def test_the_jwk_is_the_kms_keys_public_point(key: ec.EllipticCurvePrivateKey) -> None:
    published = offline.jwk(KEY_ID, der(key.public_key()))
    assert {name: published[name] for name in ("kty", "crv", "kid", "alg", "use")} == {
        "kty": "EC",
        "crv": "P-256",
        "kid": KEY_ID,
        "alg": "ES256",
        "use": "sig",
    }
    assert len(unpadded(published["x"])) == len(unpadded(published["y"])) == 32
    numbers = key.public_key().public_numbers()
    assert (int.from_bytes(unpadded(published["x"]), "big"), int.from_bytes(unpadded(published["y"]), "big")) == (
        numbers.x,
        numbers.y,
    )


@pytest.mark.parametrize(
    "other",
    [ec.generate_private_key(ec.SECP384R1()).public_key(), rsa.generate_private_key(65537, 2048).public_key()],
)
def test_a_key_that_is_not_p256_is_not_published_as_es256(
    other: ec.EllipticCurvePublicKey | rsa.RSAPublicKey,
) -> None:
    with pytest.raises(ValueError, match="P-256"):
        offline.jwk(KEY_ID, der(other))


def test_the_qr_text_carries_the_key_the_seal_and_the_text(key: ec.EllipticCurvePrivateKey) -> None:
    seal = sealed(key, CADENA)
    address, fields = read_back(offline.qr_payload(ADDRESS, CADENA, KEY_ID, seal))
    assert address == ADDRESS and set(fields) == {"v", "k", "s", "z"} and fields["v"] == "1"
    assert unquote(fields["k"]) == KEY_ID
    assert unpadded(fields["s"]) == base64.b64decode(seal)
    text = zlib.decompress(unpadded(fields["z"]), -15).decode()
    assert text == CADENA
    key.public_key().verify(unpadded(fields["s"]), text.encode(), ec.ECDSA(SHA256()))


def test_a_text_too_long_for_a_readable_qr_code_travels_as_its_digest(key: ec.EllipticCurvePrivateKey) -> None:
    # random-looking text does not compress: the QR would be too dense to read off paper
    text = "||" + "|".join(hashlib.sha256(str(n).encode()).hexdigest() for n in range(40)) + "||"
    seal = sealed(key, text)
    payload = offline.qr_payload(ADDRESS, text, KEY_ID, seal)
    assert len(payload) <= offline.MAX_QR_CHARACTERS
    assert segno.make_qr(payload, error="m").version <= 32
    _, fields = read_back(payload)
    assert set(fields) == {"v", "k", "s", "h"}
    digest = unpadded(fields["h"])
    assert digest == hashlib.sha256(text.encode()).digest()
    key.public_key().verify(unpadded(fields["s"]), digest, ec.ECDSA(Prehashed(SHA256())))
