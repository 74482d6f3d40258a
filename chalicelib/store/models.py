"""PynamoDB models: every entity shares the one table (see ``keys`` for the layout).

The table name, region and endpoint are bound at run time by ``bind_models`` from the
settings (the composition root calls it), never at import time.
"""

from __future__ import annotations

from typing import Any

from pynamodb.attributes import (
    BooleanAttribute,
    DiscriminatorAttribute,
    JSONAttribute,
    ListAttribute,
    MapAttribute,
    NumberAttribute,
    UnicodeAttribute,
    VersionAttribute,
)
from pynamodb.connection import Connection
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex
from pynamodb.models import Model
from pynamodb.transactions import TransactWrite

from chalicelib.core import ids

OWNER_INDEX = "by_owner"
QUEUE_INDEX = "by_queue"


class _TableMeta:
    table_name: str | None = None
    region: str | None = None
    host: str | None = None
    max_retry_attempts = 3
    max_pool_connections = 50


class ByOwner(GlobalSecondaryIndex["Entity"]):
    class Meta:
        index_name = OWNER_INDEX
        projection = AllProjection()

    gsi1pk = UnicodeAttribute(hash_key=True)
    gsi1sk = UnicodeAttribute(range_key=True)


class ByQueue(GlobalSecondaryIndex["Entity"]):
    class Meta:
        index_name = QUEUE_INDEX
        projection = AllProjection()

    gsi2pk = UnicodeAttribute(hash_key=True)
    gsi2sk = UnicodeAttribute(range_key=True)


class Entity(Model):
    """Base of every item in the table; ``kind`` tells the entity apart."""

    Meta = _TableMeta  # type: ignore[assignment]  # PynamoDB reads Meta as a class; its stub types an instance

    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)
    kind = DiscriminatorAttribute()
    gsi1pk = UnicodeAttribute(null=True)
    gsi1sk = UnicodeAttribute(null=True)
    gsi2pk = UnicodeAttribute(null=True)
    gsi2sk = UnicodeAttribute(null=True)

    by_owner = ByOwner()
    by_queue = ByQueue()


class Profile(Entity, discriminator="profile"):
    holder = UnicodeAttribute()  # a person's CURP or a company's RFC
    name = UnicodeAttribute(null=True)
    phone = UnicodeAttribute(null=True)
    language = UnicodeAttribute(default="es")
    created_at = UnicodeAttribute()
    # the e.firma that proved this CURP (serial, curp, rfc, name, valid_until, verified_at, since,
    # taken_over_at): ``identity.efirma.Binding``; None: not proven
    efirma = JSONAttribute(null=True)
    # sign-ins before this moment (seconds since the epoch) were ended by a takeover (``identity.sessions``)
    signed_in_after = NumberAttribute(null=True)
    # what the retention schedule purged of the holder's citizen-level data: {"data_use": {entries, up_to, at}}
    purged = JSONAttribute(null=True)
    # the privacy notice accepted last: {version, accepted_at}; None: never accepted
    privacy_notice = JSONAttribute(null=True)
    # the non-essential processing the holder opposed (``privacy.notice.PROCESSING``) and won
    opposed = ListAttribute(of=UnicodeAttribute, null=True)


class Application(Entity, discriminator="application"):
    id = UnicodeAttribute()
    owner = UnicodeAttribute()
    procedure_code = UnicodeAttribute()
    procedure_version = NumberAttribute()
    state_machine_arn = UnicodeAttribute()
    agency = UnicodeAttribute()
    status = UnicodeAttribute()
    data = JSONAttribute(default=dict)
    documents = JSONAttribute(default=dict)
    fee = UnicodeAttribute(null=True)
    current_step = UnicodeAttribute(null=True)
    current_agency = UnicodeAttribute(null=True)
    deadline = UnicodeAttribute(null=True)
    execution_name = UnicodeAttribute(null=True)
    failed_step = UnicodeAttribute(null=True)
    executions = NumberAttribute(default=1)
    retention_days = NumberAttribute(null=True)
    form_retention_days = NumberAttribute(null=True)
    # kind of data -> the legal date it is purged (``legal.retention_schedule``), set when it ends
    purge_plan = JSONAttribute(null=True)
    # kind of data -> when the retention job purged it
    purged = JSONAttribute(null=True)
    issued = JSONAttribute(default=list)
    agencies = ListAttribute(of=UnicodeAttribute, default=list)
    reviews = JSONAttribute(default=dict)
    deemed_approved = BooleanAttribute(default=False)
    payment_reference = UnicodeAttribute(null=True)
    clocks = JSONAttribute(default=dict)
    applied_keys = ListAttribute(of=UnicodeAttribute, default=list)
    audit_seq = NumberAttribute(default=0)
    audit_hash = UnicodeAttribute(default="")
    created_at = UnicodeAttribute()
    updated_at = UnicodeAttribute()
    submitted_at = UnicodeAttribute(null=True)
    # the acuse de recibo: cadena original, the citizen's e.firma (if signed) and the platform's seal
    acuse = JSONAttribute(null=True)
    # every official's decision as signed and sealed: official, decision, cadena, e.firma, seal
    resolutions = JSONAttribute(default=list)
    rating = JSONAttribute(null=True)  # {score, comment, rated_at}, once the citizen rated it
    # filed with assistance at a community centre: {assistant, name, centre, delegation_id}
    assisted_by = JSONAttribute(null=True)
    centre = UnicodeAttribute(null=True)
    # its holder's sign-ins before this moment (seconds since the epoch) were ended by a takeover
    signed_in_after = NumberAttribute(null=True)
    # evidence fetched for its requirements: code -> {source, registry, operation, state, values, ...}
    evidence = JSONAttribute(default=dict)
    # the task token of the workflow's wait for the citizen to approve that evidence
    evidence_token = UnicodeAttribute(null=True)
    # form fields filled from a registry: "data.<field>" -> {registry, field, at, exchange_id}
    provenance = JSONAttribute(default=dict)
    # how the pre-fill went: {state: "filled"|"unavailable", registry, at, reason?}; null when none was due
    prefill = JSONAttribute(null=True)
    # the holder's appeal (recurso de revisión) of its rejection: {state, review_id, agency, step, deadline, ...}
    appeal = JSONAttribute(null=True)
    # the events its holder chose to be texted about besides the default ones (templates.BY_DEFAULT)
    sms_events = ListAttribute(of=UnicodeAttribute, null=True)
    open_callback = UnicodeAttribute(null=True)  # the id of its call-me-back request not yet answered
    version = VersionAttribute()

    @property
    def phone_folio(self) -> str:
        """The folio telefónico: derived from the id, never stored (``core.ids.phone_folio``)."""
        return ids.phone_folio(self.id)


class AuditEvent(Entity, discriminator="audit"):
    application_id = UnicodeAttribute()
    seq = NumberAttribute()
    at = UnicodeAttribute()
    actor = JSONAttribute()
    action = UnicodeAttribute()
    from_status = UnicodeAttribute(null=True)
    to_status = UnicodeAttribute(null=True)
    reason = UnicodeAttribute(null=True)
    details = JSONAttribute(default=dict)
    prev_hash = UnicodeAttribute()
    hash = UnicodeAttribute()
    # what to tell the application's subscribers, read by the stream's messages consumer:
    # {"event": template event, "values": placeholders as they were at the change}; not
    # part of the hash (the chain is of what happened, not of how it was told)
    notify = JSONAttribute(null=True)


class Review(Entity, discriminator="review"):
    id = UnicodeAttribute()
    application_id = UnicodeAttribute()
    procedure_code = UnicodeAttribute()
    step = UnicodeAttribute()
    agency = UnicodeAttribute()
    status = UnicodeAttribute()
    opened_at = UnicodeAttribute()
    deadline = UnicodeAttribute()
    task_token = UnicodeAttribute(null=True)
    corrections_token = UnicodeAttribute(null=True)
    escalated = NumberAttribute(default=0)
    warn_at = UnicodeAttribute(null=True)
    warned = NumberAttribute(default=0)
    decision = UnicodeAttribute(null=True)
    reason = UnicodeAttribute(null=True)
    decided_by = UnicodeAttribute(null=True)
    decided_at = UnicodeAttribute(null=True)
    # the workflow's running timer: the legal moment it was armed ``from`` and fires ``at``,
    # and the handler invocation (``key``) that armed it; a deadline moved later than ``at``
    # re-arms the timer when it fires
    timer = JSONAttribute(null=True)
    appeal = NumberAttribute(default=0)  # 1: an appeal of a rejection, for the agency's supervisors
    excluded = UnicodeAttribute(null=True)  # an official who may not decide it (who decided what was appealed)
    version = VersionAttribute()


class Payment(Entity, discriminator="payment"):
    reference = UnicodeAttribute()
    application_id = UnicodeAttribute()
    amount = UnicodeAttribute()
    currency = UnicodeAttribute(default="MXN")
    expires_at = UnicodeAttribute()
    status = UnicodeAttribute()
    task_token = UnicodeAttribute(null=True)
    created_at = UnicodeAttribute()
    paid_at = UnicodeAttribute(null=True)
    bank_event_id = UnicodeAttribute(null=True)


class Credential(Entity, discriminator="credential"):
    id = UnicodeAttribute()
    application_id = UnicodeAttribute()
    type = UnicodeAttribute()
    payload = UnicodeAttribute()
    signature = UnicodeAttribute()
    key_id = UnicodeAttribute()
    algorithm = UnicodeAttribute()
    issued_at = UnicodeAttribute()


class VerificationCounter(Entity, discriminator="verifications"):
    """How often a document was verified, beside it in its partition: the public check
    adds one here, and writes an audit event only for the first check of each hour."""

    verifications = NumberAttribute(default=0)
    hour = UnicodeAttribute(null=True)  # the last (UTC) hour that had a check, ``YYYY-MM-DDTHH``


class Delegation(Entity, discriminator="delegation"):
    """A citizen's consent that one assistant of a community centre files for them.

    Citizen-owned (part of ``GET /me``) and listed under the assistant (``by_queue``).
    ``pending`` until the citizen's code is given; ``active`` until ``expires_at`` or
    ``revoked``.  The assistant sees only the ``applications`` started under it.
    """

    id = UnicodeAttribute()
    holder = UnicodeAttribute()
    assistant = UnicodeAttribute()
    assistant_name = UnicodeAttribute(null=True)
    centre = UnicodeAttribute()
    status = UnicodeAttribute()
    origin = UnicodeAttribute()  # "sms": a code texted to the phone on record; "account": shown by the citizen
    channel = UnicodeAttribute(null=True)  # "phone": a call-centre agent's; absent: in person at a community centre
    code_hash = UnicodeAttribute(null=True)
    code_expires_at = UnicodeAttribute(null=True)
    attempts = NumberAttribute(default=0)
    documents_allowed = BooleanAttribute(default=False)
    applications = ListAttribute(of=UnicodeAttribute, default=list)
    created_at = UnicodeAttribute()
    confirmed_at = UnicodeAttribute(null=True)
    expires_at = UnicodeAttribute(null=True)
    revoked_at = UnicodeAttribute(null=True)
    revoked_by = UnicodeAttribute(null=True)
    version = VersionAttribute()


class DelegationCode(Entity, discriminator="delegation_code"):
    """A one-time code a citizen generated in their account to show an assistant."""

    code_hash = UnicodeAttribute()
    expires_at = UnicodeAttribute()
    attempts = NumberAttribute(default=0)  # tries by every assistant together
    tries: MapAttribute[str, Any] = MapAttribute(default=dict)  # assistant's username -> their tries
    expiration = NumberAttribute(null=True)  # DynamoDB's TTL removes it a day after it expired


class Decision(Entity, discriminator="decision"):
    """An agency's decision on an application, kept for the intermediaries' report:
    how long it took from submission, and the centre that filed it (if any)."""

    application_id = UnicodeAttribute()
    procedure_code = UnicodeAttribute()
    agency = UnicodeAttribute()
    step = UnicodeAttribute()
    decision = UnicodeAttribute()
    centre = UnicodeAttribute(null=True)
    assistant = UnicodeAttribute(null=True)
    submitted_at = UnicodeAttribute()
    decided_at = UnicodeAttribute()
    hours = NumberAttribute()


class ProcedureVersion(Entity, discriminator="procedure"):
    code = UnicodeAttribute()
    version = NumberAttribute()
    definition = JSONAttribute()
    digest = UnicodeAttribute()
    state_machine_arn = UnicodeAttribute()
    published_at = UnicodeAttribute()
    published_by = UnicodeAttribute()
    # a version approved to take effect later: the catalogue serves ``previous_version`` until then
    effective_from = UnicodeAttribute(null=True)
    previous_version = NumberAttribute(null=True)
    # set on the catalogue's item only: no new applications from then on
    retired_at = UnicodeAttribute(null=True)
    retired_by = UnicodeAttribute(null=True)


class CatalogueEntry(Entity, discriminator="catalogue_entry"):
    """A procedure's summary in the catalogue's index (``procedures.summaries``): the newest
    version's, and the one in effect until a scheduled version's ``effective_from``."""

    code = UnicodeAttribute()
    summary = JSONAttribute()
    effective_from = UnicodeAttribute(null=True)
    before = JSONAttribute(null=True)
    retired_at = UnicodeAttribute(null=True)


class CatalogueGeneration(Entity, discriminator="catalogue_generation"):
    """Counts the catalogue's changes: a reader's index is current while this has not moved."""

    generation = NumberAttribute(default=0)


class StatsRow(Entity, discriminator="stats"):
    """One procedure's (or agency's) figures for one month.

    Only the identifying attributes are declared: the counters (``started``,
    ``days_3``, ``step_days_revision``...) are written with atomic ``ADD`` under names
    that depend on the data (a histogram bucket, a step id) and read back raw
    (``chalicelib.store.statistics``).
    """

    scope = UnicodeAttribute()  # "procedure" or "agency"
    code = UnicodeAttribute()
    month = UnicodeAttribute()
    agency = UnicodeAttribute(null=True)  # a procedure's owning agency


class CountedEvent(Entity, discriminator="stats_counted"):
    """Marks an application's audit event as counted: counting it again is refused."""

    application_id = UnicodeAttribute()
    seq = NumberAttribute()
    at = UnicodeAttribute()


class Rating(Entity, discriminator="rating"):
    """A citizen's 1-5 rating of an application that ended, once per application."""

    application_id = UnicodeAttribute()
    procedure_code = UnicodeAttribute()
    agency = UnicodeAttribute()
    score = NumberAttribute()
    comment = UnicodeAttribute(null=True)
    rated_at = UnicodeAttribute()


# Defined after the others: kinds register in definition order, which is the order of the kind
# filter PynamoDB sends with every query of an index (the same requests as when these lived in
# notifications/models.py, imported after this module).


class Subscription(Entity, discriminator="subscription"):
    """A phone that gets an application's messages (citizen-owned: part of ``GET /me``).

    The owner's phone on record is subscribed implicitly (``origin = "profile"``);
    any other phone, or a phone that opted out before, is confirmed by a code sent to it
    (``confirmed_at`` is when).  An opt-out later than ``confirmed_at`` silences it.
    """

    id = UnicodeAttribute()
    application_id = UnicodeAttribute()
    owner = UnicodeAttribute()
    agency = UnicodeAttribute()
    phone = UnicodeAttribute()
    language = UnicodeAttribute(default="es")
    status = UnicodeAttribute()
    origin = UnicodeAttribute(default="code")
    code_hash = UnicodeAttribute(null=True)
    code_expires_at = UnicodeAttribute(null=True)
    attempts = NumberAttribute(default=0)
    confirmed_at = UnicodeAttribute(null=True)
    created_at = UnicodeAttribute()
    updated_at = UnicodeAttribute()


class OptOut(Entity, discriminator="sms_opt_out"):
    """A phone said STOP to one agency (or to all, ``agency = "*"``)."""

    phone = UnicodeAttribute()
    agency = UnicodeAttribute()
    keyword = UnicodeAttribute()
    at = UnicodeAttribute()


class SmsMessage(Entity, discriminator="sms"):
    """One entry of the delivery log: a message for one phone about one application."""

    id = UnicodeAttribute()
    application_id = UnicodeAttribute()
    agency = UnicodeAttribute()
    procedure = UnicodeAttribute(null=True)  # for the statistics (SMS and segments per procedure)
    event = UnicodeAttribute()
    template = UnicodeAttribute()
    phone = UnicodeAttribute()
    language = UnicodeAttribute()
    text = UnicodeAttribute()
    encoding = UnicodeAttribute()
    segments = NumberAttribute()
    urgent = BooleanAttribute(default=False)
    status = UnicodeAttribute()
    detail = UnicodeAttribute(null=True)
    subscription_id = UnicodeAttribute(null=True)
    send_after = UnicodeAttribute(null=True)
    sent_at = UnicodeAttribute(null=True)
    provider_id = UnicodeAttribute(null=True)
    counted = BooleanAttribute(null=True)  # counted in the statistics (once)
    created_at = UnicodeAttribute()
    updated_at = UnicodeAttribute()


class QueuedSms(Entity, discriminator="sms_queued"):
    """A pointer to a message held by quiet hours, in the partition of the day it is due."""

    message_pk = UnicodeAttribute()
    message_sk = UnicodeAttribute()
    send_after = UnicodeAttribute()


class RateCounter(Entity, discriminator="sms_rate"):
    """Messages sent to one phone in one window; DynamoDB's TTL removes it afterwards."""

    sent = NumberAttribute(default=0)  # not "count": that is Model.count()
    expiration = NumberAttribute()


class EfirmaChallenge(Entity, discriminator="efirma_challenge"):
    """A text to sign with an e.firma, once: for a signed-in ``username`` (``link``) or for
    anyone claiming an account (``account``).  DynamoDB's TTL removes it after ``expiration``."""

    purpose = UnicodeAttribute()
    username = UnicodeAttribute(null=True)
    created_at = UnicodeAttribute()
    expires_at = UnicodeAttribute()
    used_at = UnicodeAttribute(null=True)
    expiration = NumberAttribute()


class EfirmaProof(Entity, discriminator="efirma_proof"):
    """What proved a citizen's e.firma once: the signed challenge, the certificate, its
    issuer and the OCSP answer (``efirma.verification.Signature``), kept to be checked again."""

    holder = UnicodeAttribute()
    serial = UnicodeAttribute()
    verified_at = UnicodeAttribute()
    challenge = UnicodeAttribute()
    purpose = UnicodeAttribute()
    proof = JSONAttribute()


class DataExchange(Entity, discriminator="data_exchange"):
    """One question Ventanilla asked a registry about a holder, and a hash of the answer
    (``registries.port.Exchange``): written once, never changed."""

    exchange_id = UnicodeAttribute()
    at = UnicodeAttribute()
    holder = UnicodeAttribute()
    entry = JSONAttribute()


class Signer(Entity, discriminator="efirma_signer"):
    """The e.firma a staff member signs with.  The first link binds its CURP; a later link
    (a renewed certificate) must carry the same CURP."""

    username = UnicodeAttribute()
    curp = UnicodeAttribute()
    rfc = UnicodeAttribute()
    name = UnicodeAttribute()
    serial = UnicodeAttribute()
    valid_until = UnicodeAttribute()
    verified_at = UnicodeAttribute()
    since = UnicodeAttribute()
    proof = JSONAttribute()


class NonWorkingDay(Entity, discriminator="non_working_day"):
    """A day an agency or a jurisdiction declared non-working in its gazette, with the legal
    reference: published once, never changed (the clocks of running reviews moved on it)."""

    agency = UnicodeAttribute()  # who published it: an agency's code, or a jurisdiction's INEGI code
    day = UnicodeAttribute()  # YYYY-MM-DD, legal date in America/Mexico_City
    reference = JSONAttribute()  # {"es": ..., "en": ...}
    gazette_url = UnicodeAttribute(null=True)
    published_at = UnicodeAttribute()
    published_by = UnicodeAttribute()


class ProcedureDraft(Entity, discriminator="procedure_draft"):
    """A proposed next version of a procedure, on its way to publication (``procedures.lifecycle``)."""

    code = UnicodeAttribute()
    number = NumberAttribute()
    definition = JSONAttribute()
    digest = UnicodeAttribute()
    base_version = NumberAttribute(null=True)  # the published version it changes (its diff's left side)
    status = UnicodeAttribute()  # draft, consultation, approved
    author = UnicodeAttribute()
    created_at = UnicodeAttribute()
    consultation_opened_at = UnicodeAttribute(null=True)
    consultation_closes_on = UnicodeAttribute(null=True)  # a legal date; None: open until approval
    approved_by = UnicodeAttribute(null=True)
    approved_at = UnicodeAttribute(null=True)
    published_version = NumberAttribute(null=True)
    effective_from = UnicodeAttribute(null=True)


class DraftComment(Entity, discriminator="draft_comment"):
    """A public comment on a draft in consultation, and the agency's public answer."""

    comment_id = UnicodeAttribute()
    code = UnicodeAttribute()
    number = NumberAttribute()
    author = UnicodeAttribute()  # the username: kept for the audit, never shown
    shown_as = UnicodeAttribute(null=True)  # the name shown; None: anonymous
    text = UnicodeAttribute()
    at = UnicodeAttribute()
    answer = UnicodeAttribute(null=True)
    answered_by = UnicodeAttribute(null=True)
    answered_at = UnicodeAttribute(null=True)


class ProcedureEvent(Entity, discriminator="procedure_event"):
    """One audited step of a procedure's life: who did what, when."""

    code = UnicodeAttribute()
    event = UnicodeAttribute()
    by = UnicodeAttribute()
    at = UnicodeAttribute()
    number = NumberAttribute(null=True)  # the draft, if the step concerned one
    version = NumberAttribute(null=True)
    detail = JSONAttribute(null=True)


class PrivacyRequest(Entity, discriminator="privacy_request"):
    """A holder's ARCO request (access, rectification, cancellation, opposition) with its
    legal deadline, its answer and its trail (``events``: who, when, what)."""

    id = UnicodeAttribute()
    holder = UnicodeAttribute()
    request_kind = UnicodeAttribute()  # access, rectification, cancellation, opposition
    status = UnicodeAttribute()
    opened_at = UnicodeAttribute()
    deadline = UnicodeAttribute()
    extended = BooleanAttribute(default=False)
    # what was asked: target, correction, reason, scope, processing (by kind)
    details = JSONAttribute(default=dict)
    registry = UnicodeAttribute(null=True)  # the registry a rectification is referred to
    outcome = UnicodeAttribute(null=True)
    answered_at = UnicodeAttribute(null=True)
    effective_by = UnicodeAttribute(null=True)  # a granted request takes effect by then (15 business days)
    effects = JSONAttribute(null=True)  # what the grant changed
    events = JSONAttribute(default=list)
    version = VersionAttribute()


class PrivacyLog(Entity, discriminator="privacy_log"):
    """One thing a holder did about their privacy outside a request (accepting a notice's version)."""

    holder = UnicodeAttribute()
    at = UnicodeAttribute()
    action = UnicodeAttribute()
    details = JSONAttribute(default=dict)


class CallbackRequest(Entity, discriminator="callback"):
    """A person asked the agency holding an application to call them (``callbacks.service``).
    Once the call's outcome is recorded the item keeps the phone masked only."""

    id = UnicodeAttribute()
    application_id = UnicodeAttribute()
    agency = UnicodeAttribute()
    procedure_code = UnicodeAttribute()
    phone = UnicodeAttribute()
    channel = UnicodeAttribute()  # web or phone
    note = UnicodeAttribute(null=True)  # what the person wants to talk about
    language = UnicodeAttribute(default="es")
    status = UnicodeAttribute()  # open, done
    requested_at = UnicodeAttribute()
    deadline = UnicodeAttribute()
    outcome = UnicodeAttribute(null=True)  # reached, no_answer, wrong_number
    outcome_note = UnicodeAttribute(null=True)
    completed_at = UnicodeAttribute(null=True)
    completed_by = UnicodeAttribute(null=True)
    expiration = NumberAttribute(null=True)  # answered: DynamoDB's TTL removes it then (retention schedule)
    version = VersionAttribute()


ENTITIES: tuple[type[Entity], ...] = (
    Entity,
    Profile,
    Application,
    AuditEvent,
    Review,
    Payment,
    Credential,
    VerificationCounter,
    ProcedureVersion,
    Delegation,
    DelegationCode,
    Decision,
    StatsRow,
    CountedEvent,
    Rating,
    Subscription,
    OptOut,
    SmsMessage,
    QueuedSms,
    RateCounter,
    EfirmaChallenge,
    EfirmaProof,
    Signer,
    NonWorkingDay,
    ProcedureDraft,
    DraftComment,
    ProcedureEvent,
    PrivacyRequest,
    PrivacyLog,
    CallbackRequest,
)


def bind_models(table_name: str, region: str, host: str | None) -> None:
    """Point every model at the table through one shared connection (tests rebind freely).

    Every entity lives in the one table, so they share one ``TableConnection`` and thus
    one botocore client: PynamoDB would otherwise build a client per model class, and a
    connection per transaction costs a fresh botocore session (its endpoint and service
    data parsed again, ~100 ms) on every write.
    """
    _TableMeta.table_name = table_name
    _TableMeta.region = region
    _TableMeta.host = host
    for model in {*ENTITIES, *_subclasses(Entity)}:
        model._connection = None
    shared = Entity._get_connection()
    for model in {*ENTITIES, *_subclasses(Entity)}:
        model._connection = shared


def connection() -> Connection:
    """The store's one DynamoDB connection (bound by ``bind_models``)."""
    return Entity._get_connection().connection


def _subclasses(model: type[Entity]) -> list[type[Entity]]:
    """Every entity, listed in ``ENTITIES`` or not (a new one someone forgot to list)."""
    found = []
    for subclass in model.__subclasses__():
        found += [subclass, *_subclasses(subclass)]
    return found


def transaction() -> TransactWrite:
    """A write transaction on the bound table's connection."""
    return TransactWrite(connection=connection())


def connect() -> None:
    """Build the DynamoDB client now.  A threaded server (the local stack) otherwise builds
    one per thread that arrives before the first is ready: hundreds at ~100 ms of CPU each
    when a crowd arrives at once.  (On Lambda, one request at a time.)"""
    connection().client  # noqa: B018 - the property builds it


def table_schema() -> dict[str, Any]:
    """Key schema, attributes and indexes of the table, for the infra description."""
    return {
        "KeySchema": [
            {"AttributeName": "pk", "KeyType": "HASH"},
            {"AttributeName": "sk", "KeyType": "RANGE"},
        ],
        "AttributeDefinitions": [
            {"AttributeName": name, "AttributeType": "S"}
            for name in ("pk", "sk", "gsi1pk", "gsi1sk", "gsi2pk", "gsi2sk")
        ],
        "GlobalSecondaryIndexes": [
            {
                "IndexName": OWNER_INDEX,
                "KeySchema": [
                    {"AttributeName": "gsi1pk", "KeyType": "HASH"},
                    {"AttributeName": "gsi1sk", "KeyType": "RANGE"},
                ],
                "Projection": {"ProjectionType": "ALL"},
            },
            {
                "IndexName": QUEUE_INDEX,
                "KeySchema": [
                    {"AttributeName": "gsi2pk", "KeyType": "HASH"},
                    {"AttributeName": "gsi2sk", "KeyType": "RANGE"},
                ],
                "Projection": {"ProjectionType": "ALL"},
            },
        ],
    }
