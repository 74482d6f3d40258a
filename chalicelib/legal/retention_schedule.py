"""The retention schedule: how long each kind of data is kept, what starts the period, what
its purge removes and what it leaves, and why.  One list, read by the daily job
(``jobs.retention``) for its periods and rendered as the table in ``docs/privacy.md``
(``python -m chalicelib.legal.retention_schedule`` writes it; a test checks the two agree).

Who removes an item: ``job`` — the daily retention job, which finds what is due with a
Query (no Scan) and records each purge (an audit event on the application's chain, or a
note on the citizen's profile); ``ttl`` — DynamoDB's time to live on ``expiration``, for
items whose removal needs no record (nobody's right depends on knowing it happened).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Literal

from msgspec import Struct

DRAFT_DAYS = 90
DEFAULT_DOCUMENT_DAYS = 365
PHONE_DAYS = 60
SMS_LOG_DAYS = 180
DATA_USE_DAYS = 730
# a pass of the job purges at most this many due items of each kind; the rest wait a day
PAGE_BUDGET = 100

LGPDPPSO = (
    "LGPDPPSO (Ley General de Protección de Datos Personales en Posesión de Sujetos Obligados): personal data "
    "are suppressed once they are no longer needed for the purpose they were collected for"
)
ARCHIVES = "Ley General de Archivos: the file of an administrative procedure is kept for its documentary period"


class Kind(Struct, frozen=True, kw_only=True):
    """One kind of data and its retention."""

    kind: str
    data: str
    days: int | None  # None: no fixed period (set per procedure, or by another rule)
    per_procedure: str | None = None  # what sets the period when it is not fixed (a procedure's field...)
    starts: str
    removes: str
    leaves: str
    by: Literal["job", "ttl", "write"]
    record: str  # what tells the holder the purge happened
    basis: str


SCHEDULE: tuple[Kind, ...] = (
    Kind(
        kind="draft",
        data="Drafts never submitted",
        days=DRAFT_DAYS,
        starts="the draft's last change",
        removes="form data, every stored version of its uploaded documents, its SMS subscriptions",
        leaves="the application as `withdrawn` (a tombstone): procedure, dates, the names of the fields and "
        "the requirement code, size and SHA-256 of each document",
        by="job",
        record="audit event `draft.purged` on the application's chain",
        basis=f"{LGPDPPSO}; a draft was never filed, so no archive period applies.",
    ),
    Kind(
        kind="documents",
        data="Uploaded documents of ended applications",
        days=None,
        per_procedure=f"retention_days (default {DEFAULT_DOCUMENT_DAYS})",
        starts="the application's end (issued, rejected, withdrawn)",
        removes="every stored version of each document (S3)",
        leaves="requirement code, content type, size and SHA-256 of each document",
        by="job",
        record="audit event `documents.purged`",
        basis=f"{ARCHIVES}, as the procedure's owner set it; then {LGPDPPSO}.",
    ),
    Kind(
        kind="form_data",
        data="Form data of ended applications",
        days=None,
        per_procedure="form_retention_days (default: retention_days)",
        starts="the application's end",
        removes="the values typed into the form (and those filled from registries)",
        leaves="the names of the fields and a SHA-256 of the form's canonical JSON",
        by="job",
        record="audit event `data.purged`",
        basis=f"{ARCHIVES}, as the procedure's owner set it; then {LGPDPPSO}.",
    ),
    Kind(
        kind="phones",
        data="Phones subscribed to an application's messages",
        days=PHONE_DAYS,
        starts="the application's end (room for an appeal's messages)",
        removes="the subscription items: phone, language, any unspent code's hash",
        leaves="each phone masked (`+52 ••• ••• 1234`) in the audit event",
        by="job",
        record="audit event `phones.purged`",
        basis=f"{LGPDPPSO}: a phone is collected only to tell the status of that application.",
    ),
    Kind(
        kind="sms_log",
        data="SMS delivery log of an application",
        days=SMS_LOG_DAYS,
        starts="the application's end",
        removes="each logged message: phone, text, provider id",
        leaves="how many messages were purged",
        by="job",
        record="audit event `sms_log.purged`",
        basis=f"{LGPDPPSO}; kept half a year to answer a complaint about a notice.",
    ),
    Kind(
        kind="callbacks",
        data="Call-me-back requests: the number to call and what the person wanted to talk about",
        days=PHONE_DAYS,
        starts="the call's outcome being recorded (until then the agency needs the number)",
        removes="the request item; the outcome's own write already masked its phone",
        leaves="the audit events `callback.requested` and `callback.completed`: the phone masked "
        "(`+52 ••• ••• 1234`), the notes, the outcome",
        by="ttl",
        record="audit event `callback.completed` (the call, when its number was masked)",
        basis=f"{LGPDPPSO}: a phone given to be called back is needed only until the call.",
    ),
    Kind(
        kind="sms_unlinked",
        data="SMS answers about no application (HELP, unknown replies)",
        days=SMS_LOG_DAYS,
        starts="the message",
        removes="the logged message",
        leaves="nothing (it belongs to no application or citizen record)",
        by="job",
        record="none (no holder is known)",
        basis=LGPDPPSO + ".",
    ),
    Kind(
        kind="codes",
        data="Codes: the code a citizen shows an assistant",
        days=1,
        starts="the code's expiry",
        removes="the code's hash and its attempts",
        leaves="nothing",
        by="ttl",
        record="none (an expired code proves nothing)",
        basis=LGPDPPSO + ".",
    ),
    Kind(
        kind="codes_in_items",
        data="Codes: subscription and delegation confirmation codes",
        days=None,
        starts="the code's use, replacement or cancellation",
        removes="the code's hash (removed from the item when the code is spent, replaced or cancelled; an "
        "unspent one with its subscription, see phones)",
        leaves="nothing",
        by="write",
        record="none",
        basis=LGPDPPSO + ".",
    ),
    Kind(
        kind="idempotency",
        data="Idempotency records (a retried command's answer)",
        days=None,
        per_procedure="1 day (API commands); 30 days (SMS deliveries, longer than any redelivery)",
        starts="the command",
        removes="the stored answer",
        leaves="nothing",
        by="ttl",
        record="none (a technical record)",
        basis="Needed only while a client may retry; " + LGPDPPSO + ".",
    ),
    Kind(
        kind="sms_rate",
        data="SMS rate counters and e.firma challenges",
        days=1,
        starts="the end of their window or the challenge's expiry",
        removes="the counter or challenge",
        leaves="nothing",
        by="ttl",
        record="none (a technical record)",
        basis=LGPDPPSO + ".",
    ),
    Kind(
        kind="data_use",
        data="Data-exchange log (each question asked to a registry about a person)",
        days=DATA_USE_DAYS,
        starts="the exchange",
        removes="the log entry: requester, purpose, hashes of the request and answer",
        leaves="a count of purged entries and the date they go up to, on the citizen's profile",
        by="job",
        record='`purged` in the citizen\'s `GET /me/data-use` ("Who used my data"), kept on their profile',
        basis=f"{LGPDPPSO}; two years lets the person see and contest each use of their data.",
    ),
    Kind(
        kind="profile",
        data="The citizen's profile (CURP, name, phone on record, language, e.firma proofs)",
        days=None,
        starts="—",
        removes="nothing on a schedule: kept while the account exists; cancelled on the holder's request (ARCO)",
        leaves="—",
        by="write",
        record="—",
        basis=f"{LGPDPPSO}: needed for as long as the person uses the service.",
    ),
    Kind(
        kind="audit",
        data="Audit chain and the file's record (status, reviews, payments, issued documents)",
        days=None,
        starts="—",
        removes="nothing: it holds no personal data a purge must remove (hashes, masked phones, references)",
        leaves="every event, so `audit/verify` stays intact",
        by="write",
        record="—",
        basis=ARCHIVES + ".",
    ),
)

BY_KIND = {entry.kind: entry for entry in SCHEDULE}


def days_of(kind: str) -> int:
    """The fixed period of ``kind``, in days."""
    days = BY_KIND[kind].days
    assert days is not None, f"{kind} has no fixed period"
    return days


HEADING = "## Retention"
TABLE_START = "<!-- retention schedule: generated by `python -m chalicelib.legal.retention_schedule` -->"
TABLE_END = "<!-- end of retention schedule -->"


def table() -> str:
    """The schedule as a Markdown table (``docs/privacy.md``)."""
    rows = [
        "| data | kept | from | purge removes | purge leaves | by | recorded as | legal basis |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for entry in SCHEDULE:
        kept = (
            f"{entry.days} day{'' if entry.days == 1 else 's'}"
            if entry.days is not None
            else (entry.per_procedure or "—")
        )
        by = {"job": "daily job", "ttl": "DynamoDB TTL", "write": "the write itself"}[entry.by]
        cells = [entry.data, kept, entry.starts, entry.removes, entry.leaves, by, entry.record, entry.basis]
        rows.append("| " + " | ".join(cell.replace("|", "\\|") for cell in cells) + " |")
    return "\n".join([TABLE_START, *rows, TABLE_END])


def rendered(document: str) -> str:
    """``document`` with its generated table replaced by the current one."""
    start, end = document.index(TABLE_START), document.index(TABLE_END) + len(TABLE_END)
    return document[:start] + table() + document[end:]


PRIVACY = Path(__file__).resolve().parents[2] / "docs" / "privacy.md"

if __name__ == "__main__":
    text = PRIVACY.read_text(encoding="utf-8")
    if "--check" in sys.argv:
        sys.exit(0 if rendered(text) == text else "docs/privacy.md: the retention table is stale")
    PRIVACY.write_text(rendered(text), encoding="utf-8")
