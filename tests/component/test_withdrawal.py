"""POST /applications/{id}/withdraw over the embedded stack: who may withdraw, what is
refused with which code, that a repeat answers the same, and that the statistics and the
rating follow a withdrawal as they follow any application that ended."""

from __future__ import annotations

import random
import string
from typing import Any

from chalicelib import wiring as composition
from chalicelib.core.clock import iso, utcnow
from chalicelib.stats.figures import month_of
from tests.support.client import wait_for
from tests.support.flows import (
    decide,
    delegated,
    draft,
    licence_without_payment,
    ready_licence,
    submit,
    submitted_licence,
    wait_status,
)
from tests.support.forms import LICENCE_FORM
from tests.support.inprocess import Aws, HttpUser
from tests.support.people import new_curp

SUFFIX = "".join(random.choices(string.ascii_uppercase, k=5))
AGENCY = f"DES{SUFFIX}"
CODE = f"desistimiento-{SUFFIX.lower()}"
CENTRE = "CDC-DESIST"


def publish(aws: Aws) -> None:
    """The licence without payment under a code and agency of its own: its figures are this module's alone."""
    definition = licence_without_payment(
        CODE,
        AGENCY,
        {"es": f"Trámite desistible {SUFFIX}", "en": f"Withdrawable procedure {SUFFIX}"},
        {"es": f"Dependencia {SUFFIX}", "en": f"Agency {SUFFIX}"},
    )
    published = aws.user(groups=("admin",)).put(f"/procedures/{CODE}", definition)
    assert published.status_code in (200, 201), published.body


def withdraw(user: HttpUser, application_id: str, body: Any = None) -> Any:
    return user.post(f"/applications/{application_id}/withdraw", body)


def error(reply: Any) -> tuple[int, str]:
    return reply.status_code, reply.body["error"]["code"]


def withdrawals(user: HttpUser, application_id: str) -> list[dict[str, Any]]:
    events = user.get(f"/applications/{application_id}/audit").body["events"]
    return [event for event in events if event["action"] == "application.withdrawn"]


def test_a_repeat_answers_the_same_and_records_one_withdrawal(aws: Aws) -> None:
    citizen = aws.user()
    application_id = submitted_licence(citizen)
    wait_status(citizen, application_id, "in_review")
    first = withdraw(citizen, application_id)  # no body: no reason given
    assert first.status_code == 200, first.body
    again = withdraw(citizen, application_id, {"reason": "Otra vez."})
    assert again.status_code == 200, again.body
    assert (first.body["status"], again.body["status"]) == ("withdrawn", "withdrawn")
    assert first.body["updated_at"] == again.body["updated_at"]
    (event,) = withdrawals(citizen, application_id)
    assert event["from_status"] == "in_review"
    assert event["reason"] == "El titular desistió del trámite."
    assert event["details"]["reason_given"] is False
    assert event["actor"]["kind"] == "citizen"


def test_refusals_name_their_code(aws: Aws) -> None:
    citizen, stranger = aws.user(), aws.user()
    application_id = draft(citizen)
    assert error(withdraw(stranger, application_id)) == (404, "unknown_application")
    assert error(withdraw(aws.official("oficial.desistimiento"), application_id))[0] == 403
    assert error(withdraw(aws.anonymous(), application_id))[0] == 401
    assert error(withdraw(citizen, "NOSUCHAPP0")) == (404, "unknown_application")
    too_long = withdraw(citizen, application_id, {"reason": "x" * 501})
    assert error(too_long) == (422, "invalid_reason")
    assert too_long.body["error"]["details"][0]["field"] == "reason"
    assert error(withdraw(citizen, application_id, {"reason": 7}))[0] == 422
    assert citizen.get(f"/applications/{application_id}").body["status"] == "draft"  # nothing was written


def test_a_resolved_application_cannot_be_withdrawn(aws: Aws) -> None:
    publish(aws)
    citizen, official = aws.user(), aws.official(f"oficial.{SUFFIX.lower()}", AGENCY)
    application_id = ready_licence(citizen, procedure=CODE)
    submit(citizen, application_id)
    assert decide(official, application_id, "reject", "No cumple.", AGENCY).status_code == 200
    wait_status(citizen, application_id, "rejected")
    refused = withdraw(citizen, application_id, {"reason": "Tarde."})
    assert error(refused) == (409, "already_resolved")
    assert "rejected" in refused.body["error"]["message"]
    assert withdrawals(citizen, application_id) == []


def test_an_assistant_withdraws_under_the_citizens_consent(aws: Aws) -> None:
    citizen = aws.user()
    helper = aws.user(username=f"asesor.{new_curp().lower()[:10]}", groups=(f"assistant-{CENTRE}",), name="Ana Ruiz")
    other = aws.user(username=f"asesor.{new_curp().lower()[:10]}", groups=(f"assistant-{CENTRE}",), name="Otro")
    delegated(aws, helper, citizen, CENTRE)
    created = helper.post(
        "/applications", {"procedure": "licencia-conducir", "citizen": citizen.username, "data": LICENCE_FORM}
    )
    assert created.status_code == 201, created.body
    application_id = created.body["id"]
    assert error(withdraw(other, application_id)) == (404, "unknown_application")
    done = withdraw(helper, application_id, {"reason": "  La ciudadana ya no lo necesita.  "})
    assert done.status_code == 200, done.body
    (event,) = withdrawals(citizen, application_id)
    assert event["reason"] == "La ciudadana ya no lo necesita."
    assert (event["actor"]["kind"], event["actor"]["centre"]) == ("assistant", CENTRE)


def test_statistics_count_a_filed_withdrawal_and_it_may_be_rated(aws: Aws) -> None:
    publish(aws)
    citizen = aws.user()
    filed = ready_licence(citizen, procedure=CODE)
    submit(citizen, filed)
    wait_status(citizen, filed, "in_review")
    assert withdraw(citizen, filed, {"reason": "Me mudé de estado."}).status_code == 200
    unfiled = draft(citizen, procedure=CODE)
    assert withdraw(citizen, unfiled).status_code == 200
    month = month_of(iso(utcnow()))

    def row() -> dict[str, Any] | None:
        rows = composition.container().store.statistics.rows(month, month)
        return next((item for item in rows if item["sk"] == f"M#{month}#P#{CODE}" and item.get("withdrawn")), None)

    counted = wait_for(row, "the withdrawal in the procedure's statistics")
    assert counted["withdrawn"] == 1  # the draft was never filed: it is not a withdrawal
    assert counted["started"] >= 2
    rated = citizen.post(f"/applications/{filed}/rating", {"score": 4, "comment": "Fácil desistir."})
    assert rated.status_code == 201, rated.body
