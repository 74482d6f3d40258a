"""Error answers many routes share, documented once (``components/responses`` in the
OpenAPI document).  A route names them; the ones every route of a kind has (401 and 403
for a signed-in route, 413/415/422 for a route with a body) are added for it.  The
factories below write the answers that repeat a concept with the route's own words."""

from __future__ import annotations

from chalicelib.api.errors import error_body, field_error_body
from chalicelib.api.http import MAX_BODY_BYTES
from chalicelib.api.routes import Problem


def no_such(what: str, code: str = "", description: str = "") -> Problem:
    """404: the caller names a ``what`` that does not exist (or is not theirs to see).
    The code is ``unknown_<what>`` unless given."""
    code = code or f"unknown_{what}"
    return Problem(404, description or f"No such {what}.", (code,), error_body(code, f"no such {what}"))


def invalid(description: str, codes: tuple[str, ...], example: dict[str, object]) -> Problem:
    """422 for a request whose body or query breaks a rule: the JSON and schema refusals
    every such request may get, and the route's own ``codes``."""
    return Problem(422, description, (*VALIDATION_FAILED.codes, *codes), example)


def other_agency(description: str, message: str) -> Problem:
    """403 for an agency's route called by an official of another one."""
    return Problem(403, description, ("forbidden", "other_agency"), error_body("other_agency", message))


def code_refused(stale: str, expired: str, wrong: str) -> tuple[Problem, Problem]:
    """How a one-time code is refused (a phone's subscription, an assistant's delegation):
    409 when none is pending any more (``stale`` says when, ``expired`` is the example's
    message), 422 when it is not the code sent (``wrong``, the example's message)."""
    return (
        Problem(
            409,
            stale,
            ("not_pending", "code_expired", "code_replaced", "too_many_attempts"),
            error_body("code_expired", expired),
        ),
        invalid(
            "The body is not JSON or breaks its schema, the code is not six digits, or not the code sent.",
            ("invalid_code", "wrong_code"),
            field_error_body("wrong_code", "code", wrong),
        ),
    )


UNAUTHORIZED = Problem(
    401,
    "Not signed in: the Authorization header is missing (on a route that needs it), is not `Bearer <token>`, or "
    "the token is invalid or expired. On public routes a token is optional, but one that is sent must be valid. "
    "`session_ended`: a citizen's sign-in from before the holder of the CURP's e.firma took the account over.",
    ("not_authenticated", "session_ended"),
    error_body("not_authenticated", "sign in: this route needs Authorization: Bearer <Cognito ID token>"),
)
FORBIDDEN = Problem(
    403,
    "Signed in, but the caller's roles may not call this operation (see the authorisation matrix), or the object "
    "belongs to another agency.",
    ("forbidden", "other_agency", "citizens_only", "invalid_curp"),
    error_body("forbidden", "your roles (official) may not call GET /me"),
)
NOT_FOUND = no_such("resource", "not_found", "The resource does not exist or is not visible to the caller.")
APPLICATION_NOT_FOUND = no_such(
    "application", description="No such application, or the caller may not see it (the answer does not reveal which)."
)
CONFLICT = Problem(
    409,
    "The target changed meanwhile or is in a state that does not allow the command; reload and retry.",
    ("concurrent_change", "invalid_transition"),
    error_body("concurrent_change", "the application changed meanwhile; reload and retry"),
)
VALIDATION_FAILED = Problem(
    422,
    "The request is well-formed but its content breaks a rule; `details` lists each field at fault. "
    "`invalid_json`: not JSON, or NaN/Infinity; `too_deep`: nested over 30 levels; `invalid_text`: a lone "
    "surrogate, a control character or a bidirectional override in any text (text is otherwise taken in "
    "Unicode NFC); `validation_failed` or the field's own code: a field breaks its schema.",
    ("validation_failed", "invalid_json", "too_deep", "invalid_text"),
    field_error_body("validation_failed", "procedure", "is required"),
)
NO_BODY = invalid(
    "A body was sent (the operation takes none, or an empty object), or the body is not JSON.",
    ("unexpected_body",),
    field_error_body("unexpected_body", "body", "this operation takes no body (or an empty object)"),
)
PAYLOAD_TOO_LARGE = Problem(
    413,
    f"The JSON body is over {MAX_BODY_BYTES:,} bytes.",
    ("payload_too_large",),
    error_body("payload_too_large", f"the body is over {MAX_BODY_BYTES} bytes"),
)
UNSUPPORTED_MEDIA_TYPE = Problem(
    415,
    "The Content-Type is not `application/json`.",
    ("unsupported_media_type",),
    field_error_body("unsupported_media_type", "Content-Type", "must be application/json"),
)
UNAVAILABLE = Problem(
    503,
    "A dependency (the table) refused the write in a way worth retrying.",
    ("transient_failure",),
    error_body("transient_failure", "the table did not accept the change; retry"),
)
# what checking an e.firma signature may refuse (chalicelib/efirma/verification.py), each naming its field
CERTIFICATE_REFUSALS = (
    "not_base64",
    "certificate_unreadable",
    "certificate_not_efirma",
    "certificate_untrusted",
    "certificate_not_yet_valid",
    "certificate_expired",
    "certificate_key_usage",
    "certificate_revoked",
    "certificate_status_unknown",
    "signature_invalid",
)
# what a filing or a decision signed with e.firma may be refused for
EFIRMA_REFUSALS = ("efirma_required", "cadena_mismatch", "cadena_expired", "curp_mismatch", *CERTIFICATE_REFUSALS)
EFIRMA_UNAVAILABLE = Problem(
    503,
    "The e.firma could not be checked now: the authority's revocation service (OCSP) is unreachable or answered "
    "something unusable, or this deployment accepts no e.firma. Nothing was signed or written; retry later.",
    ("efirma_ocsp_unavailable", "efirma_ocsp_invalid", "efirma_unavailable", "transient_failure"),
    error_body(
        "efirma_ocsp_unavailable",
        "the certificate authority's revocation service (OCSP) could not be reached (URLError); nothing was signed: "
        "try again in a few minutes",
    ),
)
TOO_MANY_REQUESTS = Problem(
    429,
    "A limit is spent for now (codes or messages to one phone per hour); retry later.",
    ("rate_limited",),
    error_body("rate_limited", "too many codes were sent to this phone in the last hour; try again later"),
)
NOT_ACCEPTABLE = Problem(
    406,
    "The request's `Accept` header does not name `application/pdf`, the only form this answer comes in.",
    ("not_acceptable",),
    error_body(
        "not_acceptable",
        "this answer is a PDF: send Accept: application/pdf",
        [{"field": "Accept", "message": "must name application/pdf"}],
    ),
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
    "NotAcceptable": NOT_ACCEPTABLE,
}

PAGING = invalid(
    "`limit` is not a whole number from 1 to 200, or `cursor` is not one this list gave this caller (altered, of "
    "another list or of another caller): start again without it.",
    ("invalid_limit", "invalid_cursor"),
    field_error_body("invalid_limit", "limit", "must be a whole number from 1 to 200"),
)
