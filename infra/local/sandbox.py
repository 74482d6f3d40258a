"""Local-stack-only routes: a sandbox bank, a window on the SMS the embedded SNS got,
an SMS reply (as the SMS topic would deliver it), a run of the quiet-hours sender, a call to
the telephone status line (its contact flow run by ``infra.local.voice``), a
sandbox certificate authority that issues and revokes e.firma, and the switches and
records of the sandbox registries (population, tax, social security, cadastre).

Registered by the local stack's ``install`` (``make run`` and the tests), never by ``app.py``: they do not
exist on AWS.
"""

from __future__ import annotations

import base64
import importlib
import json
import uuid
from typing import Annotated, Any, Literal

import msgspec
import requests
from chalice.app import Response
from msgspec import Meta, field

from chalicelib.api.errors import error_body
from chalicelib.api.policy import EVERYONE
from chalicelib.api.problems import invalid, no_such
from chalicelib.api.routes import Answer, ApiBlueprint, Problem, answer
from chalicelib.core.errors import NotFound, TransientFailure, ValidationFailed
from chalicelib.core.fields import UNSET, Money, Phone, Struct, UnsetType
from chalicelib.identity.curp import is_curp
from chalicelib.payments import signature
from chalicelib.wiring import container
from infra.local import efirma, registries, streams, voice
from infra.local.moto.lambda_adapter import LambdaContext

# how long the sandbox bank waits for the webhook's answer: less than the 60 s its callers
# (the web page, the tests, the load test) wait for the bank, more than a webhook takes
# even when the one-process local stack is saturated by the 200-citizen load test
WEBHOOK_TIMEOUT_SECONDS = 50
LOCAL_ONLY = "local stack only, never deployed"
INVALID_CURP = invalid(
    "The CURP is not one (shape, date, state or check digit).",
    ("invalid_curp",),
    error_body("invalid_curp", "curp: is not a valid CURP", [{"field": "curp", "message": "is not a valid CURP"}]),
)


# --- what the sandbox reads ---------------------------------------------------------------------
class BankPayment(Struct, kw_only=True):
    """What to pay at the sandbox bank."""

    reference: Annotated[
        str,
        Meta(
            description="The línea de captura to pay (20 digits); any other text is an unknown reference.",
            examples=["26112780244763066564"],
            extra={"code": "validation_failed", "message": "is required: the 20-digit línea de captura"},
        ),
    ]


class SmsReply(Struct, kw_only=True):
    """An SMS a phone sends back, as the SMS topic would deliver it."""

    from_: Annotated[
        str,
        Meta(
            description="The replying phone, E.164 (a reply from anything else is ignored, as on AWS).",
            examples=["+525512345678"],
            extra={"code": "validation_failed", "message": "is required: the replying phone (E.164)"},
        ),
    ] = field(name="from")
    text: Annotated[
        str,
        Meta(
            description="What the phone wrote.",
            examples=["BAJA"],
            extra={"code": "validation_failed", "message": "is required: what the phone wrote"},
        ),
    ]
    previous_message_id: Annotated[str | None, Meta(description="The SNS message id replied to, if known.")] = None


class SmsFilter(Struct, kw_only=True):
    phone: (
        Annotated[str, Meta(description="Only messages to this number (E.164).", examples=["+525512345678"])]
        | UnsetType
    ) = UNSET


class EfirmaRequest(Struct, kw_only=True):
    """Who the sandbox authority issues an e.firma for, and the password of its .key."""

    subject: Annotated[
        str,
        Meta(
            min_length=1,
            max_length=128,
            description=(
                "A CURP (a person: the certificate carries it) or a staff username (an official: the certificate "
                "carries a sandbox CURP made from the username)."
            ),
            examples=["GOMC800101MDFMRR00"],
            extra={"code": "validation_failed", "message": "is required: a CURP or a staff username"},
        ),
    ]
    password: Annotated[
        str,
        Meta(
            min_length=8,
            max_length=128,
            description="The password that will protect the .key (8 characters or more).",
            examples=["12345678a"],
            extra={"code": "validation_failed", "message": "is required: 8 characters or more"},
        ),
    ]


class EfirmaSerial(Struct, kw_only=True):
    serial: Annotated[
        str,
        Meta(
            pattern=r"^[0-9]{20}$",
            description="The certificate's 20-digit número de certificado.",
            examples=["30001000000500003416"],
            extra={"code": "validation_failed", "message": "is required: the 20-digit número de certificado"},
        ),
    ]


class OcspSwitch(Struct, kw_only=True):
    available: Annotated[bool, Meta(description="False: the responder drops every question (503) until switched on.")]


Registry = Literal["population", "tax", "social_security", "cadastre"]


class RegistrySwitch(Struct, kw_only=True):
    """How a sandbox registry behaves from now on."""

    registry: Annotated[Registry, Meta(description="Which sandbox registry.")]
    mode: Annotated[
        Literal["normal", "slow", "failing"],
        Meta(
            description=(
                "`normal`; `slow`: answers after `delay_seconds` (past the platform's timeout, it is retried and then "
                "given up); `failing`: answers 503 to everything."
            )
        ),
    ]
    delay_seconds: Annotated[float, Meta(ge=0, le=30, description="How long a slow registry takes.")] | UnsetType = (
        UNSET
    )


class RegistryPerson(Struct, kw_only=True):
    """A person the sandbox population registry will answer for."""

    curp: Annotated[
        str, Meta(pattern=r"^[A-Z][AEIOUX][A-Z]{2}[0-9]{6}[HM][A-Z]{5}[A-Z0-9][0-9]$", examples=["GOMC800101MDFMRR00"])
    ]
    given_names: Annotated[str, Meta(min_length=1, max_length=80, examples=["Carla"])]
    first_surname: Annotated[str, Meta(min_length=1, max_length=80, examples=["Gómez"])]
    second_surname: Annotated[str, Meta(max_length=80, examples=["Martínez"])] = ""
    deceased: bool = False


class RegistryProperty(Struct, kw_only=True):
    """A property the sandbox cadastre will answer for."""

    account: Annotated[str, Meta(pattern=r"^[0-9]{3}-[0-9]{3}-[0-9]{2}-[0-9]{3}-[0-9]$", examples=["012-345-67-890-1"])]
    owner_curp: Annotated[str, Meta(min_length=18, max_length=18, examples=["GOMC800101MDFMRR00"])]
    address: Annotated[str, Meta(min_length=1, max_length=200, examples=["Calle Reforma 120, Col. Centro"])]
    area_m2: Annotated[float, Meta(gt=0, le=1000000, examples=[240])]
    land_use: Annotated[str, Meta(min_length=1, max_length=40, examples=["habitacional"])]


class SandboxRegistry(Struct, kw_only=True):
    registry: str
    mode: str
    delay_seconds: float
    requests: Annotated[int, Meta(description="Signed requests it accepted so far.")]
    url: str


class SandboxRegistries(Struct, kw_only=True):
    registries: list[SandboxRegistry]


# --- what it answers ----------------------------------------------------------------------------
class SandboxBankEvent(Struct, kw_only=True):
    """The notification the sandbox bank signed and sent to `POST /payments/webhook`."""

    event_id: Annotated[str, Meta(description="`sandbox-<uuid>`: unique per payment attempt.")]
    reference: Annotated[str, Meta(description="The línea de captura paid.")]
    amount: Money
    currency: str


class SandboxPayment(Struct, kw_only=True):
    bank: Literal["sandbox"]
    event: SandboxBankEvent
    webhook_status: Annotated[int, Meta(description="HTTP status the webhook answered.")]
    webhook_response: Annotated[
        dict[str, Any],
        Meta(
            description=(
                "The webhook's JSON answer: its result (`status`: `recorded` or `already_recorded`, `reference`, "
                "`event_id`), or an `Error`."
            )
        ),
    ]


class SandboxSms(Struct, kw_only=True):
    id: Annotated[str, Meta(description="The SNS message id.")]
    phone: Phone
    text: str


class SandboxSmsList(Struct, kw_only=True):
    messages: Annotated[list[SandboxSms], Meta(description="Oldest first.")]


class SmsReplyResult(Struct, kw_only=True):
    action: Annotated[
        str,
        Meta(
            description=(
                "What the reply did: `opted_out`, `ignored`, `rate_limited`, or the event of the answer sent to a "
                "command (e.g. `status_reply`, `status_unknown`, `help`)."
            ),
            examples=["opted_out"],
        ),
    ]
    agency: Annotated[str, Meta(description="Opted out of this agency's messages, or `*` for all.")] | UnsetType = UNSET


class SmsReplyResults(Struct, kw_only=True):
    results: list[SmsReplyResult]


class DeliveredEvents(Struct, kw_only=True):
    delivered: Annotated[int, Meta(description="Stream records delivered (or set aside after their retries).")]


class QueuedSmsSent(Struct, kw_only=True):
    sent: Annotated[dict[str, int], Meta(description="How many due messages ended in each status.")]


class IssuedEfirma(Struct, kw_only=True):
    certificate: Annotated[str, Meta(description="The .cer: base64 of the DER X.509 certificate.")]
    key: Annotated[str, Meta(description="The .key: base64 of the DER PKCS#8 key, encrypted with the password.")]
    serial: Annotated[str, Meta(description="The 20-digit número de certificado.")]


class RevokedEfirma(Struct, kw_only=True):
    serial: str
    revoked_at: Annotated[str, Meta(description="When the authority revoked it (ISO-8601).")]


class OcspState(Struct, kw_only=True):
    available: bool
    url: Annotated[str, Meta(description="Where the responder listens (EFIRMA_OCSP_URL).")]


class VoiceCall(Struct, kw_only=True):
    """A telephone call to the status line: who calls and what they press."""

    caller: Annotated[
        str,
        Meta(
            pattern=r"^\+[1-9][0-9]{6,14}$",
            description="The calling number, E.164 (what Connect shows the flow as the caller).",
            examples=["+525512345678"],
            extra={"code": "validation_failed", "message": "is required: the calling number (E.164)"},
        ),
    ]
    keys: Annotated[
        list[Annotated[str, Meta(pattern=r"^[0-9*#]{1,20}$")]],
        Meta(
            max_length=10,
            description=(
                "One entry per question of the flow, in order: a menu choice (`1` my applications, `2` a folio, `3` a "
                "callback, `9` English) or the digits typed (a folio's 17). No entry left: the question times out."
            ),
            examples=[["1"], ["2", "03070898656683887"]],
            extra={"code": "validation_failed", "message": "is required: the keys pressed (digits, * or #)"},
        ),
    ]
    lang: (
        Annotated[Literal["es", "en"], Meta(description="`en`: the caller presses 9 (English) first.")] | UnsetType
    ) = UNSET


class VoiceCallAnswer(Struct, kw_only=True):
    prompts: Annotated[list[str], Meta(description="What the caller heard, in order, as text (SSML removed).")]
    ended: Annotated[bool, Meta(description="Whether the flow hung up (false: it stopped looping).")]


def sandbox_blueprint() -> ApiBlueprint:
    """A fresh blueprint per app (Chalice consumes a blueprint's route options when it
    registers it, so one instance cannot be registered on two apps).  Each call declares
    the same routes again, with the views below: their records (roles, document) do not
    change."""
    sandbox = ApiBlueprint(__name__, tag="sandbox", local_only=True)
    sandbox.operation(
        "POST",
        "/sandbox/bank/pay",
        operation_id="sandboxBankPay",
        summary="Sandbox bank: pay a línea de captura, which sends the signed webhook (local stack only)",
        description=(
            "Only on the local stack (registered by `infra/local/install.py`, never on AWS). Posts a correctly "
            "signed `POST /payments/webhook` for the reference's amount and reports the webhook's answer. If the "
            "webhook cannot be reached it answers 503 `bank_webhook_unreachable` (nothing paid; paying again "
            f"resends it); if the webhook does not answer within {WEBHOOK_TIMEOUT_SECONDS} s, 503 "
            "`bank_webhook_timeout` (it may still be recorded: check the application first; a payment is recorded "
            "once either way)."
        ),
        roles=EVERYONE,
        note=LOCAL_ONLY,
        body=BankPayment,
        body_example={"reference": "26112780244763066564"},
        answers=Answer(
            200,
            "The bank sent the webhook; its status and body are included (a webhook error is reported here, not "
            "raised).",
            SandboxPayment,
        ),
        problems=(
            no_such("payment reference", "unknown_reference", "There is no payment with this reference."),
            Problem(
                503,
                "The webhook could not be reached (nothing was paid), or did not answer in time (it may still be "
                "recorded).",
                ("bank_webhook_unreachable", "bank_webhook_timeout"),
                error_body(
                    "bank_webhook_unreachable",
                    "the sandbox bank could not deliver the payment webhook (ConnectionError); nothing was paid, pay "
                    "again",
                ),
            ),
        ),
    )(sandbox_pay)
    sandbox.operation(
        "GET",
        "/sandbox/sms",
        operation_id="listSandboxSms",
        summary="List every SMS the embedded SNS accepted, oldest first (local stack only)",
        roles=EVERYONE,
        note=LOCAL_ONLY,
        query=SmsFilter,
        answers=Answer(200, "The messages.", SandboxSmsList),
    )(sandbox_sms)
    sandbox.operation(
        "POST",
        "/sandbox/sms/inbound",
        operation_id="sandboxSmsReply",
        summary="A phone replies by SMS, e.g. BAJA (local stack only)",
        description=(
            "Only on the local stack. Wraps `{from, text}` in the SNS event that two-way SMS delivers to the "
            "`sms_inbound` function on AWS and hands it to the same code: STOP/BAJA/ALTO opt the phone out of the "
            "agency of the message it answers (the latest sent to it, or `previous_message_id`), STOP TODO out of "
            "everything."
        ),
        roles=EVERYONE,
        note=LOCAL_ONLY,
        body=SmsReply,
        body_example={"from": "+525512345678", "text": "BAJA"},
        answers=Answer(200, "What the reply did.", SmsReplyResults),
    )(sandbox_sms_inbound)
    sandbox.operation(
        "POST",
        "/sandbox/sms/send-queued",
        operation_id="sandboxSendQueuedSms",
        summary="Run the quiet-hours sender now (local stack only; a schedule runs it every 15 minutes on AWS)",
        roles=EVERYONE,
        note=LOCAL_ONLY,
        answers=Answer(200, "How many due messages ended in each status.", QueuedSmsSent),
    )(sandbox_send_queued)
    sandbox.operation(
        "POST",
        "/sandbox/voice/call",
        operation_id="sandboxVoiceCall",
        summary="Call the telephone status line: the contact flow run by a local interpreter (local stack only)",
        description=(
            "Only on the local stack. Runs `infra/connect/status-line.json` with `infra/local/voice.py`, an "
            "interpreter of exactly the blocks the flow uses: it feeds `keys` to the flow's questions, invokes the "
            "`voice_status`, `voice_folio` and `voice_callback` functions with the event Amazon Connect sends, and "
            "answers what the "
            "caller heard as text. Speech, barge-in, real time limits, SSML rendering and Connect's queues are not "
            "reproduced (docs/telephone.md)."
        ),
        roles=EVERYONE,
        note=LOCAL_ONLY,
        body=VoiceCall,
        body_example={"caller": "+525512345678", "keys": ["1"]},
        answers=Answer(200, "What the caller heard.", VoiceCallAnswer),
    )(sandbox_voice_call)
    sandbox.operation(
        "POST",
        "/sandbox/events/deliver",
        operation_id="sandboxDeliverEvents",
        summary="Deliver the table's stream now: what follows every change made so far is done when it answers",
        description=(
            "Only on the local stack. The stream's poller delivers batches every quarter second (and waits up to "
            "the mapping's batching window); this delivers everything written so far at once, with whatever the "
            "deliveries write, and answers how many records left the stream. Tests call it instead of waiting."
        ),
        roles=EVERYONE,
        note=LOCAL_ONLY,
        answers=Answer(200, "How many stream records were delivered.", DeliveredEvents),
    )(sandbox_deliver_events)
    sandbox.operation(
        "POST",
        "/sandbox/efirma/certificates",
        operation_id="sandboxIssueEfirma",
        summary="Sandbox certificate authority: issue an e.firma (.cer and password-protected .key; local stack only)",
        description=(
            "Only on the local stack. Issues an RSA 2048 certificate shaped like the SAT's e.firma (CURP in "
            "`serialNumber`, RFC in `x500UniqueIdentifier`, valid four years) and its key as DER PKCS#8 encrypted "
            "with the password (PBES2: PBKDF2 and AES-256). The authority's certificate is the local stack's "
            "`EFIRMA_CA_BUNDLE`; its OCSP responder answers at `EFIRMA_OCSP_URL`."
        ),
        roles=EVERYONE,
        note=LOCAL_ONLY,
        body=EfirmaRequest,
        body_example={"subject": "GOMC800101MDFMRR00", "password": "12345678a"},
        answers=Answer(201, "The two files, base64, and the número de certificado.", IssuedEfirma),
    )(sandbox_issue_efirma)
    sandbox.operation(
        "POST",
        "/sandbox/efirma/revoke",
        operation_id="sandboxRevokeEfirma",
        summary="Sandbox certificate authority: revoke a certificate it issued (local stack only)",
        description="Only on the local stack. From now on its OCSP responder answers `revoked` for the serial.",
        roles=EVERYONE,
        note=LOCAL_ONLY,
        body=EfirmaSerial,
        body_example={"serial": "30001000000500003416"},
        answers=Answer(200, "Revoked (revoking again answers the first time).", RevokedEfirma),
        problems=(no_such("certificate", "unknown_certificate", "The authority issued no such serial."),),
    )(sandbox_revoke_efirma)
    sandbox.operation(
        "POST",
        "/sandbox/efirma/ocsp",
        operation_id="sandboxSwitchOcsp",
        summary="Switch the sandbox OCSP responder off or on, to see what an unreachable SAT responder does",
        roles=EVERYONE,
        note=LOCAL_ONLY,
        body=OcspSwitch,
        body_example={"available": False},
        answers=Answer(200, "The responder's state.", OcspState),
    )(sandbox_switch_ocsp)
    sandbox.operation(
        "GET",
        "/sandbox/registries",
        operation_id="sandboxRegistries",
        summary="The sandbox registries: how each behaves and how many signed requests it accepted (local stack only)",
        roles=EVERYONE,
        note=LOCAL_ONLY,
        answers=Answer(200, "Each registry's state.", SandboxRegistries),
    )(sandbox_registries)
    sandbox.operation(
        "POST",
        "/sandbox/registries/mode",
        operation_id="sandboxSwitchRegistry",
        summary="Make a sandbox registry slow, failing or normal, to see the retries and the fallback to an upload",
        roles=EVERYONE,
        note=LOCAL_ONLY,
        body=RegistrySwitch,
        body_example={"registry": "cadastre", "mode": "failing"},
        answers=Answer(200, "Each registry's state.", SandboxRegistries),
    )(sandbox_switch_registry)
    sandbox.operation(
        "POST",
        "/sandbox/registries/people",
        operation_id="sandboxRegisterPerson",
        summary="Add (or replace) a person in the sandbox population registry (local stack only)",
        roles=EVERYONE,
        note=LOCAL_ONLY,
        body=RegistryPerson,
        body_example={"curp": "GOMC800101MDFMRR00", "given_names": "Carla", "first_surname": "Gómez"},
        answers=Answer(201, "The record the registry will answer with.", dict[str, Any]),
        problems=(INVALID_CURP,),
    )(sandbox_register_person)
    sandbox.operation(
        "POST",
        "/sandbox/registries/properties",
        operation_id="sandboxRegisterProperty",
        summary="Add (or replace) a property in the sandbox cadastre (local stack only)",
        roles=EVERYONE,
        note=LOCAL_ONLY,
        body=RegistryProperty,
        body_example={
            "account": "012-345-67-890-1",
            "owner_curp": "GOMC800101MDFMRR00",
            "address": "Calle Reforma 120, Col. Centro",
            "area_m2": 240,
            "land_use": "habitacional",
        },
        answers=Answer(201, "The record the cadastre will answer with.", dict[str, Any]),
        problems=(INVALID_CURP,),
    )(sandbox_register_property)
    return sandbox


def sandbox_issue_efirma(body: EfirmaRequest) -> Response:
    issued = efirma.current().authority.issue(body.subject, body.password)
    return answer(
        IssuedEfirma(
            certificate=base64.b64encode(issued.certificate).decode(),
            key=base64.b64encode(issued.key).decode(),
            serial=issued.serial,
        ),
        status=201,
    )


def sandbox_revoke_efirma(body: EfirmaSerial) -> Response:
    revoked_at = efirma.current().authority.revoke(body.serial)
    if revoked_at is None:
        raise NotFound("the sandbox authority issued no certificate with this serial", code="unknown_certificate")
    return answer(RevokedEfirma(serial=body.serial, revoked_at=revoked_at))


def sandbox_switch_ocsp(body: OcspSwitch) -> Response:
    responder = efirma.current().responder
    responder.available = body.available
    return answer(OcspState(available=responder.available, url=responder.url))


def _registries_state() -> SandboxRegistries:
    running = registries.current()
    return SandboxRegistries(
        registries=[
            SandboxRegistry(
                registry=name,
                mode=registry.mode.mode,
                delay_seconds=registry.mode.delay_seconds,
                requests=len(registry.received),
                url=f"{running.url}/{name}",
            )
            for name, registry in running.registries.items()
        ]
    )


def sandbox_registries() -> Response:
    return answer(_registries_state())


def sandbox_switch_registry(body: RegistrySwitch) -> Response:
    delay = None if isinstance(body.delay_seconds, UnsetType) else body.delay_seconds
    registries.current().set_mode(body.registry, body.mode, delay)
    return answer(_registries_state())


def _curp(value: str, field_name: str) -> str:
    if not is_curp(value):
        raise ValidationFailed.field(field_name, "is not a valid CURP", code="invalid_curp")
    return value


def sandbox_register_person(body: RegistryPerson) -> Response:
    person = registries.current().records.add_person(
        _curp(body.curp, "curp"), body.given_names, body.first_surname, body.second_surname, body.deceased
    )
    return answer(person, status=201)


def sandbox_register_property(body: RegistryProperty) -> Response:
    record = registries.current().records.add_property(
        body.account, _curp(body.owner_curp, "owner_curp"), body.address, body.area_m2, body.land_use
    )
    return answer(record, status=201)


def sandbox_pay(body: BankPayment) -> Response:
    """Pay a línea de captura at the sandbox bank: it sends the signed webhook, as a bank would."""
    reference = body.reference
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
        delivered = requests.post(
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
    return answer(
        SandboxPayment(
            bank="sandbox",
            event=SandboxBankEvent(**event),
            webhook_status=delivered.status_code,
            webhook_response=delivered.json(),
        )
    )


def sandbox_sms(query: SmsFilter) -> Response:
    """Every SMS the embedded SNS accepted, newest last; ``?phone=+52…`` filters."""
    from moto.core.models import DEFAULT_ACCOUNT_ID
    from moto.sns.models import sns_backends

    # a copy first: the workflows' threads add messages while this reads them
    sent = dict(sns_backends[DEFAULT_ACCOUNT_ID][container().settings.region].sms_messages)
    messages = [
        SandboxSms(id=message_id, phone=number, text=text)
        for message_id, (number, text) in sent.items()
        if query.phone in (UNSET, number)
    ]
    return answer(SandboxSmsList(messages=messages))


def sandbox_sms_inbound(body: SmsReply) -> Response:
    """A phone replies ``{"from": "+52…", "text": "BAJA"}``: the same SNS event that two-way
    SMS delivers to the ``sms_inbound`` function on AWS, handed to the same domain code."""
    reply = {
        "originationNumber": body.from_,
        "destinationNumber": "+10000000000",
        "messageKeyword": "KEYWORD_SANDBOX",
        "messageBody": body.text,
        "inboundMessageId": f"sandbox-{uuid.uuid4()}",
        "previousPublishedMessageId": body.previous_message_id,
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
    results = msgspec.convert(container().notifier.inbound_records(event), list[SmsReplyResult])
    return answer(SmsReplyResults(results=results))


def sandbox_deliver_events() -> Response:
    """Every record of the table's stream so far, to its consumers, now."""
    return answer(DeliveredEvents(delivered=streams.deliver_all()))


def sandbox_send_queued() -> Response:
    """What the quiet-hours sender's schedule runs on AWS, now."""
    return answer(QueuedSmsSent(sent=container().notifier.send_due()))


def sandbox_voice_call(body: VoiceCall) -> Response:
    """A call to the status line, run by the local interpreter against app.py's functions."""
    keys = ["9", *body.keys] if body.lang == "en" else body.keys
    heard = voice.call(body.caller, keys, _invoke_function)
    return answer(VoiceCallAnswer(prompts=heard.prompts, ended=heard.ended))


def _invoke_function(name: str, event: dict[str, Any]) -> Any:
    """app.py's function ``name``, called as Lambda calls it (an error raises: Connect's error branch)."""
    handler = getattr(importlib.import_module("app"), name)
    arn = f"arn:aws:lambda:{container().settings.region}:123456789012:function:{name}"
    return handler(event, LambdaContext(name, 256, arn, 8))


def register_sandbox(app: Any) -> None:
    if "/sandbox/sms" not in app.routes:
        app.register_blueprint(sandbox_blueprint())


# Importing this module declares the sandbox's routes (the gate's rules, the OpenAPI document
# and the matrix read the records), as importing a blueprint module does, registered or not.
sandbox_blueprint()
