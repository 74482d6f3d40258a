"""The API's edge: a route or method it does not have answers in the error envelope and
never repeats the caller's token; every answer carries the API's security headers; error
messages come in Spanish or English by ``Accept-Language``, the codes and fields the same."""

from __future__ import annotations

import json
from typing import Any

from werkzeug.test import Client as WsgiClient

from chalicelib.api import messages
from chalicelib.api.security import API_HEADERS
from tests.support.inprocess import Aws, HttpUser, Reply
from tests.support.wsgi import ChaliceWsgi


def error_of(reply: Reply, status: int) -> dict[str, Any]:
    assert reply.status_code == status, (reply.status_code, reply.body)
    assert isinstance(reply.body, dict) and set(reply.body["error"]) == {"code", "message", "details"}, reply.body
    return dict(reply.body["error"])


def test_an_unknown_route_with_a_bearer_token_answers_404_without_repeating_it(aws: Aws) -> None:
    citizen = aws.user()
    assert citizen.token
    gateway = WsgiClient(ChaliceWsgi(aws.client._app))  # the local gateway, as the stack's server runs it
    for method, path in (("GET", "/api/nowhere"), ("POST", "/api/procedures/x/y/z"), ("GET", "/api/")):
        answer = gateway.open(path, method=method, headers={"Authorization": f"Bearer {citizen.token}"})
        body = answer.get_data(as_text=True)
        assert answer.status_code == 404, (path, answer.status_code, body)
        assert json.loads(body)["error"]["code"] == "route_not_found", body
        assert answer.headers["Content-Type"] == "application/json"
        everything = body + "".join(f"{name}: {value}" for name, value in answer.headers.items())
        assert citizen.token not in everything and citizen.token[-40:] not in everything
        assert "Authorization" not in body and "Credential" not in body
        assert answer.headers["X-Content-Type-Options"] == "nosniff"


def test_a_method_a_route_does_not_have_answers_405_naming_the_ones_it_has(aws: Aws) -> None:
    citizen = aws.user()
    for method, path, allowed in (
        ("DELETE", "/procedures", {"GET"}),
        ("PUT", "/me", {"GET"}),
        ("GET", "/applications", {"POST"}),
    ):
        reply = citizen.request(method, path)
        assert error_of(reply, 405)["code"] == "method_not_allowed"
        assert set(reply.headers["Allow"].split(", ")) == allowed, reply.headers
        assert citizen.token and citizen.token not in json.dumps(reply.body)


def test_every_answer_carries_the_apis_security_headers(aws: Aws) -> None:
    citizen = aws.user()
    for reply in (citizen.get("/me"), citizen.get("/procedures"), citizen.get("/applications/nope")):
        for name, value in API_HEADERS.items():
            assert reply.headers.get(name) == value, (reply.status_code, reply.headers)
    assert API_HEADERS["Content-Security-Policy"] == "default-src 'none'; frame-ancestors 'none'"


def _posted(citizen: HttpUser, body: bytes, language: str | None) -> Reply:
    headers = {"Content-Type": "application/json", "Authorization": f"Bearer {citizen.token}"}
    if language is not None:
        headers["Accept-Language"] = language
    answer = citizen.client.http.request("POST", "/applications", headers=headers, body=body)
    return Reply(answer.status_code, json.loads(answer.body), dict(answer.headers))


def test_a_validation_error_speaks_the_language_the_caller_prefers(aws: Aws) -> None:
    citizen = aws.user()
    spanish = _posted(citizen, b"{", "es-MX,es;q=0.9,en;q=0.8")
    english = _posted(citizen, b"{", "en-US,en;q=0.9")
    unsaid = _posted(citizen, b"{", None)
    said = {"es": error_of(spanish, 422), "en": error_of(english, 422), "default": error_of(unsaid, 422)}
    assert {error["code"] for error in said.values()} == {"invalid_json"}
    assert [[detail["field"] for detail in error["details"]] for error in said.values()] == [["body"]] * 3
    assert said["en"]["message"] == "body: is not valid JSON"
    assert said["en"]["details"][0]["message"] == "is not valid JSON"
    assert said["es"]["message"] == "body: no es JSON válido"
    assert said["es"]["details"][0]["message"] == "no es JSON válido"
    assert said["default"] == said["es"]  # the service is Mexican: Spanish unless English is preferred
    assert spanish.headers["Content-Language"] == unsaid.headers["Content-Language"] == "es"
    assert english.headers["Content-Language"] == "en"
    assert all("Accept-Language" in reply.headers["Vary"] for reply in (spanish, english, unsaid))


def test_a_fields_own_rule_stays_english_under_the_codes_sentence_in_spanish(aws: Aws) -> None:
    """A rule a field declares in its own words (here: which procedure) is not a generic
    one: in Spanish the message is the code's sentence and the field keeps its words."""
    citizen = aws.user()
    spanish = error_of(_posted(citizen, b"{}", "es"), 422)
    english = error_of(_posted(citizen, b"{}", "en"), 422)
    assert spanish["code"] == english["code"] == "validation_failed"
    assert (
        spanish["details"]
        == english["details"]
        == [{"field": "procedure", "message": "is required: the code of a procedure in the catalogue"}]
    )
    assert english["message"] == "procedure: is required: the code of a procedure in the catalogue"
    assert (
        spanish["message"] == messages.sentence("validation_failed", 422, "es") == messages.catalogue()["es"]["invalid"]
    )


def test_an_error_without_a_generic_rule_says_its_codes_sentence_in_spanish(aws: Aws) -> None:
    citizen = aws.user()
    reply = citizen.get("/applications/nope", headers={"Accept-Language": "es"})
    error = error_of(reply, 404)
    assert error["message"] == messages.catalogue()["es"][error["code"]]
    english = error_of(citizen.get("/applications/nope", headers={"Accept-Language": "en"}), 404)
    assert english["code"] == error["code"] and english["message"] != error["message"]


def test_the_language_is_the_one_the_header_prefers_by_weight() -> None:
    assert messages.language(None) == "es"
    assert messages.language("") == "es"
    assert messages.language("fr-FR, de") == "es"
    assert messages.language("en") == "en"
    assert messages.language("en-GB;q=0.5, es;q=0.8") == "es"
    assert messages.language("fr, en;q=0.9, es;q=0.8") == "en"
    assert messages.language("es-MX, en") == "es"
    assert messages.language("en;q=0, fr") == "es"


def test_the_apis_sentences_are_the_webs() -> None:
    """messages.json is generated from web/i18n (apiError.*): one sentence per code for both."""
    assert messages.main(["--check"]) == 0, "run `python -m chalicelib.api.messages` (or `make openapi`) and commit"
    assert messages.catalogue() == messages.generate()


def test_the_generic_rules_a_field_breaks_are_said_in_spanish_without_the_value() -> None:
    said = {
        "is required": "es obligatorio",
        "must be a string of length <= 200": "debe tener como máximo 200 caracteres",
        "must be a whole number >= 1": "debe ser un número entero de 1 o más",
        "'Calle Morelos 45, Centro' is too long": "es demasiado largo",
        "'ABC' does not match '^[0-9]{5}$'": "no tiene el formato esperado",
        "'correo' is not a 'email'": "no es un valor válido de tipo email",
        "15 is less than the minimum of 18": "debe ser 18 o más",
        "is not a field of this form": "no es un campo de este formulario",
    }
    for english, spanish in said.items():
        assert messages.field_message(english, "es") == spanish, english
        assert messages.field_message(english, "en") == english
    assert messages.field_message("does not match the code sent to the phone (4 attempts left)", "es") is None
