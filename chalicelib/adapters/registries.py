"""Registries over HTTPS: a POST of the signed request, the signed answer back."""

from __future__ import annotations

import urllib.error
import urllib.request

JOSE = "application/jose"


class HttpTransport:
    def post(self, url: str, body: str, timeout: float) -> tuple[int, str]:
        request = urllib.request.Request(
            url, data=body.encode(), headers={"Content-Type": JOSE, "Accept": JOSE}, method="POST"
        )
        try:
            with urllib.request.urlopen(request, timeout=timeout) as answer:
                return int(answer.status), answer.read().decode("utf-8", "replace")
        except urllib.error.HTTPError as error:
            return int(error.code), error.read().decode("utf-8", "replace")
        except urllib.error.URLError as error:
            raise ConnectionError(str(error.reason)) from None
