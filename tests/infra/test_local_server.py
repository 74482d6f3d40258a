"""The local HTTP front door serves concurrent requests each with its own request object."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import requests
from chalice import Chalice

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
