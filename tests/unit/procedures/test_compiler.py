"""The compiler: agency JSON in, a state machine Step Functions will accept and run safely out."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from chalicelib.procedures import compiler
from chalicelib.procedures.compiler import compile_definition, placeholders_in, render, substitute
from chalicelib.procedures.validator import validate_definition
from tests.unit.procedures.conftest import LICENCE_ASL

Scope = tuple[str, dict[str, Any], str]


def scopes(machine: dict[str, Any], where: str = "$") -> Iterator[Scope]:
    """The top level and every Parallel branch, however deep: (where, States, StartAt)."""
    yield where, machine["States"], machine["StartAt"]
    for name, state in machine["States"].items():
        for index, branch in enumerate(state.get("Branches", ())):
            yield from scopes(branch, f"{where}.{name}.Branches[{index}]")


def every_state(machine: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    for where, states, _ in scopes(machine):
        for name, state in states.items():
            yield where, name, state


def transitions(state: dict[str, Any]) -> list[str]:
    targets = [state["Next"]] if "Next" in state else []
    targets += [choice["Next"] for choice in state.get("Choices", ())]
    targets += [state["Default"]] if "Default" in state else []
    targets += [catch["Next"] for catch in state.get("Catch", ())]
    return targets


def steps_of(steps: dict[str, Any]) -> Iterator[dict[str, Any]]:
    for step in steps.values():
        yield step
        for branch in step.get("branches", ()):
            yield from steps_of(branch["steps"])


@pytest.fixture(params=["licence", "multi_agency", "with_evidence"])
def definition(request: pytest.FixtureRequest) -> dict[str, Any]:
    value: dict[str, Any] = request.getfixturevalue(request.param)
    assert validate_definition(value) == []
    return value


# --- determinism ------------------------------------------------------------------------


def test_rendering_twice_gives_identical_text(licence: dict[str, Any]) -> None:
    first = render(compile_definition(licence))
    second = render(compile_definition(json.loads(json.dumps(licence))))
    assert first == second


def test_the_committed_state_machine_is_what_the_compiler_produces(licence: dict[str, Any]) -> None:
    assert render(compile_definition(licence)) == LICENCE_ASL.read_text("utf-8")


def test_the_comment_names_the_procedure_version_and_its_source(licence: dict[str, Any]) -> None:
    assert compile_definition(licence)["Comment"].startswith(
        "licencia-conducir v1: generated from workflows/licencia-conducir.json"
    )


# --- structure ---------------------------------------------------------------------------


def test_every_transition_stays_inside_its_own_scope(definition: dict[str, Any]) -> None:
    for where, states, start in scopes(compile_definition(definition)):
        assert start in states, where
        for name, state in states.items():
            for target in transitions(state):
                assert target in states, f"{where}.{name} goes to {target!r}, which is not in the same scope"


def test_every_state_is_reachable_and_every_path_can_end(definition: dict[str, Any]) -> None:
    for where, states, start in scopes(compile_definition(definition)):
        reachable, pending = set(), [start]
        while pending:
            name = pending.pop()
            if name not in reachable:
                reachable.add(name)
                pending.extend(transitions(states[name]))
        unreachable = set(states) - reachable - {"Failed", "FailedEnd", "Rejected", "Withdrawn"}
        assert not unreachable, f"{where}: {sorted(unreachable)}"
        for name, state in states.items():
            assert state.get("End") or state["Type"] in ("Succeed", "Fail") or transitions(state), (
                f"{where}.{name} is a dead end"
            )


def test_state_names_are_unique_across_the_whole_machine(definition: dict[str, Any]) -> None:
    names = [name for _, name, _ in every_state(compile_definition(definition))]
    assert len(names) == len(set(names))


def test_every_wait_for_a_person_has_a_timeout_that_is_handled(definition: dict[str, Any]) -> None:
    machine = compile_definition(definition)
    waits = 0
    for where, states, _ in scopes(machine):
        for name, state in states.items():
            if not state.get("Resource", "").endswith(".waitForTaskToken"):
                continue
            waits += 1
            assert state["TimeoutSecondsPath"] == "$.step.timeout_seconds", f"{where}.{name}"
            timeout = [catch for catch in state["Catch"] if catch["ErrorEquals"] == ["States.Timeout"]]
            assert len(timeout) == 1 and timeout[0]["Next"] in states, f"{where}.{name}"
            assert state["Parameters"]["Payload"]["token.$"] == "$$.Task.Token"
    kinds = [step["type"] for step in steps_of(definition["steps"])]
    approval = any("evidence" in requirement for requirement in definition["requirements"])
    # a decision and corrections; a payment; the citizen's approval of the evidence
    assert waits == 2 * kinds.count("review") + kinds.count("payment") + approval


def test_every_top_level_task_retries_and_then_lands_in_failed(definition: dict[str, Any]) -> None:
    states = compile_definition(definition)["States"]
    guarded = [name for name, state in states.items() if state["Type"] in ("Task", "Parallel") and name != "Failed"]
    beginning = "evidence" if "evidence" in states else definition["start"]
    assert states["Start"]["Type"] == "Choice" and states["Start"]["Default"] == beginning
    assert len(guarded) >= 6
    for name in guarded:
        state = states[name]
        if state["Type"] == "Task":
            assert state["Retry"] == compiler.RETRY, name
        catch_all = state["Catch"][-1]
        assert (catch_all["ErrorEquals"], catch_all["ResultPath"]) == (["States.ALL"], "$.error"), name
        recorder = states[catch_all["Next"]]  # records which step failed, for an operator's retry
        assert recorder == {
            "Type": "Pass",
            "Result": name.split(".")[0],
            "ResultPath": "$.failed_step",
            "Next": "Failed",
        }, name
        assert all("States.ALL" not in catch["ErrorEquals"] for catch in state["Catch"][:-1]), name


def test_the_shared_retry_policy_retries_transient_failures_with_backoff() -> None:
    (policy,) = compiler.RETRY
    assert "TransientFailure" in policy["ErrorEquals"]
    assert "Lambda.TooManyRequestsException" in policy["ErrorEquals"]
    assert "States.ALL" not in policy["ErrorEquals"]  # a real bug must not be retried into a loop
    assert policy["MaxAttempts"] >= 2
    assert policy["BackoffRate"] > 1


def test_a_failed_step_is_recorded_by_the_fail_handler_then_the_execution_fails(licence: dict[str, Any]) -> None:
    states = compile_definition(licence)["States"]
    assert states["Failed"]["Resource"] == "${StepFailArn}"
    assert states["Failed"]["Retry"] == compiler.RETRY
    assert states[states["Failed"]["Next"]]["Type"] == "Fail"


# --- placeholders ------------------------------------------------------------------------


def test_the_only_placeholders_are_the_step_handlers(definition: dict[str, Any]) -> None:
    text = render(compile_definition(definition))
    lookups = any("evidence" in requirement for requirement in definition["requirements"])
    assert placeholders_in(text) == set(compiler.HANDLERS.values()) - (set() if lookups else {"StepLookupArn"})
    for _, name, state in every_state(compile_definition(definition)):
        if state["Type"] == "Task":
            resource = state["Resource"]
            assert resource == compiler.WAIT_RESOURCE or placeholders_in(resource) == {resource[2:-1]}, name
    assert "arn:aws:lambda" not in text


def test_substitute_fills_every_placeholder(licence: dict[str, Any]) -> None:
    values = {
        name: f"arn:aws:lambda:us-east-1:123456789012:function:ventanilla-{role}"
        for role, name in compiler.HANDLERS.items()
    }
    text = substitute(render(compile_definition(licence)), values)
    assert "${" not in text
    machine = json.loads(text)
    assert machine["States"]["emision"]["Resource"] == values["StepIssueArn"]
    assert machine["States"]["revision.wait"]["Parameters"]["FunctionName"] == values["StepAwaitArn"]


def test_substitute_refuses_a_missing_placeholder(licence: dict[str, Any]) -> None:
    values = {name: "arn" for name in compiler.HANDLERS.values() if name != "StepDeadlineArn"}
    with pytest.raises(KeyError, match="no substitution for StepDeadlineArn"):
        substitute(render(compile_definition(licence)), values)


# --- parallel and choice -----------------------------------------------------------------


def test_a_parallel_step_becomes_a_parallel_state_with_one_branch_per_agency(multi_agency: dict[str, Any]) -> None:
    parallel = compile_definition(multi_agency)["States"]["revisiones"]
    assert parallel["Type"] == "Parallel"
    assert parallel["Next"] == "pago"
    assert parallel["ResultPath"] is None  # the branches' results do not overwrite the application's state
    assert [branch["StartAt"] for branch in parallel["Branches"]] == ["revision_movilidad", "revision_salud"]
    for branch in parallel["Branches"]:
        assert branch["StartAt"] in branch["States"]
        assert branch["States"][branch["StartAt"]]["Parameters"]["kind"] == "review"


def test_a_rejection_or_withdrawal_in_any_branch_ends_the_whole_application(multi_agency: dict[str, Any]) -> None:
    parallel = compile_definition(multi_agency)["States"]["revisiones"]
    assert parallel["Catch"] == [
        {"ErrorEquals": [compiler.REJECTED_ERROR], "ResultPath": "$.branch", "Next": "Rejected"},
        {"ErrorEquals": [compiler.WITHDRAWN_ERROR], "ResultPath": "$.branch", "Next": "Withdrawn"},
        {"ErrorEquals": ["States.ALL"], "ResultPath": "$.error", "Next": "revisiones.failed"},
    ]
    for branch in parallel["Branches"]:
        start = branch["StartAt"]
        decision = branch["States"][f"{start}.decision"]
        rejected = branch["States"][decision["Default"]]
        assert rejected == {"Type": "Fail", "Error": compiler.REJECTED_ERROR, "Cause": "Rejected in a parallel branch"}
        lapsed = branch["States"][f"{start}.lapsed"]
        assert branch["States"][lapsed["Next"]]["Error"] == compiler.WITHDRAWN_ERROR
        approved = next(choice["Next"] for choice in decision["Choices"] if choice["StringEquals"] == "approve")
        assert branch["States"][approved]["Type"] == "Succeed"


def test_branch_tasks_retry_but_leave_catching_to_the_parallel_state(multi_agency: dict[str, Any]) -> None:
    parallel = compile_definition(multi_agency)["States"]["revisiones"]
    for branch in parallel["Branches"]:
        for name, state in branch["States"].items():
            if state["Type"] == "Task":
                assert state["Retry"] == compiler.RETRY, name
                assert all(catch["ErrorEquals"] == ["States.Timeout"] for catch in state.get("Catch", ())), name


def test_a_choice_step_asks_the_check_handler_and_routes_on_its_answer(multi_agency: dict[str, Any]) -> None:
    states = compile_definition(multi_agency)["States"]
    assert states["ruta"]["Resource"] == "${StepCheckArn}"
    assert states["ruta"]["Parameters"]["kind"] == "choice"
    route = states[states["ruta"]["Next"]]
    assert route["Type"] == "Choice"
    assert route["Choices"] == [{"Variable": "$.step.route", "StringEquals": "revisiones", "Next": "revisiones"}]
    assert route["Default"] == "pago"


# --- evidence ---------------------------------------------------------------------------


def test_evidence_is_fetched_in_parallel_one_branch_per_requirement(with_evidence: dict[str, Any]) -> None:
    states = compile_definition(with_evidence)["States"]

    evidence = states["evidence"]
    assert evidence["Type"] == "Parallel"
    assert evidence["ResultPath"] is None  # the lookups record what they fetched; the input goes on
    assert evidence["Next"] == "evidence.review"
    assert evidence["Catch"] == [{"ErrorEquals": ["States.ALL"], "ResultPath": "$.error", "Next": "evidence.failed"}]
    assert states["evidence.failed"] == {
        "Type": "Pass",
        "Result": "evidence",
        "ResultPath": "$.failed_step",
        "Next": "Failed",
    }
    assert [branch["StartAt"] for branch in evidence["Branches"]] == [
        "evidence.identificacion",
        "evidence.comprobante_domicilio",
    ]
    for branch, code in zip(evidence["Branches"], ("identificacion", "comprobante_domicilio"), strict=True):
        assert set(branch["States"]) == {f"evidence.{code}", f"evidence.{code}.fallback"}
        lookup = branch["States"][f"evidence.{code}"]
        assert lookup["Type"] == "Task"
        assert lookup["Resource"] == "${StepLookupArn}"
        assert lookup["Parameters"] == {
            "application_id.$": "$.application_id",
            "step": "evidence",
            "requirement": code,
            "execution.$": "$$.Execution.Name",
            "entered.$": "$$.State.EnteredTime",
        }
        assert lookup["End"] is True


def test_a_registry_that_stays_down_is_tried_twice_more_then_the_citizen_uploads(
    with_evidence: dict[str, Any],
) -> None:
    for branch in compile_definition(with_evidence)["States"]["evidence"]["Branches"]:
        name = branch["StartAt"]
        code = name.removeprefix("evidence.")
        lookup = branch["States"][name]
        assert lookup["Retry"] == [
            {"ErrorEquals": ["RegistryUnavailable"], "IntervalSeconds": 1, "MaxAttempts": 2, "BackoffRate": 2.0},
            *compiler.RETRY,
        ]
        assert lookup["Catch"] == [
            {"ErrorEquals": ["RegistryUnavailable"], "ResultPath": "$.error", "Next": f"{name}.fallback"}
        ]
        fallback = branch["States"][f"{name}.fallback"]
        assert fallback["Resource"] == "${StepLookupArn}"
        assert fallback["Parameters"]["requirement"] == code
        assert fallback["Parameters"]["fallback"] is True
        assert fallback["Parameters"]["error.$"] == "$.error"  # why: a registry down, or not configured
        assert fallback["Retry"] == compiler.RETRY
        assert "Catch" not in fallback  # the Parallel state catches what is left
        assert fallback["End"] is True


def test_after_the_lookups_the_citizen_approves_then_the_definition_starts(with_evidence: dict[str, Any]) -> None:
    states = compile_definition(with_evidence)["States"]

    review = states["evidence.review"]
    assert (review["Resource"], review["Parameters"]["step"], review["Parameters"]["kind"]) == (
        "${StepOpenArn}",
        "evidence",
        "evidence",
    )
    assert review["Next"] == "evidence.wait"
    wait = states["evidence.wait"]
    assert wait["Resource"] == compiler.WAIT_RESOURCE
    assert wait["Parameters"]["Payload"]["kind"] == "evidence"
    assert wait["Next"] == with_evidence["start"] == "verificacion"
    assert wait["Catch"][0] == {"ErrorEquals": ["States.Timeout"], "ResultPath": "$.timeout", "Next": "evidence.lapsed"}
    lapsed = states["evidence.lapsed"]
    assert (lapsed["Resource"], lapsed["Parameters"]["reason"], lapsed["Next"]) == (
        "${StepCloseArn}",
        "evidence_lapsed",
        "Withdrawn",
    )
    for name in ("evidence.review", "evidence.wait", "evidence.lapsed"):
        assert states[name]["Catch"][-1]["Next"] == "evidence.failed", name


def test_a_new_execution_fetches_the_evidence_first_and_an_operator_may_resume_there(
    with_evidence: dict[str, Any],
) -> None:
    states = compile_definition(with_evidence)["States"]
    assert states["Start"]["Default"] == "evidence"
    assert states["Resume"]["Choices"][0] == {"Variable": "$.resume_at", "StringEquals": "evidence", "Next": "evidence"}
    assert [choice["Next"] for choice in states["Resume"]["Choices"][1:]] == list(with_evidence["steps"])
    assert states["Resume"]["Default"] == "evidence"


def test_one_requirement_with_evidence_is_still_a_parallel_state(licence: dict[str, Any]) -> None:
    licence["requirements"][2]["evidence"] = {
        "credential": "examen-manejo",
        "take": ["number", "valid_until"],
        "purpose": {"es": "Comprobar su examen", "en": "To confirm your exam"},
    }
    assert validate_definition(licence) == []
    evidence = compile_definition(licence)["States"]["evidence"]
    assert [branch["StartAt"] for branch in evidence["Branches"]] == ["evidence.constancia_examen"]


def test_a_definition_without_evidence_has_no_lookups(licence: dict[str, Any]) -> None:
    text = render(compile_definition(licence))
    assert "evidence" not in text and "StepLookupArn" not in text


def test_evidence_renders_identically_twice(with_evidence: dict[str, Any]) -> None:
    assert render(compile_definition(with_evidence)) == render(
        compile_definition(json.loads(json.dumps(with_evidence)))
    )


def test_an_issue_step_that_registers_with_a_registry_asks_again_later_before_failing(
    with_registrations: dict[str, Any],
) -> None:
    registering = compile_definition(with_registrations)["States"]["emision"]
    assert registering["Retry"] == [compiler.REGISTRY_RETRY, *compiler.RETRY]
    with_registrations["steps"]["emision"].pop("registrations")
    assert compile_definition(with_registrations)["States"]["emision"]["Retry"] == compiler.RETRY
