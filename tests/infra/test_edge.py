"""The edge in the template: CloudFront sends the security headers of ``infra/headers.py``
on the pages and on the API, and API Gateway's own answers are the API's error envelope,
fixed texts that never echo the request; every path of the API lets the app answer a
method it lacks. The local server sends the same headers and answers the same way."""

from __future__ import annotations

import json
import threading
import zipfile
from collections.abc import Iterator
from typing import Any

import pytest
import requests
from chalice import Chalice

from infra import gateway, headers
from infra.local.server import LocalServer
from tests.infra.conftest import Built


def of_type(template: dict[str, Any], kind: str) -> dict[str, dict[str, Any]]:
    return {name: resource for name, resource in template["Resources"].items() if resource["Type"] == kind}


def test_the_gateways_own_answers_are_our_envelope_and_never_the_raw_message(built: Built) -> None:
    answers = of_type(built.template, "AWS::ApiGateway::GatewayResponse")
    kinds = {answer["Properties"]["ResponseType"]: answer["Properties"] for answer in answers.values()}
    for kind in (
        "MISSING_AUTHENTICATION_TOKEN",
        "DEFAULT_4XX",
        "DEFAULT_5XX",
        "UNAUTHORIZED",
        "ACCESS_DENIED",
        "THROTTLED",
    ):
        assert kind in kinds, sorted(kinds)
    assert kinds["MISSING_AUTHENTICATION_TOKEN"]["StatusCode"] == "404"
    for kind, properties in kinds.items():
        template = properties["ResponseTemplates"]["application/json"]
        assert "$context.error" not in template and "$input" not in template and "$" not in template, kind
        error = json.loads(template)["error"]
        assert set(error) == {"code", "message", "details"} and error["code"], kind
        assert properties["RestApiId"] == {"Ref": "RestAPI"}
    assert (
        json.loads(kinds["MISSING_AUTHENTICATION_TOKEN"]["ResponseTemplates"]["application/json"])["error"]["code"]
        == "route_not_found"
    )


def test_every_path_of_the_api_lets_the_app_answer_a_method_it_lacks(built: Built) -> None:
    swagger = built.template["Resources"]["RestAPI"]["Properties"]["DefinitionBody"]
    for path, methods in swagger["paths"].items():
        anything = methods.get("x-amazon-apigateway-any-method")
        assert anything, path
        declared = next(value for key, value in methods.items() if key != "x-amazon-apigateway-any-method")
        assert anything["x-amazon-apigateway-integration"] == declared["x-amazon-apigateway-integration"], path


def test_cloudfront_sends_the_security_headers_on_the_pages_and_the_api(built: Built) -> None:
    resources = built.template["Resources"]
    distribution = resources["WebDistribution"]["Properties"]["DistributionConfig"]
    behaviours = [distribution["DefaultCacheBehavior"], *distribution["CacheBehaviors"]]
    by_path = {
        behaviour.get("PathPattern", "default"): behaviour["ResponseHeadersPolicyId"] for behaviour in behaviours
    }
    assert by_path == {
        "default": {"Ref": "WebHeaders"},
        "/config.json": {"Ref": "WebHeaders"},
        "/api/*": {"Ref": "ApiHeaders"},
    }
    for name, expected in (("WebHeaders", "script-src 'self'"), ("ApiHeaders", "default-src 'none'")):
        config = resources[name]["Properties"]["ResponseHeadersPolicyConfig"]
        security = config["SecurityHeadersConfig"]
        csp = security["ContentSecurityPolicy"]["ContentSecurityPolicy"]["Fn::Sub"]
        assert expected in csp and "frame-ancestors 'none'" in csp and "unsafe" not in csp
        assert security["ReferrerPolicy"]["ReferrerPolicy"] == headers.REFERRER_POLICY == "no-referrer"
        assert security["StrictTransportSecurity"]["AccessControlMaxAgeSec"] == headers.HSTS_SECONDS
        assert security["ContentTypeOptions"] == {"Override": True}
        assert security["FrameOptions"]["FrameOption"] == "DENY"
        custom = {item["Header"]: item["Value"] for item in config["CustomHeadersConfig"]["Items"]}
        assert custom == {"Permissions-Policy": headers.PERMISSIONS_POLICY}
    web_csp = resources["WebHeaders"]["Properties"]["ResponseHeadersPolicyConfig"]["SecurityHeadersConfig"]
    connect = (
        web_csp["ContentSecurityPolicy"]["ContentSecurityPolicy"]["Fn::Sub"].split("connect-src ")[1].split(";")[0]
    )
    assert connect.split() == [
        "'self'",
        "https://cognito-idp.${AWS::Region}.amazonaws.com",
        "https://${DocumentsBucket.RegionalDomainName}",
        "https://${DocumentsBucket.DomainName}",
    ]


@pytest.fixture
def local_server() -> Iterator[str]:
    app = Chalice(app_name="edge-probe")

    @app.route("/known")
    def known() -> dict[str, str]:
        return {"ok": "yes"}

    config = {"api": "http://127.0.0.1/api", "aws": {"endpoint": "http://127.0.0.1:5999/", "region": "us-east-1"}}
    server = LocalServer(("127.0.0.1", 0), app, config)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def test_the_local_server_sends_the_same_headers(local_server: str) -> None:
    page = requests.get(f"{local_server}/", timeout=10)
    config = requests.get(f"{local_server}/config.json", timeout=10)
    api = requests.get(f"{local_server}/api/known", timeout=10)
    expected = headers.page_headers(["http://127.0.0.1:5999"])
    for answer in (page, config):
        assert answer.status_code == 200
        assert {name: answer.headers.get(name) for name in expected} == expected
    assert "connect-src 'self' http://127.0.0.1:5999;" in page.headers["Content-Security-Policy"]
    assert {name: api.headers.get(name) for name in headers.api_headers()} == headers.api_headers()


def test_the_local_server_answers_an_unknown_route_like_the_gateway_without_the_token(local_server: str) -> None:
    token = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJzZWNyZXQifQ.c2lnbmF0dXJlLW9mLWEtdG9rZW4"
    for method in ("GET", "POST", "DELETE"):
        answer = requests.request(
            method, f"{local_server}/api/nowhere", headers={"Authorization": f"Bearer {token}"}, timeout=10
        )
        assert answer.status_code == 404
        assert answer.json() == json.loads(gateway.body(gateway.ROUTE_NOT_FOUND))
        assert answer.json()["error"]["code"] == "route_not_found"
        assert token not in answer.text and all(token not in value for value in answer.headers.values())
        assert answer.headers["X-Content-Type-Options"] == "nosniff"


def test_the_package_ships_the_error_sentences(built: Built) -> None:
    with zipfile.ZipFile(built.package) as package:
        assert json.loads(package.read("chalicelib/api/messages.json"))["es"]["route_not_found"]
