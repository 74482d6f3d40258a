"""The security headers of every answer, in one place: read by the AWS template
(CloudFront's response headers policies, ``infra/aws/stack/web.py``), by the local
stack's HTTP server (``infra/local/server.py``) and, for the API's own answers, by the
app (``chalicelib/api/security.py`` defines ``API``, the gate adds it).

- **The pages** (``page_headers``): a Content-Security-Policy with no inline script or
  style and no ``eval`` (the pages build DOM nodes and load ES modules from their own
  origin; the vendored chart library's few style attributes are set through CSSOM, which
  the policy allows); ``connect-src`` names the API (same origin, under ``/api``), Cognito
  (sign-in) and the documents bucket (presigned uploads and downloads), which differ
  between AWS and the local stack, so they are arguments.
- **The API** (``API``): it answers JSON and PDFs, never a page: nothing may load,
  nothing may frame it.
- **Both** (``COMMON``): HSTS, nosniff, no framing, no referrer, no powerful features.

``Referrer-Policy: no-referrer``: a page never sends where it was. Presigned links carry
their signature in the query, and nothing here reads a Referer, so the strictest value
costs nothing. ``Strict-Transport-Security`` is sent locally too; browsers ignore it over
plain HTTP.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from chalicelib.api.security import API_HEADERS

HSTS_SECONDS = 63_072_000  # two years, as hstspreload.org asks (no preload: the domain is CloudFront's)
REFERRER_POLICY = "no-referrer"
# Features no page uses; the browser refuses them to the page and to anything it could embed.
PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "accelerometer",
        "camera",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "payment",
        "usb",
        "browsing-topics",
    )
)

COMMON: Mapping[str, str] = {
    "Strict-Transport-Security": f"max-age={HSTS_SECONDS}; includeSubDomains",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": REFERRER_POLICY,
    "Permissions-Policy": PERMISSIONS_POLICY,
}

# What the API's own answers carry, on AWS and locally: the app adds them itself, defined in its package.
API: Mapping[str, str] = API_HEADERS


def page_csp(connect: Iterable[str]) -> str:
    """The pages' Content-Security-Policy; ``connect`` lists the origins a page may call
    besides its own (Cognito, the documents bucket)."""
    directives = {
        "default-src": "'self'",
        "script-src": "'self'",
        "style-src": "'self'",
        # the QR code of a credential is an SVG data: URL in an <img> (web/js/pages/credential.js)
        "img-src": "'self' data:",
        "font-src": "'self'",
        "connect-src": " ".join(("'self'", *connect)),
        "object-src": "'none'",
        "base-uri": "'none'",
        "form-action": "'self'",
        "frame-ancestors": "'none'",
    }
    return "; ".join(f"{name} {value}" for name, value in directives.items())


def page_connect(region: str, endpoint: str | None, documents_origins: Iterable[str] = ()) -> list[str]:
    """The origins a page calls besides its own: Cognito and the documents bucket on AWS, or
    the one embedded AWS endpoint locally (moto serves Cognito and S3 alike)."""
    if endpoint:
        return [_origin(endpoint)]
    return [f"https://cognito-idp.{region}.amazonaws.com", *documents_origins]


def page_headers(connect: Iterable[str]) -> dict[str, str]:
    """Every header a page (and ``/config.json``) is served with."""
    return {**COMMON, "Content-Security-Policy": page_csp(connect)}


def api_headers() -> dict[str, str]:
    """Every header the API's answers leave the edge with."""
    return {**COMMON, **API}


def _origin(url: str) -> str:
    scheme, _, rest = url.partition("://")
    return f"{scheme}://{rest.split('/', 1)[0]}"
