"""Erasing a draft's personal data while keeping what the audit and the citizen need: the
retention schedule does it to a draft untouched for 90 days, a granted cancellation request
to the drafts its holder names.  Either way the draft becomes ``withdrawn`` (a tombstone the
citizen still sees), its chain says why, and what it held stays only as names, sizes and
hashes; its phones and SMS log go with the next retention pass."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping
from typing import Any

from chalicelib.applications import transitions as status
from chalicelib.applications.transitions import Change, Transitions
from chalicelib.efirma import cadena as cadenas
from chalicelib.store.models import Application


def documents_summary(application: Application) -> list[dict[str, Any]]:
    """What the audit keeps of each document: requirement code, size and SHA-256."""
    return [
        {"requirement": code, "size": record.get("size"), "sha256": record.get("sha256")}
        for code, record in sorted((application.documents or {}).items())
    ]


def kept_documents(application: Application, now: str) -> dict[str, Any]:
    """The documents as the application keeps them once purged: no storage key, and the
    file name (which may name a person) replaced by the requirement code with the same
    extension, beside the original name's SHA-256."""
    kept = {}
    for code, record in (application.documents or {}).items():
        entry = {name: value for name, value in record.items() if name != "key"}
        if "filename_sha256" not in entry and isinstance(entry.get("filename"), str):
            original = entry["filename"]
            extension = original.rsplit(".", 1)[1].lower() if "." in original else ""
            entry["filename_sha256"] = hashlib.sha256(original.encode()).hexdigest()
            entry["filename"] = f"{code}.{extension}" if extension else code
        kept[code] = entry | {"purged_at": record.get("purged_at", now)}
    return kept


def data_summary(application: Application) -> dict[str, Any]:
    """What the audit keeps of the form data: the fields' names and a SHA-256 of the whole,
    the same digest the acuse's cadena original carries (``efirma.cadena.digest``)."""
    data = application.data or {}
    return {"fields": sorted(data), "data_sha256": cadenas.digest(data)}


def kept_evidence(application: Application) -> dict[str, Any]:
    """Evidence from registries without the values it brought (its exchange and hashes stay)."""
    return {
        code: {name: value for name, value in entry.items() if name != "values"}
        for code, entry in (application.evidence or {}).items()
    }


def erase_draft(
    draft: Application,
    purge: Callable[[str], None],
    transitions: Transitions,
    actor: Mapping[str, Any],
    *,
    action: str,
    reason: str,
    details: Mapping[str, Any],
    at: str,
    day: str,
    key: str,
) -> None:
    """Purge the draft's uploads, then record ``action`` withdrawing it with its answers,
    documents and evidence values gone; its phones and SMS log fall due on ``day``."""
    for record in (draft.documents or {}).values():
        if isinstance(record, dict) and record.get("key"):
            purge(str(record["key"]))
    transitions.record(
        draft,
        dict(actor),
        Change(
            action,
            to_status=status.WITHDRAWN,
            reason=reason,
            details={**data_summary(draft), "documents": documents_summary(draft), **details},
        ),
        fields={
            "documents": kept_documents(draft, at),
            "data": {},
            "evidence": kept_evidence(draft),
            "purged": {**(draft.purged or {}), "draft": at},
            "purge_plan": {"phones": day, "sms_log": day},
        },
        key=key,
    )
