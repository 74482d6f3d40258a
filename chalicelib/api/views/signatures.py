"""What the API shows of signatures: the acuse de recibo, resolutions, and texts to sign."""

from __future__ import annotations

from typing import Annotated, Literal

from msgspec import Meta

from chalicelib.core.fields import Instant, Struct, Text


class SignerHolder(Struct, kw_only=True):
    kind: Annotated[str, Meta(description="`person`, or `company` (a legal representative signs).")]
    name: str
    rfc: str
    curp: str | None


class EfirmaSignature(Struct, kw_only=True):
    serial: Annotated[str, Meta(description="The signer's número de certificado (20 digits).")]
    holder: SignerHolder
    signed_at: Instant
    valid_until: Annotated[Instant, Meta(description="When the signer's certificate expires.")]
    signature: Annotated[str, Meta(description="The sello: RSA PKCS#1 v1.5 / SHA-256 over the cadena, base64.")]


class PlatformSeal(Struct, kw_only=True):
    sealed_at: Instant
    key_id: Annotated[
        str, Meta(description="The platform's signing key (its public key: `GET /.well-known/ventanilla-keys.json`).")
    ]
    algorithm: Annotated[str, Meta(examples=["ECDSA_SHA_256"])]
    seal: Annotated[str, Meta(description="The platform's signature over the cadena original, base64.")]


class Acuse(Struct, kw_only=True):
    """The acuse de recibo: what was filed, who signed it and the platform's seal; the legal clock starts at
    `sello.sealed_at`."""

    cadena_original: Annotated[str, Meta(description="The canonical text of the filing (docs/efirma.md).")]
    firma: Annotated[EfirmaSignature | None, Meta(description="The holder's e.firma over it; null if not signed.")]
    sello: PlatformSeal


class CadenaToSign(Struct, kw_only=True):
    cadena_original: Annotated[
        str,
        Meta(
            description="The text to sign (docs/efirma.md lists each kind's fields).",
            examples=[
                "||1.0|ACUSE|licencia-construccion|1|8Q9FQ5PXS4|GOMC800101MDFMRR00|9f2c…|planos:ab12…|2026-12-03T12:00:00.000Z||"
            ],
        ),
    ]
    expires_at: Annotated[Instant, Meta(description="Sign and submit before this; then prepare it again.")]
    efirma_required: Annotated[
        bool, Meta(description="Whether the procedure only accepts a filing signed with e.firma.")
    ]


class Official(Struct, kw_only=True):
    username: str
    name: str
    position: Text
    agency: str


class Resolution(Struct, kw_only=True):
    """An official's decision as signed and sealed."""

    review_id: str
    step: str
    agency: str
    decision: Annotated[str, Meta(examples=["approve"])]
    reason: str
    official: Official
    cadena_original: str
    firma: Annotated[
        EfirmaSignature | None, Meta(description="The official's e.firma; null where the step takes the seal alone.")
    ]
    sello: PlatformSeal


class PublicKey(Struct, kw_only=True):
    """One of the platform's sealing keys, as a JSON Web Key (RFC 7517) for ES256."""

    kty: Literal["EC"]
    crv: Literal["P-256"]
    x: Annotated[str, Meta(description="The point's x coordinate, 32 bytes, base64url.")]
    y: Annotated[str, Meta(description="The point's y coordinate, 32 bytes, base64url.")]
    kid: Annotated[str, Meta(description="The key's id, as a seal's `key_id` and a QR code's `k` name it.")]
    alg: Literal["ES256"]
    use: Literal["sig"]


class KeySet(Struct, kw_only=True):
    """The platform's public keys (a JWK set): what checks a seal offline (docs/efirma.md)."""

    keys: list[PublicKey]
