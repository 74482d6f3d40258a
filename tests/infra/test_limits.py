"""The API's limits in the template are the numbers of ``infra/limits.py`` (which the local
server enforces too): the stage's throttles, the anonymous routes' tighter ones, and the
WAF's rate-based rules per client address, answering 429 with the API's error shape."""

from __future__ import annotations

import json
from typing import Any

from chalicelib.api import policy
from chalicelib.identity.principal import ANONYMOUS
from infra import limits
from tests.infra.conftest import Built


def of_type(template: dict[str, Any], kind: str) -> dict[str, dict[str, Any]]:
    return {name: resource for name, resource in template["Resources"].items() if resource["Type"] == kind}


def test_the_stage_and_the_anonymous_routes_that_write_are_throttled(built: Built) -> None:
    settings = built.template["Resources"]["RestAPI"]["Properties"]["MethodSettings"]
    throttles = {
        (setting["HttpMethod"], setting["ResourcePath"]): (
            setting["ThrottlingRateLimit"],
            setting["ThrottlingBurstLimit"],
        )
        for setting in settings
    }
    assert throttles[("*", "/*")] == (limits.STAGE.rate, limits.STAGE.burst)
    assert throttles[("GET", "/~1verify~1{document_id}")] == (100, 200)
    for (method, path), throttle in limits.METHODS.items():
        assert policy.allowed(method, path) is not None, (method, path)  # a route of the API
        assert ANONYMOUS in (policy.allowed(method, path) or ()), (method, path)  # anonymous
        assert throttles[(method, "/" + path.replace("/", "~1"))] == (throttle.rate, throttle.burst)
    assert len(throttles) == 1 + len(limits.METHODS)
    assert limits.STAGE.rate < 10_000  # under the account's default


def test_a_throttled_request_answers_the_apis_error_shape(built: Built) -> None:
    (response,) = [
        answer
        for answer in of_type(built.template, "AWS::ApiGateway::GatewayResponse").values()
        if answer["Properties"]["ResponseType"] == "THROTTLED"
    ]
    properties = response["Properties"]
    assert properties["ResponseType"] == "THROTTLED" and properties["StatusCode"] == "429"
    body = json.loads(properties["ResponseTemplates"]["application/json"])
    assert body["error"]["code"] == "too_many_requests"


def test_the_waf_limits_every_address_and_the_checks_of_documents_more(built: Built) -> None:
    (acl,) = of_type(built.template, "AWS::WAFv2::WebACL").values()
    properties = acl["Properties"]
    assert properties["Scope"] == "REGIONAL" and properties["DefaultAction"] == {"Allow": {}}
    rules = {rule["Name"]: rule for rule in properties["Rules"]}
    assert set(rules) == {"per-address-api", "per-address-verify"}
    for rule in limits.PER_CLIENT:
        found = rules[f"per-address-{rule.name}"]
        statement = found["Statement"]["RateBasedStatement"]
        assert statement["Limit"] == rule.limit and statement["EvaluationWindowSec"] == limits.WINDOW_SECONDS
        assert statement["AggregateKeyType"] == "FORWARDED_IP"
        assert statement["ForwardedIPConfig"]["HeaderName"] == limits.FORWARDED_HEADER
        answer = found["Action"]["Block"]["CustomResponse"]
        assert answer["ResponseCode"] == 429
        body = properties["CustomResponseBodies"][answer["CustomResponseBodyKey"]]
        assert body["ContentType"] == "APPLICATION_JSON"
        assert json.loads(body["Content"])["error"]["code"] == "too_many_requests"
    assert rules["per-address-api"]["Statement"]["RateBasedStatement"]["Limit"] == 2_000
    scoped = rules["per-address-verify"]["Statement"]["RateBasedStatement"]
    assert scoped["Limit"] == 300
    assert scoped["ScopeDownStatement"]["ByteMatchStatement"]["SearchString"] == "/api/verify/"
    assert "ScopeDownStatement" not in rules["per-address-api"]["Statement"]["RateBasedStatement"]


def test_the_waf_guards_the_apis_stage(built: Built) -> None:
    (association,) = of_type(built.template, "AWS::WAFv2::WebACLAssociation").values()
    (acl_id,) = of_type(built.template, "AWS::WAFv2::WebACL")
    assert association["Properties"]["WebACLArn"] == {"Fn::GetAtt": [acl_id, "Arn"]}
    assert association["Properties"]["ResourceArn"]["Fn::Sub"].endswith("/restapis/${RestAPI}/stages/${RestAPI.Stage}")
