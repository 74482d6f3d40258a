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
from typing import Any

from chalicelib.adapters.ports import WorkflowEngine
from chalicelib.core.clock import iso, utcnow
from chalicelib.core.errors import Conflict, NotFound
from chalicelib.core.names import state_machine_name
from chalicelib.identity.principal import Principal
from chalicelib.procedures import jurisdictions
from chalicelib.procedures.compiler import compile_definition, render, substitute
from chalicelib.procedures.summaries import CatalogueIndex, Entry, Found, summary_of
from chalicelib.procedures.validator import ensure_valid
from chalicelib.store.catalogue import CatalogueStore, Write
from chalicelib.store.lifecycle import event
from chalicelib.store.models import ProcedureVersion

CODE = re.compile(r"[a-z][a-z0-9-]{2,40}")  # as procedure.schema.json's code
SEED = "seed"  # who publishes the procedures shipped in git (``make deploy``, ``make run``)


def digest_of(definition: Mapping[str, Any]) -> str:
    body = dict(definition)
    body.pop("version", None)
    return hashlib.sha256(json.dumps(body, sort_keys=True, separators=(",", ":")).encode()).hexdigest()


class Catalogue:
    def __init__(
        self, engine: WorkflowEngine, stage: str, substitutions: Mapping[str, str], store: CatalogueStore
    ) -> None:
        self._store = store
        self._engine = engine
        self._stage = stage
        self._substitutions = substitutions
        self._index: tuple[int, CatalogueIndex] | None = None

    def latest(self) -> list[ProcedureVersion]:
        """Every procedure's version in effect, with its definition: a read of the whole
        catalogue, for jobs and open data; the catalogue's routes read ``index``."""
        return self._store.latest()

    def index(self) -> CatalogueIndex:
        """Every procedure's summary, searchable: kept in memory for the life of the
        process and reloaded only when the catalogue's generation moved (one small read)."""
        generation = self._store.generation()
        held = self._index
        if held is not None and held[0] == generation:
            return held[1]
        index = CatalogueIndex(
            Entry(
                summary=item.summary,
                effective_from=item.effective_from,
                before=item.before,
                retired=item.retired_at is not None,
            )
            for item in self._store.entries()
        )
        self._index = (generation, index)
        return index

    def search(
        self,
        *,
        state: str | None = None,
        municipality: str | None = None,
        query: str = "",
        agency: str | None = None,
        topic: str | None = None,
        after: str | None = None,
        limit: int = 50,
    ) -> tuple[Found, dict[str, Any]]:
        """One page of the procedures a citizen of that place can file (the federal ones,
        the state's, and its municipalities', or for a municipality its own) that match the
        query, agency and topic; and the filters' choices for that place (``facets``)."""
        state, municipality = jurisdictions.place(state, municipality)
        index, now = self.index(), iso(utcnow())
        found = index.search(
            now,
            state=state,
            municipality=municipality,
            query=query,
            agency=agency,
            topic=topic,
            after=after,
            limit=limit,
        )
        return found, index.facets(now, state, municipality)

    def jurisdiction_of(self, agency: str) -> str | None:
        """The code of the state or municipality an agency answers to, as the procedures in
        effect say (None: federal, or an agency no procedure names)."""
        return self.index().jurisdiction_of(agency, iso(utcnow()))

    def agencies_of(self, jurisdiction: str) -> set[str]:
        """The agencies that answer to a state or a municipality, as the procedures in effect say."""
        return self.index().agencies_of(jurisdiction, iso(utcnow()))

    def agencies(self) -> set[str]:
        """Every agency some procedure in effect involves."""
        return self.index().agencies(iso(utcnow()))

    def backfill(self) -> list[str]:
        """Summarise the procedures published before the catalogue kept summaries (deploy)."""
        return self._store.backfill(summary_of)

    def get(self, code: str, version: int | None = None) -> ProcedureVersion:
        if not isinstance(code, str) or not CODE.fullmatch(code):
            # no such code can be published; and an unbounded one would overflow the table's sort key
            raise NotFound(
                f"there is no procedure {code[:60]!r}" if isinstance(code, str) else "there is no such procedure",
                code="unknown_procedure",
            )
        if version is not None:
            return self._store.version(code, version)
        latest = self._store.find_latest(code)
        if latest is None:
            raise NotFound(f"there is no procedure {code!r}", code="unknown_procedure")
        return latest

    def step(self, code: str, version: int, step_id: str) -> dict[str, Any]:
        """One step of a published version, wherever it sits (top level or a branch)."""
        found = find_step(self.get(code, version).definition["steps"], step_id)
        if found is None:
            raise NotFound(f"procedure {code} v{version} has no step {step_id!r}", code="unknown_step")
        return found

    def publish_as(self, principal: Principal, definition: dict[str, Any]) -> tuple[ProcedureVersion, bool]:
        """Publish for a person: a national administrator anything, a jurisdiction's
        publisher only a procedure that answers to that jurisdiction (``ensure_may_publish``)."""
        return self.publish(definition, principal.username, publisher=principal)

    def ensure_may_publish(
        self, principal: Principal, definition: Mapping[str, Any], newest: ProcedureVersion | None = None
    ) -> None:
        """A national administrator publishes anything; a jurisdiction's publisher only a
        procedure that answers to that jurisdiction, now and after: no taking over another's
        procedure (``newest``, its newest version), no handing one's own to another
        (``definition``, already valid)."""
        if principal.is_admin:
            return
        if newest is not None:
            jurisdictions.ensure_may_publish(newest.definition, principal.publisher_for)
        jurisdictions.ensure_may_publish(definition, principal.publisher_for)

    def publish(
        self,
        definition: dict[str, Any],
        published_by: str,
        *also: Write,
        effective_from: str | None = None,
        publisher: Principal | None = None,
    ) -> tuple[ProcedureVersion, bool]:
        """Publish a definition as the next version; returns (version, created).

        Publishing a definition identical to the newest version is a no-op, so seeding
        the shipped procedures at every start is safe.  With ``effective_from`` (an
        instant), the catalogue serves the version from then on; ``also`` adds writes to
        the publication's transaction; with ``publisher``, the person must be allowed to
        publish it (``ensure_may_publish``).
        """
        ensure_valid(definition)
        digest = digest_of(definition)
        current = self.newest(definition["code"])
        if publisher is not None:
            self.ensure_may_publish(publisher, definition, current)
        if current is not None and current.digest == digest:
            return current, False
        if current is not None:
            ensure_open(current)
        version = int(current.version) + 1 if current else 1
        definition = {**definition, "version": version}
        text = substitute(render(compile_definition(definition)), self._substitutions)
        arn = self._engine.ensure_state_machine(state_machine_name(self._stage, definition["code"], version), text)
        now = iso(utcnow())
        scheduled = effective_from if effective_from is not None and effective_from > now else None
        stored = self._store.publish(
            definition["code"],
            version,
            int(current.version) if current else None,
            *also,
            lambda write: write.save(event(definition["code"], "published", published_by, version=version)),
            definition=definition,
            digest=digest,
            state_machine_arn=arn,
            published_at=now,
            published_by=published_by,
            effective_from=scheduled,
            summary=summary_of(definition),
            before=summary_of(current.definition) if scheduled is not None and current is not None else None,
        )
        return stored, True

    def seed(self, definition: dict[str, Any]) -> tuple[ProcedureVersion, str | None]:
        """Publish a procedure shipped in git, unless its life is now the application's:
        returns the version in the catalogue, and why it was kept instead (None: published, or
        identical).

        The seed never undoes what people published (a draft approved, a ``PUT`` by a person),
        never revives a retired procedure, and never jumps a version waiting to take effect.
        """
        newest = self.newest(definition["code"])
        if newest is not None and newest.digest != digest_of(definition):
            if newest.retired_at is not None:
                return newest, f"retired on {newest.retired_at[:10]}"
            if newest.effective_from is not None and newest.effective_from > iso(utcnow()):
                return newest, f"version {int(newest.version)} takes effect on {newest.effective_from}"
            if newest.published_by != SEED:
                return newest, f"version {int(newest.version)} was published by {newest.published_by}, not from git"
        version, _ = self.publish(definition, SEED)
        return version, None

    def newest(self, code: str) -> ProcedureVersion | None:
        """The newest version published, whether in effect already or scheduled."""
        return self._store.find_newest(code) if isinstance(code, str) and CODE.fullmatch(code) else None


def ensure_open(newest: ProcedureVersion) -> None:
    """A new version may follow ``newest`` only if the procedure is not retired and no
    version waits to take effect (versions take effect in the order they were published)."""
    if newest.retired_at is not None:
        raise Conflict(
            f"{newest.code} was retired on {newest.retired_at[:10]}: it takes no new versions",
            code="procedure_retired",
        )
    if newest.effective_from is not None and newest.effective_from > iso(utcnow()):
        raise Conflict(
            f"version {int(newest.version)} of {newest.code} takes effect on {newest.effective_from}; "
            "publish the next one after that",
            code="publication_scheduled",
        )


def find_step(steps: Mapping[str, Any], step_id: str) -> dict[str, Any] | None:
    if step_id in steps:
        return dict(steps[step_id])
    for step in steps.values():
        for branch in step.get("branches", ()):
            found = find_step(branch["steps"], step_id)
            if found is not None:
                return found
    return None
