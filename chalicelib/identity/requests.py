"""What the e.firma routes take: a signed challenge, and for claiming an account with it
the password and phone the account will have from then on.

Parsed once at the edge (``chalicelib/api/routes.py``); what a type cannot say (whether
the certificate is trusted, the signature holds, the challenge is fresh, the password
meets the policy, the phone is one the platform texts) the domain checks.
"""

from __future__ import annotations

from typing import Annotated

from msgspec import Meta

from chalicelib.core.fields import Language, Struct
from chalicelib.identity.passwords import MAXIMUM_LENGTH, RULE

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
        description="RSA PKCS#1 v1.5 with SHA-256 over the challenge's UTF-8 bytes, base64 (the e.firma's key signs).",
        examples=["hX1m...base64...=="],
    ),
]


class EfirmaProof(Struct, kw_only=True):
    """A challenge signed with an e.firma."""

    certificate: Certificate
    challenge: Challenge
    signature: SignatureText


class EfirmaAccount(Struct, kw_only=True):
    """A challenge signed with an e.firma, and the sign-in the account will have."""

    certificate: Certificate
    challenge: Challenge
    signature: SignatureText
    password: Annotated[
        str,
        Meta(
            max_length=MAXIMUM_LENGTH,
            description=f"The account's password from now on: {RULE}.",
            examples=["Nueva-Clave-2026"],
            extra={"code": "invalid_password", "message": f"must be a text of {RULE}"},
        ),
    ]
    phone: Annotated[
        str,
        Meta(
            max_length=32,
            description="The mobile number for the account's messages, as people type it (read as Mexican without +).",
            examples=["+525512345678"],
            extra={"code": "invalid_phone", "message": "must be a mobile number such as +52 55 1234 5678"},
        ),
    ]
    language: Annotated[Language, Meta(description="The language of the account's messages.")] = "es"
