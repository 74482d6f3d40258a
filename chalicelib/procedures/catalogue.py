"""The catalogue: published procedure versions and their state machines.

Publishing validates the definition, compiles it, creates (or reuses, if identical) the
state machine ``ventanilla-<stage>-<code>-v<n>`` and stores the version; versions are
immutable, so an application keeps the version (and state machine) it started with
while the catalogue shows the latest.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping
from functools import lru_cache
from typing import Any

from pynamodb.exceptions import TransactWriteError

from chalicelib.adapters.ports import WorkflowEngine
from chalicelib.core.clock import iso, utcnow
from chalicelib.core.errors import Conflict, NotFound
from chalicelib.core.names import state_machine_name
from chalicelib.procedures.compiler import compile_definition, render, substitute
from chalicelib.procedures.validator import ensure_valid
from chalicelib.store import keys
from chalicelib.store.models import ProcedureVersion, transaction

CODE = re.compile(r"[a-z][a-z0-9-]{2,40}")  # as procedure.schema.json's code


def digest_of(definition: Mapping[str, Any]) -> str:
    body = dict(definition)
    body.pop("version", None)
    return hashlib.sha256(json.dumps(body, sort_keys=True, separators=(",", ":")).encode()).hexdigest()


class Catalogue:
    def __init__(self, engine: WorkflowEngine, stage: str, substitutions: Mapping[str, str]) -> None:
        self._engine = engine
        self._stage = stage
        self._substitutions = substitutions

    def latest(self) -> list[ProcedureVersion]:
        return list(ProcedureVersion.query(keys.CATALOG_PK))

    def get(self, code: str, version: int | None = None) -> ProcedureVersion:
        if not isinstance(code, str) or not CODE.fullmatch(code):
            # no such code can be published; and an unbounded one would overflow the table's sort key
            raise NotFound(
                f"there is no procedure {code[:60]!r}" if isinstance(code, str) else "there is no such procedure",
                code="unknown_procedure",
            )
        if version is not None:
            return _version(code, version)
        try:
            return ProcedureVersion.get(keys.CATALOG_PK, keys.procedure(code))
        except ProcedureVersion.DoesNotExist:
            raise NotFound(f"there is no procedure {code!r}", code="unknown_procedure") from None

    def step(self, code: str, version: int, step_id: str) -> dict[str, Any]:
        """One step of a published version, wherever it sits (top level or a branch)."""
        found = find_step(self.get(code, version).definition["steps"], step_id)
        if found is None:
            raise NotFound(f"procedure {code} v{version} has no step {step_id!r}", code="unknown_step")
        return found

    def publish(self, definition: dict[str, Any], published_by: str) -> tuple[ProcedureVersion, bool]:
        """Publish a definition as the next version; returns (version, created).

        Publishing a definition identical to the latest version is a no-op, so seeding
        the shipped procedures at every start is safe.
        """
        ensure_valid(definition)
        digest = digest_of(definition)
        try:
            current: ProcedureVersion | None = self.get(definition["code"])
        except NotFound:
            current = None
        if current is not None and current.digest == digest:
            return current, False
        version = current.version + 1 if current else 1
        definition = {**definition, "version": version}
        text = substitute(render(compile_definition(definition)), self._substitutions)
        arn = self._engine.ensure_state_machine(state_machine_name(self._stage, definition["code"], version), text)
        item = dict(
            code=definition["code"],
            version=version,
            definition=definition,
            digest=digest,
            state_machine_arn=arn,
            published_at=iso(utcnow()),
            published_by=published_by,
        )
        stored = ProcedureVersion(keys.procedure(definition["code"]), keys.procedure_version(version), **item)
        latest = ProcedureVersion(keys.CATALOG_PK, keys.procedure(definition["code"]), **item)
        try:
            with transaction() as write:
                write.save(stored, condition=ProcedureVersion.pk.does_not_exist())
                if current is None:
                    write.save(latest, condition=ProcedureVersion.pk.does_not_exist())
                else:
                    write.save(latest, condition=ProcedureVersion.version == current.version)
        except TransactWriteError as error:
            raise Conflict(
                f"{definition['code']} was published by someone else meanwhile; retry", code="concurrent_publish"
            ) from error
        return stored, True


def find_step(steps: Mapping[str, Any], step_id: str) -> dict[str, Any] | None:
    if step_id in steps:
        return dict(steps[step_id])
    for step in steps.values():
        for branch in step.get("branches", ()):
            found = find_step(branch["steps"], step_id)
            if found is not None:
                return found
    return None


@lru_cache(maxsize=256)
def _cached_version(code: str, version: int) -> ProcedureVersion:
    return ProcedureVersion.get(keys.procedure(code), keys.procedure_version(version))


def _version(code: str, version: int) -> ProcedureVersion:
    """A published version: immutable, so cached for the life of the process."""
    try:
        return _cached_version(code, version)
    except ProcedureVersion.DoesNotExist:
        raise NotFound(f"procedure {code!r} has no version {version}", code="unknown_version") from None


def clear_cache() -> None:
    _cached_version.cache_clear()
