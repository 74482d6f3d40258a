"""Asking another registry: one signed request, one signed answer, one line in the log.

Every exchange is a compact JWS both ways (``core.jws``, ES256): Ventanilla signs the
request with its exchange key (KMS) and the registry signs its answer with its own
key, whose public half the deployment is configured with.  Signing the messages
themselves, not only the channel, is what lets either side prove later what was asked,
why and what came back (the X-Road model); TLS still protects the channel.

A request carries the purpose and legal basis the procedure definition gives, and who
asks for which application.  Timeouts, 5xx and unreadable answers are retried with
exponential backoff and jitter; when the registry stays down ``RegistryUnavailable``
is raised, and the caller decides the fallback (the workflow asks the citizen for the
document).  Every exchange that reached the wire is appended to the data-exchange log
with hashes of what was sent and returned, never the returned data itself.
"""

from __future__ import annotations

import hashlib
import random
import secrets
import time
from collections.abc import Callable, Mapping
from typing import Any, Literal, Protocol

from msgspec import Struct, field

from chalicelib.adapters.ports import Signer
from chalicelib.applications.audit import canonical_json
from chalicelib.core import jws
from chalicelib.core.clock import iso, utcnow
from chalicelib.core.errors import TransientFailure
from chalicelib.registries.catalogue import REGISTRIES, operation
from chalicelib.store.exchanges import ExchangeStore

PLATFORM = "ventanilla"
REQUEST_TYPE = "ventanilla-exchange+jwt"
ANSWER_TYPE = "registry-answer+jwt"
REQUEST_SECONDS = 300  # how long a signed request may be replayed to the registry
Outcome = Literal["found", "not_found", "registered", "unavailable", "refused", "invalid"]


class RegistryUnavailable(TransientFailure):
    """The registry could not answer (down, slow, refusing or answering unsigned): ask
    the person for the document instead.  Its class name is the error the state
    machines catch."""

    code = "registry_unavailable"


class Context(Struct, frozen=True, kw_only=True):
    """Why and for whom a registry is asked (what the log and the request carry)."""

    holder: str  # whose data: a CURP or a company's RFC
    purpose: Mapping[str, str]
    legal_basis: Mapping[str, str]
    agency: str
    agency_name: Mapping[str, str] | None = None
    requester: Mapping[str, Any]  # {"kind": "workflow"|"official"|"citizen", ...}
    application_id: str | None = None
    procedure: str | None = None
    exchange_id: str = field(default_factory=lambda: secrets.token_hex(12))


class Answer(Struct, frozen=True, kw_only=True):
    exchange_id: str
    registry: str
    operation: str
    status: Literal["found", "not_found", "registered"]
    result: Mapping[str, Any]
    at: str
    result_sha256: str


class Transport(Protocol):
    def post(self, url: str, body: str, timeout: float) -> tuple[int, str]:
        """POST ``body`` (a compact JWS); the status and text of the answer.  Raises
        ``OSError`` (timeouts included) when no answer came."""
        ...


def sha256(text: str | bytes) -> str:
    return hashlib.sha256(text.encode() if isinstance(text, str) else text).hexdigest()


class _Attempt(Exception):
    """One attempt that may be repeated (``retry``) or must not (a refusal, a forgery)."""

    def __init__(self, outcome: Outcome, message: str, *, retry: bool) -> None:
        super().__init__(message)
        self.outcome = outcome
        self.retry = retry


class Registries(Struct, frozen=True, kw_only=True):
    endpoints: Mapping[str, str]
    keys: Mapping[str, str]  # registry -> PEM public key its answers are signed with
    signer: Callable[[], Signer]  # the exchange key (built when first needed)
    log: ExchangeStore
    transport: Transport
    attempts: int = 3
    backoff_seconds: float = 0.25
    timeout_seconds: float = 3.0
    sleep: Callable[[float], None] = time.sleep

    def configured(self, registry: str) -> bool:
        return registry in self.endpoints and registry in self.keys

    def exchange(self, registry: str, name: str, query: Mapping[str, Any], context: Context) -> Answer:
        """Ask ``registry`` to do ``name`` with ``query``; the verified answer."""
        if operation(registry, name) is None:
            raise ValueError(f"{registry}/{name} is not a known registry operation")
        if not self.configured(registry):
            raise RegistryUnavailable(
                f"this deployment is not connected to the {REGISTRIES[registry].name['en']}",
                code="registry_not_configured",
            )
        now = utcnow()
        at = iso(now)
        request = jws.sign(
            {
                "iss": PLATFORM,
                "aud": registry,
                "jti": context.exchange_id,
                "iat": int(now.timestamp()),
                "exp": int(now.timestamp()) + REQUEST_SECONDS,
                "operation": name,
                "query": dict(query),
                "purpose": dict(context.purpose),
                "legal_basis": dict(context.legal_basis),
                "agency": context.agency,
                "requester": dict(context.requester),
                "application_id": context.application_id,
                "procedure": context.procedure,
            },
            self.signer(),
            REQUEST_TYPE,
        )
        entry = {
            "exchange_id": context.exchange_id,
            "at": at,
            "holder": context.holder,
            "registry": registry,
            "registry_name": REGISTRIES[registry].name,
            "operation": name,
            "purpose": dict(context.purpose),
            "legal_basis": dict(context.legal_basis),
            "agency": context.agency,
            "agency_name": dict(context.agency_name) if context.agency_name else None,
            "requester": dict(context.requester),
            "application_id": context.application_id,
            "procedure": context.procedure,
            "request_sha256": sha256(request),
        }
        url = f"{self.endpoints[registry].rstrip('/')}/{name}"
        failure: _Attempt | None = None
        for attempt in range(1, self.attempts + 1):
            try:
                token, claims = self._attempt(url, request, registry, context.exchange_id)
            except _Attempt as error:
                failure = error
                if not error.retry or attempt == self.attempts:
                    break
                self.sleep(random.uniform(0, self.backoff_seconds * 2 ** (attempt - 1)))
                continue
            result = claims.get("result") or {}
            answer = Answer(
                exchange_id=context.exchange_id,
                registry=registry,
                operation=name,
                status=claims["status"],
                result=result,
                at=at,
                result_sha256=sha256(canonical_json(result)),
            )
            self.log.append(
                context.holder,
                at,
                context.exchange_id,
                {
                    **entry,
                    "outcome": answer.status,
                    "attempts": attempt,
                    "response_sha256": sha256(token),
                    "result_sha256": answer.result_sha256,
                },
            )
            return answer
        assert failure is not None
        self.log.append(
            context.holder,
            at,
            context.exchange_id,
            {**entry, "outcome": failure.outcome, "attempts": attempt, "error": str(failure)},
        )
        raise RegistryUnavailable(
            f"the {REGISTRIES[registry].name['en']} did not answer after {attempt} attempt(s): {failure}"
        )

    def _attempt(self, url: str, request: str, registry: str, exchange_id: str) -> tuple[str, dict[str, Any]]:
        try:
            status, text = self.transport.post(url, request, self.timeout_seconds)
        except OSError as error:
            raise _Attempt("unavailable", f"no answer ({type(error).__name__})", retry=True) from None
        if status >= 500 or status == 429:
            raise _Attempt("unavailable", f"HTTP {status}", retry=True)
        if status != 200:
            raise _Attempt("refused", f"HTTP {status}: {text[:200]}", retry=False)
        try:
            header, claims = jws.verify(text, self.keys[registry])
        except (jws.InvalidJws, ValueError) as error:
            raise _Attempt("invalid", f"an answer that does not check: {error}", retry=False) from None
        if (
            header.get("typ") != ANSWER_TYPE
            or claims.get("iss") != registry
            or claims.get("aud") != PLATFORM
            or claims.get("in_reply_to") != exchange_id
            or claims.get("status") not in ("found", "not_found", "registered")
            or not isinstance(claims.get("result", {}), dict)
        ):
            raise _Attempt("invalid", "a signed answer to another question", retry=False)
        return text, claims
