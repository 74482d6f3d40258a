"""The API's limits on AWS (AWS only: the local server enforces the per-address ones
itself), every number from ``infra/limits.py``.

- API Gateway's throttles on the ``api`` stage: the stage as a whole, and tighter for the
  anonymous routes that write (``method_settings``, merged into Chalice's ``RestAPI``); a
  throttled request answers 429 with the API's error shape (``ApiThrottled``).
- API Gateway's own answers (an unknown path, its default 4xx and 5xx, ...) in the same
  envelope, never echoing the request (``gateway_responses``, from ``infra/gateway.py``).
- An AWS WAF web ACL on the stage (REGIONAL): a rate-based rule per client address for the
  whole API and a tighter one for ``/verify/``, answering 429 with the same JSON body.

The stage is reached through CloudFront (``web.py``), so the address the WAF sees is the
edge's; the rules count the first address of ``X-Forwarded-For``, which CloudFront sets to
the viewer's (a client can put another address first, so these rules slow a careless
flood, and the stage's throttle bounds the careful one: docs/decisions.md).
"""

from __future__ import annotations

from typing import Any

from chalicelib.core.names import resource_name
from infra import gateway, limits
from infra.aws.stack.naming import AWS_ONLY, sub

STAGE_NAME = "api"  # .chalice/config.json's api_gateway_stage
STAGE_ARN = "arn:${AWS::Partition}:apigateway:${AWS::Region}::/restapis/${RestAPI}/stages/${RestAPI.Stage}"
LIMITED_BODY = "too_many_requests"


def _resource_path(path: str) -> str:
    """A route as a method setting names it: ``/`` written ``~1`` (JSON pointer)."""
    return "/" + path.replace("/", "~1")


def method_settings() -> list[dict[str, Any]]:
    """``RestAPI``'s ``MethodSettings``: the whole stage, then each anonymous route that writes."""
    settings = [
        {
            "ResourcePath": "/*",
            "HttpMethod": "*",
            "ThrottlingRateLimit": limits.STAGE.rate,
            "ThrottlingBurstLimit": limits.STAGE.burst,
        }
    ]
    for (method, path), throttle in sorted(limits.METHODS.items(), key=lambda item: item[0][1]):
        settings.append(
            {
                "ResourcePath": _resource_path(path),
                "HttpMethod": method,
                "ThrottlingRateLimit": throttle.rate,
                "ThrottlingBurstLimit": throttle.burst,
            }
        )
    return settings


def _visibility(name: str) -> dict[str, Any]:
    return {"SampledRequestsEnabled": True, "CloudWatchMetricsEnabled": True, "MetricName": name}


def _rate_rule(rule: limits.RateRule, priority: int) -> dict[str, Any]:
    statement: dict[str, Any] = {
        "Limit": rule.limit,
        "EvaluationWindowSec": limits.WINDOW_SECONDS,
        "AggregateKeyType": "FORWARDED_IP",
        # no forwarded address: the request did not come through CloudFront, counted all the same
        "ForwardedIPConfig": {"HeaderName": limits.FORWARDED_HEADER, "FallbackBehavior": "MATCH"},
    }
    if rule.prefix is not None:
        statement["ScopeDownStatement"] = {
            "ByteMatchStatement": {
                "FieldToMatch": {"UriPath": {}},
                "PositionalConstraint": "STARTS_WITH",
                "SearchString": f"/{STAGE_NAME}{rule.prefix}",
                "TextTransformations": [{"Priority": 0, "Type": "NONE"}],
            }
        }
    return {
        "Name": f"per-address-{rule.name}",
        "Priority": priority,
        "Statement": {"RateBasedStatement": statement},
        "Action": {
            "Block": {
                "CustomResponse": {
                    "ResponseCode": 429,
                    "CustomResponseBodyKey": LIMITED_BODY,
                    "ResponseHeaders": [{"Name": "Retry-After", "Value": str(limits.WINDOW_SECONDS)}],
                }
            }
        },
        "VisibilityConfig": _visibility(f"per-address-{rule.name}"),
    }


def gateway_responses() -> dict[str, Any]:
    """API Gateway's own answers in the API's envelope (``infra/gateway.py``): fixed bodies,
    so none can echo the request (its Authorization header among it)."""
    out = {}
    for answer in gateway.ANSWERS:
        properties: dict[str, Any] = {
            "RestApiId": {"Ref": "RestAPI"},
            "ResponseType": answer.response_type,
            "ResponseParameters": {
                f"gatewayresponse.header.{name}": f"'{value}'" for name, value in gateway.headers().items()
            },
            "ResponseTemplates": {"application/json": gateway.body(answer)},
        }
        if answer.status is not None:
            properties["StatusCode"] = str(answer.status)
        logical = "".join(part.capitalize() for part in answer.response_type.split("_"))
        out[f"ApiGateway{logical}"] = {
            "Type": "AWS::ApiGateway::GatewayResponse",
            "Metadata": AWS_ONLY,
            "Properties": properties,
        }
    return out


def resources(stage: str) -> dict[str, Any]:
    # the tighter rule first: a flood of checks is named as such in the WAF's metrics
    rules = sorted(limits.PER_CLIENT, key=lambda rule: rule.limit)
    body = limits.error_body().decode()
    return {
        **gateway_responses(),
        "ApiThrottled": {
            "Type": "AWS::ApiGateway::GatewayResponse",
            "Metadata": AWS_ONLY,
            "Properties": {
                "RestApiId": {"Ref": "RestAPI"},
                "ResponseType": "THROTTLED",
                "StatusCode": "429",
                "ResponseParameters": {"gatewayresponse.header.Retry-After": "'1'"},
                "ResponseTemplates": {"application/json": body},
            },
        },
        "ApiFirewall": {
            "Type": "AWS::WAFv2::WebACL",
            "Metadata": AWS_ONLY,
            "Properties": {
                "Name": resource_name(stage, "api"),
                "Scope": "REGIONAL",
                "DefaultAction": {"Allow": {}},
                "CustomResponseBodies": {LIMITED_BODY: {"ContentType": "APPLICATION_JSON", "Content": body}},
                "Rules": [_rate_rule(rule, priority) for priority, rule in enumerate(rules)],
                "VisibilityConfig": _visibility(resource_name(stage, "api")),
            },
        },
        "ApiFirewallAssociation": {
            "Type": "AWS::WAFv2::WebACLAssociation",
            "Metadata": AWS_ONLY,
            "Properties": {"ResourceArn": sub(STAGE_ARN), "WebACLArn": {"Fn::GetAtt": ["ApiFirewall", "Arn"]}},
        },
    }
