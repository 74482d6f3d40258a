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

from chalicelib.core.fields import CURP_PATTERN, UNSET, Struct, UnsetType
from chalicelib.notifications.codes import CODE_LENGTH, CODE_PATTERN

CODE_MESSAGE = "must be the six digits the citizen received or generated"


class CreateDelegation(Struct, kw_only=True):
    # the domain takes a CURP in lower case or padded too, and checks its check digit: the
    # pattern only documents it
    curp: Annotated[
        str,
        Meta(
            description=("The citizen's CURP: 18 characters, format and check digit validated."),
            examples=["GOMC800101MDFMRR00"],
            extra_json_schema={"pattern": CURP_PATTERN},
            extra={"code": "invalid_curp", "message": "must be a text of 18 characters"},
        ),
    ]
    code: Annotated[
        Annotated[str, Meta(pattern=CODE_PATTERN, max_length=CODE_LENGTH)] | UnsetType,
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
        str,
        Meta(
            pattern=CODE_PATTERN,
            max_length=CODE_LENGTH,
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
