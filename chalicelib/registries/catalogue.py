"""The registries Ventanilla may ask, and what each operation takes and answers.

Procedure definitions name these (a requirement's ``evidence``, a form field's
``x-registry``, an issue step's ``registrations``); the validator checks the names
against this list, and the adapters speak to exactly these operations.
"""

from __future__ import annotations

from typing import Literal

from msgspec import Struct

Kind = Literal["lookup", "registration"]


class Operation(Struct, frozen=True):
    kind: Kind
    query: tuple[str, ...]  # the parameters a request carries
    fields: tuple[str, ...]  # what a found (or registered) answer holds


class Registry(Struct, frozen=True):
    name: dict[str, str]
    operations: dict[str, Operation]


REGISTRIES: dict[str, Registry] = {
    "population": Registry(
        name={"es": "Registro Nacional de Población (RENAPO)", "en": "National Population Registry (RENAPO)"},
        operations={
            "person": Operation(
                "lookup",
                ("curp",),
                (
                    "curp",
                    "given_names",
                    "first_surname",
                    "second_surname",
                    "full_name",
                    "birth_date",
                    "birth_state",
                    "sex",
                    "deceased",
                ),
            )
        },
    ),
    "tax": Registry(
        name={"es": "Servicio de Administración Tributaria (SAT)", "en": "Tax Administration Service (SAT)"},
        operations={
            "taxpayer": Operation("lookup", ("rfc",), ("rfc", "name", "status", "compliance_opinion")),
            "register_company": Operation(
                "registration",
                ("name", "company_type", "representative_rfc", "activity", "address", "postcode"),
                ("rfc", "name", "registered_at"),
            ),
        },
    ),
    "social_security": Registry(
        name={"es": "Instituto Mexicano del Seguro Social (IMSS)", "en": "Mexican Social Security Institute (IMSS)"},
        operations={
            "register_employer": Operation(
                "registration", ("rfc", "name", "employees"), ("registration", "rfc", "registered_at")
            ),
        },
    ),
    "cadastre": Registry(
        name={"es": "Catastro municipal", "en": "Municipal cadastre"},
        operations={
            "property": Operation(
                "lookup", ("account",), ("account", "owner_name", "owner_curp", "address", "area_m2", "land_use")
            ),
        },
    ),
}


def operation(registry: str, name: str) -> Operation | None:
    known = REGISTRIES.get(registry)
    return known.operations.get(name) if known else None
