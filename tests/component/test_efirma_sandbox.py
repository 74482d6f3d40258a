"""The sandbox certificate authority's routes, and the trust the app builds from the local
stack's settings (its CA bundle and OCSP responder)."""

from __future__ import annotations

import base64
from datetime import UTC, datetime

import pytest

from chalicelib.core.errors import ValidationFailed
from chalicelib.efirma.keys import sign_with_files
from chalicelib.wiring import container
from tests.support.inprocess import Aws


def test_the_sandbox_issues_an_efirma_the_app_trusts_until_it_is_revoked(aws: Aws) -> None:
    issued = aws.anonymous().post(
        "/sandbox/efirma/certificates", {"subject": "GOMC800101MDFMRR00", "password": "12345678a"}
    )
    assert issued.status_code == 201, issued.body
    certificate, key = (base64.b64decode(issued.body[name]) for name in ("certificate", "key"))
    signature = sign_with_files(certificate, key, "12345678a", "||hola||")
    held = container().efirma.verify(issued.body["certificate"], "||hola||", signature, datetime.now(UTC))
    assert (held.serial, held.holder.curp) == (issued.body["serial"], "GOMC800101MDFMRR00")

    revoked = aws.anonymous().post("/sandbox/efirma/revoke", {"serial": issued.body["serial"]})
    assert revoked.status_code == 200 and revoked.body["serial"] == issued.body["serial"]
    with pytest.raises(ValidationFailed) as refused:
        container().efirma.verify(issued.body["certificate"], "||hola||", signature, datetime.now(UTC))
    assert refused.value.code == "certificate_revoked"


def test_an_official_gets_an_efirma_with_a_sandbox_curp(aws: Aws) -> None:
    issued = aws.anonymous().post(
        "/sandbox/efirma/certificates", {"subject": "oficial.semovi", "password": "12345678a"}
    )
    assert issued.status_code == 201, issued.body


def test_bad_requests_to_the_sandbox_authority_name_the_field(aws: Aws) -> None:
    short = aws.anonymous().post("/sandbox/efirma/certificates", {"subject": "GOMC800101MDFMRR00", "password": "1"})
    assert short.status_code == 422 and short.body["error"]["details"][0]["field"] == "password"
    unknown = aws.anonymous().post("/sandbox/efirma/revoke", {"serial": "30009999999999999999"})
    assert (unknown.status_code, unknown.body["error"]["code"]) == (404, "unknown_certificate")
    malformed = aws.anonymous().post("/sandbox/efirma/revoke", {"serial": "12"})
    assert malformed.status_code == 422 and malformed.body["error"]["details"][0]["field"] == "serial"


def test_the_responder_can_be_switched_off_and_on(aws: Aws) -> None:
    off = aws.anonymous().post("/sandbox/efirma/ocsp", {"available": False})
    assert off.status_code == 200 and off.body["available"] is False
    on = aws.anonymous().post("/sandbox/efirma/ocsp", {"available": True})
    assert on.status_code == 200 and on.body["available"] is True and on.body["url"].startswith("http://127.0.0.1:")
