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
from chalicelib.efirma.requests import Certificate, Challenge, SignatureText
from chalicelib.identity.passwords import MAXIMUM_LENGTH, RULE


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
