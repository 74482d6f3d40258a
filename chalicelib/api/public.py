"""Public routes: credential verification (what a QR code opens), the bank webhook, the
OpenAPI description."""

from __future__ import annotations

import json
from functools import lru_cache
from importlib import resources
from typing import Annotated, Any

from chalice import Response
from msgspec import Meta, convert, to_builtins

from chalicelib.api import problems
from chalicelib.api.errors import error_body, field_error_body
from chalicelib.api.http import IDEMPOTENCY_HEADER, accepted, raw_body
from chalicelib.api.params import DOCUMENT_ID
from chalicelib.api.policy import EVERYONE, SIGNED_BY_BANK
from chalicelib.api.routes import (
    Answer,
    ApiBlueprint,
    Problem,
    answer,
    documented,
    parse,
    public_cache,
)
from chalicelib.api.views import credentials as credential_views
from chalicelib.api.views import payments as payment_views
from chalicelib.api.views import signatures as signature_views
from chalicelib.credentials import machine
from chalicelib.credentials.offline import KEYS_PATH
from chalicelib.payments import signature
from chalicelib.payments.requests import BankWebhook, decode
from chalicelib.wiring import container

public = ApiBlueprint(__name__, tag="verification")
bank = ApiBlueprint(__name__, tag="payments")  # the bank's webhook: public at the gate, signed instead

CACHED_AN_HOUR = public_cache(3600)
OpenApiDocument = Annotated[dict[str, Any], Meta(description="An OpenAPI 3.1 document.")]


@public.operation(
    "GET",
    "/verify/{document_id}",
    operation_id="verifyDocument",
    summary="Verify an issued document's KMS signature and validity (what its QR code opens)",
    description=(
        "Anyone may call it. The answer carries only what a checker needs (type, holder's initials, validity, "
        "issuing agency), never the holder's name or CURP. Each call is counted beside the document, and the first "
        "call of each hour (UTC) is recorded as an audit event on the application, carrying the running count. A "
        "browser that asks for `text/html` and not `application/json` (its `Accept` header) is "
        "redirected to the human verification page. A machine that asks for `application/jwt` gets the same verdict "
        "signed as a compact JWS (ES256, the platform's sealing key from `GET /.well-known/ventanilla-keys.json`; "
        "claims `iss`, `sub` = the document id, `iat`, `verification`), so another agency's system can accept the "
        "document as evidence without a person."
    ),
    roles=EVERYONE,
    note="public check; answers only what a checker needs",
    params=DOCUMENT_ID,
    answers=(
        Answer(
            200,
            "The verdict.",
            credential_views.DocumentVerification,
            alternatives={machine.MEDIA_TYPE: "The verdict as a compact JWS (ES256), for `Accept: application/jwt`."},
        ),
        Answer(
            302,
            "Redirect to the web page `<web>/#/verify/{document_id}` (empty body).",
            headers={"Location": "The human verification page."},
        ),
    ),
    problems=(problems.no_such("document"),),
)
def verify_document(document_id: str) -> Response:
    services = container()
    accept = accepted(public.current_request)
    if "text/html" in accept and "application/json" not in accept:
        # A phone camera opened the QR code: show the human page, which asks again as JSON.
        return Response(
            body="", status_code=302, headers={"Location": f"{services.public_web_url}/#/verify/{document_id}"}
        )
    verdict = credential_views.verification(services.credentials.verify(document_id))
    if machine.MEDIA_TYPE in accept:
        token = machine.signed_verdict(to_builtins(verdict), document_id, services.public_api_url, services.sealer)
        return Response(body=token, status_code=200, headers={"Content-Type": machine.MEDIA_TYPE})
    return answer(verdict)


@public.operation(
    "GET",
    KEYS_PATH,
    operation_id="getPlatformKeys",
    summary="The platform's public sealing keys (a JWK set): what checks a seal offline",
    description=(
        "The public half of every key the platform seals with (KMS, ECDSA on P-256), as JSON Web Keys for ES256, "
        "`kid` being the key id a seal and a QR code name. A seal is the DER-encoded ECDSA signature over the "
        "SHA-256 of the sealed text's UTF-8 bytes (docs/efirma.md, *Checking offline*). Anyone may read it, and "
        "keep it for an hour."
    ),
    roles=EVERYONE,
    note="public keys only",
    answers=Answer(200, "The keys.", signature_views.KeySet, headers=documented(CACHED_AN_HOUR)),
)
def platform_keys() -> Response:
    return answer(
        signature_views.KeySet(keys=convert(container().platform_keys, list[signature_views.PublicKey])),
        headers=CACHED_AN_HOUR,
    )


@bank.operation(
    "POST",
    "/payments/webhook",
    operation_id="confirmBankPayment",
    summary="Bank webhook: confirm that a línea de captura was paid (HMAC-signed)",
    description=(
        "Called by the bank, not by users: open at the authorisation gate and authenticated by `X-Bank-Signature` "
        "over the raw body, checked before the body is read. Marks the reference paid exactly once and resumes the "
        "application's workflow; a repeated notification (the same `event_id`) answers what the first one did, and "
        "another notification of a reference already paid answers `already_recorded`. The amount must equal the "
        "amount due."
    ),
    roles=SIGNED_BY_BANK,
    note="the bank: HMAC-SHA256 signature with timestamp (±5 min; older replays refused); once per event id",
    headers=(signature.HEADER, IDEMPOTENCY_HEADER),
    body=BankWebhook,
    parse_body=False,
    body_example={
        "event_id": "evt-2611-000123",
        "reference": "26112780244763066564",
        "amount": "1016.00",
        "currency": "MXN",
    },
    answers=Answer(
        200,
        "Recorded now, or already recorded by an earlier notification.",
        payment_views.BankWebhookResult,
        example={"status": "recorded", "reference": "26112780244763066564", "event_id": "evt-2611-000123"},
    ),
    problems=(
        Problem(
            401,
            "The signature is missing, malformed, outside the five-minute window, or does not match the body (or an "
            "Authorization header was sent with an invalid token).",
            ("signature_missing", "signature_invalid", "signature_expired", "not_authenticated"),
            error_body("signature_invalid", "the signature does not match the body"),
        ),
        problems.no_such("payment reference", "unknown_reference"),
        Problem(
            409,
            "The reference expired or was cancelled because its application was withdrawn (the bank must refuse the "
            "payment), the application kept changing, or the same `event_id` is still being processed or came with a "
            "different reference or amount.",
            (
                "reference_expired",
                "reference_cancelled",
                "concurrent_change",
                "request_in_progress",
                "idempotency_key_reused",
            ),
            error_body("reference_expired", "this payment reference has expired; the bank must refuse it"),
        ),
        Problem(
            422,
            "The body is not a JSON object, a field is missing or malformed, the currency is not MXN, or the amount "
            "differs from the amount due.",
            ("validation_failed", "invalid_reference", "unsupported_currency", "amount_mismatch"),
            field_error_body("amount_mismatch", "amount", "does not match the amount due for this reference (1016.00)"),
        ),
        problems.UNAVAILABLE,
    ),
)
def bank_webhook() -> Response:
    request = bank.current_request
    raw = raw_body(request)
    payments = container().payments
    payments.authenticate(raw, request.headers.get(signature.HEADER))  # before anything in the body is read
    notification = parse(BankWebhook, decode(raw), "body")
    return answer(payment_views.webhook_result(payments.confirm(notification)))


@lru_cache(maxsize=1)
def openapi() -> dict[str, object]:
    return dict(json.loads(resources.files("chalicelib.api").joinpath("openapi.json").read_text("utf-8")))


@public.operation(
    "GET",
    "/openapi.json",
    operation_id="getOpenApi",
    summary="Get this OpenAPI description",
    roles=EVERYONE,
    answers=Answer(200, "This document.", OpenApiDocument, headers=documented(CACHED_AN_HOUR)),
)
def openapi_document() -> Response:
    return answer(openapi(), headers=CACHED_AN_HOUR)
