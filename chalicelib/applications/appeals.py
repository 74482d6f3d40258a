"""The appeal of a rejection (recurso de revisión).

A rejection (an official's, the automatic checks', or a negativa ficta at a review's
deadline) may be appealed by the holder, or their assistant with consent, within the
procedure's ``appeal.days`` business days (default 15) counted from the day of the
rejection's audit event: the moment Ventanilla notified it.  Both that period and the
supervisors' deadline skip the deciding agency's own published non-working days as
they stand when counted (a later publication does not move them).  The appeal is one review
item in the supervisors' queue of the agency that decided (the queue escalations
already use), with its own legal deadline (``appeal.decision_days``, default 10).  No
workflow waits on it: the application stays ``rejected`` until a supervisor resolves.

The supervisor's resolution is sealed by the platform (not signed with their e.firma):
``confirm`` keeps the rejection; ``revoke`` starts a new execution at
``appeal.resume_at`` (default: the top-level step after the one that rejected), as an
operator's retry does; ``new_review`` starts one at the top-level step that rejected,
with a fresh legal clock, and the official who decided what was appealed may not decide
the new review (nor the appeal itself).
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Mapping
from datetime import date, datetime
from typing import Any

import msgspec
from msgspec import Struct

from chalicelib.applications import transitions as status
from chalicelib.applications.appeal_requests import AppealDecision, AppealFiling
from chalicelib.applications.service import Applications
from chalicelib.applications.transitions import Change, Transitions
from chalicelib.core.clock import iso, parse_iso, utcnow
from chalicelib.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from chalicelib.efirma import cadena as cadenas
from chalicelib.efirma.notary import Notary
from chalicelib.identity.principal import Principal
from chalicelib.legal.calendar import deadline_after, legal_date, local_date
from chalicelib.procedures import jurisdictions
from chalicelib.reviews.service import supervisors_queue
from chalicelib.store.models import Application, AuditEvent
from chalicelib.store.repositories import Repositories
from chalicelib.store.writes import create

DEFAULT_DAYS = 15
DEFAULT_DECISION_DAYS = 10
KIND = "RECURSO"
FILED, CONFIRMED, REVOKED, NEW_REVIEW = "filed", "confirmed", "revoked", "new_review"
STATES = {"confirm": CONFIRMED, "revoke": REVOKED, "new_review": NEW_REVIEW}
DECIDERS = ("official", "supervisor")


def window_ends(rejected_at: str, days: int, days_off: Iterable[date] = ()) -> datetime:
    """The end of the last business day to appeal a rejection notified at ``rejected_at``
    (``days_off``: the deciding agency's own non-working days)."""
    return deadline_after(legal_date(parse_iso(rejected_at)), days, days_off)


def top_level_step(steps: Mapping[str, Any], step_id: str) -> str | None:
    """The top-level step that is, or holds in its branches, ``step_id``."""
    for top, step in steps.items():
        if top == step_id or any(top_level_step(branch["steps"], step_id) for branch in step.get("branches", ())):
            return top
    return None


def cadena(application: Application, review_id: str, agency: str, outcome: str, reason: str, by: str, at: str) -> str:
    """The text the platform seals::

    ||1.0|RECURSO|<code>|<version>|<application>|<appeal review>|<agency>|<outcome>|<reason digest>|<supervisor>|
      <time>||      (one line)
    """
    fields = (
        application.procedure_code,
        str(int(application.procedure_version)),
        application.id,
        review_id,
        agency,
        outcome,
        cadenas.digest(reason),
        by,
    )
    return cadenas.compose(KIND, fields, at)


class Appeals(Struct, frozen=True):
    store: Repositories
    applications: Applications
    transitions: Transitions
    notary: Notary

    def file(self, principal: Principal, application_id: str, request: AppealFiling) -> Application:
        application = self.applications.owned(principal, application_id)
        if application.appeal:
            raise Conflict(
                f"this application was already appealed ({application.appeal['state']}); one appeal per rejection",
                code="appeal_exists",
            )
        if application.status != status.REJECTED:
            raise Conflict(
                f"only a rejected application can be appealed; this one is {application.status}",
                code="not_appealable",
            )
        rejection = self._rejection(application)
        definition = self.applications.definition(application)
        settings = definition.get("appeal", {})
        now = utcnow()
        agency = _deciding_agency(application, rejection)
        ends = self._window_ends(application, agency, rejection.at, int(settings.get("days", DEFAULT_DAYS)))
        if now > ends:
            raise Conflict(
                f"the period to appeal ended on {local_date(iso(ends))} ({settings.get('days', DEFAULT_DAYS)} business "
                f"days from the rejection's notification)",
                code="appeal_window_closed",
            )
        documents = self._documents(application, request.documents)
        details = rejection.details or {}
        step = str(details.get("step") or application.current_step or "")
        decider = rejection.actor.get("id") if rejection.actor.get("kind") in DECIDERS else None
        today = legal_date(now)
        decision_days = int(settings.get("decision_days", DEFAULT_DECISION_DAYS))
        deadline = iso(deadline_after(today, decision_days, self._days_off(application, agency, today)))
        review = self.store.reviews.new_appeal(
            secrets.token_hex(8),
            supervisors_queue(agency),
            application_id=application.id,
            procedure_code=application.procedure_code,
            step=step,
            agency=agency,
            opened_at=iso(now),
            deadline=deadline,
            escalated=1,
            excluded=decider,
        )
        actor = self.applications.actor(principal, application)
        appeal = {
            "state": FILED,
            "review_id": review.id,
            "agency": agency,
            "step": step,
            "filed_at": iso(now),
            "filed_by": actor,
            "deadline": deadline,
            "window_ends": iso(ends),
            "rejected_at": rejection.at,
            "deemed": rejection.action == "review.deemed_denied",
            "arguments": request.arguments,
            "documents": documents,
        }
        change = Change(
            "appeal.filed",
            reason=request.arguments,
            details={
                "review_id": review.id,
                "agency": agency,
                "step": step,
                "deadline": deadline,
                "documents": documents,
            },
            notify="appeal_filed",
            notify_values={"agency": agency, "deadline": local_date(deadline)},
        )
        self.transitions.record(application, actor, change, fields={"appeal": appeal}, also=[create(review)])
        return application

    def decide(self, principal: Principal, application_id: str, request: AppealDecision) -> Application:
        try:
            application = self.applications.load(application_id, consistent=True)
        except NotFound:
            application = None
        appeal = dict((application.appeal if application else None) or {})
        if application is None or not appeal:
            raise NotFound("this application has no appeal", code="unknown_appeal")
        agency = appeal["agency"]
        if agency not in principal.supervisor_of:
            raise Forbidden(f"only supervisors of {agency} resolve this appeal", code="other_agency")
        if appeal["state"] != FILED:
            raise Conflict(f"this appeal is already resolved ({appeal['state']})", code="appeal_closed")
        review = self.store.reviews.get(appeal["review_id"], consistent=True)
        if review.excluded and review.excluded == principal.username:
            raise Forbidden(
                "you decided what is appealed; another supervisor resolves the appeal", code="original_decider"
            )
        now = utcnow()
        at = iso(now)
        text = cadena(application, review.id, agency, request.outcome, request.reason, principal.username, at)
        sealed = msgspec.to_builtins(self.notary.seal(text, None, now))
        appeal.update(
            state=STATES[request.outcome],
            decided_at=at,
            decided_by=principal.username,
            reason=request.reason,
            resolution=sealed,
        )
        close = self.store.reviews.deciding(review, request.outcome, request.reason, principal.username, at)
        details: dict[str, Any] = {
            "review_id": review.id,
            "agency": agency,
            "step": appeal["step"],
            "deadline": appeal["deadline"],
            "sealed_at": sealed["sello"]["sealed_at"],
        }
        actor = principal.describe()
        if request.outcome == "confirm":
            change = Change("appeal.confirmed", reason=request.reason, details=details, notify="appeal_confirmed")
            self._record(application, actor, change, {"appeal": appeal}, close)
            return application
        steps = self.applications.definition(application)["steps"]
        top = top_level_step(steps, appeal["step"])
        if request.outcome == "revoke":
            resume_at = self.applications.definition(application).get("appeal", {}).get("resume_at") or (
                steps[top].get("next") if top else None
            )
            if not resume_at:
                raise Conflict(
                    "the procedure does not say where a revoked rejection resumes (appeal.resume_at)",
                    code="appeal_resume_unknown",
                )
            fields: dict[str, Any] = {}
            change = Change(
                "appeal.revoked",
                to_status=status.SUBMITTED,
                reason=request.reason,
                details={**details, "resume_at": resume_at},
                notify="appeal_revoked",
            )
        else:
            if appeal["step"] not in (application.reviews or {}) or top is None:
                raise Conflict(
                    "what was appealed was not an agency's review (the automatic checks rejected it): revoke or "
                    "confirm instead",
                    code="no_review_to_repeat",
                )
            resume_at = top
            appeal["excluded"] = review.excluded
            # a fresh legal clock: the new review is a new procedure before another official
            fields = {"clocks": {k: v for k, v in (application.clocks or {}).items() if k != appeal["step"]}}
            change = Change(
                "appeal.new_review",
                to_status=status.SUBMITTED,
                reason=request.reason,
                details={**details, "resume_at": resume_at, "excluded": review.excluded},
                notify="appeal_new_review",
            )
        appeal["resume_at"] = resume_at
        attempt = int(application.executions or 1) + 1
        fields.update(
            appeal=appeal,
            executions=attempt,
            execution_name=f"{application.id}-{attempt}",
            deadline=None,
            current_agency=None,
        )
        self._record(application, actor, change, fields, close)
        self.applications.start_workflow(application, resume_at=resume_at)
        return application

    def window(self, application: Application) -> str | None:
        """Until when the application's rejection may be appealed (None unless it is
        rejected and not appealed): one Query of its audit trail."""
        if application.status != status.REJECTED or application.appeal:
            return None
        rejected = [event for event in self.store.applications.audit(application.id) if event.to_status == "rejected"]
        if not rejected:
            return None
        days = int(self.applications.definition(application).get("appeal", {}).get("days", DEFAULT_DAYS))
        return iso(self._window_ends(application, _deciding_agency(application, rejected[-1]), rejected[-1].at, days))

    def _window_ends(self, application: Application, agency: str, rejected_at: str, days: int) -> datetime:
        return window_ends(rejected_at, days, self._days_off(application, agency, legal_date(parse_iso(rejected_at))))

    def _days_off(self, application: Application, agency: str, since: date) -> frozenset[date]:
        """The deciding agency's published days and its jurisdiction's."""
        owners = jurisdictions.calendars_of(self.applications.definition(application), agency)
        return self.store.calendars.days_off(owners, since)

    def _record(
        self, application: Application, actor: dict[str, Any], change: Change, fields: dict[str, Any], close: Any
    ) -> None:
        try:
            self.transitions.record(application, actor, change, fields=fields, also=[close])
        except Conflict as error:
            if error.code == "precondition_failed":
                raise Conflict("another resolution of this appeal was recorded first", code="appeal_closed") from None
            raise

    def _rejection(self, application: Application) -> AuditEvent:
        rejected = [event for event in self.store.applications.audit(application.id) if event.to_status == "rejected"]
        if not rejected:
            raise Conflict("the application has no rejection to appeal", code="not_appealable")
        return rejected[-1]

    @staticmethod
    def _documents(application: Application, codes: list[str]) -> list[str]:
        uploaded = application.documents or {}
        chosen: list[str] = []
        for index, code in enumerate(codes):
            record = uploaded.get(code) if isinstance(code, str) else None
            if not record or "key" not in record:
                raise ValidationFailed.field(
                    f"documents[{index}]",
                    "must name a document uploaded to this application (its requirement code)",
                    code="invalid_appeal_documents",
                )
            if code not in chosen:
                chosen.append(code)
        return chosen


def _deciding_agency(application: Application, rejection: AuditEvent) -> str:
    """The agency whose review ended in the rejection (the procedure's own agency when the
    automatic checks rejected it)."""
    return str((rejection.details or {}).get("agency") or application.agency)
