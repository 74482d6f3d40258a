"""The states of a review task (shared by the domain and its repository)."""

from __future__ import annotations

PENDING = "pending"  # opened by the workflow, not yet in the agency's queue
OPEN = "open"  # in the queue: the workflow waits on it
DECIDED = "decided"
EXPIRED = "expired"  # its legal deadline passed
CANCELLED = "cancelled"  # the application ended by another way
LIVE = (PENDING, OPEN)
