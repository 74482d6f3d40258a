"""A ``.key`` as the SAT issues it: DER PKCS#8 ``EncryptedPrivateKeyInfo`` under the
password its holder chose, and the signature e-government uses (RSA PKCS#1 v1.5, SHA-256).

``cryptography`` reads every scheme those files use: PBES2 (PBKDF2 with 3DES or AES) and
the older PKCS#12 scheme (``pbeWithSHAAnd3-KeyTripleDES-CBC``); ``tests/unit`` opens each.
The platform never receives a person's key: the pages sign in the browser.  This module
serves the command line, the sandbox authority and the tests.
"""

from __future__ import annotations

import base64
from typing import TYPE_CHECKING

from chalicelib.efirma.certificates import refused

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey


def open_key(der: bytes, password: str, field: str = "key") -> RSAPrivateKey:
    """The private key, or a refusal that tells a wrong password from a damaged file."""
    from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey
    from cryptography.hazmat.primitives.serialization import load_der_private_key

    try:
        key = load_der_private_key(der, password.encode())
    except TypeError:  # the file is not encrypted: not a key as the SAT issues it
        raise refused(field, "key_not_encrypted", "is not password-protected, as an e.firma .key is") from None
    except ValueError as error:
        if "password" in str(error).lower():
            raise refused("password", "key_password_wrong", "does not open this .key") from None
        raise refused(field, "key_unreadable", "is not a DER PKCS#8 encrypted private key (.key)") from None
    if not isinstance(key, RSAPrivateKey):
        raise refused(field, "key_not_rsa", "is not an RSA key, as an e.firma key is")
    return key


def sign(key: RSAPrivateKey, text: str) -> str:
    """The base64 signature (*sello*) of ``text``'s UTF-8 bytes: RSA PKCS#1 v1.5 with SHA-256."""
    from cryptography.hazmat.primitives.asymmetric.padding import PKCS1v15
    from cryptography.hazmat.primitives.hashes import SHA256

    return base64.b64encode(key.sign(text.encode(), PKCS1v15(), SHA256())).decode()


def sign_with_files(certificate_der: bytes, key_der: bytes, password: str, text: str) -> str:
    """Sign as a person would with their two files, refusing a key that is not the certificate's."""
    from cryptography import x509
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

    key = open_key(key_der, password)
    theirs = x509.load_der_x509_certificate(certificate_der).public_key()
    spki = (Encoding.DER, PublicFormat.SubjectPublicKeyInfo)
    if theirs.public_bytes(*spki) != key.public_key().public_bytes(*spki):
        raise refused("key", "key_not_certificate", "is not the private key of this certificate")
    return sign(key, text)
