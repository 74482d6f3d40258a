"""What clients send when they sign with e.firma."""

from __future__ import annotations

from typing import Annotated

from msgspec import Meta

from chalicelib.core.fields import Struct

CERTIFICATE_BYTES = 16 * 1024  # a SAT .cer is ~1.5 KB; room for long names and extensions
SIGNATURE_CHARACTERS = 1024  # an RSA 2048 signature is 344 base64 characters (4096 bits: 684)

Certificate = Annotated[
    str,
    Meta(
        min_length=1,
        max_length=CERTIFICATE_BYTES * 4 // 3 + 4,
        description="The e.firma certificate (the `.cer` file), base64 of its DER bytes.",
        examples=["MIIF3zCCA8egAwIBAgIUMzAwMDEwMDAwMDA1MDAwMDM0MTYwDQYJKoZIhvcNAQELBQAw..."],
    ),
]
Challenge = Annotated[
    str,
    Meta(
        min_length=1,
        max_length=128,
        description="The challenge as the challenge route gave it.",
        examples=["k3P0q7bJm2x9c1VZ8oWQy4sTfH6nDe5LrA0uGiKjXwM"],
    ),
]
SignatureText = Annotated[
    str,
    Meta(
        min_length=1,
        max_length=SIGNATURE_CHARACTERS,
        description=(
            "RSA PKCS#1 v1.5 with SHA-256 over the signed text's UTF-8 bytes (the challenge, or the cadena original), "
            "base64: the e.firma's key signs, in the browser."
        ),
        examples=["hX1m...base64...=="],
    ),
]


class SignedCadena(Struct, kw_only=True):
    """A cadena original as the server prepared it, signed with the signer's e.firma in the browser."""

    certificate: Certificate
    cadena_original: Annotated[
        str,
        Meta(
            min_length=1,
            max_length=4096,
            description="The cadena original as prepared by the server, unchanged.",
            extra={"code": "validation_failed", "message": "is required: the cadena original that was signed"},
        ),
    ]
    signature: SignatureText
