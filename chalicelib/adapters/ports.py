"""Ports: what the domain needs from the outside world, as small protocols.

The boto3 adapters in ``chalicelib.adapters.aws`` implement them against AWS (or the
embedded moto server, which speaks the same APIs).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Protocol

from msgspec import Struct


class TaskGone(Exception):
    """The workflow no longer waits on this task (timed out, finished or unknown token)."""


class DeliveryFailed(Exception):
    """A message could not be handed to the carrier."""


class WorkflowEngine(Protocol):
    def start(self, state_machine_arn: str, name: str, payload: dict[str, Any]) -> str: ...

    def resume(self, token: str, output: dict[str, Any]) -> None: ...

    def ensure_state_machine(self, name: str, definition: str) -> str: ...

    def status(self, execution_arn: str) -> str: ...

    def execution_arn(self, state_machine_arn: str, name: str) -> str: ...

    def failed_executions(self, name_prefix: str) -> list[tuple[str, str]]: ...

    def stop(self, execution_arn: str, cause: str) -> None:
        """Abort a running execution (its waits and timers with it); a finished or unknown
        one is left as it is."""
        ...


def resume_quietly(engine: WorkflowEngine, token: str, output: dict[str, Any]) -> bool:
    """Resume a wait another actor may already have resumed; False if it was (a no-op)."""
    try:
        engine.resume(token, output)
    except TaskGone:
        return False
    return True


class SmsSender(Protocol):
    def send(self, phone: str, text: str) -> str: ...


class Signer(Protocol):
    key_id: str
    algorithm: str

    def sign(self, message: bytes) -> bytes: ...

    def verify(self, message: bytes, signature: bytes) -> bool: ...


class StoredObject(Struct, frozen=True):
    """One version of an uploaded file as the store holds it.  ``scan``: the verdict of the
    store's malware scan when one ran (GuardDuty's ``GuardDutyMalwareScanStatus`` tag)."""

    size: int
    content_type: str
    sha256_hex: str
    version_id: str = ""
    scan: str = ""


class DocumentStore(Protocol):
    def upload_url(
        self, key: str, content_type: str, size: int, sha256_hex: str, expires_seconds: int
    ) -> dict[str, Any]: ...

    def describe(self, key: str) -> StoredObject | None: ...

    def read(self, key: str, version_id: str, length: int | None = None) -> bytes:
        """That version's bytes: the first ``length`` of them, or all."""
        ...

    def download_url(self, key: str, filename: str, expires_seconds: int, version_id: str = "") -> str: ...

    def purge(self, key: str) -> None: ...


class Directory(Protocol):
    """The sign-in directory (Cognito's user pool): who has an account, and the changes an
    e.firma sign-up or takeover makes to one."""

    def user_attributes(self, username: str) -> dict[str, str]: ...

    def phones_in_group(self, group: str) -> list[str]: ...

    def create_user(self, username: str, password: str, attributes: Mapping[str, str]) -> bool: ...

    def set_password(self, username: str, password: str) -> None: ...

    def update_attributes(self, username: str, attributes: Mapping[str, str]) -> None: ...

    def sign_out_everywhere(self, username: str) -> None: ...
