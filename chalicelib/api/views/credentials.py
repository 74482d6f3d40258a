"""Issued documents as the API shows them: the holder's printable copy, the public check."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any, Literal

from msgspec import Meta, convert, field, structs

from chalicelib.api.views.common import shown
from chalicelib.api.views.stored import shown_as
from chalicelib.core.fields import UNSET, AgencyCode, Instant, LegalDate, Struct, Text, UnsetType, Url
from chalicelib.credentials.service import Verification
from chalicelib.store.models import Credential

QR_COLOUR = "#0b2d4f"
NUMBER = Meta(
    description=(
        "Registration credentials only: the number the registry assigned (an RFC, an IMSS employer registration) "
        "or Ventanilla's folio."
    ),
    examples=["TLE2612035K7", "LF-2026-7K3M9Q2XBD"],
)
REGISTRY = Meta(
    description=(
        "Registration credentials only: who assigned the number, a registry (`tax`, `social_security`) or "
        "`ventanilla` for a folio."
    ),
    examples=["tax"],
)


class SignedContent(Struct, kw_only=True):
    """The signed content of an issued document (canonical JSON: sorted keys, no spaces)."""

    id: str | UnsetType = UNSET
    type: str | UnsetType = UNSET
    title: Text | UnsetType = UNSET
    procedure: str | UnsetType = UNSET
    application_id: str | UnsetType = UNSET
    holder_name: str | UnsetType | None = UNSET
    holder_initials: str | UnsetType = UNSET
    holder_sha256: Annotated[
        str | UnsetType,
        Meta(
            description="SHA-256 of the holder's CURP or RFC (documents issued before businesses "
            "could hold records name it `holder_curp_sha256`)."
        ),
    ] = UNSET
    agency: AgencyCode | UnsetType = UNSET
    agency_name: Text | UnsetType = UNSET
    valid_from: Annotated[LegalDate | UnsetType, Meta(description="Legal date (America/Mexico_City).")] = UNSET
    valid_until: LegalDate | UnsetType = UNSET
    issued_at: Instant | UnsetType = UNSET
    deemed_approved: bool | UnsetType = UNSET
    number: Annotated[str | UnsetType, NUMBER] = UNSET
    registry: Annotated[str | UnsetType, REGISTRY] = UNSET
    data: Annotated[dict[str, Any] | UnsetType, Meta(description="Scalar form answers.")] = UNSET


class IssuedDocument(Struct, kw_only=True):
    id: str
    application_id: str
    payload: Annotated[
        dict[str, Any],
        shown_as(SignedContent, "The signed content, exactly as signed (canonical JSON: sorted keys, no spaces)."),
    ]
    signature: Annotated[
        str,
        Meta(description="KMS signature of the canonical payload.", extra_json_schema={"contentEncoding": "base64"}),
    ]
    algorithm: Annotated[str, Meta(examples=["ECDSA_SHA_256"])]
    key_id: str
    signature_valid: bool
    verify_url: Url
    qr_svg: Annotated[str, Meta(description="Inline SVG of a QR code of `verify_url`.")]


class CheckedSignature(Struct, kw_only=True):
    what: Annotated[Literal["acuse", "resolution"], Meta(description="The filing's acuse or an official's resolution.")]
    signer: Annotated[
        Literal["holder", "official", "platform"],
        Meta(description="The holder's e.firma, an official's e.firma, or the platform's seal."),
    ]
    valid: bool
    at: Annotated[Instant, Meta(description="When it was signed or sealed.")]
    serial: Annotated[str | UnsetType, Meta(description="The e.firma's número de certificado.")] = UNSET
    name: Annotated[str | UnsetType, Meta(description="Officials only (never the holder's).")] = UNSET
    position: Text | UnsetType = UNSET
    agency: AgencyCode | UnsetType = UNSET
    problems: Annotated[
        list[str],
        Meta(
            description=(
                "What no longer holds: `signature_invalid`, `certificate_untrusted`, `certificate_expired` (at the "
                "time it signed), `certificate_revoked`, `ocsp_invalid`, `seal_invalid`."
            )
        ),
    ] = field(default_factory=list)


class DocumentVerification(Struct, kw_only=True):
    """When the signature is invalid only `valid`, `document_id` and `signature` are present."""

    valid: Annotated[bool, Meta(description="Genuine signature and today within the validity period.")]
    document_id: str
    signature: Literal["valid", "invalid"]
    type: str | UnsetType = UNSET
    title: Text | UnsetType = UNSET
    holder_initials: Annotated[str | UnsetType, Meta(examples=["G.M.C."])] = UNSET
    valid_from: LegalDate | UnsetType = UNSET
    valid_until: LegalDate | UnsetType = UNSET
    agency: AgencyCode | UnsetType = UNSET
    agency_name: Text | UnsetType = UNSET
    deemed_approved: Annotated[bool | UnsetType, Meta(description="Issued by afirmativa ficta.")] = UNSET
    number: Annotated[str | UnsetType, NUMBER] = UNSET
    registry: Annotated[str | UnsetType, REGISTRY] = UNSET
    expired: bool | UnsetType = UNSET
    signatures: Annotated[
        list[CheckedSignature] | UnsetType,
        Meta(
            description=(
                "Every signature of the filing (acuse) and of the resolutions behind the document, checked again from "
                "what was stored (the signer's certificate, its authority and the OCSP answer of the time), so it "
                "holds after the certificate expires."
            )
        ),
    ] = UNSET


def issued_document(credential: Credential, genuine: bool, payload: dict[str, Any], url: str) -> IssuedDocument:
    """The holder's printable document: payload, signature and a QR code of the verify URL."""
    return shown(
        IssuedDocument,
        credential,
        payload=payload,
        signature_valid=genuine,
        verify_url=url,
        qr_svg=qr_svg(url),
    )


def verification(checked: Verification) -> DocumentVerification:
    """Only what a checker needs: never the holder's name or CURP."""
    answer = DocumentVerification(
        valid=checked.valid, document_id=checked.document_id, signature="valid" if checked.genuine else "invalid"
    )
    if checked.genuine:
        payload: Mapping[str, Any] = checked.payload
        answer.type = payload["type"]
        answer.title = convert(payload["title"], Text)
        answer.holder_initials = payload["holder_initials"]
        answer.valid_from = payload["valid_from"]
        answer.valid_until = payload["valid_until"]
        answer.agency = payload["agency"]
        answer.agency_name = convert(payload["agency_name"], Text)
        answer.deemed_approved = payload.get("deemed_approved", False)
        if "number" in payload:
            answer.number = payload["number"]
            answer.registry = payload["registry"]
        answer.expired = checked.expired
        answer.signatures = [
            convert(
                {name: value for name, value in structs.asdict(item).items() if value is not None},
                CheckedSignature,
            )
            for item in checked.signatures
        ]
    return answer


def qr_svg(url: str) -> str:
    """The QR code of ``url`` as inline SVG.  segno is imported here, on the first document
    shown, not by every cold start (~19 ms of it)."""
    import segno

    svg: str = segno.make(url, error="m").svg_inline(scale=4, dark=QR_COLOUR)
    return svg
