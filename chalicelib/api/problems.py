"""Error answers many routes share, documented once (``components/responses`` in the
OpenAPI document).  A route names them; the ones every route of a kind has (401 and 403
for a signed-in route, 413/415/422 for a route with a body) are added for it."""

from __future__ import annotations

from chalicelib.api.http import MAX_BODY_BYTES
from chalicelib.api.routes import Problem


def _error(code: str, message: str, details: object = None) -> dict[str, object]:
    return {"error": {"code": code, "message": message, "details": details}}


UNAUTHORIZED = Problem(
    401,
    "Not signed in: the Authorization header is missing (on a route that needs it), is not `Bearer <token>`, or "
    "the token is invalid or expired. On public routes a token is optional, but one that is sent must be valid.",
    ("not_authenticated",),
    _error("not_authenticated", "sign in: this route needs Authorization: Bearer <Cognito ID token>"),
)
FORBIDDEN = Problem(
    403,
    "Signed in, but the caller's roles may not call this operation (see the authorisation matrix), or the object "
    "belongs to another agency.",
    ("forbidden", "other_agency", "citizens_only", "invalid_curp"),
    _error("forbidden", "your roles (official) may not call GET /me"),
)
NOT_FOUND = Problem(
    404,
    "The resource does not exist or is not visible to the caller.",
    ("not_found",),
    _error("not_found", "no such resource"),
)
APPLICATION_NOT_FOUND = Problem(
    404,
    "No such application, or the caller may not see it (the answer does not reveal which).",
    ("unknown_application",),
    _error("unknown_application", "no such application"),
)
CONFLICT = Problem(
    409,
    "The target changed meanwhile or is in a state that does not allow the command; reload and retry.",
    ("concurrent_change", "invalid_transition"),
    _error("concurrent_change", "the application changed meanwhile; reload and retry"),
)
VALIDATION_FAILED = Problem(
    422,
    "The request is well-formed but its content breaks a rule; `details` lists each field at fault. "
    "`invalid_json`: not JSON, or NaN/Infinity; `too_deep`: nested over 30 levels; `invalid_text`: a lone "
    "surrogate, a control character or a bidirectional override in any text (text is otherwise taken in "
    "Unicode NFC); `validation_failed` or the field's own code: a field breaks its schema.",
    ("validation_failed", "invalid_json", "too_deep", "invalid_text"),
    _error(
        "validation_failed",
        "procedure: is required",
        [{"field": "procedure", "message": "is required"}],
    ),
)
NO_BODY = Problem(
    422,
    "A body was sent (the operation takes none, or an empty object), or the body is not JSON.",
    (*VALIDATION_FAILED.codes, "unexpected_body"),
    _error(
        "unexpected_body",
        "body: this operation takes no body (or an empty object)",
        [{"field": "body", "message": "this operation takes no body (or an empty object)"}],
    ),
)
PAYLOAD_TOO_LARGE = Problem(
    413,
    f"The JSON body is over {MAX_BODY_BYTES:,} bytes.",
    ("payload_too_large",),
    _error("payload_too_large", f"the body is over {MAX_BODY_BYTES} bytes"),
)
UNSUPPORTED_MEDIA_TYPE = Problem(
    415,
    "The Content-Type is not `application/json`.",
    ("unsupported_media_type",),
    _error(
        "unsupported_media_type",
        "Content-Type: must be application/json",
        [{"field": "Content-Type", "message": "must be application/json"}],
    ),
)
UNAVAILABLE = Problem(
    503,
    "A dependency (the table) refused the write in a way worth retrying.",
    ("transient_failure",),
    _error("transient_failure", "the table did not accept the change; retry"),
)
TOO_MANY_REQUESTS = Problem(
    429,
    "A limit is spent for now (codes or messages to one phone per hour); retry later.",
    ("rate_limited",),
    _error("rate_limited", "too many codes were sent to this phone in the last hour; try again later"),
)

SHARED: dict[str, Problem] = {
    "Unauthorized": UNAUTHORIZED,
    "Forbidden": FORBIDDEN,
    "NotFound": NOT_FOUND,
    "ApplicationNotFound": APPLICATION_NOT_FOUND,
    "Conflict": CONFLICT,
    "ValidationFailed": VALIDATION_FAILED,
    "NoBody": NO_BODY,
    "PayloadTooLarge": PAYLOAD_TOO_LARGE,
    "UnsupportedMediaType": UNSUPPORTED_MEDIA_TYPE,
    "Unavailable": UNAVAILABLE,
    "TooManyRequests": TOO_MANY_REQUESTS,
}
