"""The bank's payment notification, as a typed value.

Its body is signed: the signature is checked over the raw bytes first
(``Payments.authenticate``), and only then are the bytes read (``decode``) and parsed
into ``BankWebhook``.  The JSON is read as the bank sent it (no text clean-up: the
signature covers it as it is), and each field is checked whole, as it always was.
"""

from __future__ import annotations

import json
import re
from decimal import Decimal
from typing import Annotated, Any

from msgspec import Meta

from chalicelib.core.errors import ValidationFailed
from chalicelib.core.fields import MAX_AMOUNT, UNSET, Currency, PaymentReference, Struct, UnsetType
from chalicelib.payments.reference import is_valid_reference

# ASCII digits only: Decimal() would also read "１０１６.００", " 1016.00 " or "1_016.00";
# at most MAX_AMOUNT (the bank may leave out the decimals, or one of them)
_AMOUNT_PATTERN = rf"^(?:[0-9]{{1,{len(str(int(MAX_AMOUNT))) - 1}}}(?:\.[0-9]{{1,2}})?|{int(MAX_AMOUNT)}(?:\.00?)?)$"
_AMOUNT = re.compile(_AMOUNT_PATTERN.strip("^$"))
EVENT_ID_RULE = "is required: the bank's unique id of this notification (1 to 100 printable ASCII characters)"
REFERENCE_RULE = "must be a 20-digit línea de captura with valid check digits"
AMOUNT_RULE = f'must be a decimal string such as "1016.00", at most {MAX_AMOUNT}'


def decode(raw_body: bytes) -> Any:
    """The JSON of a notification whose signature was checked (an empty body is null)."""
    try:
        return json.loads(raw_body or b"null")
    except ValueError:
        raise ValidationFailed.field("body", "must be JSON") from None


class BankWebhook(Struct, kw_only=True):
    """That a línea de captura was paid, as the bank notifies it."""

    event_id: Annotated[
        str,
        Meta(
            min_length=1,
            max_length=100,
            pattern=r"^[\x20-\x7e]+$",
            description="The bank's unique id of this notification (printable ASCII).",
            examples=["evt-2611-000123"],
            extra={"code": "validation_failed", "message": EVENT_ID_RULE},
        ),
    ]
    reference: Annotated[
        PaymentReference,
        Meta(extra={"code": "invalid_reference", "message": REFERENCE_RULE}),
    ]
    amount: Annotated[
        str,
        Meta(
            pattern=_AMOUNT_PATTERN,
            description=(
                "Amount paid in MXN as a decimal string of ASCII digits with up to two decimals; must equal the "
                f"amount due (at most {MAX_AMOUNT})."
            ),
            examples=["1016.00"],
            extra={"code": "validation_failed", "message": AMOUNT_RULE},
        ),
    ]
    currency: Annotated[
        Currency | UnsetType,
        Meta(
            description="`MXN`, the only currency accepted (may be left out).",
            extra={"code": "unsupported_currency", "message": "must be MXN"},
        ),
    ] = UNSET

    def __post_init__(self) -> None:
        # checked whole: a pattern's ``$`` lets a trailing newline through, and a
        # reference's check digits are arithmetic
        if not (self.event_id.isascii() and self.event_id.isprintable()):
            raise ValidationFailed.field("event_id", EVENT_ID_RULE)
        if not is_valid_reference(self.reference):
            raise ValidationFailed.field("reference", REFERENCE_RULE, code="invalid_reference")
        if not _AMOUNT.fullmatch(self.amount):
            raise ValidationFailed.field("amount", AMOUNT_RULE)

    @property
    def paid(self) -> Decimal:
        """The amount paid, as a number."""
        return Decimal(self.amount)
