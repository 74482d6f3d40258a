"""Route plumbing shared by every blueprint: authentication middleware, error
translation, JSON bodies.  Views stay adapters: read the request, call one domain
function, shape the response.

Every error that leaves the API is ``{"error": {"code", "message", "details"}}``: domain
errors are translated by the blueprint, the answers Chalice gives by itself (415, 405,
its 500) are rewritten by the middleware, and an exception nobody expected is logged
(through the masking logger) and answered as a bare 500 in the same shape.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
import unicodedata
from collections.abc import Callable
from functools import wraps
from typing import Any

from chalice import Blueprint, Response
from chalice.app import Request

from chalicelib.api import policy
from chalicelib.api.errors import error_response, from_domain
from chalicelib.core.errors import DomainError, NotAuthenticated, PayloadTooLarge, ValidationFailed
from chalicelib.core.observability import logger
from chalicelib.identity.curp import parse_curp
from chalicelib.identity.principal import ANONYMOUS, CITIZEN, Principal
from chalicelib.wiring import container

MAX_BODY_BYTES = 256 * 1024
MAX_JSON_DEPTH = 30  # DynamoDB keeps documents 32 levels deep
_BIDI = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
# C0 controls but tab and line breaks, DEL and C1, bidi embeddings/overrides/isolates, lone surrogates
_FORBIDDEN_TEXT = re.compile(f"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f{_BIDI}\ud800-\udfff]")
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
                except Exception:
                    return unexpected_failure()

            return register(translated)

        return decorator


def authenticate(event: Request, get_response: Callable[[Request], Response]) -> Response:
    """HTTP middleware: apply the authorisation matrix before any view runs; whatever
    answers, the error leaves in our envelope."""
    try:
        return in_envelope(_authorise(event, get_response))
    except Exception:
        return unexpected_failure()


def unexpected_failure() -> Response:
    """The boundary's last resort: log the exception (masked) and say nothing about it."""
    logger.exception("unhandled error")
    return error_response(
        500, "internal_error", "something went wrong on our side; it has been logged, please try again later"
    )


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
        return error_response(405, "method_not_allowed", f"{event.method} is not allowed on {resource}")
    if event.method in BODY_METHODS and _content_type(event) != "application/json":
        return error_response(
            415,
            "unsupported_media_type",
            "Content-Type: must be application/json",
            [{"field": "Content-Type", "message": "must be application/json"}],
        )
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


IDEMPOTENCY_HEADER = "Idempotency-Key"
_IDEMPOTENCY_KEY = re.compile(r"^[\x21-\x7e]{1,128}$")


def idempotent(request: Request, scope: str, command: Callable[[], Any]) -> Any:
    """Run a command a client may retry: once per ``Idempotency-Key`` (when given)."""
    key = request.headers.get(IDEMPOTENCY_HEADER)
    if key is None:
        return command()
    if not _IDEMPOTENCY_KEY.match(key):
        raise ValidationFailed.field(
            IDEMPOTENCY_HEADER,
            "must be 1 to 128 visible ASCII characters (a UUID is ideal)",
            code="invalid_idempotency_key",
        )
    principal = principal_of(request)
    described = {
        "method": request.method,
        "path": request.context.get("path", ""),
        "body": hashlib.sha256(request.raw_body or b"").hexdigest(),
    }
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
        body = json.loads(raw, parse_float=_finite, parse_constant=_not_json)
    except RecursionError:
        raise ValidationFailed.field(
            "body", f"is nested deeper than {MAX_JSON_DEPTH} levels", code="too_deep"
        ) from None
    except ValueError:
        raise ValidationFailed.field("body", "is not valid JSON", code="invalid_json") from None
    return clean_json(body)


def _finite(text: str) -> float:
    number = float(text)
    if not math.isfinite(number):
        raise ValueError(f"{text} is too large for a number")
    return number


def _not_json(text: str) -> Any:
    raise ValueError(f"{text} is not JSON")


def clean_json(value: Any, field: str = "body", depth: int = 0) -> Any:
    """The body as the domain may trust it: every text (keys too) valid Unicode without
    control characters or bidirectional overrides, in NFC (so ``ó`` typed on a Mac is the
    ``ó`` of everyone else), and no deeper than DynamoDB stores a document."""
    if depth > MAX_JSON_DEPTH:
        raise ValidationFailed.field(field, f"is nested deeper than {MAX_JSON_DEPTH} levels", code="too_deep")
    if isinstance(value, str):
        return _clean_text(value, field)
    if isinstance(value, list):
        return [clean_json(item, f"{field}[{index}]", depth + 1) for index, item in enumerate(value)]
    if isinstance(value, dict):
        cleaned = {}
        for key, item in value.items():
            name = _clean_text(key, f"{field} (a key)")
            cleaned[name] = clean_json(item, name if field == "body" else f"{field}.{name}", depth + 1)
        return cleaned
    return value


def _clean_text(text: str, field: str) -> str:
    bad = _FORBIDDEN_TEXT.search(text)
    if bad:
        char = bad.group()
        what = (
            "a lone surrogate (not Unicode text)"
            if "\ud800" <= char <= "\udfff"
            else "a bidirectional override"
            if char in _BIDI
            else "a control character"
        )
        raise ValidationFailed.field(field, f"contains {what}, U+{ord(char):04X}", code="invalid_text")
    return unicodedata.normalize("NFC", text)


def json_response(body: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    return Response(
        body=json.dumps(body, ensure_ascii=False, default=str),
        status_code=status,
        headers={"Content-Type": "application/json", **(headers or {})},
    )
