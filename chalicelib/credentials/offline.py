"""Checking the platform's seal without asking the platform: its public keys as a JWK
set, and what a document's QR code carries (docs/efirma.md, "Checking offline").

The platform seals with a KMS key (ECDSA on P-256, ``ECDSA_SHA_256``): the seal is the
DER-encoded ECDSA signature over the SHA-256 of the sealed text's UTF-8 bytes, which is
ES256 over the text, save for the encoding of the signature (DER, not JOSE's raw
``r || s``).  The public keys are published at ``KEYS_PATH``; a document's QR code carries
the key's id, the seal and the sealed text itself, so a verifier that holds the keys
checks a paper document with nothing else.
"""

from __future__ import annotations

import base64
import hashlib
import zlib
from urllib.parse import quote

from chalicelib.core.jws import b64url

KEYS_PATH = "/.well-known/ventanilla-keys.json"
FORMAT = "1"
# Beyond this many characters the QR code would pass version 32 (145 modules, 73 mm at the
# smallest printable module): the text's digest travels instead of the text.
MAX_QR_CHARACTERS = 1500


def keys_url(api_url: str) -> str:
    """Where the platform's public keys are published."""
    return f"{api_url}{KEYS_PATH}"


def jwk(key_id: str, public_key_der: bytes) -> dict[str, str]:
    """The KMS key's public half (a DER SubjectPublicKeyInfo, as KMS ``GetPublicKey``
    gives it) as a JSON Web Key for ES256.  ``cryptography`` loads only here: the API
    draws this once per container."""
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.hazmat.primitives.serialization import load_der_public_key

    key = load_der_public_key(public_key_der)
    if not isinstance(key, ec.EllipticCurvePublicKey) or not isinstance(key.curve, ec.SECP256R1):
        raise ValueError("the platform's signing key is not an ECDSA P-256 key")
    numbers = key.public_numbers()
    return {
        "kty": "EC",
        "crv": "P-256",
        "x": b64url(numbers.x.to_bytes(32, "big")),
        "y": b64url(numbers.y.to_bytes(32, "big")),
        "kid": key_id,
        "alg": "ES256",
        "use": "sig",
    }


def qr_payload(address: str, text: str, key_id: str, seal: str) -> str:
    """What a document's QR code carries: ``address`` (where a person checks it online, or
    where the keys are) and, in the fragment, which never reaches a server::

        <address>#v=1&k=<key id>&s=<seal>&z=<text>

    ``s`` is the seal (``seal`` is base64; the QR carries it base64url without padding),
    ``z`` the text's UTF-8 bytes compressed with raw DEFLATE (RFC 1951), base64url.  A
    text too long for a QR code a phone reads off paper travels as ``h=<SHA-256 of the
    text, base64url>`` instead: the seal still checks offline against a text the
    verifier holds."""
    head = f"{address}#v={FORMAT}&k={quote(key_id, safe='')}&s={b64url(base64.b64decode(seal))}"
    packer = zlib.compressobj(9, zlib.DEFLATED, -15)
    whole = f"{head}&z={b64url(packer.compress(text.encode()) + packer.flush())}"
    if len(whole) <= MAX_QR_CHARACTERS:
        return whole
    return f"{head}&h={b64url(hashlib.sha256(text.encode()).digest())}"
