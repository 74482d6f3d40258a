"""Issued documents kept where no one can change or delete them: each issued document's PDF
is written once to a bucket under S3 Object Lock, retained until its validity ends and a
year beyond (``retain_until``).

GOVERNANCE, not COMPLIANCE: no role of the stack holds ``s3:BypassGovernanceRetention``, so
the platform itself can neither delete nor overwrite a kept version; a deletion the law
orders (a court, a data-protection ruling) is possible only through a break-glass grant
given on purpose, which CloudTrail records.  COMPLIANCE would make such an order (or a
retention date written by mistake) impossible to honour for years, even by the account's
root.  docs/decisions.md, "Issued documents under object lock".
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from chalicelib.store.models import Credential

LOCK_MODE = "GOVERNANCE"
KEPT_AFTER_VALIDITY_DAYS = 365
# the bucket's default retention, for a version written without its own date (none is)
DEFAULT_LOCK_DAYS = KEPT_AFTER_VALIDITY_DAYS
PREFIX = "issued/"


def key_of(document_id: str) -> str:
    return f"{PREFIX}{document_id}.pdf"


def retain_until(payload: Mapping[str, Any]) -> datetime:
    """The end of the day a year after the document's validity ends (UTC)."""
    last_day = date.fromisoformat(str(payload["valid_until"])) + timedelta(days=KEPT_AFTER_VALIDITY_DAYS)
    return datetime.combine(last_day, time.max, tzinfo=UTC).replace(microsecond=0)


class LockedStore(Protocol):
    def keep(self, key: str, content: bytes, retain_until: datetime) -> bool:
        """Write ``content`` once under object lock; False if the key was already written."""
        ...


class IssuedArchive(Protocol):
    def keep(self, credential: Credential, payload: Mapping[str, Any], definition: Mapping[str, Any]) -> None:
        """Keep the issued document's PDF (a repeat is a no-op)."""
        ...
