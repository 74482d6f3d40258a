"""Route plumbing shared by every blueprint: authentication middleware, error
translation, JSON bodies.  Views stay adapters: read the request, call one domain
function, shape the response."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable
from functools import wraps
from typing import Any

from chalice import Blueprint, Response
from chalice.app import Request

from chalicelib.api import policy
from chalicelib.api.errors import error_response, from_domain
from chalicelib.core.container import container
from chalicelib.core.errors import DomainError, NotAuthenticated, PayloadTooLarge, ValidationFailed
from chalicelib.core.observability import logger
from chalicelib.identity.curp import parse_curp
from chalicelib.identity.principal import ANONYMOUS, CITIZEN, Principal

MAX_BODY_BYTES = 256 * 1024
PRINCIPAL = "ventanilla.principal"
BODY_METHODS = frozenset({"POST", "PUT", "PATCH"})
ANONYMOUS_PRINCIPAL = Principal(username="")


class ApiBlueprint(Blueprint):
    """A Blueprint whose views translate domain errors to JSON responses."""

    def route(self, path: str, **kwargs: Any) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
        register = super().route(path, **kwargs)

        def decorator(view: Callable[..., Any]) -> Callable[..., Any]:
            @wraps(view)
            def translated(*args: Any, **view_kwargs: Any) -> Any:
                try:
                    return view(*args, **view_kwargs)
                except DomainError as error:
                    return from_domain(error)

            return register(translated)

        return decorator


def authenticate(event: Request, get_response: Callable[[Request], Response]) -> Response:
    """HTTP middleware: apply the authorisation matrix before any view runs."""
    resource = event.context.get("resourcePath", "")
    roles = policy.allowed(event.method, resource)
    if roles is None:
        return error_response(405, "method_not_allowed", f"{event.method} is not allowed on {resource}")
    if event.method in BODY_METHODS and _content_type(event) != "application/json":
        return error_response(415, "unsupported_media_type", "Content-Type: must be application/json", [{"field": "Content-Type", "message": "must be application/json"}])
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
        return error_response(403, "forbidden", f"your roles ({', '.join(sorted(principal.roles)) or 'none'}) may not call {event.method} {resource}")
    event.context[PRINCIPAL] = principal
    logger.append_keys(path=resource)
    return get_response(event)


def _not_a_citizen(principal: Principal) -> Response:
    """Signed in, no staff group, and the username is not a valid CURP: say exactly why."""
    try:
        parse_curp(principal.username, field="username")
    except ValidationFailed as error:
        return error_response(403, "invalid_curp", f"citizens sign in with their CURP (businesses with their RFC); {error.message}", error.details)
    return error_response(403, "forbidden", "this account has no role here")


def _content_type(request: Request) -> str:
    return str(request.headers.get("content-type") or "application/json").split(";")[0].strip().lower()


IDEMPOTENCY_HEADER = "Idempotency-Key"
_IDEMPOTENCY_KEY = re.compile(r"^[\x21-\x7e]{1,128}$")


def idempotent(request: Request, scope: str, command: Callable[[], Any]) -> Any:
    """Run a command a client may retry: once per ``Idempotency-Key`` (when given)."""
    key = request.headers.get(IDEMPOTENCY_HEADER)
    if key is None:
        return command()
    if not _IDEMPOTENCY_KEY.match(key):
        raise ValidationFailed.field(IDEMPOTENCY_HEADER, "must be 1 to 128 visible ASCII characters (a UUID is ideal)", code="invalid_idempotency_key")
    principal = principal_of(request)
    described = {"method": request.method, "path": request.context.get("path", ""), "body": hashlib.sha256(request.raw_body or b"").hexdigest()}
    return container().idempotency.run(scope, f"{principal.username}:{key}", described, command)


def principal_of(request: Request) -> Principal:
    principal: Principal = request.context[PRINCIPAL]
    return principal


def json_body(request: Request) -> Any:
    raw = request.raw_body or b""
    if len(raw) > MAX_BODY_BYTES:
        raise PayloadTooLarge(f"the body is over {MAX_BODY_BYTES} bytes")
    if not raw.strip():
        return {}
    try:
        return json.loads(raw)
    except (ValueError, RecursionError):
        raise ValidationFailed.field("body", "is not valid JSON", code="invalid_json") from None


def json_response(body: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    return Response(body=json.dumps(body, ensure_ascii=False, default=str), status_code=status, headers={"Content-Type": "application/json", **(headers or {})})
