"""The embedded moto server for the local stack, with browsers' CORS preflights fixed.

Before a browser PUTs a document to its presigned S3 URL it sends an ``OPTIONS``
preflight to the same URL.  S3 answers a preflight from the bucket's CORS rules alone;
moto 5.2.5 also checks the presigned URL's signed headers (``content-type=`` in the
query) against the preflight, which carries none, answers 403, and the browser never
sends the PUT.  ``PreflightWithoutQuery`` hands moto each preflight without its query
string, so moto answers it from the bucket's CORS rules, as S3 does.  Nothing else
changes: every other request reaches moto untouched.

The server is ``moto.server.ThreadedMotoServer``'s: the same app factory
(``DomainDispatcherApplication(create_backend_app)``) and request handler, served by
werkzeug in a thread, with the middleware in front, and a longer queue of connections
waiting to be accepted (``LISTEN_BACKLOG``): werkzeug's 128 overflowed when the load
test's crowd arrived, the kernel dropped the connections beyond it, and each client
waited for its SYN to be resent (1 s, then 3 s, ...), so requests took seconds while
the process sat idle.  Local stack only; never packaged.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from typing import Any

from moto.moto_server.werkzeug_app import DomainDispatcherApplication, MotoRequestHandler, create_backend_app
from werkzeug.serving import BaseWSGIServer, ThreadedWSGIServer

from infra.local.server import LISTEN_BACKLOG

WsgiApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


class PreflightWithoutQuery:
    """WSGI middleware: CORS preflights reach moto without their query string."""

    def __init__(self, app: WsgiApp) -> None:
        self.app = app

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        if environ.get("REQUEST_METHOD") == "OPTIONS" and environ.get("HTTP_ACCESS_CONTROL_REQUEST_METHOD"):
            environ = {**environ, "QUERY_STRING": ""}
        return self.app(environ, start_response)


class _Server(ThreadedWSGIServer):
    request_queue_size = LISTEN_BACKLOG


class MotoServer:
    """Start/stop like ``ThreadedMotoServer``, with ``PreflightWithoutQuery`` in front."""

    def __init__(self, ip_address: str, port: int) -> None:
        self._address = (ip_address, port)
        self._server: BaseWSGIServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        return f"http://{self._address[0]}:{self._address[1]}"

    def start(self) -> None:
        app = PreflightWithoutQuery(DomainDispatcherApplication(create_backend_app))
        self._server = _Server(*self._address, app, handler=MotoRequestHandler)
        self._thread = threading.Thread(target=self._server.serve_forever, name="moto", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
        if self._thread is not None:
            self._thread.join()
