"""The local HTTP front door serves concurrent requests each with its own request object,
and a binary answer as its bytes."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import requests
from chalice import Chalice, Response

from infra.local.server import LocalServer


def test_concurrent_requests_each_see_their_own_request() -> None:
    app = Chalice(app_name="concurrency-probe")

    @app.route("/echo/{value}")
    def echo(value: str) -> dict[str, str]:
        seen_before = app.current_request.uri_params["value"]
        time.sleep(0.05)  # let the other threads' requests arrive meanwhile
        return {"path": value, "seen_before": seen_before, "seen_after": app.current_request.uri_params["value"]}

    server = LocalServer(("127.0.0.1", 0), app, {"api": "http://127.0.0.1/api"})
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{server.server_address[1]}/api/echo"
    try:
        with ThreadPoolExecutor(max_workers=8) as pool:
            answers = list(pool.map(lambda n: requests.get(f"{base}/{n}", timeout=10).json(), range(24)))
    finally:
        server.shutdown()
        server.server_close()
    assert all(answer["seen_before"] == answer["seen_after"] == answer["path"] for answer in answers), answers


def test_a_binary_answer_arrives_as_its_bytes() -> None:
    """Chalice hands a binary answer over base64-encoded, for API Gateway to decode; the
    local server decodes it too, so a PDF downloads as it does on AWS."""
    app = Chalice(app_name="binary-probe")
    app.api.binary_types.append("application/pdf")
    content = bytes(range(256)) * 4

    @app.route("/file")
    def file() -> Response:
        return Response(body=content, headers={"Content-Type": "application/pdf"})

    server = LocalServer(("127.0.0.1", 0), app, {"api": "http://127.0.0.1/api"})
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        reply = requests.get(
            f"http://127.0.0.1:{server.server_address[1]}/api/file", headers={"Accept": "application/pdf"}, timeout=10
        )
    finally:
        server.shutdown()
        server.server_close()
    assert reply.status_code == 200 and reply.headers["Content-Type"] == "application/pdf"
    assert reply.content == content
