"""Every refusal of a signature, each checked with real certificates from the sandbox
authority and answers from its OCSP responder over HTTP."""

from __future__ import annotations

import base64
from datetime import UTC, datetime, timedelta

import msgspec
import pytest
from cryptography.hazmat.primitives.serialization import Encoding

from chalicelib.core.errors import TransientFailure, ValidationFailed
from chalicelib.efirma import verification
from chalicelib.efirma.keys import sign_with_files
from chalicelib.efirma.verification import Trust
from infra.local.efirma import Authority, Issued, Responder

PASSWORD = "12345678a"
TEXT = "||1.0|CONSTRUCCION|v3|app-1|2026-12-03T12:00:00.000Z||"


def b64(der: bytes) -> str:
    return base64.b64encode(der).decode()


def signed(issued: Issued, text: str = TEXT) -> tuple[str, str]:
    return b64(issued.certificate), sign_with_files(issued.certificate, issued.key, PASSWORD, text)


def refusal(trust: Trust, issued: Issued, *, text: str = TEXT, signature: str | None = None) -> tuple[str, str]:
    certificate, good = signed(issued)
    with pytest.raises(ValidationFailed) as refused:
        trust.verify(certificate, text, signature or good, datetime.now(UTC))
    return refused.value.code, refused.value.details[0]["field"]


def test_a_good_signature_holds_and_keeps_its_proof(authority: Authority, trust: Trust) -> None:
    issued = authority.issue("GOMC800101MDFMRR00", PASSWORD)
    certificate, signature = signed(issued)
    held = trust.verify(certificate, TEXT, signature, datetime.now(UTC))
    assert (held.serial, held.holder.curp, held.certificate) == (issued.serial, "GOMC800101MDFMRR00", certificate)
    assert held.ocsp and held.issuer == b64(authority.certificate.public_bytes(Encoding.DER))
    assert verification.recheck(held, TEXT) == []
    assert verification.recheck(held, TEXT.replace("app-1", "app-2")) == ["signature_invalid"]


def test_a_certificate_from_an_unknown_authority_is_refused(other_authority: Authority, trust: Trust) -> None:
    assert refusal(trust, other_authority.issue("GOMC800101MDFMRR00", PASSWORD)) == (
        "certificate_untrusted",
        "certificate",
    )


def test_a_certificate_that_names_a_trusted_issuer_but_was_not_signed_by_it_is_refused(
    authority: Authority, other_authority: Authority, trust: Trust
) -> None:
    forged = authority.issue("GOMC800101MDFMRR00", PASSWORD, issuer_key=other_authority._key)
    assert refusal(trust, forged) == ("certificate_untrusted", "certificate")


def test_an_expired_certificate_is_refused(authority: Authority, trust: Trust) -> None:
    now = datetime.now(UTC)
    expired = authority.issue(
        "GOMC800101MDFMRR00", PASSWORD, valid_from=now - timedelta(days=900), valid_until=now - timedelta(days=1)
    )
    assert refusal(trust, expired) == ("certificate_expired", "certificate")


def test_a_certificate_not_yet_valid_is_refused(authority: Authority, trust: Trust) -> None:
    later = datetime.now(UTC) + timedelta(days=2)
    assert refusal(trust, authority.issue("GOMC800101MDFMRR00", PASSWORD, valid_from=later)) == (
        "certificate_not_yet_valid",
        "certificate",
    )


def test_a_certificate_without_the_digital_signature_usage_is_refused(authority: Authority, trust: Trust) -> None:
    issued = authority.issue("GOMC800101MDFMRR00", PASSWORD, digital_signature=False)
    assert refusal(trust, issued) == ("certificate_key_usage", "certificate")


def test_a_revoked_certificate_is_refused(authority: Authority, trust: Trust) -> None:
    issued = authority.issue("GOMC800101MDFMRR00", PASSWORD)
    certificate, signature = signed(issued)
    trust.verify(certificate, TEXT, signature, datetime.now(UTC))
    authority.revoke(issued.serial)
    assert refusal(trust, issued) == ("certificate_revoked", "certificate")


def test_a_certificate_its_authority_never_issued_is_refused(authority: Authority, trust: Trust) -> None:
    issued = authority.issue("GOMC800101MDFMRR00", PASSWORD)
    (authority.directory / "issued" / f"{issued.serial}.cer").unlink()  # the responder no longer knows it
    assert refusal(trust, issued) == ("certificate_status_unknown", "certificate")


def test_a_bad_signature_is_refused(authority: Authority, trust: Trust) -> None:
    issued = authority.issue("GOMC800101MDFMRR00", PASSWORD)
    assert refusal(trust, issued, text=TEXT + "x") == ("signature_invalid", "signature")
    other = authority.issue("HERJ751120HOCRMN07", PASSWORD)
    assert refusal(trust, issued, signature=signed(other)[1]) == ("signature_invalid", "signature")
    assert refusal(trust, issued, signature="not base64!") == ("not_base64", "signature")


def test_an_unreachable_responder_refuses_the_signature_for_now(
    authority: Authority, responder: Responder, trust: Trust
) -> None:
    """The decision: no OCSP answer, no signature (503, retry later); nothing is accepted unchecked."""
    certificate, signature = signed(authority.issue("GOMC800101MDFMRR00", PASSWORD))
    responder.available = False
    with pytest.raises(TransientFailure) as unavailable:
        trust.verify(certificate, TEXT, signature, datetime.now(UTC))
    assert unavailable.value.code == "efirma_ocsp_unavailable"


def test_an_answer_not_signed_by_the_authority_is_refused(
    authority: Authority, other_authority: Authority, trust: Trust
) -> None:
    """As from a man in the middle: another authority's signed answer."""
    issued = authority.issue("GOMC800101MDFMRR00", PASSWORD)
    certificate, signature = signed(issued)
    impostor = Trust([authority.certificate], other_authority.respond)
    with pytest.raises(TransientFailure) as invalid:
        impostor.verify(certificate, TEXT, signature, datetime.now(UTC))
    assert invalid.value.code == "efirma_ocsp_invalid"


def test_a_signature_still_checks_after_its_certificate_expired(authority: Authority, trust: Trust) -> None:
    """Signed last year with a certificate that has expired since: what was stored proves it."""
    now = datetime.now(UTC)
    then = now - timedelta(days=400)
    issued = authority.issue(
        "GOMC800101MDFMRR00", PASSWORD, valid_from=then - timedelta(days=1), valid_until=now - timedelta(days=30)
    )
    certificate, signature = signed(issued)
    authority.clock = lambda: then
    try:
        held = trust.verify(certificate, TEXT, signature, then)
    finally:
        authority.clock = lambda: datetime.now(UTC)
    authority.revoke(issued.serial)  # revoked after it signed: the stored answer still vouches for then
    assert verification.recheck(held, TEXT) == []
    tampered = msgspec.structs.replace(held, signed_at=now.isoformat())
    assert "certificate_expired" in verification.recheck(tampered, TEXT)
