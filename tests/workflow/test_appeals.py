"""The appeal of a rejection (recurso de revisión) over the real workflow: revoked by the
agency's supervisor it resumes the application, which is issued; confirmed it stays
rejected; a new review goes to another official; after its period it is refused."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest

from chalicelib.core import clock
from tests.support.client import wait_for
from tests.support.flows import decide, open_review, paid, status_of, submitted_licence, wait_status
from tests.support.inprocess import Aws, HttpUser, changed_settings

ARGUMENTS = "El comprobante de domicilio sí está a mi nombre: es la página dos del documento."


@pytest.fixture
def time_travel() -> Iterator[None]:
    yield
    clock.reset_shift()


def actions(user: HttpUser, application_id: str) -> list[str]:
    return [event["action"] for event in user.get(f"/applications/{application_id}/audit").body["events"]]


def rejected_licence(aws: Aws, official: HttpUser) -> tuple[HttpUser, str]:
    citizen = aws.user()
    application_id = submitted_licence(citizen)
    refused = decide(official, application_id, "reject", "El comprobante de domicilio no está a su nombre.")
    assert refused.status_code == 200, refused.body
    wait_status(citizen, application_id, "rejected")
    return citizen, application_id


def supervisor(aws: Aws, name: str) -> HttpUser:
    return aws.user(username=name, groups=("official-SEMOVI", "supervisor-SEMOVI"))


def appealed(citizen: HttpUser, application_id: str, **more: Any) -> dict[str, Any]:
    filed = citizen.post(f"/applications/{application_id}/appeal", {"arguments": ARGUMENTS, **more})
    assert filed.status_code == 201, filed.body
    body: dict[str, Any] = filed.body
    return body


def test_an_appeal_revoked_by_the_supervisor_resumes_the_application_and_it_is_issued(aws: Aws) -> None:
    official = aws.official("oficial.recurso.revocado")
    boss = supervisor(aws, "supervisora.recurso.revoca")
    citizen, application_id = rejected_licence(aws, official)
    assert status_of(citizen, application_id)["appeal_until"]

    filed = appealed(citizen, application_id, documents=["comprobante_domicilio"])
    assert (filed["status"], filed["appeal"]["state"]) == ("rejected", "filed")
    assert filed["appeal"]["agency"] == "SEMOVI" and filed["appeal"]["documents"] == ["comprobante_domicilio"]
    # filed on screen: no SMS for it by default; its outcome is texted
    assert not [text for text in aws.sms(citizen.phone or "") if "recibimos su recurso" in text]
    queued = open_review(boss, application_id)
    assert queued["appeal"] is True and queued["escalated"] is True
    assert all(
        item["application_id"] != application_id for item in official.get("/agencies/SEMOVI/reviews").body["reviews"]
    )

    revoked = boss.post(
        f"/applications/{application_id}/appeal/decision",
        {"outcome": "revoke", "reason": "El comprobante presentado sí acredita el domicilio."},
    )
    assert revoked.status_code == 200, revoked.body
    assert revoked.body["appeal"]["state"] == "revoked" and revoked.body["appeal"]["resume_at"] == "pago"
    assert revoked.body["appeal"]["resolution"]["cadena_original"].startswith("||1.0|RECURSO|licencia-conducir|")

    wait_status(citizen, application_id, "awaiting_payment")
    paid(aws, citizen, application_id)
    issued = wait_status(citizen, application_id, "issued")
    assert issued["issued"]
    done = actions(citizen, application_id)
    assert done.index("review.rejected") < done.index("appeal.filed") < done.index("appeal.revoked")
    assert done.index("appeal.revoked") < done.index("payment.requested")
    assert aws.wait_sms(citizen.phone or "", "el rechazo se revoca")
    assert citizen.get(f"/applications/{application_id}/audit/verify").body["intact"] is True
    again = boss.post(f"/applications/{application_id}/appeal/decision", {"outcome": "confirm", "reason": "Otra vez"})
    assert (again.status_code, again.body["error"]["code"]) == (409, "appeal_closed")


def test_a_confirmed_appeal_leaves_the_application_rejected_and_a_second_appeal_is_refused(aws: Aws) -> None:
    official = aws.official("oficial.recurso.confirmado")
    boss = supervisor(aws, "supervisora.recurso.confirma")
    citizen, application_id = rejected_licence(aws, official)
    appealed(citizen, application_id)

    confirmed = boss.post(
        f"/applications/{application_id}/appeal/decision",
        {"outcome": "confirm", "reason": "El comprobante sigue sin estar a su nombre."},
    )
    assert confirmed.status_code == 200, confirmed.body
    assert (confirmed.body["status"], confirmed.body["appeal"]["state"]) == ("rejected", "confirmed")
    assert actions(citizen, application_id)[-1] == "appeal.confirmed"
    assert aws.wait_sms(citizen.phone or "", "el rechazo se confirma")
    assert all(
        item["application_id"] != application_id for item in boss.get("/agencies/SEMOVI/reviews").body["reviews"]
    )
    twice = citizen.post(f"/applications/{application_id}/appeal", {"arguments": ARGUMENTS})
    assert (twice.status_code, twice.body["error"]["code"]) == (409, "appeal_exists")


def test_a_new_review_ordered_on_appeal_goes_to_another_official(aws: Aws) -> None:
    official = aws.official("oficial.recurso.original")
    other = aws.official("oficial.recurso.otra")
    boss = supervisor(aws, "supervisora.recurso.nueva")
    citizen, application_id = rejected_licence(aws, official)
    appealed(citizen, application_id)
    ordered = boss.post(
        f"/applications/{application_id}/appeal/decision",
        {"outcome": "new_review", "reason": "Que otra persona revise el comprobante."},
    )
    assert ordered.status_code == 200, ordered.body
    reopened = wait_for(
        lambda: (r := open_review(other, application_id)) and not r["appeal"] and r, "the new review of the step"
    )
    assert status_of(citizen, application_id)["status"] == "in_review"
    refused = official.post(
        f"/reviews/{reopened['review_id']}/decision", {"decision": "approve", "reason": "Lo apruebo yo"}
    )
    assert (refused.status_code, refused.body["error"]["code"]) == (403, "original_decider")
    assert decide(other, application_id, "approve", "En regla tras el recurso").status_code == 200
    wait_status(citizen, application_id, "awaiting_payment")
    assert "appeal.new_review" in actions(citizen, application_id)


def test_an_appeal_after_its_period_is_refused(aws: Aws, time_travel: None) -> None:
    official = aws.official("oficial.recurso.tardio")
    citizen, application_id = rejected_licence(aws, official)
    clock.shift(timedelta(days=45))  # 15 business days: three weeks, and a few holidays
    late = citizen.post(f"/applications/{application_id}/appeal", {"arguments": ARGUMENTS})
    assert (late.status_code, late.body["error"]["code"]) == (409, "appeal_window_closed")
    assert "appeal.filed" not in actions(citizen, application_id)
    assert status_of(citizen, application_id)["appeal"] is None


def test_a_negativa_ficta_can_be_appealed_and_revoked(aws: Aws) -> None:
    boss = supervisor(aws, "supervisora.recurso.ficta")
    citizen = aws.user()
    # submitted on the short legal day, so that the review's timer is armed on it (the workflow
    # may open the review before the test gets to change the day): the review and its
    # escalation time out at once
    with changed_settings(LEGAL_DAY_SECONDS="0.001"):
        application_id = submitted_licence(citizen)
        wait_status(citizen, application_id, "rejected", timeout=60)
    assert "review.deemed_denied" in actions(citizen, application_id)

    filed = appealed(citizen, application_id)
    assert filed["appeal"]["deemed"] is True and filed["appeal"]["agency"] == "SEMOVI"
    revoked = boss.post(
        f"/applications/{application_id}/appeal/decision",
        {"outcome": "revoke", "reason": "SEMOVI debió resolver en plazo; los documentos están en regla."},
    )
    assert revoked.status_code == 200, revoked.body
    assert wait_status(citizen, application_id, "awaiting_payment")["appeal"]["state"] == "revoked"
