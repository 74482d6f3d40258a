"""Compiler from a procedure definition to an Amazon States Language state machine.

Agencies describe *what* happens; the compiler adds *how*: every Task gets the one
retry policy below, every top-level state a Catch that lands the application in
``error`` (audited and notified by the fail handler), every wait for a person a
timeout.  When requirements name evidence, the machine first fetches it from the
registries (in parallel, falling back to an upload when a registry stays down) and waits
for the citizen to approve what was fetched.  Handlers are referenced by
``${Placeholders}`` only; ``infra`` substitutes them for AWS and for the local stack alike.

Output is deterministic: same definition, byte-identical ASL (``render``).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

# The Lambda step handlers a state machine calls, by role -> placeholder.
HANDLERS = {
    "check": "StepCheckArn",
    "open": "StepOpenArn",
    "await": "StepAwaitArn",
    "deadline": "StepDeadlineArn",
    "issue": "StepIssueArn",
    "close": "StepCloseArn",
    "fail": "StepFailArn",
    "lookup": "StepLookupArn",
}

TRANSIENT_ERRORS = [
    "TransientFailure",
    "Lambda.ServiceException",
    "Lambda.AWSLambdaException",
    "Lambda.SdkClientException",
    "Lambda.TooManyRequestsException",
]
RETRY = [
    {
        "ErrorEquals": TRANSIENT_ERRORS,
        "IntervalSeconds": 1,
        "MaxAttempts": 5,
        "BackoffRate": 2.0,
        "MaxDelaySeconds": 30,
        "JitterStrategy": "FULL",
    }
]
# A registry that stays down after the adapter's own retries: tried again briefly here, then
# the requirement falls back to an upload rather than failing the application.
REGISTRY_UNAVAILABLE = "RegistryUnavailable"
REGISTRY_RETRY = {"ErrorEquals": [REGISTRY_UNAVAILABLE], "IntervalSeconds": 1, "MaxAttempts": 2, "BackoffRate": 2.0}
# The states that fetch evidence and have the citizen approve it, before the definition's start:
# ``evidence`` (a branch per requirement, ``evidence.<code>``), then the top-level
# ``evidence.<name>`` below (``failed`` records a failure): names no requirement code may take.
EVIDENCE = "evidence"
EVIDENCE_STATES = ("review", "wait", "lapsed", "failed")
REJECTED_ERROR = "Ventanilla.Rejected"
WITHDRAWN_ERROR = "Ventanilla.Withdrawn"
WAIT_RESOURCE = "arn:aws:states:::lambda:invoke.waitForTaskToken"


def placeholder(role: str) -> str:
    return "${" + HANDLERS[role] + "}"


class _Flow:
    """Emits the states of one flow: the top level, or one branch of a parallel step."""

    def __init__(self, steps: Mapping[str, Any], top_level: bool) -> None:
        self.steps = steps
        self.top_level = top_level
        self.states: dict[str, Any] = {}

    # --- terminal states -------------------------------------------------------------
    @property
    def rejected(self) -> str:
        return "Rejected" if self.top_level else self._branch_end("Rejected", REJECTED_ERROR)

    @property
    def withdrawn(self) -> str:
        return "Withdrawn" if self.top_level else self._branch_end("Withdrawn", WITHDRAWN_ERROR)

    def _branch_end(self, name: str, error: str) -> str:
        state = f"{next(iter(self.steps))}.{name}"
        self.states[state] = {"Type": "Fail", "Error": error, "Cause": f"{name} in a parallel branch"}
        return state

    # --- building blocks -------------------------------------------------------------
    def _payload(self, step_id: str, **extra: Any) -> dict[str, Any]:
        payload = {
            "application_id.$": "$.application_id",
            "step": step_id,
            "execution.$": "$$.Execution.Name",
            "entered.$": "$$.State.EnteredTime",
        }
        payload.update(extra)
        return payload

    def _task(self, role: str, step_id: str, then: Mapping[str, Any], **extra: Any) -> dict[str, Any]:
        state: dict[str, Any] = {
            "Type": "Task",
            "Resource": placeholder(role),
            "Parameters": self._payload(step_id, **extra),
            "ResultPath": "$.step",
            "Retry": RETRY,
            **then,
        }
        return self._guarded(state, step_id)

    def _wait(self, kind: str, step_id: str, on_timeout: str, then: Mapping[str, Any]) -> dict[str, Any]:
        state: dict[str, Any] = {
            "Type": "Task",
            "Resource": WAIT_RESOURCE,
            "Parameters": {
                "FunctionName": placeholder("await"),
                "Payload": self._payload(step_id, kind=kind, **{"token.$": "$$.Task.Token"}),
            },
            "TimeoutSecondsPath": "$.step.timeout_seconds",
            "ResultPath": "$.step",
            "Retry": RETRY,
            "Catch": [{"ErrorEquals": ["States.Timeout"], "ResultPath": "$.timeout", "Next": on_timeout}],
            **then,
        }
        return self._guarded(state, step_id)

    def _guarded(self, state: dict[str, Any], step_id: str) -> dict[str, Any]:
        """Top-level states catch everything into ``<step>.failed``, which records the
        step (so an operator can retry from it) and goes to the shared fail handler."""
        if self.top_level:
            state.setdefault("Catch", []).append(
                {"ErrorEquals": ["States.ALL"], "ResultPath": "$.error", "Next": f"{step_id}.failed"}
            )
            self.states[f"{step_id}.failed"] = {
                "Type": "Pass",
                "Result": step_id,
                "ResultPath": "$.failed_step",
                "Next": "Failed",
            }
        return state

    @staticmethod
    def _then(step: Mapping[str, Any]) -> dict[str, Any]:
        return {"End": True} if step.get("end") else {"Next": step["next"]}

    # --- steps -----------------------------------------------------------------------
    def emit(self) -> dict[str, Any]:
        for step_id, step in self.steps.items():
            getattr(self, f"_emit_{step['type']}")(step_id, step)
        return self.states

    def _emit_check(self, step_id: str, step: Mapping[str, Any]) -> None:
        passed = self._done() if step.get("end") else step["next"]
        self.states[step_id] = self._task("check", step_id, {"Next": f"{step_id}.result"})
        self.states[f"{step_id}.result"] = {
            "Type": "Choice",
            "Choices": [{"Variable": "$.step.passed", "BooleanEquals": True, "Next": passed}],
            "Default": self.rejected,
        }

    def _emit_review(self, step_id: str, step: Mapping[str, Any]) -> None:
        decision = f"{step_id}.decision"
        self.states[step_id] = self._task("open", step_id, {"Next": f"{step_id}.wait"}, kind="review")
        self.states[f"{step_id}.wait"] = self._wait("review", step_id, f"{step_id}.deadline", {"Next": decision})
        self.states[f"{step_id}.deadline"] = self._task("deadline", step_id, {"Next": decision})
        approved = {"Next": self._done() if step.get("end") else step["next"]}
        self.states[decision] = {
            "Type": "Choice",
            "Choices": [
                {"Variable": "$.step.decision", "StringEquals": "approve", **approved},
                {"Variable": "$.step.decision", "StringEquals": "request_changes", "Next": f"{step_id}.corrections"},
                {"Variable": "$.step.decision", "StringEquals": "escalated", "Next": f"{step_id}.wait"},
                {"Variable": "$.step.decision", "StringEquals": "waiting", "Next": f"{step_id}.wait"},
            ],
            "Default": self.rejected,
        }
        self.states[f"{step_id}.corrections"] = self._wait(
            "corrections", step_id, f"{step_id}.lapsed", {"Next": step_id}
        )
        self.states[f"{step_id}.lapsed"] = self._task(
            "close", step_id, {"Next": self.withdrawn}, reason="corrections_lapsed"
        )

    def _emit_payment(self, step_id: str, step: Mapping[str, Any]) -> None:
        self.states[step_id] = self._task("open", step_id, {"Next": f"{step_id}.wait"}, kind="payment")
        self.states[f"{step_id}.wait"] = self._wait("payment", step_id, f"{step_id}.expired", self._then(step))
        self.states[f"{step_id}.expired"] = self._task(
            "close", step_id, {"Next": self.withdrawn}, reason="payment_expired"
        )

    def _emit_issue(self, step_id: str, step: Mapping[str, Any]) -> None:
        state = self._task("issue", step_id, self._then(step))
        if any("registry" in registration for registration in step.get("registrations", [])):
            # a registry that stays down is asked again, later, before the application goes to error
            state["Retry"] = [REGISTRY_RETRY, *RETRY]
        self.states[step_id] = state

    def _emit_choice(self, step_id: str, step: Mapping[str, Any]) -> None:
        self.states[step_id] = self._task("check", step_id, {"Next": f"{step_id}.route"}, kind="choice")
        self.states[f"{step_id}.route"] = {
            "Type": "Choice",
            "Choices": [
                {"Variable": "$.step.route", "StringEquals": choice["next"], "Next": choice["next"]}
                for choice in _unique_targets(step["choices"])
            ],
            "Default": step["default"],
        }

    def _emit_parallel(self, step_id: str, step: Mapping[str, Any]) -> None:
        branches = []
        for branch in step["branches"]:
            inner = _Flow(branch["steps"], top_level=False)
            branches.append({"StartAt": branch["start"], "States": inner.emit()})
        state: dict[str, Any] = {
            "Type": "Parallel",
            "Branches": branches,
            "ResultPath": None,
            "Catch": [
                {"ErrorEquals": [REJECTED_ERROR], "ResultPath": "$.branch", "Next": self.rejected},
                {"ErrorEquals": [WITHDRAWN_ERROR], "ResultPath": "$.branch", "Next": self.withdrawn},
            ],
            **self._then(step),
        }
        self.states[step_id] = self._guarded(state, step_id) if self.top_level else state

    def emit_evidence(self, requirements: list[Mapping[str, Any]], then: str) -> None:
        """Fetch every requirement's evidence at once, then wait for the citizen's approval.

        Every lookup carries ``step`` "evidence" and its ``requirement``: parallel branches
        may enter at the same instant, so a handler's idempotency key must include the
        requirement."""
        branches = []
        for requirement in requirements:
            code = requirement["code"]
            name, fallback = f"{EVIDENCE}.{code}", f"{EVIDENCE}.{code}.fallback"
            branch = _Flow({}, top_level=False)
            lookup = branch._task("lookup", EVIDENCE, {"End": True}, requirement=code)
            lookup["Retry"] = [REGISTRY_RETRY, *RETRY]
            lookup["Catch"] = [{"ErrorEquals": [REGISTRY_UNAVAILABLE], "ResultPath": "$.error", "Next": fallback}]
            branches.append(
                {
                    "StartAt": name,
                    "States": {
                        name: lookup,
                        fallback: branch._task(
                            "lookup", EVIDENCE, {"End": True}, requirement=code, fallback=True, **{"error.$": "$.error"}
                        ),
                    },
                }
            )
        review, wait, lapsed = f"{EVIDENCE}.review", f"{EVIDENCE}.wait", f"{EVIDENCE}.lapsed"
        parallel = {"Type": "Parallel", "Branches": branches, "ResultPath": None, "Next": review}
        self.states[EVIDENCE] = self._guarded(parallel, EVIDENCE)
        self.states[review] = self._task("open", EVIDENCE, {"Next": wait}, kind=EVIDENCE)
        self.states[wait] = self._wait(EVIDENCE, EVIDENCE, lapsed, {"Next": then})
        self.states[lapsed] = self._task("close", EVIDENCE, {"Next": self.withdrawn}, reason="evidence_lapsed")

    def _done(self) -> str:
        name = "Done" if self.top_level else f"{next(iter(self.steps))}.done"
        self.states[name] = {"Type": "Succeed"}
        return name


def _unique_targets(choices: list[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    seen: dict[str, Mapping[str, Any]] = {}
    for choice in choices:
        seen.setdefault(choice["next"], choice)
    return list(seen.values())


def compile_definition(definition: Mapping[str, Any]) -> dict[str, Any]:
    """ASL for a valid definition (validate first: the compiler trusts its input)."""
    flow = _Flow(definition["steps"], top_level=True)
    states = flow.emit()
    beginning, resumable = definition["start"], list(definition["steps"])
    with_evidence = [requirement for requirement in definition["requirements"] if "evidence" in requirement]
    if with_evidence:
        flow.emit_evidence(with_evidence, then=definition["start"])
        beginning, resumable = EVIDENCE, [EVIDENCE, *resumable]
    states["Start"] = {
        "Type": "Choice",
        "Comment": "A new execution starts at the beginning, or where an operator retries it (input resume_at).",
        "Choices": [{"Variable": "$.resume_at", "IsPresent": True, "Next": "Resume"}],
        "Default": beginning,
    }
    states["Resume"] = {
        "Type": "Choice",
        "Choices": [{"Variable": "$.resume_at", "StringEquals": step_id, "Next": step_id} for step_id in resumable],
        "Default": beginning,
    }
    states["Rejected"] = {
        "Type": "Succeed",
        "Comment": "The application ended rejected; the handler that decided it recorded why.",
    }
    states["Withdrawn"] = {
        "Type": "Succeed",
        "Comment": (
            f"The application ended without a decision (lapsed {'evidence approval, ' if with_evidence else ''}"
            "corrections or payment)."
        ),
    }
    states["Failed"] = {
        "Type": "Task",
        "Resource": placeholder("fail"),
        "Parameters": {
            "application_id.$": "$.application_id",
            "error.$": "$.error",
            "step.$": "$.failed_step",
            "execution.$": "$$.Execution.Name",
        },
        "ResultPath": None,
        "Retry": RETRY,
        "Next": "FailedEnd",
    }
    states["FailedEnd"] = {
        "Type": "Fail",
        "Error": "Ventanilla.StepFailed",
        "Cause": "A step failed after its retries; the application is in error.",
    }
    return {
        "Comment": (
            f"{definition['code']} v{definition['version']}: generated from workflows/{definition['code']}.json. Do "
            f"not edit."
        ),
        "StartAt": "Start",
        "States": states,
    }


def render(asl: Mapping[str, Any]) -> str:
    """The canonical text of a state machine (what is committed beside its source)."""
    return json.dumps(asl, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def placeholders_in(text: str) -> set[str]:
    return set(re.findall(r"\$\{([A-Za-z0-9]+)\}", text))


def substitute(text: str, values: Mapping[str, str]) -> str:
    """Apply DefinitionSubstitutions the way Step Functions does (every placeholder must be known)."""
    missing = placeholders_in(text) - set(values)
    if missing:
        raise KeyError(f"no substitution for {', '.join(sorted(missing))}")
    for name, value in values.items():
        text = text.replace("${" + name + "}", value)
    return text
