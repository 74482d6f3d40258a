"""The security headers the API's own answers carry (added by the gate to every answer).

Defined here, in the Lambda package, and read by ``infra/headers.py`` for CloudFront's
policy and the local server, so the edge and the function never disagree: the API
answers JSON and PDFs, never a page, so nothing may load from its answers or frame them.
"""

from __future__ import annotations

from collections.abc import Mapping

API_CSP = "default-src 'none'; frame-ancestors 'none'"
API_HEADERS: Mapping[str, str] = {"Content-Security-Policy": API_CSP, "X-Content-Type-Options": "nosniff"}
