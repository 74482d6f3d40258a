"""Applications, their audit events and the citizen's record: every read and write of them.

Each change of an application is one transaction (``change``/``create``): the
application, guarded by its version (optimistic locking), the next audit event, guarded
against a concurrent append, and whatever else the change writes (``also``).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from datetime import date
from typing import Any

from pynamodb.expressions.update import Action

from chalicelib.core.errors import Conflict, NotFound, TransientFailure
from chalicelib.store import keys
from chalicelib.store.models import Application, AuditEvent, Entity
from chalicelib.store.pages import OWNER_KEYS, Page, PageRequest, paged, paged_prefix
from chalicelib.store.reads import find
from chalicelib.store.writes import Cancelled, Write, commit, create

MAX_ID_LENGTH = 40


class ApplicationStore:
    # --- reads -----------------------------------------------------------------------
    def get(self, application_id: str, *, consistent: bool = False) -> Application:
        """The application, or ``NotFound`` (``unknown_application``) for any id that is not one."""
        found = self.find(application_id, consistent=consistent)
        if found is None:
            raise NotFound("no such application", code="unknown_application")
        return found

    def find(self, application_id: str, *, consistent: bool = False) -> Application | None:
        if not isinstance(application_id, str) or not 0 < len(application_id) <= MAX_ID_LENGTH:
            return None
        return find(Application, keys.application(application_id), keys.APPLICATION_SK, consistent=consistent)

    def audit(self, application_id: str) -> list[AuditEvent]:
        """The application's timeline, oldest first: one Query of its partition."""
        return list(
            AuditEvent.query(
                keys.application(application_id), AuditEvent.sk.startswith(keys.AUDIT_PREFIX), consistent_read=True
            )
        )

    def audit_page(self, application_id: str, page: PageRequest) -> Page[AuditEvent]:
        """One page of the application's timeline, oldest first: one Query of its partition."""
        return paged_prefix(AuditEvent, keys.application(application_id), keys.AUDIT_PREFIX, page, consistent=True)

    def record_of(self, holder: str) -> list[Entity]:
        """A citizen's whole record (profile, applications, credentials, subscriptions,
        delegations): one Query on the ``by_owner`` index."""
        return list(Entity.by_owner.query(keys.owner(holder)))

    def record_page(self, holder: str, page: PageRequest) -> Page[Entity]:
        """A page of a citizen's record: the profile first, then documents, delegations and
        applications, newest first within each kind: one Query on ``by_owner``.  The
        subscriptions, filed there too, are each application's (``SubscriptionStore``)."""
        partition = keys.owner(holder)
        return paged(
            lambda **more: Entity.by_owner.query(
                partition, Entity.gsi1sk <= keys.PROFILE_SK, scan_index_forward=False, **more
            ),
            page,
            {"gsi1pk": partition},
            OWNER_KEYS,
        )

    def awaiting_start_before(self, cutoff: str) -> Iterator[Application]:
        """Submitted applications whose execution had not started by ``cutoff``."""
        for shard in keys.all_shards(keys.STARTING):
            for item in Entity.by_queue.query(shard, Entity.gsi2sk < cutoff):
                if isinstance(item, Application):
                    yield item

    def due_for_purge(self, day: date) -> Iterator[Application]:
        """Ended applications whose documents' retention ends by ``day``."""
        for shard in keys.all_shards(keys.RETENTION):
            for item in Entity.by_queue.query(shard, Entity.gsi2sk < f"{day.isoformat()}~"):
                if isinstance(item, Application):
                    yield item

    # --- new items -------------------------------------------------------------------
    def new(self, application_id: str, owner: str, created_at: str, **fields: Any) -> Application:
        """An application not yet saved (``create`` saves it with its first event)."""
        return Application(
            keys.application(application_id),
            keys.APPLICATION_SK,
            **keys.by_owner(owner, keys.owner_order("APP", created_at, application_id)),
            id=application_id,
            owner=owner,
            created_at=created_at,
            updated_at=created_at,
            **fields,
        )

    def new_event(self, application_id: str, seq: int, **fields: Any) -> AuditEvent:
        return AuditEvent(
            keys.application(application_id), keys.audit_event(seq), application_id=application_id, seq=seq, **fields
        )

    # --- fields that file an application in an index -----------------------------------
    @staticmethod
    def awaiting_start(application_id: str, submitted_at: str) -> dict[str, Any]:
        """Fields that list a submission until its execution has started (repaired if not)."""
        return keys.by_queue(keys.starting(application_id), f"{submitted_at}#{application_id}")

    @staticmethod
    def filed_for_purge(application_id: str, purge_on: date) -> dict[str, Any]:
        """Fields that file an ended application under its documents' purge date."""
        return keys.by_queue(keys.retention(application_id), f"{purge_on.isoformat()}#{application_id}")

    @staticmethod
    def unfiled() -> dict[str, Any]:
        return {"gsi2pk": None, "gsi2sk": None}

    @staticmethod
    def is_filed_for_purge(application: Application) -> bool:
        """Still in a ``RETENTION`` partition (the index may lag: a draft just submitted is under ``STARTING``)."""
        return (application.gsi2pk or "").split("#")[0] == keys.RETENTION

    def refile(self, application: Application, plan: Mapping[str, str]) -> None:
        """What is left of ``application``'s retention ``plan`` (kind -> legal date): filed by
        its earliest date, or out of the index once nothing is left.  Bookkeeping only (the
        purges themselves are audited), so no event and no version check."""
        if plan:
            filed = self.filed_for_purge(application.id, date.fromisoformat(min(plan.values())))
            actions: list[Action] = [
                Application.purge_plan.set(dict(plan)),
                Application.gsi2pk.set(filed["gsi2pk"]),
                Application.gsi2sk.set(filed["gsi2sk"]),
            ]
        else:
            actions = [Application.purge_plan.remove(), Application.gsi2pk.remove(), Application.gsi2sk.remove()]
        application.update(actions=actions, add_version_condition=False)

    # --- writes ----------------------------------------------------------------------
    def started(self, application: Application) -> None:
        """The execution started: the submission leaves the list of those waiting to start."""
        application.update(
            actions=[Application.gsi2pk.remove(), Application.gsi2sk.remove()], add_version_condition=False
        )

    def await_evidence(self, application: Application, token: str) -> None:
        """The workflow waits for the citizen's approval of the evidence with this task token."""
        application.update(actions=[Application.evidence_token.set(token)], add_version_condition=False)

    def create(self, application: Application, event: AuditEvent, also: Sequence[Write] = ()) -> None:
        """Save a new application with its first audit event (and ``also``, e.g. the
        delegation it was filed under)."""
        writes = [Write(application, None, Application.pk.does_not_exist()), create(event), *also]
        # the application, its event and the first other write are the change itself
        self._commit(writes, guards=3)

    def change(
        self, application: Application, event: AuditEvent, fields: Mapping[str, Any], also: Sequence[Write] = ()
    ) -> None:
        """Append ``event`` and set ``fields`` (None removes one), with ``also`` in the same
        transaction.  ``Conflict``: ``concurrent_change`` when the application or its audit
        trail moved meanwhile, ``precondition_failed`` when a condition of ``also`` failed."""
        actions = [_action(name, value) for name, value in fields.items()]
        writes = [create(event), Write(application, tuple(actions), None, versioned=True), *also]
        self._commit(writes, guards=2)

    @staticmethod
    def _commit(writes: list[Write], guards: int) -> None:
        try:
            commit(writes)
        except Cancelled as cancelled:
            if cancelled.conflicted:  # another transaction was changing the same items
                raise Conflict(
                    "the application changed meanwhile; reload and retry", code="concurrent_change"
                ) from None
            failed = [index for index in range(len(writes)) if cancelled.failed(index)]
            if not failed:
                raise TransientFailure("the table did not accept the change; retry") from None
            if any(index < guards for index in failed):
                raise Conflict(
                    "the application changed meanwhile; reload and retry", code="concurrent_change"
                ) from None
            raise Conflict("a condition of this change no longer holds", code="precondition_failed") from None


def _action(name: str, value: Any) -> Action:
    attribute = getattr(Application, name)
    action: Action = attribute.remove() if value is None else attribute.set(value)
    return action
