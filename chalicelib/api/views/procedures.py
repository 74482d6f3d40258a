"""The catalogue as the API shows it: summaries, one version with its definition, a
definition's check."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any, Literal

from msgspec import Meta, convert

from chalicelib.api.catalogue_query import MunicipalityCode, StateCode, Topic
from chalicelib.core.fields import UNSET, AgencyCode, Instant, Money, Struct, Text, UnsetType
from chalicelib.procedures import jurisdictions
from chalicelib.procedures.summaries import Found
from chalicelib.store.models import ProcedureVersion

DEFINITION = "ProcedureDefinition"  # the published JSON Schema, a component of the OpenAPI document
Definition = Annotated[
    dict[str, Any],
    Meta(
        description=(
            "A procedure definition, as `GET /procedure-schema` publishes its JSON Schema; the platform also "
            "checks its meaning (agencies listed, steps reachable and terminating, facts and fee formula over "
            "real form fields)."
        ),
        extra_json_schema={"$ref": f"#/components/schemas/{DEFINITION}"},
    ),
]

AnyDefinition = Annotated[
    Any,
    Meta(description="A procedure definition to check: any JSON value (a non-object is itself reported as a problem)."),
]


class Fee(Struct, kw_only=True):
    """A fixed amount, or a formula over numeric form answers, optionally bounded."""

    amount: Money | UnsetType = UNSET
    formula: Annotated[str, Meta(examples=["max(2500, m2 * 42.5)"])] | UnsetType = UNSET
    minimum: Money | UnsetType = UNSET
    maximum: Money | UnsetType = UNSET
    concept: Text | UnsetType = UNSET


class Jurisdiction(Struct, kw_only=True):
    """Who answers for the procedure: the federation, a state or a municipality."""

    level: Literal["federal", "state", "municipal"]
    state: StateCode | UnsetType = UNSET
    municipality: MunicipalityCode | UnsetType = UNSET
    name: Annotated[Text, Meta(description="As citizens know it, e.g. “Municipio de Oaxaca de Juárez”.")]


class ProcedureSummary(Struct, kw_only=True):
    code: Annotated[str, Meta(examples=["licencia-conducir"])]
    version: Annotated[int, Meta(ge=1)]
    name: Text
    homoclave: Annotated[
        str | None,
        Meta(
            description=(
                "The procedure's key in the national registry of procedures; null only for a version published "
                "before definitions carried it."
            ),
            examples=["SEMOVI-01-001"],
        ),
    ]
    jurisdiction: Annotated[
        Jurisdiction,
        Meta(description="Who answers for the procedure (a version published before definitions named it: federal)."),
    ]
    description: Text
    agency: AgencyCode
    agency_name: Text
    expected_days: Annotated[int, Meta(description="Expected total time in business days.")]
    fee: Fee
    keywords: list[str]
    topic: Annotated[
        Topic | None, Meta(description="What the procedure is about (null: the definition names no topic).")
    ] = None
    identity: Annotated[
        Literal["password_sms", "efirma"],
        Meta(description="What proves who files: password and SMS code, or the holder's e.firma."),
    ]


class ProcedureDetail(ProcedureSummary, kw_only=True):
    published_at: Instant
    definition: Definition
    retired_at: Annotated[
        Instant | UnsetType,
        Meta(description="Set once the procedure is retired: no new applications; running ones finish."),
    ] = UNSET


class Named(Struct, kw_only=True):
    code: str
    name: Text


class Facets(Struct, kw_only=True):
    """What the filters can choose from for the place asked (whatever the other filters)."""

    agencies: Annotated[list[Named], Meta(description="The agencies with procedures there, by code.")]
    topics: Annotated[list[Topic], Meta(description="The topics of the procedures there.")]
    municipalities: Annotated[
        list[Named], Meta(description="The municipalities with procedures of their own there, by code.")
    ]


class Catalogue(Struct, kw_only=True):
    procedures: Annotated[
        list[ProcedureSummary],
        Meta(description="One page of the procedures found, by code: summaries, no definitions."),
    ]
    next_cursor: Annotated[
        str | None, Meta(description="Pass as `cursor` for the next page; null when this is the last.")
    ]
    total: Annotated[int, Meta(description="How many procedures match, on every page together.")]
    facets: Annotated[
        Facets | None,
        Meta(
            description=(
                "The filters' choices for the place: on the first page only (null on the pages after, and when "
                "asked with `facets=false`)."
            )
        ),
    ]


class PathProblem(Struct, kw_only=True):
    path: Annotated[str, Meta(description="JSON path of the offending value, e.g. `$.steps.revision.agency`.")]
    message: str


class ValidationReport(Struct, kw_only=True):
    valid: bool
    problems: list[PathProblem]


def summary(procedure: ProcedureVersion) -> ProcedureSummary:
    return ProcedureSummary(**_summary_fields(procedure.definition, procedure.code, int(procedure.version)))


def indexed(summary: Mapping[str, Any]) -> ProcedureSummary:
    """A summary from the catalogue's index (``procedures.summaries.summary_of``)."""
    shown = {name: value for name, value in summary.items() if name != "agencies"}
    return convert(shown, ProcedureSummary)


def detail(procedure: ProcedureVersion) -> ProcedureDetail:
    return ProcedureDetail(
        **_summary_fields(procedure.definition, procedure.code, int(procedure.version)),
        published_at=procedure.published_at,
        definition=procedure.definition,
        retired_at=procedure.retired_at or UNSET,
    )


def unpublished(definition: Mapping[str, Any], published_at: str) -> ProcedureDetail:
    """What ``detail`` would answer for a valid definition (its ``version`` the one it would
    take) were it published at ``published_at``: nothing is stored."""
    return ProcedureDetail(
        **_summary_fields(definition, definition["code"], int(definition["version"])),
        published_at=published_at,
        definition=dict(definition),
    )


def catalogue(found: Found, next_cursor: str | None, choices: Mapping[str, Any] | None) -> Catalogue:
    return Catalogue(
        procedures=[indexed(item) for item in found.items],
        next_cursor=next_cursor,
        total=found.total,
        facets=convert(choices, Facets) if choices is not None else None,
    )


def report(problems: list[dict[str, str]]) -> ValidationReport:
    return ValidationReport(valid=not problems, problems=[PathProblem(**problem) for problem in problems])


def _summary_fields(definition: Mapping[str, Any], code: str, version: int) -> dict[str, Any]:
    return {
        "code": code,
        "version": version,
        "name": convert(definition["name"], Text),
        "homoclave": definition.get("homoclave"),
        "jurisdiction": convert(jurisdictions.of(definition), Jurisdiction),
        "description": convert(definition["description"], Text),
        "agency": definition["agency"],
        "agency_name": convert(definition["agencies"][definition["agency"]], Text),
        "expected_days": definition["expected_days"],
        "fee": convert(definition["fee"], Fee),
        "keywords": definition.get("keywords", []),
        "topic": definition.get("topic"),
        "identity": definition.get("identity", "password_sms"),
    }
