"""The validator: every way an agency can get a definition wrong, reported at its JSON path.

Each case starts from a deep copy of workflows/licencia-conducir.json (the ``licence``
fixture), breaks one thing, and checks where and how the problem is reported.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from chalicelib.procedures.validator import DefinitionInvalid, ensure_valid, validate_definition
from tests.unit.procedures.conftest import add_evidence, add_registrations, review, text

Definition = dict[str, Any]
AREA_FIELD = {"type": "number", "minimum": 1, "title": "Superficie (m²)", "x-i18n": {"en": {"title": "Area (m²)"}}}


# --- mutations: each breaks one thing, reported where and as its decorator says -----------

Mutation = Callable[[Definition], None]
# (mutation, path, message fragment, how many problems in all, or None when consequences follow)
CASES: list[tuple[Mutation, str, str, int | None]] = []


def reported(path: str, fragment: str, count: int | None = 1) -> Callable[[Mutation], Mutation]:
    """A case of a broken definition: the mutation's problem is reported at ``path`` with a
    message containing ``fragment``, among ``count`` problems in all (None: consequences follow)."""

    def register(mutate: Mutation) -> Mutation:
        CASES.append((mutate, path, fragment, count))
        return mutate

    return register


@reported(
    "$.steps.verificacion.type",
    "unknown step type 'telepathy'; use one of check, review, payment, parallel, choice, issue",
)
def unknown_step_type(d: Definition) -> None:
    d["steps"]["verificacion"]["type"] = "telepathy"


@reported("$.steps.revision.branches[1].steps.revision_salud.type", "unknown step type 'inspection'")
def unknown_step_type_in_a_branch(d: Definition) -> None:
    reviews_in_parallel(d)
    d["steps"]["revision"]["branches"][1]["steps"]["revision_salud"]["type"] = "inspection"


@reported("$.steps.revision", "goes to 'examen_vista', which is not a step in the same flow", None)
def next_to_a_missing_step(d: Definition) -> None:
    d["steps"]["revision"]["next"] = "examen_vista"


@reported("$.start", "starts at 'inicio', which is not a step here")
def start_at_a_missing_step(d: Definition) -> None:
    d["start"] = "inicio"


@reported("$", "'start' is required here")
def no_start(d: Definition) -> None:
    del d["start"]


@reported("$.steps.revision.agency", "agency 'SSPC' is not listed in $.agencies")
def review_by_an_unlisted_agency(d: Definition) -> None:
    d["steps"]["revision"]["agency"] = "SSPC"


@reported("$.agency", "agency 'SSPC' is not listed in $.agencies")
def owned_by_an_unlisted_agency(d: Definition) -> None:
    d["agency"] = "SSPC"


@reported("$.steps.duplicado", "step 'duplicado' can never be reached from 'verificacion'")
def unreachable_step(d: Definition) -> None:
    d["steps"]["duplicado"] = {**d["steps"]["emision"]}


@reported("$.steps.emision", "step 'emision' never reaches an end (a loop with no way out)", 4)
def loop_with_no_way_out(d: Definition) -> None:
    del d["steps"]["emision"]["end"]
    d["steps"]["emision"]["next"] = "revision"


@reported("$.steps.revision", "'deadline_days' is required here")
def review_without_deadline_days(d: Definition) -> None:
    del d["steps"]["revision"]["deadline_days"]


@reported("$.steps.revision", "'on_deadline' is required here")
def review_without_on_deadline(d: Definition) -> None:
    del d["steps"]["revision"]["on_deadline"]


@reported(
    "$.steps.revision.on_deadline", "'wait_forever' is not one of ['afirmativa_ficta', 'negativa_ficta', 'escalate']"
)
def review_with_an_unknown_on_deadline(d: Definition) -> None:
    d["steps"]["revision"]["on_deadline"] = "wait_forever"


@reported("$.fee.formula", "uses 'superficie_m2', which is not a field of the form")
def fee_formula_over_a_missing_field(d: Definition) -> None:
    d["fee"] = {"formula": "superficie_m2 * 45.50"}


@reported("$.fee.amount", "'10000000.01' is not an amount in MXN with two decimals, at most 10000000.00")
def fee_over_the_largest_amount(d: Definition) -> None:
    d["fee"] = {"amount": "10000000.01"}


@reported("$.fee.maximum", "'250000000.00' is not an amount in MXN with two decimals, at most 10000000.00")
def fee_bounded_over_the_largest_amount(d: Definition) -> None:
    d["form"]["properties"]["superficie_m2"] = AREA_FIELD
    d["fee"] = {"formula": "superficie_m2 * 45.50", "maximum": "250000000.00"}


@reported("$.fee.formula", "uses 'domicilio', which is not a numeric field")
def fee_formula_over_a_text_field(d: Definition) -> None:
    d["fee"] = {"formula": "domicilio * 45.50"}


@reported("$.fee.formula", "only min, max, ceil and floor may be called")
def fee_formula_calling_import(d: Definition) -> None:
    d["form"]["properties"]["superficie_m2"] = AREA_FIELD
    d["fee"] = {"formula": "__import__('os').system('id')"}


@reported("$.fee.formula", "Attribute is not allowed")
def fee_formula_reading_an_attribute(d: Definition) -> None:
    d["form"]["properties"]["superficie_m2"] = AREA_FIELD
    d["fee"] = {"formula": "superficie_m2.__class__"}


@reported("$.fee.formula", "ceil takes exactly one value")
def fee_formula_with_a_wrong_number_of_arguments(d: Definition) -> None:
    d["form"]["properties"]["superficie_m2"] = AREA_FIELD
    d["fee"] = {"formula": "ceil(superficie_m2, 2) * 350"}


@reported("$.fee", "minimum is above maximum")
def fee_minimum_above_maximum(d: Definition) -> None:
    d["form"]["properties"]["superficie_m2"] = AREA_FIELD
    d["fee"] = {"formula": "superficie_m2 * 45.50", "minimum": "5000.00", "maximum": "500.00"}


@reported("$.fee.amount", "'1,016.00' is not an amount in MXN with two decimals")
def bad_money_format(d: Definition) -> None:
    d["fee"]["amount"] = "1,016.00"


@reported("$.steps.pago", "a payment step needs a fee above 0.00")
def payment_with_a_zero_fee(d: Definition) -> None:
    d["fee"]["amount"] = "0.00"


@reported("$.steps.pago", "a payment step needs a fee above 0.00")
def payment_with_a_zero_fee_written_with_leading_zeros(d: Definition) -> None:
    d["fee"]["amount"] = "000.00"


@reported(
    "$.requirements[2].required_when", "reads 'form.licencia_vencida', but the form has no field 'licencia_vencida'"
)
def required_when_over_a_missing_field(d: Definition) -> None:
    d["requirements"][2]["required_when"] = {
        "any": [
            {"fact": "form.primera_vez", "op": "==", "value": True},
            {"fact": "form.licencia_vencida", "op": "==", "value": True},
        ]
    }


@reported("$.steps.verificacion.rules[0].when", "reads 'citizen.income'; citizen facts are age, birth_state, kind, sex")
def check_rule_over_an_unknown_citizen_fact(d: Definition) -> None:
    d["steps"]["verificacion"]["rules"][0]["when"] = {"fact": "citizen.income", "op": ">=", "value": 10000}


@reported("$.steps.verificacion.rules[0].when.op", "'~=' is not one of")
def check_rule_with_an_unknown_operator(d: Definition) -> None:
    d["steps"]["verificacion"]["rules"][0]["when"]["op"] = "~="


@reported("$.requirements[1].code", "duplicate requirement code 'identificacion'")
def duplicate_requirement_code(d: Definition) -> None:
    d["requirements"][1]["code"] = "identificacion"


def reviews_in_parallel(d: Definition, first: str = "revision_movilidad", second: str = "revision_salud") -> None:
    d["agencies"]["SALUD"] = {"es": "Secretaría de Salud", "en": "Health Department"}
    d["steps"]["revision"] = {
        "type": "parallel",
        "branches": [
            {"start": first, "steps": {first: review("SEMOVI")}},
            {"start": second, "steps": {second: review("SALUD")}},
        ],
        "next": "pago",
    }


@reported(
    "$.steps.revision.branches[1].steps.revision_doble",
    "step id 'revision_doble' is already used at $.steps.revision.branches[0].steps.revision_doble; "
    "step ids must be unique",
)
def duplicate_step_id_across_parallel_branches(d: Definition) -> None:
    reviews_in_parallel(d, "revision_doble", "revision_doble")


@reported("$.steps.pago", "step id 'pago' is already used at $.steps.revision.branches[1].steps.pago")
def branch_step_reusing_a_top_level_step_id(d: Definition) -> None:
    reviews_in_parallel(d, "revision_movilidad", "pago")


@reported(
    "$.steps.revision.branches[0].steps.revision_movilidad",
    "goes to 'pago', which is not a step in the same flow",
    None,
)
def branch_step_jumping_out_of_its_branch(d: Definition) -> None:
    reviews_in_parallel(d)
    d["steps"]["revision"]["branches"][0]["steps"]["revision_movilidad"] = review("SEMOVI", next="pago")


@reported("$.steps.revision.branches", "is too short")
def parallel_with_one_branch(d: Definition) -> None:
    reviews_in_parallel(d)
    del d["steps"]["revision"]["branches"][1]


def a_choice(d: Definition) -> dict[str, Any]:
    d["steps"]["verificacion"]["next"] = "ruta"
    d["steps"]["ruta"] = {
        "type": "choice",
        "choices": [{"when": {"fact": "form.primera_vez", "op": "==", "value": True}, "next": "revision"}],
        "default": "pago",
    }
    step: dict[str, Any] = d["steps"]["ruta"]
    return step


@reported("$.steps.ruta", "'default' is required here")
def choice_without_default(d: Definition) -> None:
    del a_choice(d)["default"]


@reported(
    "$.steps.ruta.choices[0].when", "reads 'form.licencia_extranjera', but the form has no field 'licencia_extranjera'"
)
def choice_over_a_missing_field(d: Definition) -> None:
    a_choice(d)["choices"][0]["when"] = {"fact": "form.licencia_extranjera", "op": "==", "value": True}


@reported("$.form.required[4]", "requires 'telefono', which is not a field of the form")
def form_requires_a_missing_field(d: Definition) -> None:
    d["form"]["required"].append("telefono")


@reported("$.form.properties.domicilio.x-i18n.en.title", "every field needs an English title")
def form_field_without_english_title(d: Definition) -> None:
    del d["form"]["properties"]["domicilio"]["x-i18n"]


@reported("$.form.properties.domicilio.x-i18n.en.title", "every field needs an English title")
def form_field_whose_english_is_not_an_object(d: Definition) -> None:
    d["form"]["properties"]["domicilio"]["x-i18n"] = {"en": ["title"]}


@reported("$.form.properties.domicilio.x-i18n.en.title", "every field needs an English title")
def form_field_whose_english_is_null(d: Definition) -> None:
    d["form"]["properties"]["domicilio"]["x-i18n"] = {"en": None}


@reported("$.form.properties.domicilio.minLength", "not a valid JSON Schema: -1 is less than the minimum of 0")
def invalid_form_json_schema(d: Definition) -> None:
    d["form"]["properties"]["domicilio"]["minLength"] = -1


@reported("$.form.properties.domicilio.type", "'file' is not one of ['string', 'integer', 'number', 'boolean']")
def form_field_of_an_unsupported_type(d: Definition) -> None:
    d["form"]["properties"]["domicilio"]["type"] = "file"


@reported("$.steps", "'Emision' does not match", None)
def step_id_with_capitals(d: Definition) -> None:
    d["steps"]["Emision"] = d["steps"].pop("emision")
    d["steps"]["pago"]["next"] = "Emision"


@reported("$", "Additional properties are not allowed ('tarifa' was unexpected)")
def unknown_top_level_property(d: Definition) -> None:
    d["tarifa"] = {"amount": "1016.00"}


# --- evidence: a requirement satisfied by a registry lookup or a credential ---------------


def evidence(d: Definition, index: int = 1) -> dict[str, Any]:
    """The definition with evidence (``add_evidence``); requirement 0 asks the population
    registry, requirement 1 the cadastre.  Returns requirement ``index``'s evidence."""
    add_evidence(d)
    found: dict[str, Any] = d["requirements"][index]["evidence"]
    return found


def credential_evidence(d: Definition) -> dict[str, Any]:
    add_evidence(d)
    d["requirements"][2]["evidence"] = {
        "credential": "examen-manejo",
        "take": ["number", "valid_until"],
        "purpose": text("Comprobar su examen", "To confirm your exam"),
    }
    found: dict[str, Any] = d["requirements"][2]["evidence"]
    return found


@reported(
    "$.requirements[1].evidence.registry",
    "unknown registry 'catastro'; registries are cadastre, population, social_security, tax",
)
def evidence_from_an_unknown_registry(d: Definition) -> None:
    evidence(d)["registry"] = "catastro"


@reported(
    "$.requirements[1].evidence.operation", "registry 'cadastre' has no operation 'owner'; its operations are property"
)
def evidence_from_an_unknown_operation(d: Definition) -> None:
    evidence(d)["operation"] = "owner"


@reported("$.requirements[1].evidence.operation", "tax/register_company is a registration; evidence needs a lookup")
def evidence_from_a_registration(d: Definition) -> None:
    evidence(d).update(registry="tax", operation="register_company")


@reported("$.requirements[1].evidence.query", "cadastre/property needs 'account'; give each of its parameters: account")
def evidence_query_without_a_parameter(d: Definition) -> None:
    evidence(d)["query"] = {}


@reported(
    "$.requirements[1].evidence.query.folio_real",
    "'folio_real' is not a parameter of cadastre/property; it takes account",
)
def evidence_query_with_an_extra_parameter(d: Definition) -> None:
    evidence(d)["query"]["folio_real"] = "form.cuenta_predial"


@reported(
    "$.requirements[1].evidence.query.account",
    "reads 'form.cuenta_catastral', but the form has no field 'cuenta_catastral'",
)
def evidence_query_from_a_missing_field(d: Definition) -> None:
    evidence(d)["query"]["account"] = "form.cuenta_catastral"


@reported(
    "$.requirements[0].evidence.query.curp", "reads 'citizen.age'; a registry can be given citizen.curp, form.<field>"
)
def evidence_query_from_a_citizen_fact_a_registry_is_not_given(d: Definition) -> None:
    evidence(d, 0)["query"]["curp"] = "citizen.age"


@reported(
    "$.requirements[0].evidence.query.curp",
    "reads 'registration.inscripcion-rfc'; a registry can be given citizen.curp, form.<field>",
)
def evidence_query_from_a_registration(d: Definition) -> None:
    evidence(d, 0)["query"]["curp"] = "registration.inscripcion-rfc"


@reported(
    "$.requirements[1].evidence.take[1]",
    "'superficie' is not in cadastre/property's answer; it answers account, owner_name, owner_curp, address, area_m2, "
    "land_use",
)
def evidence_taking_a_field_the_registry_does_not_answer(d: Definition) -> None:
    evidence(d)["take"][1] = "superficie"


@reported("$.requirements[1].evidence.take", "has non-unique elements")
def evidence_taking_a_field_twice(d: Definition) -> None:
    evidence(d)["take"].append("owner_name")


@reported("$.requirements[1].evidence.match.owner_rfc", "'owner_rfc' is not in cadastre/property's answer")
def evidence_matching_a_field_the_registry_does_not_answer(d: Definition) -> None:
    evidence(d)["match"] = {"owner_rfc": "citizen.curp"}


@reported("$.requirements[1].evidence.match.owner_curp", "reads 'form.curp', but the form has no field 'curp'")
def evidence_matching_a_missing_field(d: Definition) -> None:
    evidence(d)["match"]["owner_curp"] = "form.curp"


@reported("$.requirements[1].evidence", "'purpose' is required here")
def evidence_without_a_purpose(d: Definition) -> None:
    del evidence(d)["purpose"]


@reported("$.requirements[1].evidence.purpose", "'en' is required here")
def evidence_whose_purpose_has_no_english(d: Definition) -> None:
    del evidence(d)["purpose"]["en"]


@reported("$.requirements[1].evidence", "'registry' is required here")
def evidence_from_no_source(d: Definition) -> None:
    del evidence(d)["registry"]


@reported("$.requirements[1].evidence", "'take' is required here")
def evidence_from_a_registry_taking_nothing(d: Definition) -> None:
    del evidence(d)["take"]


@reported("$.requirements[2].evidence.credential", "'Licencia Funcionamiento' does not match")
def evidence_from_a_credential_type_that_is_not_a_slug(d: Definition) -> None:
    credential_evidence(d)["credential"] = "Licencia Funcionamiento"


@reported(
    "$.requirements[2].evidence.registry",
    "'registry' is not allowed beside 'credential': a credential is its own source",
)
def evidence_from_a_credential_and_a_registry(d: Definition) -> None:
    credential_evidence(d)["registry"] = "tax"


@reported("$.requirements[2].evidence.take[0]", "'rfc' is not part of an issued credential; it holds id, type, title")
def evidence_taking_what_a_credential_does_not_hold(d: Definition) -> None:
    credential_evidence(d)["take"][0] = "rfc"


@reported(
    "$.requirements[1].code",
    "'review' cannot name a requirement with evidence: the state machine's own state evidence.review has that name",
)
def evidence_for_a_requirement_named_like_a_platform_state(d: Definition) -> None:
    evidence(d)
    d["requirements"][1]["code"] = "review"


@reported("$.steps.evidence", "'evidence' names the registry lookups the platform runs before the first step")
def a_step_named_evidence_beside_evidence(d: Definition) -> None:
    evidence(d)
    d["steps"]["evidence"] = d["steps"].pop("verificacion")
    d["start"] = "evidence"


# --- x-registry: a form field filled from the population registry -----------------------


@reported("$.form.properties.nombre.x-registry.registry", "only the 'population' registry fills form fields, not 'tax'")
def form_field_filled_from_another_registry(d: Definition) -> None:
    add_evidence(d)
    d["form"]["properties"]["nombre"]["x-registry"]["registry"] = "tax"


@reported(
    "$.form.properties.nombre.x-registry.field",
    "'nombre_completo' is not in population/person's answer; it answers curp, given_names",
)
def form_field_filled_from_a_field_the_registry_does_not_answer(d: Definition) -> None:
    add_evidence(d)
    d["form"]["properties"]["nombre"]["x-registry"]["field"] = "nombre_completo"


@reported(
    "$.form.properties.donador_organos.x-registry",
    "a field filled from a registry must be of type 'string', not 'boolean'",
)
def form_field_filled_from_a_registry_that_is_not_text(d: Definition) -> None:
    d["form"]["properties"]["donador_organos"]["x-registry"] = {"registry": "population", "field": "deceased"}


@reported("$.form.properties.nombre.x-registry", "'field' is required here")
def form_field_filled_from_a_registry_without_naming_the_field(d: Definition) -> None:
    add_evidence(d)
    del d["form"]["properties"]["nombre"]["x-registry"]["field"]


# --- registrations: credentials an issue step registers and issues -------------------------


def registrations(d: Definition) -> list[dict[str, Any]]:
    """The issue step's registrations (``add_registrations``): tax, then social security
    (sent the RFC the first assigned), then a licence with Ventanilla's folio."""
    add_registrations(d)
    found: list[dict[str, Any]] = d["steps"]["emision"]["registrations"]
    return found


@reported("$.steps.emision.registrations[0].registry", "unknown registry 'sat'; registries are cadastre")
def registration_with_an_unknown_registry(d: Definition) -> None:
    registrations(d)[0]["registry"] = "sat"


@reported("$.steps.emision.registrations[1].operation", "registry 'social_security' has no operation 'register'")
def registration_with_an_unknown_operation(d: Definition) -> None:
    registrations(d)[1]["operation"] = "register"


@reported("$.steps.emision.registrations[0].operation", "tax/taxpayer is a lookup; a registration needs a registration")
def registration_by_a_lookup(d: Definition) -> None:
    registrations(d)[0].update(operation="taxpayer", query={"rfc": "form.rfc_representante"})


@reported("$.steps.emision.registrations[0]", "'operation' is required here when 'registry' is given")
def registration_with_a_registry_but_no_operation(d: Definition) -> None:
    del registrations(d)[0]["operation"]


@reported("$.steps.emision.registrations[2]", "'registry' is required here when 'query' is given")
def registration_with_a_query_but_no_registry(d: Definition) -> None:
    registrations(d)[2]["query"] = {"name": "form.denominacion"}


@reported(
    "$.steps.emision.registrations[1].query",
    "social_security/register_employer needs 'employees'; give each of its parameters: rfc, name, employees",
)
def registration_query_without_a_parameter(d: Definition) -> None:
    del registrations(d)[1]["query"]["employees"]


@reported(
    "$.steps.emision.registrations[0].query.capital",
    "'capital' is not a parameter of tax/register_company; it takes name, company_type",
)
def registration_query_with_an_extra_parameter(d: Definition) -> None:
    registrations(d)[0]["query"]["capital"] = "form.empleados"


@reported(
    "$.steps.emision.registrations[0].query.name",
    "reads 'citizen.sex'; a registry can be given citizen.curp, form.<field>, registration.<document type>",
)
def registration_query_from_a_citizen_fact_a_registry_is_not_given(d: Definition) -> None:
    registrations(d)[0]["query"]["name"] = "citizen.sex"


@reported(
    "$.steps.emision.registrations[1].query.name",
    "reads 'form.razon_social', but the form has no field 'razon_social'",
)
def registration_query_from_a_missing_field(d: Definition) -> None:
    registrations(d)[1]["query"]["name"] = "form.razon_social"


@reported(
    "$.steps.emision.registrations[0].query.representative_rfc",
    "reads 'registration.registro-patronal', but no earlier registration of this step issues 'registro-patronal'",
)
def registration_query_from_a_later_registration(d: Definition) -> None:
    registrations(d)[0]["query"]["representative_rfc"] = "registration.registro-patronal"


@reported(
    "$.steps.emision.registrations[1].query.rfc",
    "reads 'registration.registro-rfc', but no earlier registration of this step issues 'registro-rfc' "
    "(before it: inscripcion-rfc)",
)
def registration_query_from_an_unknown_registration(d: Definition) -> None:
    registrations(d)[1]["query"]["rfc"] = "registration.registro-rfc"


@reported(
    "$.steps.emision.registrations[0].number",
    "'folio' is not in tax/register_company's answer; it answers rfc, name, registered_at",
)
def registration_numbered_by_a_field_the_registry_does_not_answer(d: Definition) -> None:
    registrations(d)[0]["number"] = "folio"


@reported(
    "$.steps.emision.registrations[2].number",
    "with no registry the number is Ventanilla's own: write 'folio', not 'rfc'",
)
def registration_without_a_registry_numbered_by_a_registry_field(d: Definition) -> None:
    registrations(d)[2]["number"] = "rfc"


@reported(
    "$.steps.emision.registrations[1].when", "reads 'form.trabajadores', but the form has no field 'trabajadores'"
)
def registration_when_over_a_missing_field(d: Definition) -> None:
    registrations(d)[1]["when"] = {"fact": "form.trabajadores", "op": ">", "value": 0}


@reported(
    "$.steps.emision.registrations[2].document.type",
    "document type 'inscripcion-rfc' is already issued at $.steps.emision.registrations[0].document.type",
)
def two_registrations_issuing_the_same_type(d: Definition) -> None:
    registrations(d)[2]["document"]["type"] = "inscripcion-rfc"


@reported(
    "$.steps.emision.registrations[2].document.type",
    "document type 'licencia-conducir-a' is already issued at $.steps.emision.document.type",
)
def registration_issuing_the_steps_own_document_type(d: Definition) -> None:
    registrations(d)[2]["document"]["type"] = "licencia-conducir-a"


@reported("$.steps.emision.registrations[2]", "'number' is required here")
def registration_without_a_number(d: Definition) -> None:
    del registrations(d)[2]["number"]


OAXACA_DE_JUAREZ = {
    "level": "municipal",
    "state": "20",
    "municipality": "20067",
    "name": {"es": "Municipio de Oaxaca de Juárez", "en": "Municipality of Oaxaca de Juárez"},
}


@reported("$", "'homoclave' is required here")
def without_a_homoclave(d: Definition) -> None:
    del d["homoclave"]


@reported("$.homoclave", "'SEMOVI-1-001' does not match")
def homoclave_of_the_wrong_shape(d: Definition) -> None:
    d["homoclave"] = "SEMOVI-1-001"


@reported("$", "'jurisdiction' is required here")
def without_a_jurisdiction(d: Definition) -> None:
    del d["jurisdiction"]


@reported("$.jurisdiction.level", "'county' is not one of ['federal', 'state', 'municipal']")
def jurisdiction_of_an_unknown_level(d: Definition) -> None:
    d["jurisdiction"]["level"] = "county"


@reported("$.jurisdiction", "'state' is required here")
def state_jurisdiction_without_its_state(d: Definition) -> None:
    del d["jurisdiction"]["state"]


@reported("$.jurisdiction.state", "'state' is not allowed here")
def federal_jurisdiction_naming_a_state(d: Definition) -> None:
    d["jurisdiction"]["level"] = "federal"


@reported("$.jurisdiction.state", "'33' does not match")
def state_outside_the_federation(d: Definition) -> None:
    d["jurisdiction"]["state"] = "33"


@reported("$.jurisdiction", "'municipality' is required here")
def municipal_jurisdiction_without_its_municipality(d: Definition) -> None:
    d["jurisdiction"]["level"] = "municipal"


@reported("$.jurisdiction.municipality", "municipality '20067' is not in state '09'")
def municipality_of_another_state(d: Definition) -> None:
    d["jurisdiction"] = {**OAXACA_DE_JUAREZ, "state": "09"}


@reported("$.agency_jurisdictions.SALUD", "agency 'SALUD' is not listed in $.agencies")
def jurisdiction_of_an_unlisted_agency(d: Definition) -> None:
    d["agency_jurisdictions"] = {"SALUD": OAXACA_DE_JUAREZ}


@reported("$.agency_jurisdictions.SEMOVI", "'SEMOVI' owns the procedure: its jurisdiction is $.jurisdiction")
def owning_agency_given_another_jurisdiction(d: Definition) -> None:
    d["agency_jurisdictions"] = {"SEMOVI": OAXACA_DE_JUAREZ}


@pytest.mark.parametrize(
    ("mutate", "path", "fragment", "count"), [pytest.param(*case, id=case[0].__name__) for case in CASES]
)
def test_a_broken_definition_is_reported_at_its_path(
    licence: Definition, mutate: Callable[[Definition], None], path: str, fragment: str, count: int | None
) -> None:
    mutate(licence)
    problems = validate_definition(licence)

    at_path = [problem["message"] for problem in problems if problem["path"] == path]
    assert any(fragment in message for message in at_path), problems
    if count is not None:
        assert len(problems) == count, problems
    assert all(problem["path"].startswith("$") and problem["message"] for problem in problems)


def test_there_are_at_least_fifteen_distinct_kinds_of_broken_definition() -> None:
    assert len({mutate for mutate, *_ in CASES}) >= 15


@pytest.mark.parametrize("value", [[], "licencia-conducir", None, 42, [{"code": "licencia-conducir"}]])
def test_something_that_is_not_a_json_object_is_refused(value: object) -> None:
    assert validate_definition(value) == [{"path": "$", "message": "a procedure definition must be a JSON object"}]


def test_the_shipped_definition_is_valid(licence: Definition) -> None:
    assert validate_definition(licence) == []
    ensure_valid(licence)


def test_a_definition_with_parallel_reviews_and_a_choice_is_valid(multi_agency: Definition) -> None:
    assert validate_definition(multi_agency) == []


def test_an_agency_of_another_jurisdiction_is_valid(multi_agency: Definition) -> None:
    multi_agency["agency_jurisdictions"] = {"SALUD": OAXACA_DE_JUAREZ}
    assert validate_definition(multi_agency) == []


def test_several_problems_of_meaning_are_all_reported_at_once(licence: Definition) -> None:
    owned_by_an_unlisted_agency(licence)
    duplicate_requirement_code(licence)
    fee_formula_over_a_missing_field(licence)
    unreachable_step(licence)
    form_requires_a_missing_field(licence)

    problems = validate_definition(licence)

    assert sorted(problem["path"] for problem in problems) == [
        "$.agency",
        "$.fee.formula",
        "$.form.required[4]",
        "$.requirements[1].code",
        "$.steps.duplicado",
    ]


def test_several_schema_problems_are_all_reported_at_once_in_path_order(licence: Definition) -> None:
    unknown_step_type(licence)
    bad_money_format(licence)
    review_without_deadline_days(licence)

    problems = validate_definition(licence)

    assert [problem["path"] for problem in problems] == [
        "$.fee.amount",
        "$.steps.revision",
        "$.steps.verificacion.type",
    ]


def test_ensure_valid_raises_with_every_problem_and_names_the_first(licence: Definition) -> None:
    owned_by_an_unlisted_agency(licence)
    duplicate_requirement_code(licence)
    unreachable_step(licence)

    with pytest.raises(DefinitionInvalid) as caught:
        ensure_valid(licence)

    assert caught.value.code == "invalid_definition"
    assert caught.value.message == "$.agency: agency 'SSPC' is not listed in $.agencies (and 2 more)"
    assert caught.value.details == validate_definition(licence)
    assert len(caught.value.details) == 3


def test_a_definition_with_evidence_and_a_pre_filled_field_is_valid(with_evidence: Definition) -> None:
    assert validate_definition(with_evidence) == []
    credential_evidence(with_evidence)
    assert validate_definition(with_evidence) == []


def test_a_definition_with_registrations_is_valid(with_registrations: Definition) -> None:
    assert validate_definition(with_registrations) == []
