"""Bad input always gets a clear 4xx in our error envelope — never a 500, never a stack
trace, never Chalice's own ``{Code, Message}``, never a half-written record.

Each test here pins a case that once went wrong (or that a fuzzer would reach only by
luck); ``test_api_fuzz.py`` is the broad net over the whole OpenAPI description.
"""

from __future__ import annotations

import copy
import json
import sys
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from chalicelib.core.observability import logger
from chalicelib.identity.tokens import TokenVerifier
from chalicelib.payments import signature
from chalicelib.payments.reference import new_reference
from chalicelib.procedures.catalogue import Catalogue
from chalicelib.wiring import container
from tests.support.flows import (
    DECLARED,
    decide,
    draft,
    open_review,
    ready_licence,
    status_of,
    submitted_licence,
    wait_status,
)
from tests.support.inprocess import WEBHOOK_SECRET, Aws, HttpUser, Reply

LICENCE = json.loads(Path("workflows/licencia-conducir.json").read_text("utf-8"))


def error_of(reply: Reply, status: int) -> dict[str, Any]:
    assert reply.status_code == status, (reply.status_code, reply.body)
    assert reply.headers.get("Content-Type", "").startswith("application/json"), reply.headers
    assert isinstance(reply.body, dict) and set(reply.body) == {"error"}, reply.body
    assert set(reply.body["error"]) == {"code", "message", "details"}, reply.body
    return dict(reply.body["error"])


# --- the boundary: whatever answers, it answers in our envelope ---------------------------


def test_chalices_own_answers_leave_in_our_envelope(aws: Aws) -> None:
    citizen = aws.user()
    assert (
        error_of(citizen.request("GET", "/me", headers={"Content-Type": "text/plain"}), 415)["code"]
        == "unsupported_media_type"
    )
    assert (
        error_of(
            citizen.request("GET", "/procedures", headers={"Content-Type": "multipart/form-data; boundary=x"}), 415
        )["code"]
        == "unsupported_media_type"
    )
    assert error_of(citizen.request("DELETE", "/procedures"), 405)["code"] == "method_not_allowed"


def test_an_unexpected_failure_in_a_view_is_a_logged_500_in_our_envelope(
    aws: Aws, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(logger.registered_handler, "stream", sys.stdout)  # the handler kept the stdout of import time

    def boom(self: Catalogue) -> None:
        raise RuntimeError("table exploded while reading GOMC800101MDFMRR00")

    monkeypatch.setattr(Catalogue, "index", boom)
    reply = aws.anonymous().get("/procedures")
    error = error_of(reply, 500)
    assert error["code"] == "internal_error" and error["details"] is None
    assert "exploded" not in str(reply.body) and "Traceback" not in str(reply.body)
    logged = capsys.readouterr().out
    assert "unhandled error" in logged and "RuntimeError" in logged
    assert "GOMC800101MDFMRR00" not in logged and "GOMC**************" in logged


def test_an_unexpected_failure_in_the_middleware_is_a_500_in_our_envelope(
    aws: Aws, monkeypatch: pytest.MonkeyPatch
) -> None:
    citizen = aws.user()

    def unreachable(self: TokenVerifier, token: str) -> None:
        raise ConnectionError("JWKS endpoint unreachable")

    monkeypatch.setattr(TokenVerifier, "verify", unreachable)
    assert error_of(citizen.get("/me"), 500)["code"] == "internal_error"


# --- documents -------------------------------------------------------------------------------


def test_a_requirement_that_is_not_text_is_a_422_and_writes_nothing(aws: Aws) -> None:
    citizen = aws.user()
    application_id = draft(citizen)
    before = citizen.get(f"/applications/{application_id}/audit").body["events"]
    for requirement in ({}, ["identificacion"], 7, None, True):
        error = error_of(
            citizen.post(f"/applications/{application_id}/documents", {**DECLARED, "requirement": requirement}), 422
        )
        assert (error["code"], error["details"][0]["field"]) == ("unknown_requirement", "requirement"), requirement
    assert citizen.get(f"/applications/{application_id}/audit").body["events"] == before


# --- reviews ---------------------------------------------------------------------------------


def rejecting(aws: Aws, username: str, reason: str) -> tuple[HttpUser, dict[str, Any], Reply]:
    """An official (named ``username``) rejects a new licence with ``reason``, unsigned (a
    reason is refused before the signature is asked for): the official, the review and the
    answer."""
    official = aws.official(username)
    review = open_review(official, submitted_licence(aws.user()))
    reply = official.post(f"/reviews/{review['review_id']}/decision", {"decision": "reject", "reason": reason})
    return official, review, reply


def test_a_decision_answers_with_the_applications_status_as_documented(aws: Aws) -> None:
    official = aws.official("oficial.estatus")
    review = open_review(official, submitted_licence(aws.user()))
    reply = decide(official, review["application_id"], "reject", "Documentos ilegibles")
    assert reply.status_code == 200, reply.body
    assert reply.body == {
        "review_id": review["review_id"],
        "decision": "reject",
        "application_id": review["application_id"],
        "status": "rejected",
    }


# --- bodies: size, depth, encoding, text ---------------------------------------------------


def test_an_oversized_body_is_a_413_before_anything_is_read(aws: Aws) -> None:
    citizen = aws.user()
    body = b'{"procedure": "licencia-conducir", "data": {"domicilio": "' + b"a" * 300_000 + b'"}}'
    assert error_of(citizen.request("POST", "/applications", raw=body), 413)["code"] == "payload_too_large"
    assert citizen.get("/me").body["applications"] == []


def test_deep_nesting_is_a_422_naming_the_limit(aws: Aws) -> None:
    citizen = aws.user()
    bottomless = b'{"procedure": "licencia-conducir", "data": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"
    assert error_of(citizen.request("POST", "/applications", raw=bottomless), 422)["code"] == "too_deep"
    deep: Any = "fondo"
    for _ in range(40):
        deep = {"nivel": deep}
    error = error_of(
        citizen.post("/applications", {"procedure": "licencia-conducir", "data": {"domicilio": deep}}), 422
    )
    assert error["code"] == "too_deep" and error["details"][0]["field"].startswith("data.domicilio.nivel")
    assert citizen.get("/me").body["applications"] == []


@pytest.mark.parametrize(
    "raw",
    [
        b'{"procedure": "licencia-conducir", "data": {"codigo_postal": NaN}}',
        b'{"procedure": "licencia-conducir", "data": {"codigo_postal": Infinity}}',
        b'{"procedure": "licencia-conducir", "data": {"codigo_postal": 1e999}}',
        b'{"procedure": "licencia-conducir", "data": {"codigo_postal": ' + b"9" * 5000 + b"}}",
        b'{"procedure": "licencia-conducir", "data": {"domicilio": "\xff\xfe"}}',
        b'{"procedure": "licencia-conducir", "data": {',
    ],
    ids=["NaN", "Infinity", "overflowing float", "5000-digit integer", "invalid UTF-8", "truncated"],
)
def test_what_is_not_json_is_a_422(aws: Aws, raw: bytes) -> None:
    citizen = aws.user()
    assert error_of(citizen.request("POST", "/applications", raw=raw), 422)["code"] == "invalid_json"
    assert citizen.get("/me").body["applications"] == []


@pytest.mark.parametrize(
    ("raw", "field"),
    [
        (
            b'{"procedure": "licencia-conducir", "data": {"domicilio": "Calle \\ud800 Morelos 12, Centro"}}',
            "data.domicilio",
        ),
        (b'{"procedure": "licencia-conducir", "data": {"\\udc00": "x"}}', "data (a key)"),
        (
            b'{"procedure": "licencia-conducir", "data": {"domicilio": "Calle Morelos\\u0000 12, Centro"}}',
            "data.domicilio",
        ),
        (
            b'{"procedure": "licencia-conducir", "data": {"domicilio": "Calle Morelos \\u0085 12, Centro"}}',
            "data.domicilio",
        ),
        (
            '{"procedure": "licencia-conducir", "data": {"domicilio": "Calle \u202eortneC ,21 soleroM"}}'.encode(),
            "data.domicilio",
        ),
        (
            (
                '{"procedure": "licencia-conducir", "data": {"domicilio": "Calle \u2067Morelos\u2069 12, Centro"}}'
            ).encode(),
            "data.domicilio",
        ),
        (b'{"procedure": "licencia\\u0000-conducir", "data": {}}', "procedure"),
    ],
    ids=[
        "lone surrogate",
        "lone surrogate in a key",
        "NUL",
        "C1 control",
        "RTL override",
        "bidi isolate",
        "NUL in the procedure code",
    ],
)
def test_text_that_no_honest_client_sends_is_a_422_naming_the_field(aws: Aws, raw: bytes, field: str) -> None:
    citizen = aws.user()
    error = error_of(citizen.request("POST", "/applications", raw=raw), 422)
    assert (error["code"], error["details"][0]["field"]) == ("invalid_text", field)
    assert citizen.get("/me").body["applications"] == []


def test_a_patch_with_a_lone_surrogate_changes_nothing(aws: Aws) -> None:
    citizen = aws.user()
    application_id = draft(citizen)
    before = citizen.get(f"/applications/{application_id}").body
    raw = b'{"data": {"domicilio": "Calle \\udfff Morelos 12, Centro"}}'
    assert error_of(citizen.request("PATCH", f"/applications/{application_id}", raw=raw), 422)["code"] == "invalid_text"
    assert citizen.get(f"/applications/{application_id}").body == before


def test_a_reason_with_a_bidi_override_is_refused(aws: Aws) -> None:
    official, review, reply = rejecting(aws, "oficial.bidi", "Aprobado \u202eodazahceR")
    assert error_of(reply, 422)["details"][0]["field"] == "reason"
    assert review["review_id"] in {
        open_one["review_id"] for open_one in official.get("/agencies/SEMOVI/reviews").body["reviews"]
    }


def test_combining_characters_are_composed_so_a_file_named_on_a_mac_is_accepted(aws: Aws) -> None:
    citizen = aws.user()
    application_id = draft(citizen)
    decomposed = "comprobante direccio\u0301n.pdf"  # what macOS file systems hand the browser
    body = {**DECLARED, "requirement": "comprobante_domicilio", "filename": decomposed}
    assert citizen.post(f"/applications/{application_id}/documents", body).status_code == 201
    [document] = citizen.get(f"/applications/{application_id}").body["documents"]
    assert document["filename"] == "comprobante dirección.pdf"
    zalgo = {**body, "filename": "ine" + "\u0301" * 30 + ".pdf"}
    assert error_of(citizen.post(f"/applications/{application_id}/documents", zalgo), 422)["code"] == "invalid_filename"


def test_full_width_digits_are_not_digits(aws: Aws) -> None:
    citizen = aws.user()
    reply = citizen.post("/applications", {"procedure": "licencia-conducir", "data": {"codigo_postal": "０３１００"}})
    assert error_of(reply, 422)["details"][0]["field"] == "data.codigo_postal"
    sandbox = aws.anonymous().post("/sandbox/bank/pay", {"reference": "２６０１３０４０７２１５９３８６６１２３"})
    assert error_of(sandbox, 404)["code"] == "unknown_reference"
    assert citizen.get("/me").body["applications"] == []


@pytest.mark.parametrize(
    ("field", "value", "code"),
    [
        ("sha256", "a" * 64 + "\n", "invalid_sha256"),
        ("filename", "ine.pdf\n", "invalid_filename"),
        ("filename", "../../etc/passwd", "invalid_filename"),
        ("filename", "..\\..\\windows\\win.ini", "invalid_filename"),
        ("filename", "/etc/passwd", "invalid_filename"),
        ("filename", ".htaccess", "invalid_filename"),
        ("filename", "ine\u202efdp.exe", "invalid_text"),
        ("filename", "ine\u0000.pdf", "invalid_text"),
        ("filename", "ine.pdf\r\nX-Injected: 1", "invalid_filename"),
        ("sha256", "ａ" * 64, "invalid_sha256"),
    ],
    ids=[
        "sha256 + newline",
        "file name + newline",
        "traversal",
        "windows traversal",
        "absolute path",
        "dot file",
        "RTL override",
        "NUL",
        "header injection",
        "full-width hex",
    ],
)
def test_document_names_and_hashes_are_checked_whole(aws: Aws, field: str, value: str, code: str) -> None:
    citizen = aws.user()
    application_id = draft(citizen)
    body = {**DECLARED, field: value}
    error = error_of(citizen.post(f"/applications/{application_id}/documents", body), 422)
    assert (error["code"], error["details"][0]["field"]) == (code, field)
    assert citizen.get(f"/applications/{application_id}").body["documents"] == []


# --- path parameters -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "version",
    ["²", "１", "9" * 5000, "-1", "1.0", "0x1", "%00", "1%0A"],
    ids=["superscript", "full-width", "5000 digits", "negative", "decimal", "hex", "NUL", "newline"],
)
def test_a_version_that_is_not_a_plain_number_is_a_404(aws: Aws, version: str) -> None:
    assert (
        error_of(aws.anonymous().get(f"/procedures/licencia-conducir/versions/{version}"), 404)["code"]
        == "unknown_version"
    )


def test_a_procedure_code_that_cannot_exist_is_a_short_404(aws: Aws) -> None:
    citizen = aws.user()
    for code in ("a" * 3000, "\U0001f600" * 600, "LICENCIA-CONDUCIR", "licencia-conducir "):
        error = error_of(citizen.post("/applications", {"procedure": code, "data": {}}), 404)
        assert error["code"] == "unknown_procedure" and len(error["message"]) < 120, code
    assert error_of(aws.anonymous().get("/procedures/" + "a" * 3000), 404)["code"] == "unknown_procedure"
    assert citizen.get("/me").body["applications"] == []


@pytest.mark.parametrize(
    "path",
    [
        "/applications/..%2F..%2Fetc%2Fpasswd",
        "/applications/%00",
        "/applications/" + "Z" * 500,
        "/documents/..%2F..%2Fx",
        "/verify/%ED%A0%80abcdefghij",
    ],
)
def test_hostile_ids_in_the_path_are_404s(aws: Aws, path: str) -> None:
    assert error_of(aws.user().get(path), 404)["code"].startswith("unknown_")


# --- procedure definitions (admins) ----------------------------------------------------------


def test_a_form_that_points_elsewhere_is_never_published(aws: Aws) -> None:
    admin = aws.user(username="admin.referencias", groups=("admin",))
    definition = copy.deepcopy(LICENCE)
    definition["code"] = "tramite-con-referencia"
    definition["form"]["properties"]["domicilio"]["$ref"] = "http://169.254.169.254/latest/meta-data/"
    report = admin.post("/procedures/validate", definition).body
    assert report["valid"] is False and "$.form.properties.domicilio.$ref" in {
        problem["path"] for problem in report["problems"]
    }
    assert error_of(admin.put("/procedures/tramite-con-referencia", definition), 422)["code"] == "invalid_definition"
    assert aws.anonymous().get("/procedures/tramite-con-referencia").status_code == 404


def test_answers_too_big_for_the_record_are_a_413_not_a_retry(aws: Aws) -> None:
    admin = aws.user(username="admin.notas", groups=("admin",))
    definition = copy.deepcopy(LICENCE)
    definition["code"] = "tramite-con-notas"
    for name in ("nota_uno", "nota_dos"):  # text fields without maxLength
        definition["form"]["properties"][name] = {"type": "string", "title": name, "x-i18n": {"en": {"title": name}}}
    assert admin.put("/procedures/tramite-con-notas", definition).status_code == 201
    citizen = aws.user()
    assert (
        error_of(
            citizen.post("/applications", {"procedure": "tramite-con-notas", "data": {"nota_uno": "x" * 200_000}}), 413
        )["code"]
        == "payload_too_large"
    )
    application_id = draft(citizen, {"nota_uno": "x" * 40_000}, procedure="tramite-con-notas")
    before = citizen.get(f"/applications/{application_id}").body
    assert (
        error_of(citizen.patch(f"/applications/{application_id}", {"data": {"nota_dos": "y" * 40_000}}), 413)[
            "details"
        ][0]["field"]
        == "data"
    )
    assert citizen.get(f"/applications/{application_id}").body == before


# --- the bank's webhook (signed, so only a buggy or compromised bank gets this far) ------


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"amount": "１０１６.００"}, "amount"),
        ({"amount": " 1016.00 "}, "amount"),
        ({"amount": "1_016.00"}, "amount"),
        ({"amount": "1e3"}, "amount"),
        ({"amount": 1016.0}, "amount"),
        ({"event_id": "evt-\ud800"}, "event_id"),
        ({"event_id": "evt-\u0000-1"}, "event_id"),
        ({"event_id": "evt-\u202e1"}, "event_id"),
        ({"reference": "２６０１３０４０７２１５９３８６６１２３"}, "reference"),
        ({"amount": "10000000.01"}, "amount"),
        ({"amount": "99999999999"}, "amount"),
    ],
    ids=[
        "full-width amount",
        "padded amount",
        "underscored amount",
        "exponent",
        "JSON number",
        "lone surrogate id",
        "NUL id",
        "RTL id",
        "full-width reference",
        "a centavo over the largest amount",
        "eleven digits",
    ],
)
def test_a_signed_webhook_with_hostile_fields_is_a_422(aws: Aws, change: dict[str, Any], field: str) -> None:
    reference = new_reference(date(2026, 1, 30))
    raw = json.dumps({"event_id": "evt-hostil", "reference": reference, "amount": "1016.00", **change}).encode(
        "utf-8", "surrogatepass"
    )
    reply = aws.anonymous().request(
        "POST", "/payments/webhook", raw=raw, headers={signature.HEADER: signature.sign(WEBHOOK_SECRET, raw)}
    )
    assert error_of(reply, 422)["details"][0]["field"] == field


# --- faults --------------------------------------------------------------------------------


def test_a_submit_that_died_before_its_workflow_started_is_healed_by_the_clients_retry(
    aws: Aws, monkeypatch: pytest.MonkeyPatch
) -> None:
    citizen = aws.user()
    application_id = ready_licence(citizen)
    engine = container().engine
    start = engine.start

    def dies_once(*args: Any) -> str:
        monkeypatch.setattr(engine, "start", start)
        raise TimeoutError("the function timed out after recording the submit")

    monkeypatch.setattr(engine, "start", dies_once)
    assert error_of(citizen.post(f"/applications/{application_id}/submit"), 500)["code"] == "internal_error"
    assert status_of(citizen, application_id)["status"] == "submitted"  # recorded, but no workflow yet
    again = citizen.post(f"/applications/{application_id}/submit")
    assert error_of(again, 409)["code"] == "not_editable"  # as documented for a second attempt...
    assert wait_status(citizen, application_id, "in_review")["status"] == "in_review"  # ...which started the workflow


# --- blank text: white space and zero-width characters alone are no text -----------------

ZERO_WIDTH_ONLY = "\u200b\u200c\u200d\u2060\ufeff" * 3
BLANK = " \u200b\t\u00a0\u2060 \u3000\ufeff\u200d "


@pytest.mark.parametrize("text", [ZERO_WIDTH_ONLY, BLANK], ids=["zero-width only", "white space and zero-width"])
def test_a_blank_text_is_refused_naming_the_field_on_every_route_that_takes_one(aws: Aws, text: str) -> None:
    citizen, admin = aws.user(), aws.user(groups=("admin",))
    application_id = draft(citizen)
    before = citizen.get(f"/applications/{application_id}").body
    asked = [
        (citizen, "POST", "/applications", {"procedure": "licencia-conducir", "data": {"domicilio": text}}),
        (citizen, "PATCH", f"/applications/{application_id}", {"data": {"domicilio": text}}),
        (citizen, "POST", f"/applications/{application_id}/appeal", {"arguments": text * 4}),
        (citizen, "POST", "/procedures/licencia-conducir/drafts/1/comments", {"text": text * 2}),
        (
            admin,
            "POST",
            "/agencies/SEMOVI/non-working-days",
            {"days": ["2099-04-02"], "reference": {"es": text, "en": "Decree of 1 April"}},
        ),
    ]
    refused = [
        (path, error_of(user.request(method, path, body=body), 422)["details"][0]["field"])
        for user, method, path, body in asked
    ]
    assert [field for _, field in refused] == ["data.domicilio", "data.domicilio", "arguments", "text", "reference.es"]
    assert citizen.get(f"/applications/{application_id}").body == before  # nothing written
    assert [item["id"] for item in citizen.get("/me").body["applications"]] == [application_id]


def test_a_blank_reason_of_a_decision_is_refused_and_the_review_stays_open(aws: Aws) -> None:
    official, review, reply = rejecting(aws, "oficial.blanco", ZERO_WIDTH_ONLY)
    assert (error_of(reply, 422)["details"][0]["field"], error_of(reply, 422)["code"]) == ("reason", "reason_required")
    assert review["review_id"] in {
        open_one["review_id"] for open_one in official.get("/agencies/SEMOVI/reviews").body["reviews"]
    }


def test_a_blank_answer_is_a_missing_one_said_once_per_field(aws: Aws) -> None:
    citizen = aws.user()
    data = {"domicilio": BLANK, "codigo_postal": ZERO_WIDTH_ONLY}  # the postal code's pattern is not repeated
    reply = citizen.post("/applications", {"procedure": "licencia-conducir", "data": data})
    assert error_of(reply, 422)["details"] == [
        {"field": "data.codigo_postal", "message": "is required (a blank answer is none)"},
        {"field": "data.domicilio", "message": "is required (a blank answer is none)"},
    ]
