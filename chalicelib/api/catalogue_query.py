"""What the catalogue's routes read, typed: the place to list the procedures of, the
words to search for, the agency and topic, and the page.

A query field that may be absent is ``X | UnsetType`` (a query string has no null); its
code and message sit on the outer ``Annotated`` so that the parser finds them.
"""

from __future__ import annotations

from typing import Annotated

from msgspec import Meta

from chalicelib.api.paging import Paging
from chalicelib.core.fields import UNSET, AgencyCode, UnsetType
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


TOPICS = (
    "identidad",
    "vehiculos",
    "construccion",
    "empresas",
    "salud",
    "educacion",
    "trabajo",
    "impuestos",
    "vivienda",
    "medio-ambiente",
    "seguridad",
    "social",
)  # as procedure.schema.json's topic
Topic = Annotated[str, Meta(pattern="^(" + "|".join(TOPICS) + ")$", examples=["vehiculos"])]
MAX_QUERY = 100


class CatalogueQuery(Paging, kw_only=True):
    """A place (the procedures a citizen there can file, federal ones included), words to
    search for, an agency, a topic, and the page."""

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
    q: Annotated[
        Annotated[
            str,
            Meta(
                max_length=MAX_QUERY,
                description=(
                    "Words to search for, in Spanish or English, with or without accents and in any case: every word "
                    "must appear (whole or as part of a word) in the procedure's name, its agency's name, its "
                    "jurisdiction's name, its code, homoclave or keywords."
                ),
                examples=["licencia conducir"],
            ),
        ]
        | UnsetType,
        Meta(extra={"code": "invalid_query", "message": f"must be at most {MAX_QUERY} characters"}),
    ] = UNSET
    agency: Annotated[
        Annotated[AgencyCode, Meta(description="Only the procedures of this agency (its code).")] | UnsetType,
        Meta(extra={"code": "invalid_agency", "message": "must be an agency code: capitals and digits"}),
    ] = UNSET
    topic: Annotated[
        Annotated[Topic, Meta(description="Only the procedures on this topic.")] | UnsetType,
        Meta(extra={"code": "invalid_topic", "message": "must be one of " + ", ".join(TOPICS)}),
    ] = UNSET
    facets: Annotated[
        bool,
        Meta(
            description=(
                "Whether the first page gives the filters' choices for the place (`facets`): a client that has "
                "them for this place already asks without (`false`), and its answers are 40 KB lighter."
            ),
            extra={"code": "invalid_flag", "message": "must be true or false"},
        ),
    ] = True
