"""The application page's panels that came after the first web issue, against the real API.

SMS: a citizen chooses which texts to get besides the default ones, adds a relative's
phone, reads the code the embedded SNS got, confirms it, sees the phone listed and the
delivery log, sees a STOP reply show, and removes it.

Rating (``POST /applications/{id}/rating``): once the application has ended, the
citizen rates it 1-5 with a comment, once; the agency's queue view shows the comment,
a low rating flagged.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable

import pytest
from playwright.sync_api import BrowserContext, expect

from tests.browser.chromium import DESKTOP, PHONE
from tests.browser.scenario import Scene, draft, in_review, issued, new_citizen, ready_to_submit, submit_for_review
from tests.browser.support import assert_clean, fits, open_page
from tests.support.client import Api, wait_for

pytestmark = pytest.mark.browser

CODE = re.compile(r"\bes (\d{6})\.")


def spaced(e164: str) -> str:
    """+525512345678 → "+52 55 1234 5678", as the page shows a whole number."""
    return f"+52 {e164[3:5]} {e164[5:9]} {e164[9:]}"


def masked(e164: str) -> str:
    """As the API gives a phone back: "+52 55 **** **78"."""
    return f"+52 {e164[3:5]} **** **{e164[-2:]}"


def test_a_citizen_adds_a_relatives_phone_confirms_its_sms_code_and_removes_it(
    contexts: Callable[..., BrowserContext], api: Api
) -> None:
    citizen = new_citizen(api, name="Lucía Paredes Olvera", letters="PAOL")
    case = ready_to_submit(citizen)
    application_id = case.application_id
    own = citizen.get("/me").json()["profile"]["phone"]
    # a relative whose number ends like the citizen's, so the masks (+52 55 **** **NN) look
    # alike, and is lower: the API lists subscriptions by number, the relative's first
    relative = f"+5255{random.randrange(int(own[5:11])):06d}{own[-2:]}"

    # Before filing, the citizen asks to be told of the filing and of the review too: by
    # default neither is texted (the citizen just did the one, the other needs nothing of them).
    page = open_page(contexts(token=citizen.token), f"/solicitudes/{application_id}")
    sms = page.locator("[data-feature=sms]")
    choice = sms.locator("[data-sms-choice=ready]")
    choice.get_by_label("Solicitud recibida").check()
    choice.get_by_label("En revisión").check()
    choice.get_by_role("button", name="Guardar avisos").click()
    expect(choice).to_contain_text("Listo: guardamos los avisos que eligió.")
    submit_for_review(case)

    page.reload()
    page.wait_for_selector("main:not([aria-busy='true']) h1")
    expect(sms.get_by_role("heading", name="Avisos por SMS")).to_be_visible()
    # The phone on the account gets the alerts without subscribing.
    mine = sms.locator("[data-own=true]")
    expect(mine).to_contain_text(spaced(own))
    expect(mine).to_contain_text("Es el celular de su cuenta: recibe los avisos sin que tenga que hacer nada")
    # The log already holds what the submission and the review sent to it, as chosen.
    log = sms.locator("table.sms-log")
    expect(log.locator("tr", has_text="Solicitud recibida")).to_contain_text(masked(own))
    expect(log.locator("tr", has_text="En revisión")).to_contain_text("Enviado")

    # The number is checked as it is typed, in Spanish, as the API would read it.
    field = sms.get_by_label("Número de celular")
    field.fill("55 12a")
    expect(sms.locator("#sms-phone-error")).to_have_text(
        "Error: Escriba solo números; puede usar espacios, guiones, puntos, paréntesis y un + al inicio."
    )
    field.fill("55 1234")
    expect(sms.locator("#sms-phone-error")).to_be_hidden()
    field.blur()
    expect(sms.locator("#sms-phone-error")).to_have_text(
        "Error: Un número de México tiene 10 dígitos (lada y número) y este tiene 6. Por ejemplo: 55 1234 5678."
    )
    expect(field).to_have_attribute("aria-invalid", "true")
    field.fill(f"044 {relative[3:5]} {relative[5:9]}-{relative[9:]}")
    expect(sms.locator("#sms-phone-status")).to_have_text(f"✓ Le enviaremos el código al {spaced(relative)}")
    sms.get_by_label("Idioma de los mensajes").select_option("es")
    sms.get_by_role("button", name="Enviar código").click()
    expect(sms).to_contain_text(f"Enviamos un código de 6 dígitos al {masked(relative)}. Vence en 15 minutos.")

    # The code reaches the relative's phone, in GSM-7 (accents only where it has them).
    texts = wait_for(
        lambda: [item["text"] for item in api.sms(relative) if CODE.search(item["text"])], f"the code SMS to {relative}"
    )
    assert texts[-1].startswith(f"Ventanilla: su codigo para recibir avisos del tramite {application_id} es "), texts[
        -1
    ]
    code = CODE.search(texts[-1]).group(1)  # type: ignore[union-attr]

    pending = sms.locator("[data-state=pending]")
    code_field = pending.get_by_label(f"Código que llegó al {masked(relative)}")
    expect(code_field).to_be_focused()
    code_field.fill(f"{(int(code) + 1) % 10**6:06d}")
    pending.get_by_role("button", name="Confirmar").click()
    expect(pending.locator(".field-error")).to_have_text(
        "Error: El código no coincide con el que enviamos. Le quedan 4 intentos."
    )
    code_field.fill(code)
    pending.get_by_role("button", name="Confirmar").click()
    expect(sms).to_contain_text(f"Listo: el {masked(relative)} recibirá los avisos de esta solicitud.")

    added = sms.locator("[data-state=confirmed][data-own=false]")
    expect(added).to_contain_text(masked(relative))
    expect(added).to_contain_text("Recibe avisos")
    # Two phones is the most an application texts: the form gives way to a note.
    expect(sms.get_by_label("Número de celular")).to_have_count(0)
    expect(sms.locator("[data-sms-limit]")).to_contain_text("Esta solicitud ya envía avisos a 2 celulares, el máximo.")
    code_row = log.locator("tr", has_text="Código de confirmación")
    expect(code_row).to_contain_text(masked(relative))
    expect(code_row).to_contain_text("Enviado")
    expect(code_row.locator("td").last).to_have_text("1")
    subscriptions = citizen.get(f"/applications/{application_id}/subscriptions").json()["subscriptions"]
    assert {(item["phone"], item["status"], item["origin"]) for item in subscriptions} == {
        (masked(own), "confirmed", "profile"),
        (masked(relative), "confirmed", "code"),
    }
    assert_clean(page)

    # The relative replies BAJA: the page shows that phone opted out.
    replied = api.anonymous().post("/sandbox/sms/inbound", {"from": relative, "text": "BAJA"})
    assert replied.json()["results"] == [{"action": "opted_out", "agency": "SEMOVI"}], replied.text
    page.reload()
    page.wait_for_selector("main:not([aria-busy='true']) h1")
    opted = sms.locator("[data-state=opted_out]")
    expect(opted).to_contain_text("Pidió la baja")
    expect(opted).to_contain_text("Este celular respondió BAJA o STOP")
    expect(log.locator("tr", has_text="Confirmación de baja")).to_contain_text(masked(relative))

    opted.get_by_role("button", name="Dejar de enviar avisos a este celular").click()
    expect(sms).to_contain_text(f"Ya no enviaremos avisos de esta solicitud al {masked(relative)}.")
    expect(sms.locator("[data-own=false]")).to_have_count(0)
    expect(sms.get_by_label("Número de celular")).to_be_visible()
    # by origin as well as mask: the two masks are the same
    subscriptions = citizen.get(f"/applications/{application_id}/subscriptions").json()["subscriptions"]
    assert {(item["phone"], item["status"], item["origin"]) for item in subscriptions} == {
        (masked(own), "confirmed", "profile"),
        (masked(relative), "cancelled", "code"),
    }
    assert_clean(page)


WORDS = {
    "es": {
        "title": "Qué avisos recibe",
        "always": "La línea de captura para pagar",
        "appeal": "El resultado de su recurso de revisión",
        "review": "En revisión",
        "received": "Solicitud recibida",
        "payment": "Línea de captura",
        "save": "Guardar avisos",
        "saved": "Listo: guardamos los avisos que eligió.",
        "event": "Avisos por SMS elegidos",
    },
    "en": {
        "title": "Which texts you get",
        "always": "The payment reference (línea de captura) to pay",
        "appeal": "The outcome of your appeal",
        "review": "Under review",
        "received": "Application received",
        "payment": "Payment reference",
        "save": "Save alerts",
        "saved": "Done: we saved the texts you chose.",
        "event": "SMS alerts chosen",
    },
}


@pytest.mark.parametrize("lang", ["es", "en"])
@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["360px", "1280px"])
def test_the_holder_chooses_which_texts_to_get_and_the_choice_is_kept(
    contexts: Callable[..., BrowserContext], api: Api, viewport: dict[str, int], lang: str
) -> None:
    words = WORDS[lang]
    citizen = new_citizen(api, name="Marta Olvera Quiroz", letters="OEQM")
    application_id = draft(citizen).application_id
    page = open_page(contexts(viewport=viewport, token=citizen.token, lang=lang), f"/solicitudes/{application_id}")
    choice = page.locator("[data-feature=sms] [data-sms-choice=ready]")
    expect(page.get_by_role("heading", name=words["title"])).to_be_visible()
    # What is always sent is said in plain words, once each (three appeal outcomes, one line).
    always = choice.locator("[data-sms-events=default]")
    expect(always).to_contain_text(words["always"])
    expect(always.locator("li", has_text=words["appeal"])).to_have_count(1)
    # Only what is not sent anyway is offered, nothing ticked yet.
    expect(choice.get_by_label(words["payment"], exact=True)).to_have_count(0)
    expect(choice.locator("input[name=sms-event]:checked")).to_have_count(0)
    fits(page)

    choice.get_by_label(words["review"], exact=True).check()
    choice.get_by_role("button", name=words["save"]).click()
    expect(choice.locator(".notice")).to_have_text(words["saved"])
    expect(choice.locator(".notice")).to_be_focused()
    fits(page)
    assert citizen.get(f"/applications/{application_id}/sms-events").json()["chosen"] == ["in_review"]

    page.reload()
    page.wait_for_selector("main:not([aria-busy='true']) h1")
    expect(choice.get_by_label(words["review"], exact=True)).to_be_checked()
    expect(choice.get_by_label(words["received"], exact=True)).not_to_be_checked()
    expect(page.locator(".timeline li[data-action='sms.events_chosen']")).to_contain_text(words["event"])
    assert_clean(page)


def test_a_finished_application_shows_what_was_texted_and_no_phone_form(
    contexts: Callable[..., BrowserContext], scene: Scene
) -> None:
    page = open_page(contexts(token=scene.citizen.token), f"/solicitudes/{scene.issued.application_id}")
    expect(page.locator(".application-status [data-status]")).to_have_text("Emitido")
    sms = page.locator("[data-feature=sms]")
    expect(sms).to_contain_text("Este trámite terminó: ya no enviamos avisos.")
    expect(sms.locator("table.sms-log tr", has_text="Documento emitido")).to_contain_text("Enviado")
    expect(sms.get_by_label("Número de celular")).to_have_count(0)
    expect(sms.locator("[data-sms-choice]")).to_have_count(0)
    assert_clean(page)


def test_a_citizen_rates_a_finished_application_once_and_the_agency_reads_it(
    contexts: Callable[..., BrowserContext], api: Api
) -> None:
    citizen = new_citizen(api, name="Tomás Ibarra Sosa", letters="IASM")
    official = api.sign_in("oficial.semovi")
    application_id = issued(api, citizen, official).application_id
    # Still running, an application has nothing to rate.
    running = in_review(citizen).application_id
    page = open_page(contexts(token=citizen.token), f"/solicitudes/{running}")
    expect(page.locator("[data-feature=rating]")).to_have_count(0)

    page.goto(f"/#/solicitudes/{application_id}")
    rating = page.locator("[data-feature=rating]")
    expect(rating.get_by_role("heading", name="Califique este trámite")).to_be_visible()
    rating.get_by_role("button", name="Enviar calificación").click()
    expect(rating).to_contain_text("Elija una calificación del 1 al 5.")
    rating.get_by_label("2 — difícil").check()
    rating.get_by_label("Comentario").fill("Tardaron en revisar mis documentos.")
    rating.get_by_role("button", name="Enviar calificación").click()
    expect(rating).to_contain_text("Gracias. Su calificación nos ayuda a mejorar.")
    expect(rating).to_contain_text("Usted calificó este trámite con 2 de 5.")
    assert_clean(page)

    # The API keeps it (once), the timeline shows it, and the page no longer offers the form.
    assert citizen.get(f"/applications/{application_id}").json()["rating"]["score"] == 2
    again = citizen.post(f"/applications/{application_id}/rating", {"score": 5})
    assert again.status_code == 409 and again.json()["error"]["code"] == "already_rated"
    page.reload()
    page.wait_for_selector("main:not([aria-busy='true']) h1")
    expect(rating).to_contain_text("Usted calificó este trámite con 2 de 5.")
    expect(rating.get_by_role("button", name="Enviar calificación")).to_have_count(0)
    expect(page.locator(".timeline li[data-action='rating.submitted']")).to_contain_text("Calificó con 2 de 5.")

    # The agency reads the comment in its queue view, flagged as a low rating.
    office = open_page(contexts(token=official.token), "/oficina")
    row = office.locator(f"[data-ratings] tr[data-application='{application_id}']")
    expect(row).to_contain_text("Tardaron en revisar mis documentos.")
    expect(row).to_contain_text("Calificación baja")
    expect(row).to_have_attribute("data-low", "true")
    assert_clean(office)
