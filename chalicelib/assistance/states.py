"""States of a delegation (shared by the domain and its repository)."""

from __future__ import annotations

PENDING = "pending"  # waiting for the citizen's code
ACTIVE = "active"  # until its ``expires_at``
REVOKED = "revoked"
EXPIRED = "expired"  # shown, never stored: an active delegation past its ``expires_at``
