"""Domain errors to HTTP, in one table: ``{"error": {"code", "message", "details"}}``."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from chalice import Response

from chalicelib.core import errors
from chalicelib.core.errors import ValidationFailed

STATUS: dict[type[errors.DomainError], int] = {
    errors.ValidationFailed: 422,
    errors.NotAuthenticated: 401,
    errors.Forbidden: 403,
    errors.NotFound: 404,
    errors.NotAcceptable: 406,
    errors.Conflict: 409,
    errors.PayloadTooLarge: 413,
    errors.Gone: 410,
    errors.TooManyRequests: 429,
    errors.TransientFailure: 503,
}


def status_for(error: errors.DomainError) -> int:
    for cls in type(error).__mro__:
        if cls in STATUS:
            return STATUS[cls]
    return 400


def error_body(code: str, message: str, details: Any = None) -> dict[str, Any]:
    """What every error answers (a documented example too): ``{"error": {"code", "message", "details"}}``."""
    return {"error": {"code": code, "message": message, "details": details}}


def field_error_body(code: str, field: str, message: str) -> dict[str, Any]:
    """The body of ``ValidationFailed.field(field, message, code=code)``: the message names the field, and
    ``details`` lists it with the message."""
    error = ValidationFailed.field(field, message, code=code)
    return error_body(error.code, error.message, error.details)


def error_response(
    status: int, code: str, message: str, details: Any = None, headers: Mapping[str, Any] | None = None
) -> Response:
    return Response(
        body=json.dumps(error_body(code, message, details), ensure_ascii=False),
        status_code=status,
        headers={"Content-Type": "application/json", **(headers or {})},
    )


def from_domain(error: errors.DomainError) -> Response:
    status = status_for(error)
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 and not error.code.startswith("signature_") else None
    return error_response(status, error.code, error.message, error.details, headers)
