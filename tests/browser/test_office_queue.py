"""The review queue puts the oldest deadline first and marks the overdue and near ones;
deciding a review while one due earlier waits needs a reason, which the audit trail keeps.

Real reviews have days to go: for the flags, the queue's answer is replaced (Playwright)
with one overdue, one due within the step's warning days and one with time left.  The
out-of-turn decision is made on real reviews, against the server.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import BrowserContext, Route, expect

from tests.browser.efirma_files import Efirma, sign_the_decision
from tests.browser.scenario import FORM, PDF, REQUIREMENTS, Scene, new_citizen
from tests.browser.support import assert_clean, open_page
from tests.support.client import Api, User, wait_for, wait_for_status
from tests.support.flows import licence_without_payment

pytestmark = pytest.mark.browser
TURN_AGENCY = "TURNOS"


def review(review_id: str, application_id: str, deadline: datetime, overdue: bool = False) -> dict[str, object]:
    return {
        "review_id": review_id,
        "application_id": application_id,
        "procedure": "licencia-conducir",
        "step": "revision",
        "agency": "SEMOVI",
        "escalated": False,
        "opened_at": (deadline - timedelta(days=7)).isoformat().replace("+00:00", "Z"),
        "deadline": deadline.isoformat().replace("+00:00", "Z"),
        "overdue": overdue,
    }


def test_queue_orders_by_deadline_and_flags_overdue_and_near(
    contexts: Callable[..., BrowserContext], scene: Scene
) -> None:
    now = datetime.now(UTC)
    later = review("r-later", "LATER00000", now + timedelta(days=14))
    near = review("r-near", "NEAR000000", now + timedelta(hours=20))
    overdue = review("r-overdue", "OVERDUE000", now - timedelta(hours=3), overdue=True)

    def queue(route: Route) -> None:
        route.fulfill(
            status=200,
            content_type="application/json",
            body=json.dumps({"agency": "SEMOVI", "reviews": [later, near, overdue]}),
        )

    context = contexts(token=scene.official.token)
    context.route("**/api/agencies/SEMOVI/reviews", queue)
    page = open_page(context, "/oficina")
    rows = page.locator("table.queue tbody tr")
    expect(rows).to_have_count(3)
    assert [rows.nth(i).get_attribute("data-application") for i in range(3)] == [
        "OVERDUE000",
        "NEAR000000",
        "LATER00000",
    ]
    expect(rows.nth(0)).to_have_class("is-overdue")
    expect(rows.nth(0)).to_contain_text("Plazo vencido")
    expect(rows.nth(1)).to_have_class("is-near")
    expect(rows.nth(1)).to_contain_text("Vence pronto")
    expect(rows.nth(2)).not_to_have_class("is-near")
    expect(page.locator(".queue-summary")).to_have_text(
        "3 solicitudes por revisar. 1 vence pronto. 1 con plazo vencido."
    )
    assert_clean(page)


def official_of(api: Api, agency: str, username: str) -> User:
    return api.sign_up(username, "+525533335555", "Oficial de Turnos", groups=(f"official-{agency}",))


def publish(admin: User, code: str, deadline_days: int) -> None:
    """The licence under a code of its own in the queue's agency, reviewed within ``deadline_days``.
    Long enough that no legal-day timer (60 s a day here) escalates a review during the test."""
    definition = licence_without_payment(
        code,
        TURN_AGENCY,
        {"es": f"Licencia en {deadline_days} días", "en": f"Licence in {deadline_days} days"},
        {"es": "Oficina de Turnos", "en": "Turns Office"},
        review={"deadline_days": deadline_days},
    )
    published = admin.request("PUT", f"/procedures/{code}", json=definition)
    assert published.status_code == 201, published.text


def submitted(citizen: User, code: str) -> str:
    created = citizen.post("/applications", {"procedure": code, "data": FORM})
    assert created.status_code == 201, created.text
    application_id = str(created.json()["id"])
    for requirement in REQUIREMENTS:
        citizen.upload(application_id, requirement, PDF + requirement.encode(), filename=f"{requirement}.pdf")
    assert citizen.post(f"/applications/{application_id}/submit").status_code == 202
    wait_for_status(citizen, application_id, "in_review")
    return application_id


def test_a_review_taken_out_of_turn_asks_why_and_sends_the_reason(
    contexts: Callable[..., BrowserContext], api: Api, efirma_of: Callable[[str], Efirma]
) -> None:
    """Two real reviews in one agency's queue (an agency of the test's own, so the other
    tests' queues keep their order): deciding the one due later asks why, and the reason
    is recorded with the decision in the application's audit trail."""
    admin = api.sign_in("admin")
    publish(admin, "turno-pronto", 10)
    publish(admin, "turno-tarde", 20)
    official = official_of(api, TURN_AGENCY, "oficial.turnos")
    citizen = new_citizen(api, "Irene Soto Campos", "SOCI")
    earlier = submitted(citizen, "turno-pronto")
    later = submitted(citizen, "turno-tarde")
    queue = wait_for(
        lambda: (
            (
                reviews := {
                    review["application_id"]: review
                    for review in official.get(f"/agencies/{TURN_AGENCY}/reviews").json()["reviews"]
                }
            )
            and {earlier, later} <= set(reviews)
            and reviews
        ),
        "both reviews in the queue",
    )
    assert queue[earlier]["deadline"] < queue[later]["deadline"]
    assert (queue[later]["earlier_open"], queue[earlier]["earlier_open"]) == (1, 0)

    context = contexts(token=official.token)
    office = open_page(context, "/oficina")
    rows = office.locator("table.queue tbody tr")
    expect(rows).to_have_count(2)
    assert [rows.nth(i).get_attribute("data-application") for i in range(2)] == [earlier, later]
    expect(office.locator(f"tr[data-application='{later}']")).to_contain_text("1 solicitud vence antes")

    page = open_page(context, f"/oficina/solicitudes/{later}")
    page.get_by_label("Aprobar").check()
    page.get_by_label("Motivo", exact=True).fill("Documentos y examen en regla.")
    field = page.get_by_label("¿Por qué la decide fuera de turno?")
    expect(page.locator("#turn-hint")).to_have_text(
        "1 solicitud de esta bandeja tiene un plazo legal que vence antes. Si decide esta primero, "
        "explique por qué: quedará en el historial y en las estadísticas públicas."
    )
    page.get_by_role("button", name="Continuar para firmar").click()
    expect(page.locator("#turn-error")).to_have_text(
        "Escriba por qué decide esta solicitud fuera de turno (de 3 a 500 caracteres)."
    )
    expect(field).to_be_focused()
    expect(page.locator("section[data-signing=decision]")).to_be_hidden()
    field.fill("Urgencia médica acreditada.")
    sign_the_decision(page, efirma_of(official.username))
    page.wait_for_url("**/#/oficina")
    assert_clean(page)

    events = official.get(f"/applications/{later}/audit").json()["events"]
    approval = next(event for event in events if event["action"] == "review.approved")
    assert approval["reason"] == "Documentos y examen en regla."
    assert approval["actor"]["id"] == "oficial.turnos"
    assert approval["details"]["out_of_order"] is True
    assert approval["details"]["reason_out_of_order"] == "Urgencia médica acreditada."
    assert approval["details"]["earlier_open"] == 1
    assert approval["details"]["earliest_deadline"] == queue[earlier]["deadline"]
    # the one due first is still waiting, undecided
    assert all(
        event["action"] != "review.approved"
        for event in official.get(f"/applications/{earlier}/audit").json()["events"]
    )
