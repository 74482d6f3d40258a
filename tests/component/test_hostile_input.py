"""Bad input always gets a clear 4xx in our error envelope — never a 500, never a stack
trace, never Chalice's own ``{Code, Message}``, never a half-written record.

Each test here pins a case that once went wrong (or that a fuzzer would reach only by
luck); ``test_api_fuzz.py`` is the broad net over the whole OpenAPI description.
"""

from __future__ import annotations

import sys
from typing import Any

import pytest

from chalicelib.core.observability import logger
from chalicelib.identity.tokens import TokenVerifier
from chalicelib.procedures.catalogue import Catalogue
from tests.support.flows import draft, open_review, submitted_licence
from tests.support.inprocess import Aws, Reply


def error_of(reply: Reply, status: int) -> dict[str, Any]:
    assert reply.status_code == status, (reply.status_code, reply.body)
    assert reply.headers.get("Content-Type", "").startswith("application/json"), reply.headers
    assert isinstance(reply.body, dict) and set(reply.body) == {"error"}, reply.body
    assert set(reply.body["error"]) == {"code", "message", "details"}, reply.body
    return dict(reply.body["error"])


# --- the boundary: whatever answers, it answers in our envelope ---------------------------


def test_chalices_own_answers_leave_in_our_envelope(aws: Aws) -> None:
    citizen = aws.user()
    assert error_of(citizen.request("GET", "/me", headers={"Content-Type": "text/plain"}), 415)["code"] == "unsupported_media_type"
    assert error_of(citizen.request("GET", "/procedures", headers={"Content-Type": "multipart/form-data; boundary=x"}), 415)["code"] == "unsupported_media_type"
    assert error_of(citizen.request("DELETE", "/procedures"), 405)["code"] == "method_not_allowed"


def test_an_unexpected_failure_in_a_view_is_a_logged_500_in_our_envelope(aws: Aws, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(logger.registered_handler, "stream", sys.stdout)  # the handler kept the stdout of import time

    def boom(self: Catalogue) -> None:
        raise RuntimeError("table exploded while reading GOMC800101MDFMRR00")

    monkeypatch.setattr(Catalogue, "latest", boom)
    reply = aws.anonymous().get("/procedures")
    error = error_of(reply, 500)
    assert error["code"] == "internal_error" and error["details"] is None
    assert "exploded" not in str(reply.body) and "Traceback" not in str(reply.body)
    logged = capsys.readouterr().out
    assert "unhandled error" in logged and "RuntimeError" in logged
    assert "GOMC800101MDFMRR00" not in logged and "GOMC**************" in logged


def test_an_unexpected_failure_in_the_middleware_is_a_500_in_our_envelope(aws: Aws, monkeypatch: pytest.MonkeyPatch) -> None:
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
    base = {"requirement": "identificacion", "filename": "ine.pdf", "content_type": "application/pdf", "size": 1000, "sha256": "a" * 64}
    for requirement in ({}, ["identificacion"], 7, None, True):
        error = error_of(citizen.post(f"/applications/{application_id}/documents", {**base, "requirement": requirement}), 422)
        assert (error["code"], error["details"][0]["field"]) == ("unknown_requirement", "requirement"), requirement
    assert citizen.get(f"/applications/{application_id}/audit").body["events"] == before


# --- reviews ---------------------------------------------------------------------------------


def test_a_decision_answers_with_the_applications_status_as_documented(aws: Aws) -> None:
    citizen = aws.user()
    official = aws.user(username="oficial.estatus", groups=("official-SEMOVI",))
    review = open_review(official, submitted_licence(citizen))
    reply = official.post(f"/reviews/{review['review_id']}/decision", {"decision": "reject", "reason": "Documentos ilegibles"})
    assert reply.status_code == 200, reply.body
    assert reply.body == {"review_id": review["review_id"], "decision": "reject", "application_id": review["application_id"], "status": "rejected"}
