"""The gate every request passes before its view: the route's roles, the Content-Type,
the bearer token; and Chalice's own error answers rewritten into our envelope.

Every error that leaves the API is ``{"error": {"code", "message", "details"}}``: domain
errors are translated by the blueprint, the answers Chalice gives by itself (415, 405,
its 500) are rewritten here, and an exception nobody expected is logged (through the
masking logger) and answered as a bare 500 in the same shape.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable

from chalice import Response
from chalice.app import Request

from chalicelib.api import messages, policy, routes
from chalicelib.api.errors import error_response, from_domain
from chalicelib.api.http import ANONYMOUS_PRINCIPAL, BODY_METHODS, PRINCIPAL, unexpected_failure
from chalicelib.api.security import API_HEADERS
from chalicelib.core.errors import DomainError, NotAuthenticated, ValidationFailed
from chalicelib.core.observability import logger
from chalicelib.identity.curp import parse_curp
from chalicelib.identity.principal import ANONYMOUS, CITIZEN, Principal
from chalicelib.wiring import container


def authenticate(event: Request, get_response: Callable[[Request], Response]) -> Response:
    """HTTP middleware: apply the authorisation matrix before any view runs; whatever
    answers, the error leaves in our envelope."""
    try:
        response = in_envelope(_authorise(event, get_response))
    except Exception:
        response = unexpected_failure()
    return _edge(response, event.headers.get("accept-language"))


def _edge(response: Response, accept_language: str | None) -> Response:
    """The security headers on every answer; an error's messages in the caller's language."""
    for name, value in API_HEADERS.items():
        response.headers.setdefault(name, value)
    if response.status_code < 400 or not str(response.headers.get("Content-Type", "")).startswith("application/json"):
        return response
    body = response.body if isinstance(response.body, dict) else _json(response.body)
    if not isinstance(body, dict) or not isinstance(body.get("error"), dict):
        return response
    lang = messages.language(accept_language)
    body = {**body, "error": messages.localised(body["error"], response.status_code, lang)}
    response.body = json.dumps(body, ensure_ascii=False)
    response.headers["Content-Language"] = lang
    vary = response.headers.get("Vary")
    response.headers["Vary"] = f"{vary}, Accept-Language" if vary else "Accept-Language"
    return response


def _json(body: object) -> object:
    try:
        return json.loads(body) if isinstance(body, (str, bytes)) else None
    except ValueError:
        return None


_CHALICE_CODES = {
    "InternalServerError": "internal_error",
    "MethodNotAllowedError": "method_not_allowed",
    "UnsupportedMediaType": "unsupported_media_type",
}


def in_envelope(response: Response) -> Response:
    """Rewrite Chalice's own error answers (``{"Code", "Message"}``) into our envelope."""
    body = response.body
    if response.status_code < 400 or not isinstance(body, dict) or set(body) != {"Code", "Message"}:
        return response
    code = _CHALICE_CODES.get(str(body["Code"])) or re.sub(r"(?<!^)(?=[A-Z])", "_", str(body["Code"])).lower()
    headers = {name: value for name, value in response.headers.items() if name.lower() != "content-type"}
    return error_response(response.status_code, code, str(body["Message"]), None, headers)


def _authorise(event: Request, get_response: Callable[[Request], Response]) -> Response:
    resource = event.context.get("resourcePath", "")
    roles = policy.allowed(event.method, resource)
    if roles is None:
        allow = sorted(method for method, path in routes.ROUTES if path == resource)
        return error_response(
            405, "method_not_allowed", f"{event.method} is not allowed on {resource}", None, {"Allow": ", ".join(allow)}
        )
    if event.method in BODY_METHODS and _content_type(event) != "application/json":
        refused = ValidationFailed.field("Content-Type", "must be application/json", code="unsupported_media_type")
        return error_response(415, refused.code, refused.message, refused.details)
    header = event.headers.get("authorization") or ""
    principal = ANONYMOUS_PRINCIPAL
    try:
        if header:
            scheme, _, token = header.partition(" ")
            if scheme.lower() != "bearer" or not token:
                raise NotAuthenticated("use Authorization: Bearer <Cognito ID token>")
            principal = container().tokens.verify(token.strip())
        elif ANONYMOUS not in roles:
            raise NotAuthenticated("sign in: this route needs Authorization: Bearer <Cognito ID token>")
    except DomainError as error:
        return from_domain(error)
    granted = principal.roles | {ANONYMOUS}
    if not granted & roles:
        if header and not principal.roles and CITIZEN in roles:
            return _not_a_citizen(principal)
        return error_response(
            403,
            "forbidden",
            f"your roles ({', '.join(sorted(principal.roles)) or 'none'}) may not call {event.method} {resource}",
        )
    event.context[PRINCIPAL] = principal
    logger.append_keys(path=resource)
    return get_response(event)


def _not_a_citizen(principal: Principal) -> Response:
    """Signed in, no staff group, and the username is not a valid CURP: say exactly why."""
    try:
        parse_curp(principal.username, field="username")
    except ValidationFailed as error:
        return error_response(
            403,
            "invalid_curp",
            f"citizens sign in with their CURP (businesses with their RFC); {error.message}",
            error.details,
        )
    return error_response(403, "forbidden", "this account has no role here")


def _content_type(request: Request) -> str:
    return str(request.headers.get("content-type") or "application/json").split(";")[0].strip().lower()
