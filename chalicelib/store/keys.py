"""Single-table keys: the one place that knows how items are addressed.

Access patterns (each is one DynamoDB call; no Scan anywhere):

| pattern                                   | call                                             |
|-------------------------------------------|--------------------------------------------------|
| a citizen's whole record (``GET /me``)    | Query ``by_owner`` where gsi1pk = owner(curp)    |
| one application                           | GetItem pk = application(id), sk = APPLICATION   |
| an application's audit timeline           | Query pk = application(id), sk begins_with EV#   |
| one review task                           | GetItem pk = review(id), sk = REVIEW             |
| an agency's open reviews, oldest deadline | Query ``by_queue`` where gsi2pk = queue(agency)  |
| a payment by its reference                | GetItem pk = payment(ref), sk = PAYMENT          |
| an issued credential (public verify)      | GetItem pk = credential(id), sk = CREDENTIAL     |
| count a public check of a credential      | UpdateItem pk = credential(id), sk = VERIFICATIONS |
| the catalogue (latest of each procedure)  | Query pk = CATALOG                               |
| the catalogue's summaries (its index)     | Query pk = CATALOG#INDEX                         |
| the catalogue's generation (index current?)| GetItem CATALOG#GENERATION/GENERATION           |
| one procedure, latest or a given version  | GetItem CATALOG/PROC#code or PROC#code/V#n       |
| submitted, execution not yet started      | Query ``by_queue`` gsi2pk = STARTING#<n>, each n |
| ended, documents due for purge by a date  | Query ``by_queue`` gsi2pk = RETENTION#<n>, sk<date |
| drafts untouched, due for purge by a date | Query ``by_queue`` gsi2pk = RETENTION#<n>, sk<date |
| data-exchange entries due for purge       | Query ``by_queue`` gsi2pk = DUE#DATAUSE#<n>, sk<date |
| SMS answers about no application, by date | Query pk = application("-"), sk between SMS# and SMS#<date> |
| idempotency records (Powertools)          | pk = IDEMPOTENCY#<command>, sk = key hash        |
| an application's SMS subscriptions        | Query pk = application(id), sk begins_with SUB#  |
| an application's SMS delivery log         | Query pk = application(id), sk begins_with SMS#  |
| SMS answers about no application (HELP)   | Query pk = application("-"), sk begins_with SMS# |
| SMS sent to a phone, newest first         | Query ``by_queue`` where gsi2pk = sms_to(phone)  |
| a phone's opt-outs (per agency, or ``*``) | Query pk = phone(e164), sk begins_with OPTOUT#   |
| a phone's SMS count in a rate window      | UpdateItem pk = phone(e164), sk = rate(...)      |
| SMS held by quiet hours, due by a time    | Query pk = sms_queue(day), sk <= now             |
| statistics of every procedure and agency  | Query pk = STATS, sk between M#<from> and M#<to>~, shards summed |
| status queries by channel (same Query)    | UpdateItem pk = STATS, sk = M#<month>#Q#status#<random shard> |
| an event already counted in the statistics| Put pk = application(id), sk = STATS#<seq>       |
| an application's rating                   | GetItem pk = application(id), sk = RATING        |
| an agency's ratings, newest first         | Query ``by_queue`` where gsi2pk = ratings(agency) |
| one delegation (assisted filing)          | GetItem pk = delegation(id), sk = DELEGATION     |
| an assistant's delegations (for a CURP)   | Query ``by_queue`` gsi2pk = assistant(user), sk begins_with curp |
| a citizen's code to show an assistant     | GetItem pk = citizen(curp), sk = DELEGATION_CODE |
| an agency's decisions since a date        | Query pk = decisions(agency), sk >= date         |
| an e.firma challenge (spent by UpdateItem) | GetItem pk = efirma_challenge(c), sk = CHALLENGE |
| the e.firma a staff member signs with     | GetItem pk = signer(username), sk = SIGNER       |
| what proved a citizen's e.firma, each time| Query pk = citizen(curp), sk begins_with EFIRMA# |
| the data-exchange log of a holder, newest | Query pk = citizen(curp), sk begins_with DATAUSE#, backwards |
| an agency's non-working days from a date  | Query pk = calendar(agency), sk >= DAY#<date>    |
| an agency's non-working days of a year    | Query pk = calendar(agency), sk between DAY#<y>-01-01 and DAY#<y>-12-31 |
| a procedure draft, its comments and events| Query pk = procedure(code), sk begins_with draft(n) |
| a procedure's last draft number           | Query pk = procedure(code), sk begins_with DRAFT#, backwards, limit 1 |
| consultations, newest first               | Query ``by_queue`` where gsi2pk = CONSULTATIONS, backwards |
| a procedure's own events (retirement)     | Query pk = procedure(code), sk begins_with LOG# |
| one privacy (ARCO) request and its trail  | GetItem pk = privacy_request(id), sk = PRIVACY_REQUEST |
| a holder's privacy requests, newest first | Query ``by_owner`` gsi1pk = privacy_of(curp), backwards |
| the privacy officer's queue, by deadline  | Query ``by_queue`` gsi2pk = PRIVACY#OPEN (or PRIVACY#CLOSED) |
| a holder's privacy log (notice accepted)  | Query pk = citizen(curp), sk begins_with PRIVACY_LOG# |
| who a phone is linked to (the status line) | Query ``by_queue`` gsi2pk = caller(e164)      |
| a citizen's applications, newest first    | Query ``by_owner`` gsi1pk = owner(curp), sk begins_with APP#, backwards |
| one call-me-back request                  | GetItem pk = application(id), sk = CALLBACK#<n>  |
| an agency's open callbacks, by deadline   | Query ``by_queue`` gsi2pk = callbacks(agency)    |

Citizen-owned items (profile, applications, credentials, subscriptions) carry
``gsi1pk = owner(curp)`` so that one Query on ``by_owner`` returns the whole record;
audit events, reviews and payments do not, which keeps that record small.
Open reviews carry ``gsi2pk = queue(agency)`` only while open (a sparse index); an
application carries ``gsi2pk = STARTING#<n>`` from its submission until its execution has
started (a crash in between is found and repaired without a scan), and
``gsi2pk = RETENTION#<n>`` while a draft (by the day it falls due if untouched) and once it has
ended, by the next day one of its kinds of data falls due (documents, form data, phones, SMS
log: ``legal.retention_schedule``), until all are purged (``n``: one of ``WORK_SHARDS``, from
the application's id).  A data-exchange entry carries ``gsi2pk = DUE#DATAUSE#<n>`` (``n`` from
the holder) by the day it falls due.  SMS
delivery-log entries overload that index with ``gsi2pk = sms_to(phone)``.
Delegations are citizen-owned too (the citizen sees who may act for them) and carry
``gsi2pk = assistant(username)`` so that the assistant lists theirs.
Subscriptions are citizen-owned; delivery-log entries, opt-outs, rate counters and
the quiet-hours queue are not (they belong to the application or the phone).
Statistics live in one partition, ``STATS``, up to ``STATS_SHARDS`` items per procedure and
month and per agency and month (``M#<YYYY-MM>#P#<code>#<shard>``, ``M#<YYYY-MM>#A#<agency>#<shard>``,
the shard chosen by the application's id), so that the open data is one Query for any range
of months, summed on read, while concurrent counts rarely meet on one item; each application
keeps a marker per audit event already counted (``STATS#<seq>``), which makes counting
idempotent.
Ratings carry ``gsi2pk = ratings(agency)`` so that an agency reads its own.
A credential's public checks are counted in one small item beside it (``VERIFICATIONS``:
a total and the last hour that had a check), so an anonymous caller's write never touches
the signed credential, the holder's record or the audit chain, except once an hour.
An e.firma challenge is one item in its own partition, spent once by a conditional update
and removed by DynamoDB's TTL (``expiration``) a day after it expired.  A citizen's
e.firma is summarised on the profile; what proved it (certificate, OCSP answer, the
signed challenge) is kept beside the profile in the citizen's partition, outside the
record's index, so ``GET /me`` does not read it.  A staff member's e.firma is one item
keyed by their username.
A procedure's drafts live in its partition (``DRAFT#<n>``) with their public comments
(``DRAFT#<n>#C#<id>``) and audited steps (``DRAFT#<n>#EV#<at>#<id>``) beside them, so a
consultation page is one Query; a draft opened to consultation carries
``gsi2pk = CONSULTATIONS`` for good (the page stays after publication).
The data-exchange log (every question Ventanilla asked a registry about a holder) is
one item per exchange in the holder's partition, outside the record's index, created
once and never changed.
A privacy (ARCO) request is one item with its trail inside it (a handful of events, written
with each change of status under its version); it is listed under its holder in the
``by_owner`` index in a partition of its own (``privacy_of(curp)``, outside the record that
``GET /me`` reads) and in the privacy officer's queue (``by_queue``: ``PRIVACY#OPEN`` while
it awaits an answer, ``PRIVACY#CLOSED`` afterwards), earliest legal deadline first.  What a
holder did about the privacy notice is logged in their partition (``PRIVACY_LOG#``).
An agency's calendar is one partition, ``CALENDAR#<agency>``, one item per published
non-working day (``DAY#<YYYY-MM-DD>``), created once: a clock reads the days from the
day it started in one Query.
A profile with a phone and every subscription carry ``gsi2pk = caller(e164)`` (the profile by
its holder, a subscription by its application), so the telephone status line finds whom a
calling number is linked to in one Query; the linking rule itself is checked on what it finds.
A call-me-back request is one item in its application's partition (its id is the application's
and a suffix, ``callback(id)`` finds both keys), so the holder's export and erasure read it with
the application; it is listed in its agency's callback queue
(``by_queue``: ``CALLBACKS#<agency>``, earliest deadline first) only while open; the
application keeps the id of its open one (``open_callback``), so a second is refused under the
application's version.
"""

from __future__ import annotations

import zlib
from typing import Any

APPLICATION_SK = "APPLICATION"
PROFILE_SK = "PROFILE"
REVIEW_SK = "REVIEW"
PAYMENT_SK = "PAYMENT"
CREDENTIAL_SK = "CREDENTIAL"
VERIFICATIONS_SK = "VERIFICATIONS"
CATALOG_PK = "CATALOG"
CATALOG_INDEX_PK = "CATALOG#INDEX"  # one small summary per procedure, sk = procedure(code)
CATALOG_GENERATION_PK = "CATALOG#GENERATION"
GENERATION_SK = "GENERATION"
AUDIT_PREFIX = "EV#"
AUDIT_SEQUENCE_WIDTH = 6


def citizen(curp: str) -> str:
    return f"CITIZEN#{curp}"


def owner(curp: str) -> str:
    """Partition of the ``by_owner`` index holding a citizen's whole record."""
    return f"OWNER#{curp}"


def application(application_id: str) -> str:
    return f"APP#{application_id}"


def audit_event(sequence: int) -> str:
    return f"{AUDIT_PREFIX}{sequence:0{AUDIT_SEQUENCE_WIDTH}d}"


def review(review_id: str) -> str:
    return f"REVIEW#{review_id}"


STARTING = "STARTING"
RETENTION = "RETENTION"
# Every submission enters and leaves STARTING, every ended application enters RETENTION, each
# with the whole application projected (kilobytes): spread over partitions so that none takes
# more than its share at the national peak (docs/scale.md, "Hot keys").
WORK_SHARDS = 10


def starting(application_id: str) -> str:
    """Partition of ``by_queue``: submissions whose execution has not started yet (a shard of them)."""
    return f"{STARTING}#{work_shard(application_id)}"


def retention(application_id: str) -> str:
    """Partition of ``by_queue``: ended applications by the date their documents are purged (a shard)."""
    return f"{RETENTION}#{work_shard(application_id)}"


DUE = "DUE"
DATA_USE_DUE = "DATAUSE"


def due(kind: str, owner_id: str) -> str:
    """Partition of ``by_queue``: items of ``kind`` by the day the retention schedule purges them (a shard)."""
    return f"{DUE}#{kind}#{work_shard(owner_id)}"


def due_shards(kind: str) -> list[str]:
    return [f"{DUE}#{kind}#{shard}" for shard in range(WORK_SHARDS)]


def all_shards(name: str) -> list[str]:
    """Every shard of ``STARTING`` or ``RETENTION``, and the unsharded name items filed before."""
    return [name, *(f"{name}#{shard}" for shard in range(WORK_SHARDS))]


def work_shard(application_id: str) -> int:
    return zlib.crc32(application_id.encode()) % WORK_SHARDS


def queue(agency: str) -> str:
    """Partition of the ``by_queue`` index: an agency's open reviews."""
    return f"QUEUE#{agency}"


def queue_order(deadline_iso: str, opened_at: str | None, review_id: str) -> str:
    """The queue's turn: legal deadline first, then first come, first served."""
    return f"{deadline_iso}#{opened_at or ''}#{review_id}"


def payment(reference: str) -> str:
    return f"PAY#{reference}"


def credential(document_id: str) -> str:
    return f"CRED#{document_id}"


def procedure(code: str) -> str:
    return f"PROC#{code}"


def procedure_version(version: int) -> str:
    return f"V#{version:06d}"


def owner_order(kind: str, created_at: str, item_id: str) -> str:
    """Sort key inside a citizen's record: grouped by kind, newest last."""
    return f"{kind}#{created_at}#{item_id}"


def by_owner(holder: str, order: str) -> dict[str, Any]:
    """The attributes that put an item in its holder's record (the ``by_owner`` index) at ``order``."""
    return {"gsi1pk": owner(holder), "gsi1sk": order}


def by_queue(partition: str, order: str) -> dict[str, Any]:
    """The attributes that list an item in a ``by_queue`` partition at ``order``."""
    return {"gsi2pk": partition, "gsi2sk": order}


SUBSCRIPTION_PREFIX = "SUB#"
SMS_PREFIX = "SMS#"
OPT_OUT_PREFIX = "OPTOUT#"


def subscription(phone: str) -> str:
    """Sort key of a subscription inside its application: one per phone."""
    return f"{SUBSCRIPTION_PREFIX}{phone}"


def sms_message(created_at: str, message_id: str) -> str:
    return f"{SMS_PREFIX}{created_at}#{message_id}"


def phone(e164: str) -> str:
    """Partition of what the platform knows about a phone: opt-outs, rate counters."""
    return f"PHONE#{e164}"


def opt_out(agency: str) -> str:
    """An opt-out of one agency's messages, or of all (agency ``*``, ``notifications.states.ALL_AGENCIES``)."""
    return f"{OPT_OUT_PREFIX}{agency}"


def rate(bucket: str, window: str) -> str:
    return f"RATE#{bucket}#{window}"


def sms_to(e164: str) -> str:
    """Partition of the ``by_queue`` index: the SMS sent to a phone."""
    return f"SMSTO#{e164}"


def sms_to_order(created_at: str, message_id: str) -> str:
    """Sort key inside a phone's ``by_queue`` partition: newest last."""
    return f"{created_at}#{message_id}"


def sms_queue(day: str) -> str:
    """Messages held by quiet hours, by the (Mexico City) day they become due."""
    return f"SMSQUEUE#{day}"


def sms_queue_order(send_after: str, created_at: str, message_id: str) -> str:
    """Due time first, then the order the messages were written in."""
    return f"{send_after}#{created_at}#{message_id}"


def idempotency(command: str) -> str:
    """Partition of Powertools' idempotency records of one command."""
    return f"IDEMPOTENCY#{command}"


STATS_PK = "STATS"
STATS_MARKER_PREFIX = "STATS#"
RATING_SK = "RATING"


def stats_procedure(month: str, code: str) -> str:
    """Sort key of a procedure's statistics for one (Mexico City) month ``YYYY-MM``."""
    return f"M#{month}#P#{code}"


def stats_agency(month: str, agency: str) -> str:
    return f"M#{month}#A#{agency}"


def stats_queries(month: str, code: str) -> str:
    """Sort key of the month's queries of one kind (``status``: by channel), not of any application."""
    return f"M#{month}#Q#{code}"


# Counts of one busy row spread over this many items.  At the peak (50 submits/s, all of one
# procedure) a row took ~125 counting transactions/s, ~8 per item once split in 16.
STATS_SHARDS = 16


def stats_shard(application_id: str) -> int:
    """The statistics shard an application's counts go to (stable across processes)."""
    return zlib.crc32(application_id.encode()) % STATS_SHARDS


def stats_sharded(row_sk: str, shard: int) -> str:
    """The sort key of one shard of the row ``row_sk`` (``stats_procedure``, ``stats_agency``)."""
    return f"{row_sk}#{shard:02d}"


def stats_range(first_month: str, last_month: str) -> tuple[str, str]:
    """Sort-key bounds of every statistics item from ``first_month`` to ``last_month``."""
    return f"M#{first_month}#", f"M#{last_month}#~"


def stats_marker(sequence: int) -> str:
    """An application's audit event already counted in the statistics."""
    return f"{STATS_MARKER_PREFIX}{sequence:0{AUDIT_SEQUENCE_WIDTH}d}"


def ratings(agency: str) -> str:
    """Partition of the ``by_queue`` index: an agency's ratings."""
    return f"RATINGS#{agency}"


def ratings_order(rated_at: str, application_id: str) -> str:
    return f"{rated_at}#{application_id}"


DELEGATION_SK = "DELEGATION"
DELEGATION_CODE_SK = "DELEGATION_CODE"


def delegation(delegation_id: str) -> str:
    return f"DLG#{delegation_id}"


def assistant(username: str) -> str:
    """Partition of the ``by_queue`` index: an assistant's delegations."""
    return f"ASSISTANT#{username}"


def assistant_order(holder: str, created_at: str, delegation_id: str) -> str:
    return f"{holder}#{created_at}#{delegation_id}"


def decisions(agency: str) -> str:
    """An agency's decisions, in the order they were taken (the intermediaries' report)."""
    return f"DECIDED#{agency}"


def decision_order(decided_at: str, review_id: str) -> str:
    return f"{decided_at}#{review_id}"


EFIRMA_CHALLENGE_SK = "CHALLENGE"
EFIRMA_PROOF_PREFIX = "EFIRMA#"
SIGNER_SK = "SIGNER"


def efirma_challenge(challenge: str) -> str:
    return f"EFIRMA_CHALLENGE#{challenge}"


def efirma_proof(verified_at: str, serial: str) -> str:
    """Sort key, in the citizen's partition, of what proved their e.firma at ``verified_at``."""
    return f"{EFIRMA_PROOF_PREFIX}{verified_at}#{serial}"


def signer(username: str) -> str:
    """Partition of the e.firma a staff member (official, supervisor, assistant, admin) signs with."""
    return f"SIGNER#{username}"


DATA_USE_PREFIX = "DATAUSE#"


def data_use(at: str, exchange_id: str) -> str:
    """A data exchange, in the order it happened."""
    return f"{DATA_USE_PREFIX}{at}#{exchange_id}"


NON_WORKING_DAY_PREFIX = "DAY#"


def calendar(owner: str) -> str:
    """Partition of the non-working days an agency (or a jurisdiction) published."""
    return f"CALENDAR#{owner}"


def non_working_day(day: str) -> str:
    """Sort key of one non-working day (``YYYY-MM-DD``) in its agency's calendar."""
    return f"{NON_WORKING_DAY_PREFIX}{day}"


DRAFT_PREFIX = "DRAFT#"
CONSULTATIONS = "CONSULTATIONS"
PROCEDURE_LOG_PREFIX = "LOG#"


def draft(number: int) -> str:
    """Sort key, in the procedure's partition, of draft ``number``: its comments and events follow it."""
    return f"{DRAFT_PREFIX}{number:06d}"


def draft_comment(number: int, comment_id: str) -> str:
    return f"{draft(number)}#C#{comment_id}"


def draft_event(number: int, at: str, event_id: str) -> str:
    return f"{draft(number)}#EV#{at}#{event_id}"


def procedure_event(at: str, event_id: str) -> str:
    return f"{PROCEDURE_LOG_PREFIX}{at}#{event_id}"


def consultation_order(opened_at: str, code: str, number: int) -> str:
    return f"{opened_at}#{code}#{number:06d}"


PRIVACY_REQUEST_SK = "PRIVACY_REQUEST"
PRIVACY_LOG_PREFIX = "PRIVACY_LOG#"
PRIVACY_OPEN = "PRIVACY#OPEN"
PRIVACY_CLOSED = "PRIVACY#CLOSED"


def privacy_request(request_id: str) -> str:
    return f"PRIVACY_REQUEST#{request_id}"


def privacy_of(holder: str) -> str:
    """Partition of the ``by_owner`` index: a holder's privacy requests (outside their record)."""
    return f"PRIVACY_OF#{holder}"


def privacy_order(opened_at: str, request_id: str) -> str:
    return f"{opened_at}#{request_id}"


def privacy_queue_order(deadline: str, opened_at: str, request_id: str) -> str:
    """The privacy officer's turn: legal deadline first, then first come, first served."""
    return f"{deadline}#{opened_at}#{request_id}"


def privacy_log(at: str, entry_id: str) -> str:
    return f"{PRIVACY_LOG_PREFIX}{at}#{entry_id}"


CALLER = "CALLER"


def caller(e164: str) -> str:
    """Partition of ``by_queue``: the profiles and subscriptions with this phone (the status line)."""
    return f"{CALLER}#{e164}"


def caller_profile(holder: str) -> str:
    return f"PROFILE#{holder}"


def by_caller(phone: str | None, holder: str) -> dict[str, Any]:
    """The attributes that file a profile under its phone (E.164) for the status line; none without one."""
    return by_queue(caller(phone), caller_profile(holder)) if phone else {}


def caller_subscription(application_id: str) -> str:
    return f"SUB#{application_id}"


CALLBACK_PREFIX = "CALLBACK#"
CALLBACK_ID_SEPARATOR = "-"


def callback_id(application_id: str, suffix: str) -> str:
    """A callback's id names its application, so the id alone finds the item in one GetItem."""
    return f"{application_id}{CALLBACK_ID_SEPARATOR}{suffix}"


def callback(callback_id: str) -> tuple[str, str] | None:
    """The keys of a callback request (in its application's partition); None for an id we never made."""
    application_id, separator, suffix = callback_id.rpartition(CALLBACK_ID_SEPARATOR)
    if not separator or not application_id or not suffix:
        return None
    return application(application_id), f"{CALLBACK_PREFIX}{suffix}"


def callbacks(agency: str) -> str:
    """Partition of ``by_queue``: an agency's open call-me-back requests."""
    return f"CALLBACKS#{agency}"


def callback_order(deadline: str, requested_at: str, callback_id: str) -> str:
    """The callback queue's turn: its deadline first, then first come, first served."""
    return f"{deadline}#{requested_at}#{callback_id}"
