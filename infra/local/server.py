"""The local stack's HTTP front door: the Chalice API under /api, web/ and /config.json.

One port, a thread per connection (``ThreadingHTTPServer``) with Nagle's algorithm off
(``chalice local`` leaves it on and pays ~40 ms per keep-alive request).  The API is
served by Chalice's own ``LocalGateway``, so routing, middleware and the Lambda proxy
event are Chalice's, as on API Gateway.

Chalice keeps the request being handled in ``app.current_request`` (and the context in
``app.lambda_context``), one attribute per app: right on Lambda, which handles one event
at a time per process, wrong under a thread per connection, where a view could read
another request (a browser sends several at once).  ``per_thread_request`` gives this
process's app one of each per thread.

The per-client limits of ``infra/limits.py`` (the WAF's rate-based rules on AWS) are
enforced here too, in the same fixed five-minute windows: a client is its address, or,
when the connection comes from this machine, the first address of its
``X-Forwarded-For`` (as the WAF reads a forwarded address), which is how the load
generator and the test clients stand for many people at once.
"""

from __future__ import annotations

import base64
import gzip
import ipaddress
import json
import math
import mimetypes
import threading
import time
from collections.abc import Callable, Sequence
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from chalice.config import Config
from chalice.local import LocalGateway, LocalGatewayException

from infra import gateway, headers, limits
from infra.limits import RateRule

API_PREFIX = "/api"
WEB_ROOT = Path(__file__).resolve().parents[2] / "web"
MINIMUM_COMPRESSION_SIZE = 1024  # as .chalice/config.json's minimum_compression_size


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True
    server: LocalServer

    def log_message(self, format: str, *args: Any) -> None:
        if self.server.verbose:
            super().log_message(format, *args)

    def _send(self, status: int, body: bytes, headers: dict[str, str]) -> None:
        if _compressible(headers, body) and "gzip" in (self.headers.get("Accept-Encoding") or ""):
            # as CloudFront sends the pages and API Gateway (minimum_compression_size) the API's answers
            body = gzip.compress(body, 6)
            vary = next((value for name, value in headers.items() if name.lower() == "vary"), "")
            headers = {name: value for name, value in headers.items() if name.lower() != "vary"}
            headers.update(
                {"Content-Encoding": "gzip", "Vary": f"{vary}, Accept-Encoding" if vary else "Accept-Encoding"}
            )
        self.send_response(status)
        for name, value in self.server.edge_headers(self.path).items():
            if not any(name.lower() == given.lower() for given in headers):
                self.send_header(name, value)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _dispatch(self) -> None:
        path = urlsplit(self.path).path
        if path == API_PREFIX or path.startswith(API_PREFIX + "/"):
            self._api()
        elif self.command in ("GET", "HEAD"):
            self._static(path)
        else:
            self._send(
                405,
                b'{"error": {"code": "method_not_allowed", "message": "static files are read-only", "details": null}}',
                {"Content-Type": "application/json", "Allow": "GET, HEAD"},
            )

    do_GET = do_HEAD = do_POST = do_PUT = do_PATCH = do_DELETE = do_OPTIONS = _dispatch

    def _client(self) -> str:
        peer = self.client_address[0]
        forwarded = self.headers.get(limits.FORWARDED_HEADER)
        if forwarded and ipaddress.ip_address(peer).is_loopback:
            return forwarded.split(",")[0].strip()
        return peer

    def _api(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        path = self.path[len(API_PREFIX) :] or "/"
        wait = self.server.limiter.admit(self._client(), urlsplit(path).path)
        if wait:
            self._send(429, limits.error_body(), {"Content-Type": "application/json", "Retry-After": str(wait)})
            return
        headers = {name.lower(): value for name, value in self.headers.items()}
        try:
            response = self.server.gateway.handle_request(self.command, path, headers, body)
        except LocalGatewayException as error:  # no route matches: API Gateway's own answer, in our envelope
            self._send(*gateway.local_answer(error.CODE))
            return
        payload = response.get("body") or b""
        if response.get("isBase64Encoded"):  # a binary answer (a PDF): bytes on the wire, as API Gateway sends it
            payload = base64.b64decode(payload)
        elif isinstance(payload, str):
            payload = payload.encode()
        out = dict(response.get("headers") or {})
        for name, values in (response.get("multiValueHeaders") or {}).items():
            out[name] = ", ".join(values)
        self._send(response["statusCode"], payload, out)

    def _static(self, path: str) -> None:
        if path == "/config.json":
            self._send(
                200,
                json.dumps(self.server.config).encode(),
                {"Content-Type": "application/json", "Cache-Control": "no-store"},
            )
            return
        relative = "index.html" if path in ("", "/") else path.lstrip("/")
        target = (WEB_ROOT / relative).resolve()
        if WEB_ROOT not in target.parents or not target.is_file():
            self._send(404, b"Not found", {"Content-Type": "text/plain; charset=utf-8"})
            return
        content_type = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
        if content_type.startswith("text/") or content_type in ("application/javascript", "application/json"):
            content_type += "; charset=utf-8"
        self._send(200, target.read_bytes(), {"Content-Type": content_type, "Cache-Control": "no-cache"})


def _compressible(headers: dict[str, str], body: bytes) -> bool:
    kind = next((value for name, value in headers.items() if name.lower() == "content-type"), "")
    textual = kind.startswith("text/") or any(name in kind for name in ("json", "javascript", "svg"))
    encoded = any(name.lower() == "content-encoding" for name in headers)
    return textual and not encoded and len(body) >= MINIMUM_COMPRESSION_SIZE


class _PerThread:
    """A data descriptor holding one value per thread (it shadows the instance attribute)."""

    def __init__(self) -> None:
        self._local = threading.local()

    def __get__(self, instance: Any, owner: type | None = None) -> Any:
        return self if instance is None else getattr(self._local, "value", None)

    def __set__(self, instance: Any, value: Any) -> None:
        self._local.value = value


def per_thread_request(app: Any) -> None:
    """Make ``app.current_request`` and ``app.lambda_context`` per thread (local serving only)."""
    if getattr(type(app), "_per_thread_request", False):
        return
    app.__class__ = type(
        type(app).__name__,
        (type(app),),
        {"current_request": _PerThread(), "lambda_context": _PerThread(), "_per_thread_request": True},
    )


class Limiter:
    """Requests per client address in fixed windows, per rule (as the WAF counts them)."""

    def __init__(
        self,
        rules: Sequence[RateRule] = limits.PER_CLIENT,
        window: int = limits.WINDOW_SECONDS,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.rules = tuple(rules)
        self.window = window
        self._clock = clock
        self._counts: dict[tuple[str, str], int] = {}
        self._current = -1
        self._lock = threading.Lock()

    def admit(self, client: str, route_path: str) -> int:
        """0 when the request may go on (and it is counted); else the seconds until its window ends."""
        now = self._clock()
        window = math.floor(now / self.window)
        with self._lock:
            if window != self._current:  # a new window: every count starts again
                self._counts.clear()
                self._current = window
            applying = [rule for rule in self.rules if rule.applies(route_path)]
            if any(self._counts.get((rule.name, client), 0) >= rule.limit for rule in applying):
                return max(1, math.ceil((window + 1) * self.window - now))
            for rule in applying:
                self._counts[(rule.name, client)] = self._counts.get((rule.name, client), 0) + 1
            return 0


# connections waiting to be accepted, for both local servers (this one and moto's); the
# kernel caps it at net.core.somaxconn (4096 on current Linux)
LISTEN_BACKLOG = 4096


class LocalServer(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = LISTEN_BACKLOG  # socketserver's 5 reset connections when a few hundred clients arrive at once

    def __init__(
        self,
        address: tuple[str, int],
        app: Any,
        config: dict[str, Any],
        verbose: bool = False,
        limiter: Limiter | None = None,
    ) -> None:
        super().__init__(address, Handler)
        self.limiter = limiter or Limiter()
        per_thread_request(app)
        self.gateway = LocalGateway(
            app, Config.create(chalice_stage="local", function_name="api_handler", lambda_timeout=60)
        )
        self.config = config
        self.verbose = verbose
        aws = config.get("aws") or {}
        self.page_headers = headers.page_headers(headers.page_connect(aws.get("region", ""), aws.get("endpoint")))
        self.api_headers = headers.api_headers()

    def edge_headers(self, path: str) -> dict[str, str]:
        """The security headers CloudFront's response headers policies add (``infra/headers.py``):
        the API's own under /api, the pages' elsewhere; a header the answer already has is kept."""
        route = urlsplit(path).path
        return self.api_headers if route == API_PREFIX or route.startswith(API_PREFIX + "/") else self.page_headers
