"""Public routes: credential verification (what a QR code opens), the bank webhook, the
OpenAPI description."""

from __future__ import annotations

import json
from functools import lru_cache
from importlib import resources

from chalice import Response

from chalicelib.api.http import MAX_BODY_BYTES, ApiBlueprint, json_response
from chalicelib.core.errors import PayloadTooLarge
from chalicelib.payments.signature import HEADER
from chalicelib.wiring import container

public = ApiBlueprint(__name__)


@public.route("/verify/{document_id}", methods=["GET"])
def verify_document(document_id: str) -> Response:
    services = container()
    accept = public.current_request.headers.get("accept", "")
    if "text/html" in accept and "application/json" not in accept:
        # A phone camera opened the QR code: show the human page, which asks again as JSON.
        return Response(
            body="", status_code=302, headers={"Location": f"{services.public_web_url}/#/verify/{document_id}"}
        )
    return json_response(services.credentials.verify(document_id))


@public.route("/payments/webhook", methods=["POST"])
def bank_webhook() -> Response:
    request = public.current_request
    raw = request.raw_body or b""
    if len(raw) > MAX_BODY_BYTES:
        raise PayloadTooLarge(f"the body is over {MAX_BODY_BYTES} bytes")
    return json_response(container().payments.confirm(raw, request.headers.get(HEADER)))


@lru_cache(maxsize=1)
def openapi() -> dict[str, object]:
    return dict(json.loads(resources.files("chalicelib.api").joinpath("openapi.json").read_text("utf-8")))


@public.route("/openapi.json", methods=["GET"])
def openapi_document() -> Response:
    return json_response(openapi(), headers={"Cache-Control": "public, max-age=3600"})
