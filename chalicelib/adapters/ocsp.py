"""The OCSP responder over HTTP (RFC 6960's POST binding), for ``chalicelib.efirma``."""

from __future__ import annotations

import urllib.error
import urllib.request

from chalicelib.core.errors import TransientFailure

TIMEOUT_SECONDS = 5
UNREACHABLE = "efirma_ocsp_unavailable"


class HttpOcsp:
    def __init__(self, url: str, timeout: float = TIMEOUT_SECONDS) -> None:
        self._url = url
        self._timeout = timeout

    def __call__(self, request: bytes) -> bytes:
        asked = urllib.request.Request(
            self._url, data=request, headers={"Content-Type": "application/ocsp-request"}, method="POST"
        )
        try:
            with urllib.request.urlopen(asked, timeout=self._timeout) as answer:
                body: bytes = answer.read()
                return body
        except (urllib.error.URLError, TimeoutError, OSError) as error:
            message = (
                f"the certificate authority's revocation service (OCSP) could not be reached ({type(error).__name__}); "
                "nothing was signed: try again in a few minutes"
            )
            raise TransientFailure(message, code=UNREACHABLE) from None
