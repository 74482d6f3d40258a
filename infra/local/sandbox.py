"""Local-stack-only routes: a sandbox bank, a window on the SMS the embedded SNS got,
an SMS reply (as the SMS topic would deliver it) and a run of the quiet-hours sender.

Registered by the local stack's ``install`` (``make run`` and the tests), never by ``app.py``: they do not
exist on AWS.
"""

from __future__ import annotations

import json
import uuid
from typing import Any

import requests
from chalice.app import Response

from chalicelib.api.http import ApiBlueprint, json_body, json_response
from chalicelib.core.errors import TransientFailure, ValidationFailed
from chalicelib.payments import signature
from chalicelib.wiring import container

# how long the sandbox bank waits for the webhook's answer: less than the 60 s its callers
# (the web page, the tests, the load test) wait for the bank, more than a webhook takes
# even when the one-process local stack is saturated by the 200-citizen load test
WEBHOOK_TIMEOUT_SECONDS = 50


def sandbox_blueprint() -> ApiBlueprint:
    """A fresh blueprint per app (Chalice consumes a blueprint's route options when it
    registers it, so one instance cannot be registered on two apps)."""
    sandbox = ApiBlueprint(__name__)

    @sandbox.route("/sandbox/bank/pay", methods=["POST"])
    def pay() -> Response:
        return sandbox_pay(sandbox)

    @sandbox.route("/sandbox/sms", methods=["GET"])
    def sms() -> Response:
        return sandbox_sms(sandbox)

    @sandbox.route("/sandbox/sms/inbound", methods=["POST"])
    def sms_inbound() -> Response:
        return sandbox_sms_inbound(sandbox)

    @sandbox.route("/sandbox/sms/send-queued", methods=["POST"])
    def sms_send_queued() -> Response:
        return json_response({"sent": container().notifier.send_due()})

    return sandbox


def sandbox_pay(sandbox: ApiBlueprint) -> Response:
    """Pay a línea de captura at the sandbox bank: it sends the signed webhook, as a bank would."""
    body = json_body(sandbox.current_request)
    reference = body.get("reference") if isinstance(body, dict) else None
    if not isinstance(reference, str):
        raise ValidationFailed.field("reference", "is required: the 20-digit línea de captura")
    services = container()
    payment = services.payments.get(reference)
    event = {
        "event_id": f"sandbox-{uuid.uuid4()}",
        "reference": reference,
        "amount": payment.amount,
        "currency": payment.currency,
    }
    raw = json.dumps(event).encode()
    headers = {"Content-Type": "application/json", signature.HEADER: signature.sign(services.webhook_secret, raw)}
    try:
        answer = requests.post(
            f"{services.public_api_url}/payments/webhook", data=raw, headers=headers, timeout=WEBHOOK_TIMEOUT_SECONDS
        )
    except requests.ReadTimeout:
        # delivered, unanswered: the webhook may still record it (once, whatever the event)
        message = (
            f"the payment webhook did not answer within {WEBHOOK_TIMEOUT_SECONDS} s; "
            "it may still be recorded: check the application before paying again"
        )
        raise TransientFailure(message, code="bank_webhook_timeout") from None
    except requests.RequestException as error:
        message = (
            f"the sandbox bank could not deliver the payment webhook ({type(error).__name__}); "
            "nothing was paid, pay again"
        )
        raise TransientFailure(message, code="bank_webhook_unreachable") from None
    return json_response(
        {"bank": "sandbox", "event": event, "webhook_status": answer.status_code, "webhook_response": answer.json()}
    )


def sandbox_sms(sandbox: ApiBlueprint) -> Response:
    """Every SMS the embedded SNS accepted, newest last; ``?phone=+52…`` filters."""
    from moto.core.models import DEFAULT_ACCOUNT_ID
    from moto.sns.models import sns_backends

    query = sandbox.current_request.query_params
    phone = query.get("phone") if query else None
    backend = sns_backends[DEFAULT_ACCOUNT_ID][container().settings.region]
    messages = [
        {"id": message_id, "phone": number, "text": text}
        for message_id, (number, text) in backend.sms_messages.items()
        if phone in (None, number)
    ]
    return json_response({"messages": messages})


def sandbox_sms_inbound(sandbox: ApiBlueprint) -> Response:
    """A phone replies ``{"from": "+52…", "text": "BAJA"}``: the same SNS event that two-way
    SMS delivers to the ``sms_inbound`` function on AWS, handed to the same domain code."""
    body = json_body(sandbox.current_request)
    if not isinstance(body, dict) or not isinstance(body.get("from"), str) or not isinstance(body.get("text"), str):
        raise ValidationFailed(
            "from and text are required: the replying phone (E.164) and what it wrote",
            details=[{"field": "from", "message": "required"}, {"field": "text", "message": "required"}],
        )
    reply = {
        "originationNumber": body["from"],
        "destinationNumber": "+10000000000",
        "messageKeyword": "KEYWORD_SANDBOX",
        "messageBody": body["text"],
        "inboundMessageId": f"sandbox-{uuid.uuid4()}",
        "previousPublishedMessageId": body.get("previous_message_id"),
    }
    event = {
        "Records": [
            {
                "EventSource": "aws:sns",
                "EventVersion": "1.0",
                "Sns": {"TopicArn": container().settings.sms_topic_arn, "Message": json.dumps(reply)},
            }
        ]
    }
    return json_response({"results": container().notifier.inbound_records(event)})


def register_sandbox(app: Any) -> None:
    if "/sandbox/sms" not in app.routes:
        app.register_blueprint(sandbox_blueprint())
