"""The documents people keep, as PDF: the acuse de recibo, each resolution and the issued
permit, read back with a PDF reader (the cadena original, each signer's número de
certificado, the address under the QR code), their QR codes checked offline with the
keys the platform publishes, and who may download them."""

from __future__ import annotations

import base64
import json
import re
import zlib
from dataclasses import dataclass
from urllib.parse import parse_qs, unquote

import pytest
import segno
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.hashes import SHA256

from chalicelib.credentials import offline
from infra.local import efirma as sandbox
from tests.support import efirma
from tests.support.flows import decide, draft, paid, submit, upload_documents, wait_status
from tests.support.forms import CONSTRUCTION_FORM
from tests.support.inprocess import Aws, HttpUser, Reply
from tests.support.pdf import qr_modules, read, text_of

PDF = {"Accept": "application/pdf"}
KEYS_URL = "http://testserver/api/.well-known/ventanilla-keys.json"


@dataclass(frozen=True)
class Permit:
    citizen: HttpUser
    officials: dict[str, HttpUser]  # by agency
    application_id: str
    document_id: str


@pytest.fixture(scope="module")
def permit(aws: Aws) -> Permit:
    """A construction permit signed end to end: the citizen's e.firma on the filing, each
    agency's official's on its approval; paid and issued."""
    citizen = aws.user()
    officials = {agency: aws.official(f"oficial.{agency.lower()}.pdf", agency) for agency in ("DUMUN", "PCMUN")}
    application_id = draft(citizen, CONSTRUCTION_FORM, procedure="licencia-construccion")
    upload_documents(citizen, application_id, ("planos", "escritura"))
    submit(citizen, application_id)
    for agency, official in officials.items():
        assert decide(official, application_id, reason=f"Conforme ({agency}).", agency=agency).status_code == 200
    wait_status(citizen, application_id, "awaiting_payment")
    paid(aws, citizen, application_id)
    document_id = wait_status(citizen, application_id, "issued")["issued"][0]["id"]
    return Permit(citizen, officials, application_id, document_id)


def downloaded(user: HttpUser, path: str) -> tuple[Reply, str]:
    """The PDF at ``path`` and the text a person reads on it."""
    reply = user.get(path, headers=PDF)
    assert reply.status_code == 200, reply.body
    assert reply.headers["Content-Type"] == "application/pdf"
    assert reply.headers["Cache-Control"] == "private, no-store"
    return reply, text_of(read(reply.body))


def printed_cadena(text: str) -> str:
    """The cadena original as printed, its lines joined."""
    return text[text.index("Cadena original") + len("Cadena original") : text.index("Firmas electrónicas")].replace(
        "\n", ""
    )


def qr_payload_drawn(pdf: bytes, expected: str) -> None:
    """The QR code on the PDF carries ``expected``, module for module."""
    page = next(page for page in read(pdf).pages if "Verificación" in page.extract_text())
    dark, _ = qr_modules(page)
    matrix = segno.make_qr(expected, error="m").matrix
    assert dark == {(row, column) for row, cells in enumerate(matrix) for column, cell in enumerate(cells) if cell}


def checked_offline(payload: str, keys: list[dict[str, str]]) -> tuple[str, str]:
    """What an offline verifier does with a QR code's text and the published keys: find
    the key, inflate the text, check the DER ECDSA seal over it with SHA-256.  Returns the
    address and the text the seal holds for."""
    address, _, fragment = payload.partition("#")
    fields = {name: values[0] for name, values in parse_qs(fragment, strict_parsing=True).items()}
    assert fields["v"] == "1" and set(fields) == {"v", "k", "s", "z"}, fields
    key = next(item for item in keys if item["kid"] == unquote(fields["k"]))
    assert (key["kty"], key["crv"], key["alg"]) == ("EC", "P-256", "ES256")
    point = ec.EllipticCurvePublicNumbers(
        int.from_bytes(unpadded(key["x"]), "big"), int.from_bytes(unpadded(key["y"]), "big"), ec.SECP256R1()
    )
    text = zlib.decompress(unpadded(fields["z"]), -15).decode()
    point.public_key().verify(unpadded(fields["s"]), text.encode(), ec.ECDSA(SHA256()))
    return address, text


def unpadded(value: str) -> bytes:
    return base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))


@pytest.fixture(scope="module")
def keys(aws: Aws) -> list[dict[str, str]]:
    reply = aws.anonymous().get(offline.KEYS_PATH)
    assert reply.status_code == 200, reply.body
    assert reply.headers["Cache-Control"] == "public, max-age=3600"
    found: list[dict[str, str]] = reply.body["keys"]
    return found


def test_the_acuse_prints_the_cadena_the_citizens_firma_the_seal_and_an_offline_qr(
    permit: Permit, keys: list[dict[str, str]]
) -> None:
    acuse = permit.citizen.get(f"/applications/{permit.application_id}").body["acuse"]
    reply, text = downloaded(permit.citizen, f"/applications/{permit.application_id}/acuse/pdf")
    assert reply.headers["Content-Disposition"] == f'attachment; filename="acuse-{permit.application_id}.pdf"'

    assert printed_cadena(text) == acuse["cadena_original"]
    holder = acuse["cadena_original"].split("|")[7]
    assert acuse["firma"]["serial"] == sandbox.certificate_number_of(efirma.files_for(holder)[0])
    for shown in ("Acuse de recibo", "Firma del solicitante", acuse["firma"]["serial"], "Sello de la plataforma"):
        assert shown in text
    assert acuse["sello"]["key_id"] in text and KEYS_URL in text

    payload = offline.qr_payload(KEYS_URL, acuse["cadena_original"], acuse["sello"]["key_id"], acuse["sello"]["seal"])
    qr_payload_drawn(reply.body, payload)
    assert checked_offline(payload, keys) == (KEYS_URL, acuse["cadena_original"])


def test_each_resolution_prints_the_officials_firma_and_checks_offline(
    permit: Permit, keys: list[dict[str, str]]
) -> None:
    resolutions = permit.citizen.get(f"/applications/{permit.application_id}").body["resolutions"]
    assert {item["agency"] for item in resolutions} == {"DUMUN", "PCMUN"}
    for resolution in resolutions:
        path = f"/applications/{permit.application_id}/resolutions/{resolution['review_id']}/pdf"
        reply, text = downloaded(permit.citizen, path)
        assert printed_cadena(text) == resolution["cadena_original"]
        official = permit.officials[resolution["agency"]]
        assert resolution["firma"]["serial"] == sandbox.certificate_number_of(efirma.files_for(official.username)[0])
        for shown in (
            "Resolución",
            "Aprobada",
            resolution["reason"],
            "Firma del servidor público",
            resolution["official"]["position"]["es"],
            resolution["firma"]["serial"],
            KEYS_URL,
        ):
            assert shown in text, shown
        payload = offline.qr_payload(
            KEYS_URL, resolution["cadena_original"], resolution["sello"]["key_id"], resolution["sello"]["seal"]
        )
        qr_payload_drawn(reply.body, payload)
        assert checked_offline(payload, keys)[1] == resolution["cadena_original"]


def test_the_permit_prints_its_signed_content_its_signatories_and_opens_the_verify_page(
    permit: Permit, keys: list[dict[str, str]]
) -> None:
    document = permit.citizen.get(f"/documents/{permit.document_id}").body
    reply, text = downloaded(permit.citizen, f"/documents/{permit.document_id}/pdf")
    assert reply.headers["Content-Disposition"] == (
        f'attachment; filename="licencia-construccion-{permit.document_id}.pdf"'
    )

    signed = document["payload"]
    canonical = json.dumps(signed, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    # the printed lines are cut every so many characters: a space at a cut is not seen
    assert re.sub(r"\s", "", printed_cadena(text)) == re.sub(r"\s", "", canonical)
    for shown in (
        signed["title"]["es"],
        signed["holder_name"],
        "Vigencia",
        CONSTRUCTION_FORM["cuenta_predial"],
        "Sello de la plataforma",
        document["key_id"],
        document["verify_url"],
        *(item["serial"] for item in signed["signatories"]),
        *(item["position"]["es"] for item in signed["signatories"]),
    ):
        assert shown in text, shown
    assert text.count("Aprobó con e.firma") == 2

    payload = offline.qr_payload(document["verify_url"], canonical, document["key_id"], document["signature"])
    qr_payload_drawn(reply.body, payload)
    assert checked_offline(payload, keys) == (document["verify_url"], canonical)
    assert document["verify_url"] == f"http://testserver/api/verify/{permit.document_id}"


def test_the_published_keys_are_the_ones_that_sign_seal_and_ask_registries(
    aws: Aws, keys: list[dict[str, str]]
) -> None:
    from chalicelib.wiring import container

    signer, sealer, exchange = container().signer, container().sealer, container().exchange_key
    assert [item["kid"] for item in keys] == [signer.key_id, sealer.key_id, exchange.key_id]
    assert len({signer.key_id, sealer.key_id, exchange.key_id}) == 3
    for key in (signer, sealer, exchange):
        seal = base64.b64encode(key.sign(b"||1.0|PRUEBA||")).decode()
        assert checked_offline(offline.qr_payload(KEYS_URL, "||1.0|PRUEBA||", key.key_id, seal), keys)[1]


def test_the_agencies_officials_may_download_the_acuse_and_resolutions(permit: Permit) -> None:
    official = permit.officials["PCMUN"]
    downloaded(official, f"/applications/{permit.application_id}/acuse/pdf")
    resolutions = official.get(f"/applications/{permit.application_id}").body["resolutions"]
    for resolution in resolutions:
        downloaded(official, f"/applications/{permit.application_id}/resolutions/{resolution['review_id']}/pdf")


def test_another_citizen_learns_nothing(aws: Aws, permit: Permit) -> None:
    stranger = aws.user()
    review_id = permit.citizen.get(f"/applications/{permit.application_id}").body["resolutions"][0]["review_id"]
    for path, code in (
        (f"/applications/{permit.application_id}/acuse/pdf", "unknown_application"),
        (f"/applications/{permit.application_id}/resolutions/{review_id}/pdf", "unknown_application"),
        (f"/documents/{permit.document_id}/pdf", "unknown_document"),
    ):
        reply = stranger.get(path, headers=PDF)
        assert (reply.status_code, reply.body["error"]["code"]) == (404, code), path


def test_an_official_of_another_agency_learns_nothing(aws: Aws, permit: Permit) -> None:
    other = aws.official("oficial.semovi.pdf", "SEMOVI")
    reply = other.get(f"/applications/{permit.application_id}/acuse/pdf", headers=PDF)
    assert (reply.status_code, reply.body["error"]["code"]) == (404, "unknown_application")


def test_a_draft_has_no_acuse_and_a_review_no_resolution_until_decided(aws: Aws, permit: Permit) -> None:
    citizen = aws.user()
    application_id = draft(citizen, CONSTRUCTION_FORM, procedure="licencia-construccion")
    reply = citizen.get(f"/applications/{application_id}/acuse/pdf", headers=PDF)
    assert (reply.status_code, reply.body["error"]["code"]) == (404, "no_acuse")
    reply = permit.citizen.get(f"/applications/{permit.application_id}/resolutions/9f50c94a8bee970b/pdf", headers=PDF)
    assert (reply.status_code, reply.body["error"]["code"]) == (404, "unknown_resolution")


def test_a_request_that_does_not_accept_a_pdf_is_told_so(permit: Permit) -> None:
    for accept in (None, "application/json", "*/*"):
        headers = {"Accept": accept} if accept else {}
        reply = permit.citizen.get(f"/applications/{permit.application_id}/acuse/pdf", headers=headers)
        assert (reply.status_code, reply.body["error"]["code"]) == (406, "not_acceptable"), accept
        assert reply.body["error"]["details"] == [{"field": "Accept", "message": "must name application/pdf"}]


def test_a_decision_sealed_alone_prints_who_decided_without_a_certificate(aws: Aws) -> None:
    from tests.support.flows import SEALED_AGENCY, ready_licence, sealed_licence

    citizen, official = aws.user(), aws.official("oficial.documentos.sello", SEALED_AGENCY)
    application_id = ready_licence(citizen, procedure=sealed_licence(aws))
    submit(citizen, application_id)
    assert decide(official, application_id, agency=SEALED_AGENCY).status_code == 200
    wait_status(citizen, application_id, "issued")
    resolution = citizen.get(f"/applications/{application_id}").body["resolutions"][-1]
    assert resolution["firma"] is None
    _, text = downloaded(citizen, f"/applications/{application_id}/resolutions/{resolution['review_id']}/pdf")
    assert "Servidor público que resolvió (con el sello de la plataforma)" in text
    assert resolution["official"]["name"] in text
    assert "Número de certificado" not in text and text.count("Sello digital") == 1
    acuse = citizen.get(f"/applications/{application_id}").body["acuse"]
    _, text = downloaded(citizen, f"/applications/{application_id}/acuse/pdf")
    assert acuse["firma"] is None and "Firma del solicitante" not in text
    assert printed_cadena(text) == acuse["cadena_original"]


def test_another_agencys_system_accepts_the_verdict_signed_as_a_jws(
    aws: Aws, permit: Permit, keys: list[dict[str, str]]
) -> None:
    """Content negotiation: `Accept: application/jwt` answers the verdict as an ES256 JWS that
    checks with the published sealing key; the JSON answer stays as it was."""
    import jwt

    path = f"/verify/{permit.document_id}"
    token = aws.anonymous().get(path, headers={"Accept": "application/jwt"})
    assert token.status_code == 200 and token.headers["Content-Type"] == "application/jwt"
    header = jwt.get_unverified_header(token.body)
    published = next(key for key in keys if key["kid"] == header["kid"])
    claims = jwt.decode(
        token.body,
        key=jwt.PyJWK(published).key,
        algorithms=["ES256"],
        issuer="http://testserver/api",
        options={"require": ["iss", "sub", "iat"]},
    )
    assert claims["sub"] == permit.document_id
    assert claims["verification"] == aws.anonymous().get(path).body
    assert claims["verification"]["valid"] is True

    forged = token.body[:-4] + ("AAAA" if not token.body.endswith("AAAA") else "BBBB")
    with pytest.raises(jwt.InvalidSignatureError):
        jwt.decode(forged, key=jwt.PyJWK(published).key, algorithms=["ES256"], issuer="http://testserver/api")
