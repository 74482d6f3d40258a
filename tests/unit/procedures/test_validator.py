"""The validator: every way an agency can get a definition wrong, reported at its JSON path.

Each case starts from a deep copy of workflows/licencia-conducir.json (the ``licence``
fixture), breaks one thing, and checks where and how the problem is reported.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from chalicelib.procedures.validator import DefinitionInvalid, ensure_valid, validate_definition
from tests.unit.procedures.conftest import review

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


@reported("$.fee.amount", "'1,016.00' does not match")
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
