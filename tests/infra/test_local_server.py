"""The local HTTP front door serves concurrent requests each with its own request object,
and a binary answer as its bytes."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import requests
from chalice import Chalice, Response

from infra import limits
from infra.local.server import Limiter, LocalServer


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


def test_the_check_of_documents_is_limited_per_client_address_as_the_waf_limits_it() -> None:
    """Over the verify rule's limit in one window a client gets 429 with the API's error
    shape and when to come back; another address (the first of ``X-Forwarded-For`` when
    the connection comes from this machine) and other routes go on."""
    app = Chalice(app_name="limits-probe")

    @app.route("/verify/{document_id}")
    def verify(document_id: str) -> dict[str, str]:
        return {"document_id": document_id}

    @app.route("/procedures")
    def procedures() -> dict[str, list[str]]:
        return {"procedures": []}

    start = 1_800_000_000.0  # the start of a window, and the clock stands still in it
    limiter = Limiter(clock=lambda: start + 10)
    server = LocalServer(("127.0.0.1", 0), app, {"api": "http://127.0.0.1/api"}, limiter=limiter)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{server.server_address[1]}/api"
    session = requests.Session()

    def get(path: str, address: str) -> requests.Response:
        return session.get(f"{base}{path}", headers={limits.FORWARDED_HEADER: f"{address}, 10.0.0.1"}, timeout=10)

    scraper, checker = limits.client_address(1), limits.client_address(2)
    try:
        answered = [get(f"/verify/doc-{n:06d}", scraper).status_code for n in range(limits.VERIFY.limit)]
        limited = get("/verify/doc-one-more", scraper)
        other_route = get("/procedures", scraper)
        other_client = get("/verify/doc-000001", checker)
    finally:
        server.shutdown()
        server.server_close()
    assert answered == [200] * limits.VERIFY.limit
    assert limited.status_code == 429
    assert limited.json()["error"]["code"] == "too_many_requests"
    assert limited.headers["Content-Type"] == "application/json"
    assert limited.headers["Retry-After"] == str(limits.WINDOW_SECONDS - 10)
    assert other_route.status_code == 200  # within the whole API's larger limit
    assert other_client.status_code == 200 and other_client.json() == {"document_id": "doc-000001"}


def test_the_whole_api_limit_counts_every_route_of_a_client() -> None:
    limiter = Limiter(clock=lambda: 1_800_000_000.0)
    client = limits.client_address(3)
    admitted = [limiter.admit(client, f"/procedures/p{n}") for n in range(limits.WHOLE_API.limit)]
    assert admitted == [0] * limits.WHOLE_API.limit
    assert limiter.admit(client, "/me") == limits.WINDOW_SECONDS
    assert limiter.admit(client, "/verify/doc-000001") > 0  # refused by the whole API's rule too
    assert limiter.admit(limits.client_address(4), "/me") == 0


def test_a_large_text_answer_travels_gzipped_to_whoever_accepts_it() -> None:
    """As API Gateway (minimum_compression_size) and CloudFront send it: over 1 KB, gzipped
    when the client accepts gzip, as it was otherwise; a small answer and a PDF as they are."""
    app = Chalice(app_name="gzip-probe")
    app.api.binary_types.append("application/pdf")

    def json_answer(text: str) -> Response:
        return Response(body={"text": text}, headers={"Content-Type": "application/json"})

    @app.route("/large")
    def large() -> Response:
        return json_answer("trámite " * 500)

    @app.route("/small")
    def small() -> Response:
        return json_answer("hola")

    server = LocalServer(("127.0.0.1", 0), app, {"api": "http://127.0.0.1/api"})
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        zipped = requests.get(f"{base}/api/large", headers={"Accept-Encoding": "gzip"}, timeout=10)
        plain = requests.get(f"{base}/api/large", headers={"Accept-Encoding": "identity"}, timeout=10)
        little = requests.get(f"{base}/api/small", headers={"Accept-Encoding": "gzip"}, timeout=10)
        page = requests.get(f"{base}/js/api.js", headers={"Accept-Encoding": "gzip"}, timeout=10)
    finally:
        server.shutdown()
        server.server_close()
    assert zipped.headers["Content-Encoding"] == "gzip" and zipped.json() == plain.json()
    assert int(zipped.headers["Content-Length"]) < int(plain.headers["Content-Length"]) / 10
    assert "Content-Encoding" not in plain.headers and "Content-Encoding" not in little.headers
    assert page.headers["Content-Encoding"] == "gzip" and "export" in page.text
