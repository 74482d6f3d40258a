"""What the catalogue's routes read, typed: the place to list the procedures of.

A query field that may be absent is ``X | UnsetType`` (a query string has no null); its
code and message sit on the outer ``Annotated`` so that the parser finds them.
"""

from __future__ import annotations

from typing import Annotated

from msgspec import Meta

from chalicelib.core.fields import UNSET, Struct, UnsetType
from chalicelib.procedures.jurisdictions import MUNICIPALITY_CODE, MUNICIPALITY_ERROR, STATE_CODE, STATE_ERROR

StateCode = Annotated[
    str,
    Meta(
        pattern=STATE_CODE,
        description="A state's INEGI code: two digits, 01 to 32 (09 Ciudad de México, 20 Oaxaca).",
        examples=["20"],
    ),
]
MunicipalityCode = Annotated[
    str,
    Meta(
        pattern=MUNICIPALITY_CODE,
        description="A municipality's INEGI code: five digits, its state's two first (20067 Oaxaca de Juárez).",
        examples=["20067"],
    ),
]


class CatalogueQuery(Struct, kw_only=True):
    """A place: the procedures a citizen there can file (federal ones included)."""

    state: Annotated[
        Annotated[
            StateCode,
            Meta(description="Only the procedures of this state: the federal ones, its own and its municipalities'."),
        ]
        | UnsetType,
        Meta(extra=STATE_ERROR),
    ] = UNSET
    municipality: Annotated[
        Annotated[
            MunicipalityCode,
            Meta(
                description=(
                    "Only the procedures of this municipality: the federal ones, its state's and its own. With "
                    "`state`, it must be one of that state's."
                )
            ),
        ]
        | UnsetType,
        Meta(extra=MUNICIPALITY_ERROR),
    ] = UNSET
