"""The daily retention job: applies ``legal.retention_schedule`` to what is due.

Applications are filed under ``gsi2pk = RETENTION#<n>`` by the next date something of theirs
falls due: a draft by the day it would have been untouched for 90 days, an ended application
by the earliest date of its plan (documents, form data, phones, SMS log).  Data-exchange
entries are filed under ``DUE#DATAUSE#<n>``; SMS answers about no application sit in one
partition by date.  Each is read with a Query, at most ``PAGE_BUDGET`` due items of each kind
per pass (the rest on the next one).

Every purge is idempotent: what it deletes outside the application item (S3 versions,
subscriptions, logged messages) is deleted again harmlessly, and its audit event carries a
key, so a pass run again records nothing twice.  An event is written before the items it
names are deleted, and the plan forgets a kind only once nothing of it is left, so a pass
cut short is finished by the next.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import date, timedelta
from itertools import islice
from typing import Any

from msgspec import Struct

from chalicelib.adapters.ports import DocumentStore
from chalicelib.applications import erasure
from chalicelib.applications import transitions as status
from chalicelib.applications.audit import masked_phone
from chalicelib.applications.transitions import DEFAULT_RETENTION_DAYS, Change, Transitions
from chalicelib.core.clock import iso, parse_iso, utcnow
from chalicelib.core.errors import Conflict
from chalicelib.core.observability import logger
from chalicelib.legal.calendar import legal_date
from chalicelib.legal.retention_schedule import DRAFT_DAYS, PAGE_BUDGET, days_of
from chalicelib.store.applications import ApplicationStore
from chalicelib.store.exchanges import ExchangeStore
from chalicelib.store.models import Application, DataExchange
from chalicelib.store.retention import RetentionStore

RETENTION_ACTOR = {"kind": "system", "id": "retention"}
# the kinds of an ended application's plan, in the order a pass purges them
KINDS = ("documents", "form_data", "phones", "sms_log")


class Report(Struct, kw_only=True):
    """What one pass purged: the applications touched and the counts of the other kinds."""

    purged: list[str]
    data_use: int = 0
    sms_unlinked: int = 0


class Retention:
    def __init__(
        self,
        documents: DocumentStore,
        transitions: Transitions,
        store: ApplicationStore,
        purges: RetentionStore,
        exchanges: ExchangeStore,
        budget: int = PAGE_BUDGET,
    ) -> None:
        self._store = store
        self._documents = documents
        self._transitions = transitions
        self._purges = purges
        self._exchanges = exchanges
        self._budget = budget

    def run(self, today: date | None = None) -> Report:
        """One pass over everything due by ``today`` (the legal date by default)."""
        day = today or legal_date(utcnow())
        report = Report(purged=self.apply(day))
        report.data_use = self._purge_data_use(day)
        report.sms_unlinked = self._purge_unlinked_sms(day)
        return report

    def apply(self, today: date | None = None) -> list[str]:
        """Purge what is due of drafts and ended applications by ``today``; returns the ids of those purged from."""
        day = today or legal_date(utcnow())
        purged = []
        for filed in islice(self._store.due_for_purge(day), self._budget):
            application = self._store.find(filed.id, consistent=True)
            if application is None or not self._store.is_filed_for_purge(application):
                continue
            try:
                if self._purge(application, day):
                    purged.append(application.id)
            except Conflict as error:  # changed meanwhile (its holder came back to a draft): due again next pass
                logger.info("retention skipped an application that changed", extra={"code": error.code})
        return purged

    # --- applications ----------------------------------------------------------------
    def _purge(self, application: Application, day: date) -> bool:
        if application.status == status.DRAFT:
            untouched_until = legal_date(parse_iso(application.updated_at)) + timedelta(days=DRAFT_DAYS)
            if untouched_until > day:  # changed since it was filed: due later
                self._store.refile(application, {"draft": untouched_until.isoformat()})
                return False
            self._purge_draft(application, day)
        plan = dict(application.purge_plan or _legacy_plan(application))
        if application.status not in status.FINAL:  # reopened since (an appeal): filed again when it ends
            self._store.refile(application, {})
            return False
        purgers: dict[str, Callable[[Application], bool]] = {
            "documents": self._purge_documents,
            "form_data": self._purge_form_data,
            "phones": self._purge_phones,
            "sms_log": self._purge_sms_log,
        }
        touched = False
        for kind in KINDS:
            if kind in plan and date.fromisoformat(plan[kind]) <= day:
                touched = True
                if purgers[kind](application):
                    del plan[kind]
        self._store.refile(application, plan)
        return touched

    def _purge_draft(self, application: Application, day: date) -> None:
        """An untouched draft: erased into a tombstone (``applications.erasure``)."""
        erasure.erase_draft(
            application,
            self._documents.purge,
            self._transitions,
            RETENTION_ACTOR,
            action="draft.purged",
            reason=f"Borrador sin cambios durante {DRAFT_DAYS} días: sus datos y documentos se eliminaron.",
            details={},
            at=iso(utcnow()),
            day=day.isoformat(),
            key=f"retention/draft/{application.id}",
        )

    def _purge_documents(self, application: Application) -> bool:
        held = {code: record for code, record in (application.documents or {}).items() if "key" in record}
        if not held:
            return True
        for record in held.values():
            self._documents.purge(record["key"])
        now = iso(utcnow())
        change = Change(
            "documents.purged",
            reason=f"Plazo de conservación de {application.retention_days or DEFAULT_RETENTION_DAYS} días cumplido.",
            details={"documents": erasure.documents_summary(application)},
        )
        self._record(application, change, {"documents": erasure.kept_documents(application, now)}, "documents", now)
        return True

    def _purge_form_data(self, application: Application) -> bool:
        if not application.data and not _has_values(application):
            return True
        now = iso(utcnow())
        days = application.form_retention_days or application.retention_days or DEFAULT_RETENTION_DAYS
        change = Change(
            "data.purged",
            reason=f"Plazo de conservación de {days} días cumplido.",
            details=erasure.data_summary(application),
        )
        fields = {"data": {}, "evidence": erasure.kept_evidence(application)}
        self._record(application, change, fields, "form_data", now)
        return True

    def _purge_phones(self, application: Application) -> bool:
        subscriptions = self._purges.subscriptions(application.id)
        if subscriptions:
            phones = sorted(masked_phone(item.phone) for item in subscriptions)
            change = Change(
                "phones.purged",
                reason=f"Plazo de conservación de {days_of('phones')} días cumplido.",
                details={"phones": phones},
            )
            self._record(application, change, {}, f"phones/{_digest([item.sk for item in subscriptions])}")
            self._purges.delete(subscriptions)
        return True

    def _purge_sms_log(self, application: Application) -> bool:
        messages = self._purges.sms_log(application.id, self._budget)
        if messages:
            change = Change(
                "sms_log.purged",
                reason=f"Plazo de conservación de {days_of('sms_log')} días cumplido.",
                details={"messages": len(messages)},
            )
            self._record(application, change, {}, f"sms_log/{_digest([item.sk for item in messages])}")
            self._purges.delete(messages)
        return len(messages) < self._budget  # a full page: there may be more, next pass

    def _record(
        self, application: Application, change: Change, fields: dict[str, Any], what: str, now: str | None = None
    ) -> None:
        purged = {**(application.purged or {}), what.split("/")[0]: now or iso(utcnow())}
        self._transitions.record(
            application,
            RETENTION_ACTOR,
            change,
            fields={**fields, "purged": purged},
            key=f"retention/{what}/{application.id}",
        )

    # --- outside applications --------------------------------------------------------
    def _purge_data_use(self, day: date) -> int:
        """Data-exchange entries due by ``day``, grouped by holder: deleted, and counted on
        the holder's profile (which their record and export show)."""
        due = list(islice(self._exchanges.due(day), self._budget))
        by_holder: dict[str, list[DataExchange]] = {}
        for entry in due:
            by_holder.setdefault(entry.holder, []).append(entry)
        now = iso(utcnow())
        for holder, entries in by_holder.items():
            for batch in _batches(entries, 24):  # a transaction holds 100 writes; the profile is one
                self._exchanges.purge(batch, holder, max(entry.at for entry in batch), now)
        return len(due)

    def _purge_unlinked_sms(self, day: date) -> int:
        """SMS answers about no application, older than their period: nobody's record, no event."""
        until = (day - timedelta(days=days_of("sms_unlinked"))).isoformat()
        messages = self._purges.unlinked_sms_until(until, self._budget)
        self._purges.delete(messages)
        if messages:
            logger.info("retention purged SMS answers about no application", extra={"messages": len(messages)})
        return len(messages)


def _legacy_plan(application: Application) -> dict[str, str]:
    """An application filed before it had a plan (documents only, by ``gsi2sk``'s date): everything due then."""
    due = (application.gsi2sk or legal_date(utcnow()).isoformat())[:10]
    return dict.fromkeys(KINDS, due)


def _has_values(application: Application) -> bool:
    return any("values" in entry for entry in (application.evidence or {}).values())


def _digest(parts: list[str]) -> str:
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:16]


def _batches(items: list[DataExchange], size: int) -> list[list[DataExchange]]:
    return [items[start : start + size] for start in range(0, len(items), size)]
