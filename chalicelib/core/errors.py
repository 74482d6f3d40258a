"""Domain errors: plain exceptions, translated to HTTP once (``chalicelib.api.errors``).

Each error carries a stable machine ``code``, a human ``message`` and optional
``details`` (for validation errors, the fields at fault).  Nothing here knows about HTTP
status codes; the API layer maps error classes to statuses in one table.
"""

from __future__ import annotations

from typing import Any

# AWS error codes (of any service) that mean "busy now, the same request may succeed later"
THROTTLING_CODES = frozenset(
    {
        "ThrottlingException",
        "TooManyRequestsException",
        "ProvisionedThroughputExceededException",
        "RequestLimitExceeded",
        "ServiceUnavailable",
        "InternalServerError",
    }
)


class DomainError(Exception):
    code = "error"

    def __init__(self, message: str, *, details: Any = None, code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.details = details
        if code is not None:
            self.code = code


class ValidationFailed(DomainError):
    """The request is well-formed but its content breaks a rule (names the field)."""

    code = "validation_failed"

    @classmethod
    def field(cls, field: str, message: str, code: str | None = None) -> ValidationFailed:
        return cls(f"{field}: {message}", details=[{"field": field, "message": message}], code=code)


class NotAuthenticated(DomainError):
    code = "not_authenticated"


class Forbidden(DomainError):
    code = "forbidden"


class NotFound(DomainError):
    code = "not_found"


class Conflict(DomainError):
    """The target changed or is in a state that does not allow the command."""

    code = "conflict"


class TransientFailure(DomainError):
    """A dependency failed in a way worth retrying (the workflow's Retry policy names it)."""

    code = "transient_failure"


class Gone(DomainError):
    """It existed, and was deleted on purpose (e.g. documents past their retention)."""

    code = "gone"


class NotAcceptable(DomainError):
    """The caller does not accept the only form the answer comes in (a PDF, say)."""

    code = "not_acceptable"


class PayloadTooLarge(DomainError):
    code = "payload_too_large"


class TooManyRequests(DomainError):
    """A per-caller or per-phone limit is spent for now; retry later."""

    code = "too_many_requests"
