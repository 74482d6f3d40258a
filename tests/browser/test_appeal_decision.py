"""The supervisor of the agency that rejected an application opens the appeal from the
office queue, reads what is appealed and revokes the rejection from the review page; the
application then resumes (its fee is asked for). On a phone and on a desktop, in Spanish
and in English; and a resolution without a reason is refused on the page."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from tests.browser.chromium import DESKTOP, PHONE
from tests.browser.scenario import decide, in_review, new_citizen
from tests.browser.support import fits, open_page
from tests.support.client import Api, User, wait_for_status

pytestmark = pytest.mark.browser

REJECTION = "El comprobante de domicilio no está a nombre de la persona solicitante."
ARGUMENTS = "El comprobante sí está a mi nombre: es la segunda página del documento que subí."
RESOLUTION = "La segunda página del comprobante acredita el domicilio a su nombre."
WORDS = {
    "es": {
        "tag": "Recurso de revisión",
        "appealed": "Rechazada por la dependencia",
        "document": "Comprobante de domicilio",
        "revoke": "Revocar el rechazo",
        "reason": "Motivo de la resolución",
        "submit": "Registrar la resolución",
        "choose": "Elija qué resuelve.",
        "required": "Escriba el motivo de su decisión.",
        "recorded": "el rechazo se revoca y el trámite continúa",
        "revoked": "Se revocó el rechazo",
        "resumed": "Pago pendiente",
    },
    "en": {
        "tag": "Appeal",
        "appealed": "Rejected by the agency",
        "document": "Proof of address",
        "revoke": "Revoke the rejection",
        "reason": "Reason for your resolution",
        "submit": "Record the resolution",
        "choose": "Choose what you decide.",
        "required": "Write the reason for your decision.",
        "recorded": "the rejection is revoked and the application goes on",
        "revoked": "The rejection was revoked",
        "resumed": "Awaiting payment",
    },
}


def appealed(api: Api) -> tuple[User, str]:
    """A driving licence the official rejected and its holder appealed, with a document."""
    citizen = new_citizen(api, name="Lourdes Patricia Gómez Ibarra", letters="GOIL")
    case = in_review(citizen)
    decide(api.sign_in("oficial.semovi"), case.application_id, "reject", REJECTION)
    wait_for_status(citizen, case.application_id, "rejected")
    filed = citizen.post(
        f"/applications/{case.application_id}/appeal", {"arguments": ARGUMENTS, "documents": ["comprobante_domicilio"]}
    )
    assert filed.status_code == 201, filed.text
    return citizen, case.application_id


def from_the_queue(page: Page, application_id: str, tag: str) -> None:
    """Open the appeal's review page from its row in the office queue."""
    row = page.locator(f"table.queue tbody tr[data-application='{application_id}']")
    expect(row).to_contain_text(tag)
    row.locator("a.button").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(application_id)
    page.wait_for_selector("main:not([aria-busy='true']) [data-feature=appeal-review]")


@pytest.mark.parametrize("lang", ["es", "en"])
@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["360px", "1280px"])
def test_a_supervisor_revokes_an_appeal_from_the_review_page(
    contexts: Callable[..., BrowserContext], api: Api, viewport: dict[str, int], lang: str
) -> None:
    words = WORDS[lang]
    citizen, application_id = appealed(api)
    supervisor = api.sign_in("supervisora.semovi")

    page = open_page(contexts(viewport=viewport, token=supervisor.token, lang=lang), "/oficina")
    from_the_queue(page, application_id, words["tag"])
    appeal = page.locator("[data-feature=appeal-review]")
    expect(appeal).to_contain_text(words["appealed"])
    expect(appeal).to_contain_text("oficial.semovi")
    expect(appeal.locator("[data-appealed=reason]")).to_have_text(REJECTION)
    expect(appeal.locator("[data-appeal=arguments]")).to_have_text(ARGUMENTS)
    expect(appeal.locator("li[data-requirement=comprobante_domicilio]")).to_contain_text(words["document"])
    expect(appeal.locator("[data-appeal=deadline]")).not_to_be_empty()
    # an appeal takes the appeal's resolution, never the ordinary decision (which the API refuses)
    expect(page.locator("input[name=decision]")).to_have_count(0)
    form = page.locator("form[data-feature=appeal-decision]")
    expect(form.locator("input[name=outcome]")).to_have_count(3)
    fits(page)

    form.get_by_label(words["revoke"]).check()
    form.get_by_label(words["reason"]).fill(RESOLUTION)
    form.get_by_role("button", name=words["submit"]).click()
    expect(page.locator(".notice-success").first).to_contain_text(words["recorded"])
    expect(appeal).to_have_attribute("data-state", "revoked")
    expect(appeal.locator("[data-appeal=outcome]")).to_contain_text(words["revoked"])
    expect(appeal).to_contain_text(RESOLUTION)
    expect(page.locator("form[data-feature=appeal-decision]")).to_have_count(0)
    expect(page.locator(".timeline li[data-action='appeal.revoked']")).to_have_count(1)

    resumed = wait_for_status(citizen, application_id, "awaiting_payment")
    assert resumed["appeal"]["state"] == "revoked" and resumed["appeal"]["reason"] == RESOLUTION
    page.reload()
    page.wait_for_selector("main:not([aria-busy='true']) [data-feature=appeal-review]")
    expect(page.locator("main [data-status]").first).to_have_text(words["resumed"])
    fits(page)


def test_an_appeal_resolution_without_a_reason_is_refused_on_the_page(
    contexts: Callable[..., BrowserContext], api: Api
) -> None:
    words = WORDS["es"]
    citizen, application_id = appealed(api)
    supervisor = api.sign_in("supervisora.semovi")
    page = open_page(contexts(viewport=PHONE, token=supervisor.token, lang="es"), "/oficina")
    from_the_queue(page, application_id, words["tag"])
    form = page.locator("form[data-feature=appeal-decision]")

    form.get_by_role("button", name=words["submit"]).click()
    expect(form.locator("#appeal-outcome-error")).to_have_text(words["choose"])

    form.get_by_label(words["revoke"]).check()
    form.get_by_label(words["reason"]).fill("   ")
    form.get_by_role("button", name=words["submit"]).click()
    expect(form.locator("#appeal-reason-error")).to_have_text(words["required"])
    expect(form.get_by_label(words["reason"])).to_have_attribute("aria-invalid", "true")
    expect(form.get_by_label(words["reason"])).to_be_focused()
    expect(form.locator("#appeal-outcome-error")).to_be_hidden()
    fits(page)
    still = citizen.get(f"/applications/{application_id}").json()
    assert (still["status"], still["appeal"]["state"]) == ("rejected", "filed")
