"""Retention of uploaded documents: each procedure says how many days after an
application ends its documents are kept (``retention_days``, default 365); then a daily
job deletes every stored version and leaves an audit event.

When an application reaches a final status it is filed under ``gsi2pk = RETENTION#<n>`` with
its purge date, so the job reads only what is due (a Query per shard, no Scan).  The audit keeps
what was purged (requirement, file name, size, SHA-256), never the content.
"""

from __future__ import annotations

from datetime import date

from chalicelib.adapters.ports import DocumentStore
from chalicelib.applications.transitions import DEFAULT_RETENTION_DAYS, Change, Transitions
from chalicelib.core.clock import iso, utcnow
from chalicelib.legal.calendar import legal_date
from chalicelib.store.applications import ApplicationStore
from chalicelib.store.models import Application

RETENTION_ACTOR = {"kind": "system", "id": "retention"}


class Retention:
    def __init__(self, documents: DocumentStore, transitions: Transitions, store: ApplicationStore) -> None:
        self._store = store
        self._documents = documents
        self._transitions = transitions

    def apply(self, today: date | None = None) -> list[str]:
        """Purge the documents of every application due by ``today``; returns their ids."""
        day = today or legal_date(utcnow())
        purged = []
        for application in self._store.due_for_purge(day):
            self._purge(application)
            purged.append(application.id)
        return purged

    def _purge(self, application: Application) -> None:
        now = iso(utcnow())
        kept = {}
        for code, record in (application.documents or {}).items():
            if "key" in record:
                self._documents.purge(record["key"])
            kept[code] = {name: value for name, value in record.items() if name != "key"} | {"purged_at": now}
        change = Change(
            "documents.purged",
            reason=f"Plazo de conservación de {application.retention_days or DEFAULT_RETENTION_DAYS} días cumplido.",
            details={
                "documents": [
                    {"requirement": code, "filename": record["filename"], "sha256": record["sha256"]}
                    for code, record in sorted(kept.items())
                ]
            },
        )
        self._transitions.record(
            application,
            RETENTION_ACTOR,
            change,
            fields={"documents": kept, **self._store.unfiled()},
            key=f"retention/{application.id}",
        )
