"""What the API's gateway answers by itself, before our code runs, in one place: API
Gateway's gateway responses in the AWS template (``infra/aws/stack/edge.py``) and the
local gateways (``infra/local/server.py``, ``tests/support/wsgi.py``) read this table.

Every such answer is the API's error envelope, ``{"error": {"code", "message",
"details"}}``, with a fixed text: never ``$context.error.message``, which for a path
API Gateway does not know, called with an ``Authorization`` header, is "Authorization
header requires 'Credential' parameter. ... Authorization=<the token>": it would echo a
caller's bearer token (to a log, a proxy, a screen). The text is the default language's
(``chalicelib/api/messages.py``), marked with ``Content-Language``: a gateway response
cannot read ``Accept-Language``.

An unknown path is 404 ``route_not_found``. A known path with a method it does not have
reaches the app on AWS too (the template gives every path an ``ANY`` method, see
``infra/aws/template.py``), which answers 405 ``method_not_allowed`` with ``Allow``.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass

from chalicelib.api import messages
from chalicelib.api.security import API_HEADERS


@dataclass(frozen=True)
class GatewayAnswer:
    """One of API Gateway's response types answered in our envelope; ``status`` None keeps
    the type's own status (the ``DEFAULT_*`` types cover several)."""

    response_type: str
    status: int | None
    code: str


ROUTE_NOT_FOUND = GatewayAnswer("MISSING_AUTHENTICATION_TOKEN", 404, "route_not_found")
# THROTTLED is infra/aws/stack/edge.py's (its body is infra/limits.py's, shared with the WAF)
ANSWERS: tuple[GatewayAnswer, ...] = (
    ROUTE_NOT_FOUND,
    GatewayAnswer("UNAUTHORIZED", 401, "not_authenticated"),
    GatewayAnswer("ACCESS_DENIED", 403, "forbidden"),
    GatewayAnswer("AUTHORIZER_FAILURE", 500, "gateway_error"),
    GatewayAnswer("AUTHORIZER_CONFIGURATION_ERROR", 500, "gateway_error"),
    GatewayAnswer("BAD_REQUEST_BODY", 400, "bad_request"),
    GatewayAnswer("BAD_REQUEST_PARAMETERS", 400, "bad_request"),
    GatewayAnswer("REQUEST_TOO_LARGE", 413, "payload_too_large"),
    GatewayAnswer("UNSUPPORTED_MEDIA_TYPE", 415, "unsupported_media_type"),
    GatewayAnswer("INTEGRATION_FAILURE", 502, "gateway_error"),
    GatewayAnswer("INTEGRATION_TIMEOUT", 504, "gateway_timeout"),
    GatewayAnswer("DEFAULT_4XX", None, "bad_request"),
    GatewayAnswer("DEFAULT_5XX", None, "gateway_error"),
)


def body(answer: GatewayAnswer) -> str:
    """The answer's JSON body: a fixed sentence in the default language, nothing of the request."""
    status = answer.status or (500 if answer.response_type == "DEFAULT_5XX" else 400)
    sentence = messages.sentence(answer.code, status, messages.DEFAULT)
    return json.dumps({"error": {"code": answer.code, "message": sentence, "details": None}}, ensure_ascii=False)


def headers() -> Mapping[str, str]:
    """The headers of every gateway answer. On AWS the API's Content-Security-Policy comes
    from CloudFront's policy (``infra/headers.py``): a gateway response's header is a quoted
    static value, which cannot hold the policy's own quotes."""
    return {
        "Content-Type": "application/json",
        "Content-Language": messages.DEFAULT,
        "X-Content-Type-Options": "nosniff",
    }


def local_headers() -> Mapping[str, str]:
    """What a local gateway answer carries: ``headers`` and the API's own security headers."""
    return {**headers(), **API_HEADERS}


def local_answer(status: int) -> tuple[int, bytes, dict[str, str]]:
    """What a local gateway answers for Chalice's ``LocalGatewayException``: a 403 is the
    path no route matches (Chalice's own text would echo the Authorization header)."""
    answer = (
        ROUTE_NOT_FOUND
        if status == 403
        else next(
            (answer for answer in ANSWERS if answer.status == status), ANSWERS[-1] if status >= 500 else ANSWERS[-2]
        )
    )
    return answer.status or status, body(answer).encode(), dict(local_headers())
