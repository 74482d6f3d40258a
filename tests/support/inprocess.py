"""moto's recommended in-process setup for the component and workflow tiers.

Fake credentials first, ``mock_aws`` (with real ASL execution) started before any
client, then the local stack's own ``install`` (``infra/local/install.py``): the moto
patches, the resources of ``infra/aws/stack``, the sandbox routes and the shipped
procedures, exactly as ``make run`` installs them.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import boto3
import pytest
import requests
from chalice.test import Client
from moto import mock_aws

from chalicelib.identity import tokens
from chalicelib.identity.principal import Principal
from infra.local.stack import REGION, use_moto
from tests.support.client import wait_for
from tests.support.people import new_curp, new_phone, register

WEBHOOK_SECRET = "test-webhook-secret"


@dataclass
class Aws:
    env: dict[str, str]
    client: Client
    tokens: dict[str, str] = field(default_factory=dict)
    # the pollers of the table's stream (infra.local.streams.StreamPoller): running, and drained after each request
    streams: list[Any] = field(default_factory=list)

    def settle(self) -> None:
        """Deliver everything written so far to the stream's consumers (the SMS, the
        statistics): what follows a change is done once this returns.  On a thread of its
        own, as the consumers run apart from any request (their calls are none of its)."""
        for poller in self.streams:
            with ThreadPoolExecutor(1) as pool:
                pool.submit(poller.drain).result()

    @property
    def idp(self) -> Any:
        return boto3.client("cognito-idp", region_name=REGION)

    def user(
        self,
        username: str | None = None,
        phone: str | None = None,
        groups: tuple[str, ...] = (),
        name: str = "Persona de Prueba",
        accept_notice: bool = True,
    ) -> HttpUser:
        """A new account; a holder (a citizen or a company) also accepts the privacy notice in
        force, as the sign-up page has them do, unless ``accept_notice`` is False."""
        username = username or new_curp()
        phone = phone or new_phone()
        token = register(
            self.idp, self.env["USER_POOL_ID"], self.env["USER_POOL_CLIENT_ID"], username, phone, name, groups
        )
        user = HttpUser(self.client, username, token, phone, self.settle)
        if accept_notice and Principal(username, frozenset(groups)).holder:
            user.accept_privacy_notice()
        return user

    def official(self, username: str | None = None, agency: str = "SEMOVI") -> HttpUser:
        return self.user(username=username, groups=(f"official-{agency}",))

    def anonymous(self) -> HttpUser:
        return HttpUser(self.client, "", None, None, self.settle)

    def sms(self, phone: str) -> list[str]:
        from moto.core import DEFAULT_ACCOUNT_ID
        from moto.sns.models import sns_backends

        self.settle()
        # a copy first: the workflow's threads add messages while a test reads them
        sent = dict(sns_backends[DEFAULT_ACCOUNT_ID][REGION].sms_messages)
        return [text for number, text in sent.values() if number == phone]

    def wait_sms(self, phone: str, containing: str) -> str:
        """The first SMS to the phone containing the words, once sent (SMS go out from the
        table's stream after the change commits: a reader can see the new status first)."""
        found: str = wait_for(
            lambda: next((text for text in self.sms(phone) if containing in text), None),
            f"an SMS to {phone} with {containing!r}",
        )
        return found

    def texted_code(self, phone: str, *markers: str) -> str:
        """The six-digit code of the last SMS to the phone (of those with one of the markers)."""
        texts = [text for text in self.sms(phone) if not markers or any(marker in text for marker in markers)]
        assert texts, self.sms(phone)
        found = re.search(r"\b(\d{6})\b", texts[-1])
        assert found, texts[-1]
        return found.group(1)


@dataclass
class Reply:
    status_code: int
    body: Any
    headers: dict[str, str]

    def json(self) -> Any:
        return self.body


@dataclass
class HttpUser:
    client: Client
    username: str
    token: str | None
    phone: str | None
    settle: Callable[[], None] | None = None  # after each request: what follows the change is done

    def request(
        self, method: str, path: str, body: Any = None, headers: dict[str, str] | None = None, raw: bytes | None = None
    ) -> Reply:
        # the tests read the API's own English messages; the Spanish default has its tests (test_edge.py)
        sent = {"Content-Type": "application/json", "Accept-Language": "en", **(headers or {})}
        if self.token:
            sent["Authorization"] = f"Bearer {self.token}"
        payload = raw if raw is not None else (json.dumps(body).encode() if body is not None else b"")
        response = self.client.http.request(method, path, headers=sent, body=payload)
        if self.settle is not None:
            self.settle()
        if response.headers.get("Content-Type") == "application/pdf":  # a file: its bytes
            return Reply(response.status_code, response.body, dict(response.headers))
        text = response.body.decode() if response.body else ""
        return Reply(
            response.status_code, json.loads(text) if text.startswith(("{", "[")) else text, dict(response.headers)
        )

    def get(self, path: str, **kwargs: Any) -> Reply:
        return self.request("GET", path, **kwargs)

    def post(self, path: str, body: Any = None, **kwargs: Any) -> Reply:
        return self.request("POST", path, body if body is not None else {}, **kwargs)

    def patch(self, path: str, body: Any = None, **kwargs: Any) -> Reply:
        return self.request("PATCH", path, body, **kwargs)

    def put(self, path: str, body: Any = None, **kwargs: Any) -> Reply:
        return self.request("PUT", path, body, **kwargs)

    def accept_privacy_notice(self) -> None:
        """The notice's current version accepted, as the sign-up page and the notice's gate record it."""
        version = self.get("/privacy-notice").json()["version"]
        accepted = self.post("/me/privacy-notice", {"version": version})
        assert accepted.status_code == 200, accepted.body


@contextmanager
def embedded_aws(legal_day_seconds: str = "60", stream_consumers: Sequence[Any] = ()) -> Iterator[Aws]:
    """The embedded AWS, its table's stream polled for the app's ``table_events`` (and for
    each of ``stream_consumers``, ``infra.local.streams.EventSourceMapping``) as on AWS; each
    request of a test's user returns once what followed it was delivered (``Aws.settle``)."""
    use_moto(os.environ)
    # Messages go out at once whatever the hour the suite runs; the quiet-hours tests turn them on.
    os.environ["SMS_QUIET_HOURS"] = "off"
    # Every message a test asked for goes out on its own, however the stream batches it; the folding test turns it on.
    os.environ["SMS_FOLD_PROGRESS"] = "off"
    with mock_aws(config={"stepfunctions": {"execute_state_machine": True}}):
        import app as application
        from chalicelib import wiring as composition
        from chalicelib.core import clock
        from infra.local import efirma
        from infra.local.install import install
        from infra.local.server import per_thread_request

        installed = install(
            application.app,
            "test",
            REGION,
            public_url="http://testserver",
            webhook_secret=WEBHOOK_SECRET,
            legal_day_seconds=legal_day_seconds,
            efirma_directory=Path(tempfile.mkdtemp(prefix="ventanilla-efirma-")),
            stream_consumers=stream_consumers,
        )
        # Tests move the platform's clock (deadlines that pass, the quiet hours of SMS): the
        # authority's OCSP answers are dated on that clock too, or a signature made at a moved
        # time would be checked against an answer from another day and refused as out of date.
        efirma.current().authority.clock = clock.utcnow
        per_thread_request(application.app)  # the tests call the app from several threads at once
        with pytest.MonkeyPatch.context() as patch, Client(application.app) as client:
            # moto's mock answers the Cognito JWKS to requests (it patches them), not to the
            # standard library's client the app uses over a real network
            patch.setattr(tokens, "fetch_json", _fetch_through_the_mock)
            for poller in installed.streams:
                poller.start()
            try:
                yield Aws(env=installed.environment, client=client, streams=installed.streams)
            finally:
                for poller in installed.streams:
                    poller.stop()
        composition.reset()


def _fetch_through_the_mock(url: str) -> Any:
    response = requests.get(url, timeout=5)
    response.raise_for_status()
    return response.json()


@contextmanager
def changed_settings(**settings: str) -> Iterator[None]:
    """Run with these settings in the environment: the services, which read their settings
    when built, are built anew with them, and again as before once the block ends."""
    from chalicelib import wiring as composition

    try:
        with pytest.MonkeyPatch.context() as patch:
            for name, value in settings.items():
                patch.setenv(name, value)
            composition.reset()
            yield
    finally:
        composition.reset()
