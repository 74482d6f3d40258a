"""The SMS entities, sharing the one table (keys and access patterns in ``store.keys``)."""

from __future__ import annotations

from pynamodb.attributes import BooleanAttribute, NumberAttribute, UnicodeAttribute

from chalicelib.store.models import Entity

PENDING = "pending"
CONFIRMED = "confirmed"
CANCELLED = "cancelled"

QUEUED = "queued"
SENDING = "sending"
SENT = "sent"
FAILED = "failed"
OPTED_OUT_SKIPPED = "opted_out_skipped"
RATE_LIMITED = "rate_limited"
DELIVERY_STATUSES = (QUEUED, SENDING, SENT, FAILED, OPTED_OUT_SKIPPED, RATE_LIMITED)


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
