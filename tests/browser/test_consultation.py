"""The public consultation on a procedure's next version: anyone reads what changes, the
comments and the agency's answer to each; a signed-in citizen comments from the page; the
agency's supervisor answers from it — on a 360-px phone and a 1280-px desk, in Spanish and
English."""

from __future__ import annotations

import random
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from playwright.sync_api import BrowserContext, expect

from tests.browser.chromium import DESKTOP, PHONE
from tests.browser.scenario import new_citizen
from tests.browser.support import fits, open_page
from tests.support.client import Api, User
from tests.support.flows import licence_without_payment

pytestmark = pytest.mark.browser

AGENCY = "CONSULTA"
QUESTION = "¿Por qué la revisión tardará ocho días y no cinco?"
ANSWER = "Se revisará además el comprobante de domicilio; ocho días hábiles bastan para hacerlo bien."
LANGUAGES = {
    "es": {"title": "Consulta pública: Licencia en consulta", "answer": "Respuesta de Agencia de consultas"},
    "en": {"title": "Public consultation: Licence in consultation", "answer": "Answer from Consultations agency"},
}


@dataclass(frozen=True)
class Consultation:
    code: str
    number: int
    supervisor: User

    @property
    def path(self) -> str:
        return f"/consultas/{self.code}/{self.number}"


def staff(api: Api, group: str) -> User:
    return api.sign_up(f"consulta.{secrets.token_hex(3)}", f"+5255{random.randrange(10**7, 10**8)}", groups=(group,))


def ok(reply: Any, status: int = 200) -> Any:
    assert reply.status_code == status, reply.text
    return reply.json()


@pytest.fixture(scope="module")
def consultation(api: Api) -> Consultation:
    """A procedure of its own agency, version 1, and a draft that lengthens its review, put to
    consultation with one citizen's comment the agency's supervisor has answered."""
    author, supervisor = staff(api, "admin"), staff(api, f"supervisor-{AGENCY}")
    code = f"consulta-{secrets.token_hex(3)}"
    definition = licence_without_payment(
        code,
        AGENCY,
        {"es": "Licencia en consulta", "en": "Licence in consultation"},
        {"es": "Agencia de consultas", "en": "Consultations agency"},
    )
    ok(author.request("PUT", f"/procedures/{code}", json=definition), 201)
    steps = definition["steps"]
    changed = {**definition, "steps": {**steps, "revision": {**steps["revision"], "deadline_days": 8}}}
    number = ok(author.post(f"/procedures/{code}/drafts", changed), 201)["number"]
    ok(author.post(f"/procedures/{code}/drafts/{number}/consultation", {}))
    said = ok(
        new_citizen(api, name="Lucía Pérez").post(f"/procedures/{code}/drafts/{number}/comments", {"text": QUESTION}),
        201,
    )
    ok(supervisor.post(f"/procedures/{code}/drafts/{number}/comments/{said['id']}/answer", {"text": ANSWER}))
    return Consultation(code, int(number), supervisor)


@pytest.mark.parametrize("lang", ["es", "en"])
@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["360px", "1280px"])
def test_anyone_reads_the_change_the_comment_and_the_agencys_answer(
    contexts: Callable[..., BrowserContext], consultation: Consultation, viewport: dict[str, int], lang: str
) -> None:
    page = open_page(contexts(viewport=viewport, lang=lang), consultation.path)
    words = LANGUAGES[lang]
    expect(page.get_by_role("heading", level=1)).to_have_text(words["title"])
    change = page.locator("[data-change='$.steps.revision.deadline_days']")
    expect(change).to_contain_text("steps.revision.deadline_days")
    expect(change.locator("td").first).to_have_text("5")
    expect(change.locator("td").last).to_have_text("8")
    comment = page.locator("[data-comment]").filter(has_text=QUESTION)
    expect(comment).to_contain_text("Lucía Pérez")
    expect(comment.locator("[data-answered=true]")).to_contain_text(words["answer"])
    expect(comment.locator("[data-answered=true]")).to_contain_text(ANSWER)
    # the whole change, line by line, one click away
    page.locator("details.diff summary").click()
    expect(page.locator(".diff-removed").filter(has_text='"deadline_days": 5')).to_be_visible()
    expect(page.locator(".diff-added").filter(has_text='"deadline_days": 8')).to_be_visible()
    fits(page)


@pytest.mark.parametrize(("viewport", "lang"), [(PHONE, "es"), (DESKTOP, "en")], ids=["360px-es", "1280px-en"])
def test_a_citizen_comments_from_the_page_and_the_supervisor_answers_it(
    api: Api, contexts: Callable[..., BrowserContext], consultation: Consultation, viewport: dict[str, int], lang: str
) -> None:
    text = f"Propongo aceptar también el pasaporte ({secrets.token_hex(2)})."
    citizen = new_citizen(api, name="Mario Ruiz")
    page = open_page(contexts(viewport=viewport, token=citizen.token, lang=lang), consultation.path)
    page.locator("#comment-text").fill(text)
    page.locator("[data-feature=comment] button[type=submit]").click()
    mine = page.locator("[data-comment]").filter(has_text=text)
    expect(mine).to_contain_text("Mario Ruiz")
    expect(mine.locator("[data-answered=false]")).to_be_visible()
    fits(page)

    agency = open_page(contexts(viewport=viewport, token=consultation.supervisor.token, lang=lang), consultation.path)
    theirs = agency.locator("[data-comment]").filter(has_text=text)
    theirs.locator("textarea").fill("Lo revisaremos con el registro de pasaportes.")
    theirs.locator("button[type=submit]").click()
    expect(theirs.locator("[data-answered=true]")).to_contain_text("Lo revisaremos con el registro de pasaportes.")
    fits(agency)


def test_the_list_leads_to_the_consultation(
    contexts: Callable[..., BrowserContext], consultation: Consultation
) -> None:
    page = open_page(contexts(viewport=PHONE), "/consultas")
    expect(page.get_by_role("heading", level=1)).to_have_text("Consultas públicas")
    page.locator(f"[data-code='{consultation.code}'] a").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(LANGUAGES["es"]["title"])
    fits(page)
