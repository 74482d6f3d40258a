"""States of subscriptions and of delivery-log entries (shared by the domain and its repositories)."""

from __future__ import annotations

# a subscription
PENDING = "pending"  # waiting for the code sent to the phone
CONFIRMED = "confirmed"
CANCELLED = "cancelled"

# a message in the delivery log
QUEUED = "queued"  # held by quiet hours, or about to be sent
SENDING = "sending"  # taken from the quiet-hours queue by a run of the sender
SENT = "sent"
FAILED = "failed"
OPTED_OUT_SKIPPED = "opted_out_skipped"
RATE_LIMITED = "rate_limited"
DELIVERY_STATUSES = (QUEUED, SENDING, SENT, FAILED, OPTED_OUT_SKIPPED, RATE_LIMITED)

ALL_AGENCIES = "*"  # an opt-out of every agency's messages ("STOP TODO")
