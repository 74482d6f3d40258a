"""What clients send when they sign with e.firma."""

from __future__ import annotations

from typing import Annotated

from msgspec import Meta

from chalicelib.core.fields import Struct

Base64 = Annotated[str, Meta(min_length=1, max_length=16384, pattern=r"^[A-Za-z0-9+/]+={0,2}$")]


class SignedCadena(Struct, kw_only=True):
    """A cadena original as the server prepared it, signed with the signer's e.firma in the browser."""

    certificate: Annotated[
        Base64,
        Meta(
            description="The .cer: base64 of the DER X.509 certificate.",
            extra={"code": "validation_failed", "message": "is required: the .cer as base64"},
        ),
    ]
    cadena_original: Annotated[
        str,
        Meta(
            min_length=1,
            max_length=4096,
            description="The cadena original as prepared by the server, unchanged.",
            extra={"code": "validation_failed", "message": "is required: the cadena original that was signed"},
        ),
    ]
    signature: Annotated[
        Base64,
        Meta(
            description="RSA PKCS#1 v1.5 with SHA-256 over the cadena's UTF-8 bytes, base64 (made in the browser).",
            extra={"code": "validation_failed", "message": "is required: the signature as base64"},
        ),
    ]
