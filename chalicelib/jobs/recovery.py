"""Operator tools: retry an application in ``error`` from the step that failed, and
repair a submission whose execution never started (a crash between the two writes)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from msgspec import Struct

from chalicelib.adapters.ports import WorkflowEngine
from chalicelib.applications import transitions as status
from chalicelib.applications.service import Applications
from chalicelib.applications.transitions import Change, Transitions
from chalicelib.core.clock import iso, utcnow
from chalicelib.core.errors import Conflict, ValidationFailed
from chalicelib.core.names import state_machine_prefix
from chalicelib.store.repositories import Repositories


class Recovery(Struct, frozen=True):
    store: Repositories
    applications: Applications
    transitions: Transitions
    engine: WorkflowEngine
    stage: str

    def retry(self, application_id: str, operator: str, from_step: str | None = None) -> dict[str, Any]:
        """Start a new execution of the application's own version at ``from_step`` (default:
        the step that failed); the handlers keep what was already done (payments, clocks)."""
        application = self.applications.load(application_id)
        if application.status != status.ERROR:
            raise Conflict(
                f"only applications in error can be retried; this one is {application.status}", code="not_in_error"
            )
        steps = self.applications.definition(application)["steps"]
        step = from_step or application.failed_step or next(iter(steps))
        if step not in steps:
            raise ValidationFailed.field("from_step", f"must be a top-level step of the procedure: {', '.join(steps)}")
        attempt = (application.executions or 1) + 1
        name = f"{application.id}-{attempt}"
        change = Change(
            "workflow.retried", details={"step": step, "execution": name, "failed_step": application.failed_step}
        )
        self.transitions.record(
            application,
            {"kind": "operator", "id": operator},
            change,
            fields={"executions": attempt, "execution_name": name},
        )
        execution = self.applications.start_workflow(application, resume_at=step)
        return {"application_id": application.id, "execution": execution, "resume_at": step}

    def reconcile(self) -> list[str]:
        """Mark ``error`` the applications whose execution failed without saying so (when
        even the fail handler could not run); returns their ids."""
        reconciled = []
        for name, error in self.engine.failed_executions(state_machine_prefix(self.stage)):
            application_id = name.rsplit("-", 1)[0]
            application = self.applications.load(application_id)
            if (
                application.status in status.FINAL
                or application.status == status.ERROR
                or application.execution_name != name
            ):
                continue
            change = Change(
                "workflow.failed",
                to_status=status.ERROR,
                reason=f"{error}: the execution failed (found by reconciliation)",
                details={"execution": name},
                notify="error",
            )
            self.transitions.record(application, {"kind": "operator", "id": "reconcile"}, change)
            reconciled.append(application_id)
        return reconciled

    def repair(self, older_than: timedelta = timedelta(minutes=2)) -> list[str]:
        """Start every execution still missing after ``older_than`` (one Query, no Scan)."""
        cutoff = iso(utcnow() - older_than)
        repaired = []
        for application in self.store.applications.awaiting_start_before(cutoff):
            self.applications.start_workflow(application)
            repaired.append(application.id)
        return repaired
