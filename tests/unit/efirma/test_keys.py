"""The .key schemes SAT files use, each opened for real: PBES2 with PBKDF2 and AES-256
(the sandbox authority's), PBES2 with PBKDF2 and 3DES, PBES2 with PBKDF2-HMAC-SHA1 and
AES-128, and the older PKCS#12 scheme pbeWithSHAAnd3-KeyTripleDES-CBC (made by openssl)."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization

from chalicelib.core.errors import ValidationFailed
from chalicelib.efirma.keys import open_key, sign_with_files
from infra.local.efirma import Authority

PASSWORD = "12345678a"
SCHEMES = {
    "pbes2-pbkdf2-3des": ["-v2", "des3"],
    "pbes2-pbkdf2-aes256": ["-v2", "aes-256-cbc"],
    "pbes2-pbkdf2sha1-aes128": ["-v2", "aes-128-cbc", "-v2prf", "hmacWithSHA1"],
    "pkcs12-sha1-3des": ["-v1", "PBE-SHA1-3DES"],
}


def reencrypt(key_der: bytes, scheme: list[str], folder: Path) -> bytes:
    """The same key as the SAT's tools would write it under ``scheme``."""
    key = open_key(key_der, PASSWORD)
    plain = folder / "plain.pem"
    plain.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    out = folder / "out.key"
    subprocess.run(
        ["openssl", "pkcs8", "-topk8", "-in", plain, "-outform", "DER", "-passout", f"pass:{PASSWORD}", *scheme],
        check=True,
        stdout=out.open("wb"),
    )
    return out.read_bytes()


@pytest.mark.parametrize("scheme", sorted(SCHEMES))
def test_each_scheme_opens_with_its_password_and_signs(authority: Authority, tmp_path: Path, scheme: str) -> None:
    issued = authority.issue("GOMC800101MDFMRR00", PASSWORD)
    key = reencrypt(issued.key, SCHEMES[scheme], tmp_path)
    assert key != issued.key
    assert sign_with_files(issued.certificate, key, PASSWORD, "||a||") == sign_with_files(
        issued.certificate, issued.key, PASSWORD, "||a||"
    )


@pytest.mark.parametrize("scheme", sorted(SCHEMES))
def test_a_wrong_password_is_told_apart_from_a_damaged_file(authority: Authority, tmp_path: Path, scheme: str) -> None:
    key = reencrypt(authority.issue("GOMC800101MDFMRR00", PASSWORD).key, SCHEMES[scheme], tmp_path)
    with pytest.raises(ValidationFailed) as wrong:
        open_key(key, "not-the-password")
    assert (wrong.value.code, wrong.value.details[0]["field"]) == ("key_password_wrong", "password")
    with pytest.raises(ValidationFailed) as damaged:
        open_key(key[: len(key) // 2], PASSWORD)
    assert (damaged.value.code, damaged.value.details[0]["field"]) == ("key_unreadable", "key")


def test_a_key_without_a_password_is_not_an_efirma_key(authority: Authority) -> None:
    key = open_key(authority.issue("GOMC800101MDFMRR00", PASSWORD).key, PASSWORD)
    plain = key.private_bytes(
        serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    with pytest.raises(ValidationFailed) as refused:
        open_key(plain, PASSWORD)
    assert refused.value.code == "key_not_encrypted"


def test_the_key_of_another_certificate_is_refused(authority: Authority) -> None:
    mine = authority.issue("GOMC800101MDFMRR00", PASSWORD)
    theirs = authority.issue("HERJ751120HOCRMN07", PASSWORD)
    with pytest.raises(ValidationFailed) as refused:
        sign_with_files(mine.certificate, theirs.key, PASSWORD, "||a||")
    assert refused.value.code == "key_not_certificate"
