"""What each Step Functions Task does: the domain side of the Lambda step handlers.

Every event carries the application id, the step id, the execution name and the time
the state was entered; together they make the idempotency ``key`` of the step, so a
Task retried by Step Functions changes nothing twice.  A concurrent change surfaces as
``TransientFailure`` so the state machine's Retry reloads and tries again.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Mapping
from functools import wraps
from typing import Any, TypeVar

from msgspec import Struct

from chalicelib.applications import transitions as status
from chalicelib.applications.evidence import Evidence
from chalicelib.applications.service import Applications, facts_for
from chalicelib.applications.transitions import SYSTEM, Change, Transitions
from chalicelib.core.errors import Conflict, TransientFailure
from chalicelib.credentials.service import Credentials
from chalicelib.payments.service import Payments
from chalicelib.procedures import rules
from chalicelib.reviews.service import Reviews
from chalicelib.store.models import Application

Event = Mapping[str, Any]
F = TypeVar("F", bound=Callable[..., Any])
CLOSE_REASONS = {
    "corrections_lapsed": "El plazo para presentar las correcciones venció sin respuesta.",
    "payment_expired": "La línea de captura venció sin pago.",
    "evidence_lapsed": "No confirmó los datos a tiempo.",
}


CONFLICT_ATTEMPTS = 5


def _conflicts_are_transient(method: F) -> F:
    """Parallel branches change one application at once: on a concurrent change, reload
    and try again a few times (each handler reads its state afresh), then let the state
    machine's Retry take over."""

    @wraps(method)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        for attempt in range(CONFLICT_ATTEMPTS):
            try:
                return method(*args, **kwargs)
            except Conflict as error:
                if error.code != "concurrent_change" or attempt == CONFLICT_ATTEMPTS - 1:
                    raise TransientFailure(error.message) from error
                time.sleep(random.uniform(0.01, 0.05) * (attempt + 1))
        raise AssertionError("unreachable")

    return wrapper  # type: ignore[return-value]


def step_key(event: Event, role: str) -> str:
    return f"{event['execution']}/{event['step']}/{event['entered']}/{role}"


class Steps(Struct, frozen=True):
    applications: Applications
    transitions: Transitions
    reviews: Reviews
    payments: Payments
    credentials: Credentials
    evidence: Evidence

    def run(self, role: str, event: Event) -> dict[str, Any]:
        """Run the step of a handler role (``compiler.HANDLERS``): the method of that name
        (``await``, a keyword, is ``wait``)."""
        handler: Callable[[Event], dict[str, Any]] = getattr(self, "wait" if role == "await" else role)
        return handler(event)

    def _load(self, event: Event) -> tuple[Application, dict[str, Any], dict[str, Any]]:
        application = self.applications.load(event["application_id"], consistent=True)
        return (
            application,
            self.applications.definition(application),
            self.applications.step(application, event["step"]),
        )

    @_conflicts_are_transient
    def check(self, event: Event) -> dict[str, Any]:
        """Automatic checks (rules over the form and the citizen record), or a choice."""
        application, _, step = self._load(event)
        facts = facts_for(application)
        if step["type"] == "choice":
            for choice in step["choices"]:
                if rules.evaluate(choice["when"], facts):
                    return {"route": choice["next"]}
            return {"route": step["default"]}
        failed = [rule["message"] for rule in step["rules"] if not rules.evaluate(rule["when"], facts)]
        if failed:
            reason = " ".join(message["es"] for message in failed)
            change = Change(
                "checks.failed",
                to_status=status.REJECTED,
                reason=reason,
                details={"step": event["step"], "failed": failed},
                notify="rejected",
            )
        else:
            change = Change("checks.passed", details={"step": event["step"], "rules": len(step["rules"])})
        self.transitions.record(
            application, SYSTEM, change, fields={"current_step": event["step"]}, key=step_key(event, "check")
        )
        return {"passed": not failed}

    def lookup(self, event: Event) -> dict[str, Any]:
        """Fetch one requirement's evidence (``fallback``: its registry stayed down).  Not
        retried here on a concurrent change: ``Evidence`` merges its record itself, so that a
        registry is not asked twice for one conflict."""
        application = self.applications.load(event["application_id"], consistent=True)
        definition = self.applications.definition(application)
        code = event["requirement"]
        fallback = bool(event.get("fallback"))
        key = step_key(event, f"lookup/{code}{'/fallback' if fallback else ''}")
        return self.evidence.lookup(application, definition, code, event["execution"], key, fallback=fallback)

    @_conflicts_are_transient
    def open(self, event: Event) -> dict[str, Any]:
        if event["kind"] == "evidence":
            application = self.applications.load(event["application_id"], consistent=True)
            return self.evidence.open(application, step_key(event, "open"))
        application, _, step = self._load(event)
        if event["kind"] == "payment":
            return self.payments.open(application, event["step"], step, step_key(event, "open"))
        return self.reviews.open(application, event["step"], step, step_key(event, "open"))

    @_conflicts_are_transient
    def wait(self, event: Event) -> dict[str, Any]:
        """Attach the task token of a wait to what the person will act on."""
        application = self.applications.load(event["application_id"], consistent=True)
        if event["kind"] == "payment":
            self.payments.attach_token(application, event["token"])
        elif event["kind"] == "evidence":
            self.evidence.attach_token(application, event["token"])
        else:
            self.reviews.attach_token(application, event["step"], event["kind"], event["token"])
        return {}

    @_conflicts_are_transient
    def deadline(self, event: Event) -> dict[str, Any]:
        application, _, step = self._load(event)
        return self.reviews.deadline(application, event["step"], step, step_key(event, "deadline"))

    @_conflicts_are_transient
    def issue(self, event: Event) -> dict[str, Any]:
        application, definition, step = self._load(event)
        key = step_key(event, "issue")
        return self.credentials.issue(application, definition, event["step"], step, key, facts_for(application))

    @_conflicts_are_transient
    def close(self, event: Event) -> dict[str, Any]:
        application = self.applications.load(event["application_id"], consistent=True)
        reason = CLOSE_REASONS.get(event.get("reason", ""), "Cerrado sin resolución.")
        self.transitions.record(
            application,
            SYSTEM,
            Change(
                "application.closed",
                to_status=status.WITHDRAWN,
                reason=reason,
                details={"step": event["step"], "cause": event.get("reason")},
                notify="withdrawn",
            ),
            fields={"deadline": None, "current_agency": None},
            key=step_key(event, "close"),
        )
        self.reviews.cancel_open(application)
        return {}

    @_conflicts_are_transient
    def fail(self, event: Event) -> dict[str, Any]:
        """A step failed after its retries: the application goes to ``error``, visibly."""
        application = self.applications.load(event["application_id"], consistent=True)
        if application.status in status.FINAL:
            return {}
        error = event.get("error") or {}
        cause = str(error.get("Cause", ""))[:500]
        self.transitions.record(
            application,
            SYSTEM,
            Change(
                "workflow.failed",
                to_status=status.ERROR,
                reason=f"{error.get('Error', 'Error')}: {cause}".strip(": "),
                details={"error": error.get("Error"), "step": event.get("step"), "execution": event.get("execution")},
                notify="error",
            ),
            fields={"failed_step": event.get("step")},
            key=f"{event.get('execution')}/fail",
        )
        self.reviews.cancel_open(application)
        return {}
