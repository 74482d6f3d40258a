"""An HTTP client for the running stack, driven only by /config.json (as the README says)."""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import boto3
import requests

from chalicelib.identity.principal import Principal
from infra import limits
from infra.local.demo import DEMO_PASSWORD
from tests.support import efirma
from tests.support.people import register, sign_in


def declaration(
    requirement: str, content: bytes, filename: str = "documento.pdf", content_type: str = "application/pdf"
) -> dict[str, Any]:
    """The body of ``POST /applications/{id}/documents`` that declares ``content``."""
    return {
        "requirement": requirement,
        "filename": filename,
        "content_type": content_type,
        "size": len(content),
        "sha256": hashlib.sha256(content).hexdigest(),
    }


@dataclass
class Api:
    base_url: str
    session: requests.Session = field(default_factory=requests.Session)
    config: dict[str, Any] = field(default_factory=dict)
    issued: dict[str, efirma.Files] = field(default_factory=dict)  # e.firma files by subject

    def __post_init__(self) -> None:
        self.config = self.session.get(f"{self.base_url}/config.json", timeout=10).json()

    @property
    def api(self) -> str:
        return str(self.config["api"])

    def aws(self, service: str) -> Any:
        """A client of the stack's embedded AWS, at the endpoint ``/config.json`` publishes."""
        aws = self.config["aws"]
        return boto3.client(
            service,
            region_name=aws["region"],
            endpoint_url=aws["endpoint"],
            aws_access_key_id="x",
            aws_secret_access_key="x",
        )

    def sign_in(self, username: str, password: str = DEMO_PASSWORD) -> User:
        token = sign_in(self.aws("cognito-idp"), self.config["cognito"]["clientId"], username, password)
        return User(self, username, token)

    def sign_up(
        self,
        username: str,
        phone: str,
        name: str = "Persona de Prueba",
        groups: tuple[str, ...] = (),
        accept_notice: bool = True,
    ) -> User:
        """A new account; a holder (a citizen or a company) also accepts the privacy notice in
        force, as the sign-up page has them do, unless ``accept_notice`` is False."""
        cognito = self.config["cognito"]
        token = register(
            self.aws("cognito-idp"), cognito["userPoolId"], cognito["clientId"], username, phone, name, groups
        )
        user = User(self, username, token)
        if accept_notice and Principal(username, frozenset(groups)).holder:
            user.accept_privacy_notice()
        return user

    def anonymous(self) -> User:
        return User(self, "", None)

    def settle(self) -> None:
        """What followed the changes made so far (their SMS, the statistics) is done once
        this returns: the stack delivers its table's stream at once."""
        delivered = self.session.post(f"{self.api}/sandbox/events/deliver", timeout=60)
        assert delivered.status_code == 200, delivered.text

    def sms(self, phone: str | None = None) -> list[dict[str, Any]]:
        self.settle()
        params = {"phone": phone} if phone else {}
        return list(self.session.get(f"{self.api}/sandbox/sms", params=params, timeout=10).json()["messages"])

    def efirma_files(self, subject: str) -> efirma.Files:
        """``subject``'s e.firma from the stack's sandbox authority, issued once per subject."""
        if subject not in self.issued:
            self.issued[subject] = efirma.files_over_http(
                lambda path, body: self.anonymous().post(path, body).json(), subject
            )
        return self.issued[subject]


@dataclass
class User:
    stack: Api
    username: str
    token: str | None
    # each person calls from an address of their own, as people do: the stack's per-address
    # limits (infra/limits.py) then see people, not one client sending everyone's requests
    address: str = field(default_factory=limits.simulated_client)

    def request(self, method: str, path: str, **kwargs: Any) -> requests.Response:
        # the tests read the API's own English messages; the Spanish default has its tests (test_edge.py)
        headers = {limits.FORWARDED_HEADER: self.address, "Accept-Language": "en", **kwargs.pop("headers", {})}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        reply = self.stack.session.request(method, f"{self.stack.api}{path}", headers=headers, timeout=30, **kwargs)
        self.stack.settle()
        return reply

    def get(self, path: str, **kwargs: Any) -> requests.Response:
        return self.request("GET", path, **kwargs)

    def post(self, path: str, body: Any = None, **kwargs: Any) -> requests.Response:
        return self.request("POST", path, json=body if body is not None else {}, **kwargs)

    def put(self, path: str, body: Any = None, **kwargs: Any) -> requests.Response:
        return self.request("PUT", path, json=body if body is not None else {}, **kwargs)

    def accept_privacy_notice(self) -> None:
        """The notice's current version accepted, as the sign-up page and the notice's gate record it."""
        version = self.stack.anonymous().get("/privacy-notice").json()["version"]
        accepted = self.post("/me/privacy-notice", {"version": version})
        assert accepted.status_code == 200, accepted.text

    def decide(self, review_id: str, decision: str, reason: str, **more: Any) -> requests.Response:
        """This official's decision on a review, as the review page sends it: the decision's
        cadena original prepared and, when the step requires it, signed with the official's
        e.firma (files from the stack's sandbox authority). ``more`` goes into the body as is."""
        asked = {"decision": decision, "reason": reason}
        prepared = self.post(f"/reviews/{review_id}/cadena-original", asked)
        assert prepared.status_code == 200, prepared.text
        signed = efirma.filing(prepared.json(), lambda: self.stack.efirma_files(self.username))
        return self.post(f"/reviews/{review_id}/decision", {**asked, **signed, **more})

    def upload(
        self,
        application_id: str,
        requirement: str,
        content: bytes,
        filename: str = "documento.pdf",
        content_type: str = "application/pdf",
    ) -> requests.Response:
        declared = self.post(
            f"/applications/{application_id}/documents", declaration(requirement, content, filename, content_type)
        )
        assert declared.status_code == 201, declared.text
        upload = declared.json()["upload"]
        stored = requests.put(upload["url"], data=content, headers=upload["headers"], timeout=30)
        assert stored.status_code == 200, stored.text
        return declared


def wait_for(probe: Callable[[], Any], what: str, timeout: float = 60.0, interval: float = 0.2) -> Any:
    """Poll until probe() returns something truthy (not a timed assertion: a deadline to give up)."""
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        last = probe()
        if last:
            return last
        time.sleep(interval)
    raise AssertionError(f"gave up waiting for {what}; last saw {last!r}")


def wait_for_status(user: User, application_id: str, *statuses: str, timeout: float = 60.0) -> dict[str, Any]:
    def probe() -> dict[str, Any] | None:
        body = user.get(f"/applications/{application_id}").json()
        return body if body.get("status") in statuses else None

    result: dict[str, Any] = wait_for(probe, f"application {application_id} to be {' or '.join(statuses)}", timeout)
    return result
