"""An HTTP client for the running stack, driven only by /config.json (as the README says)."""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import boto3
import requests

from infra.local.demo import DEMO_PASSWORD


@dataclass
class Api:
    base_url: str
    session: requests.Session = field(default_factory=requests.Session)
    config: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.config = self.session.get(f"{self.base_url}/config.json", timeout=10).json()

    @property
    def api(self) -> str:
        return str(self.config["api"])

    def cognito(self) -> Any:
        aws = self.config["aws"]
        return boto3.client(
            "cognito-idp",
            region_name=aws["region"],
            endpoint_url=aws["endpoint"],
            aws_access_key_id="x",
            aws_secret_access_key="x",
        )

    def sign_in(self, username: str, password: str = DEMO_PASSWORD) -> User:
        result = self.cognito().initiate_auth(
            ClientId=self.config["cognito"]["clientId"],
            AuthFlow="USER_PASSWORD_AUTH",
            AuthParameters={"USERNAME": username, "PASSWORD": password},
        )
        return User(self, username, result["AuthenticationResult"]["IdToken"])

    def sign_up(self, username: str, phone: str, name: str = "Persona de Prueba", groups: tuple[str, ...] = ()) -> User:
        idp = self.cognito()
        pool = self.config["cognito"]["userPoolId"]
        idp.sign_up(
            ClientId=self.config["cognito"]["clientId"],
            Username=username,
            Password=DEMO_PASSWORD,
            UserAttributes=[{"Name": "phone_number", "Value": phone}, {"Name": "name", "Value": name}],
        )
        idp.admin_confirm_sign_up(UserPoolId=pool, Username=username)
        for group in groups:
            idp.admin_add_user_to_group(UserPoolId=pool, Username=username, GroupName=group)
        return self.sign_in(username)

    def anonymous(self) -> User:
        return User(self, "", None)

    def sms(self, phone: str | None = None) -> list[dict[str, Any]]:
        params = {"phone": phone} if phone else {}
        return list(self.session.get(f"{self.api}/sandbox/sms", params=params, timeout=10).json()["messages"])


@dataclass
class User:
    stack: Api
    username: str
    token: str | None

    def request(self, method: str, path: str, **kwargs: Any) -> requests.Response:
        headers = dict(kwargs.pop("headers", {}))
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        return self.stack.session.request(method, f"{self.stack.api}{path}", headers=headers, timeout=30, **kwargs)

    def get(self, path: str, **kwargs: Any) -> requests.Response:
        return self.request("GET", path, **kwargs)

    def post(self, path: str, body: Any = None, **kwargs: Any) -> requests.Response:
        return self.request("POST", path, json=body if body is not None else {}, **kwargs)

    def upload(
        self,
        application_id: str,
        requirement: str,
        content: bytes,
        filename: str = "documento.pdf",
        content_type: str = "application/pdf",
    ) -> requests.Response:
        declared = self.post(
            f"/applications/{application_id}/documents",
            {
                "requirement": requirement,
                "filename": filename,
                "content_type": content_type,
                "size": len(content),
                "sha256": hashlib.sha256(content).hexdigest(),
            },
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
