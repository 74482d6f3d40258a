"""Request plumbing shared by every route: the caller, JSON bodies as the domain may
trust them, idempotent commands, JSON answers, and the last-resort 500.  Views stay
adapters: read the request, call one domain function, shape the response."""

from __future__ import annotations

import hashlib
import json
import math
import re
import unicodedata
from collections.abc import Callable
from typing import Any

from chalice import Response
from chalice.app import Request

from chalicelib.api.errors import error_response
from chalicelib.core.errors import NotAcceptable, PayloadTooLarge, ValidationFailed
from chalicelib.core.observability import logger
from chalicelib.identity.principal import Principal
from chalicelib.wiring import container

MAX_BODY_BYTES = 256 * 1024
MAX_JSON_DEPTH = 30  # DynamoDB keeps documents 32 levels deep
_BIDI = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
# C0 controls but tab and line breaks, DEL and C1, bidi embeddings/overrides/isolates, lone surrogates
_FORBIDDEN_TEXT = re.compile(f"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f{_BIDI}\ud800-\udfff]")
PRINCIPAL = "ventanilla.principal"
BODY_METHODS = frozenset({"POST", "PUT", "PATCH"})
ANONYMOUS_PRINCIPAL = Principal(username="")


def unexpected_failure() -> Response:
    """The boundary's last resort: log the exception (masked) and say nothing about it."""
    logger.exception("unhandled error")
    return error_response(
        500, "internal_error", "something went wrong on our side; it has been logged, please try again later"
    )


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
        "body": hashlib.sha256(_bytes(request.raw_body)).hexdigest(),
    }
    return container().idempotency.run(scope, f"{principal.username}:{key}", described, command)


def _bytes(raw: str | bytes | None) -> bytes:
    return raw.encode() if isinstance(raw, str) else raw or b""


def principal_of(request: Request) -> Principal:
    principal: Principal = request.context[PRINCIPAL]
    return principal


def raw_body(request: Request) -> bytes:
    """The body as sent, refused when it is over ``MAX_BODY_BYTES``."""
    raw = _bytes(request.raw_body)
    if len(raw) > MAX_BODY_BYTES:
        raise PayloadTooLarge(f"the body is over {MAX_BODY_BYTES} bytes")
    return raw


def json_body(request: Request) -> Any:
    raw = raw_body(request)
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


PDF = "application/pdf"


def accepted(request: Request) -> set[str]:
    """The media types the request's Accept header names (parameters such as ``q`` left out)."""
    return {part.strip().lower() for part in re.split("[,;]", request.headers.get("accept", ""))}


def wants_pdf(request: Request) -> None:
    """Refuse (406) a request whose Accept header does not name ``application/pdf``: API
    Gateway hands a binary answer over as bytes only to such a request (to any other, as
    base64 text), and Chalice refuses to answer it at all."""
    if PDF not in accepted(request):
        raise NotAcceptable(
            f"this answer is a PDF: send Accept: {PDF}",
            details=[{"field": "Accept", "message": f"must name {PDF}"}],
        )


def pdf_response(filename: str, content: bytes) -> Response:
    """A PDF to save (never kept by a shared browser's cache: it names a person)."""
    return Response(
        body=content,
        status_code=200,
        headers={
            "Content-Type": PDF,
            "Content-Disposition": f'attachment; filename="{filename}"',
            "Cache-Control": "private, no-store",
        },
    )
