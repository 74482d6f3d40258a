"""A WSGI face on Chalice's ``LocalGateway``, so WSGI test clients (schemathesis's among
them) drive the API in-process exactly as the local server does: same routing,
middleware and Lambda proxy event, the raw (still percent-encoded) path, ``/api`` off
the front."""

from __future__ import annotations

import base64
from collections.abc import Callable, Iterable
from http import HTTPStatus
from typing import Any

from chalice import Chalice
from chalice.config import Config
from chalice.local import LocalGateway, LocalGatewayException

from infra import gateway

API_PREFIX = "/api"
StartResponse = Callable[[str, list[tuple[str, str]]], Any]


class ChaliceWsgi:
    def __init__(self, app: Chalice, prefix: str = API_PREFIX) -> None:
        self._gateway = LocalGateway(
            app, Config.create(chalice_stage="local", function_name="api_handler", lambda_timeout=60)
        )
        self._prefix = prefix

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        raw = environ.get("RAW_URI") or environ.get("REQUEST_URI") or environ.get("PATH_INFO", "/")
        path = raw.split("?", 1)[0]
        query = environ.get("QUERY_STRING", "")
        if path == self._prefix or path.startswith(self._prefix + "/"):
            path = path[len(self._prefix) :] or "/"
        headers = {
            name[5:].replace("_", "-").lower(): value for name, value in environ.items() if name.startswith("HTTP_")
        }
        if environ.get("CONTENT_TYPE"):
            headers["content-type"] = environ["CONTENT_TYPE"]
        length = int(environ.get("CONTENT_LENGTH") or 0)
        body = environ["wsgi.input"].read(length) if length else b""
        if body:
            headers["content-length"] = str(len(body))
        try:
            response = self._gateway.handle_request(
                environ["REQUEST_METHOD"], f"{path}?{query}" if query else path, headers, body
            )
        except LocalGatewayException as error:  # no route matches: API Gateway's own answer, in our envelope
            status, body, headers = gateway.local_answer(error.CODE)
            start_response(f"{status} {_reason(status)}", list(headers.items()))
            return [body]
        payload = response.get("body") or b""
        if response.get("isBase64Encoded"):
            payload = base64.b64decode(payload)
        out = [(name, str(value)) for name, value in (response.get("headers") or {}).items()]
        out += [(name, ", ".join(values)) for name, values in (response.get("multiValueHeaders") or {}).items()]
        start_response(f"{response['statusCode']} {_reason(response['statusCode'])}", out)
        return [payload.encode() if isinstance(payload, str) else payload]


def _reason(code: int) -> str:
    try:
        return HTTPStatus(code).phrase
    except ValueError:
        return "Unknown"
