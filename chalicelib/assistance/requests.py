"""What the assisted-filing routes take: an assistant's request for consent, the code
that confirms it, and the citizen's choice about issued documents.

Parsed once at the edge (``chalicelib/api/routes.py``): a field missing or of the wrong
type is refused there with the code and message it declares, the ones the domain gave
before the types existed.  What a type cannot say — a CURP's check digit, whether a centre
is the assistant's, whether a code is the one sent — the domain still checks.
"""

from __future__ import annotations

from typing import Annotated

from msgspec import Meta

from chalicelib.core.fields import TYPED_CURP, UNSET, Struct, UnsetType
from chalicelib.notifications.codes import Code

CODE_MESSAGE = "must be the six digits the citizen received or generated"


class CreateDelegation(Struct, kw_only=True):
    curp: Annotated[
        str, Meta(description="The citizen's CURP: 18 characters, format and check digit validated."), TYPED_CURP
    ]
    code: Annotated[
        Code | UnsetType,
        Meta(
            description=(
                "The code the citizen generated in their account (omit it to text a code to the phone on their record)."
            ),
            extra={"code": "invalid_code", "message": CODE_MESSAGE},
        ),
    ] = UNSET
    centre: Annotated[
        str | UnsetType,
        Meta(
            description="Only for assistants of several centres: which one.",
            extra={"code": "unknown_centre", "message": "must be one of your centres"},
        ),
    ] = UNSET


class ConfirmDelegation(Struct, kw_only=True):
    code: Annotated[
        Code,
        Meta(
            description="The six digits the citizen received by SMS.",
            extra={"code": "invalid_code", "message": CODE_MESSAGE},
        ),
    ]


class DelegationFlags(Struct, kw_only=True):
    documents_allowed: Annotated[
        bool,
        Meta(
            description=(
                "Whether the assistant may receive the documents issued on the applications they filed under this "
                "delegation."
            ),
            extra={"code": "invalid_flag", "message": "must be true or false"},
        ),
    ]
