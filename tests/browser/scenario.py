"""Applications in known states, made over the API, for pages that need one.

The browser tests drive the main journey through the pages themselves; the accessibility
checks and the screenshots only need data to look at, so they build it here quickly.
"""

from __future__ import annotations

import json
import random
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from chalicelib.identity.curp import curp_check_digit, is_curp
from tests.support import documents
from tests.support.client import Api, User, wait_for, wait_for_status
from tests.support.forms import CONSTRUCTION_FORM

PDF = documents.pdf("documento de prueba de Ventanilla")
FORM = {
    "domicilio": "Av. Insurgentes Sur 1235, Col. del Valle, Benito Juárez",
    "codigo_postal": "03100",
    "tipo_sangre": "O+",
    "primera_vez": True,
}
REQUIREMENTS = ("identificacion", "comprobante_domicilio", "constancia_examen")
PERMIT = "licencia-construccion"
_PERMIT_DEFINITION = json.loads(
    (Path(__file__).resolve().parents[2] / "workflows" / f"{PERMIT}.json").read_text("utf-8")
)
# Requirements of the construction permit the registries provide (previewed and approved, not uploaded).
PERMIT_EVIDENCE = tuple(item["code"] for item in _PERMIT_DEFINITION["requirements"] if "evidence" in item)
PERMIT_UPLOADS = tuple(code for code in ("planos", "escritura") if code not in PERMIT_EVIDENCE)
_CONSONANTS = "BCDFGHJKLMNPQRSTVWXZ"


def new_curp(letters: str = "VALR", born: str = "900315", sex: str = "M", state: str = "DF") -> str:
    """A fresh, valid CURP (random homoclave, check digit computed) for a test citizen."""
    body = f"{letters}{born}{sex}{state}{''.join(random.choice(_CONSONANTS) for _ in range(3))}0"
    curp = body + curp_check_digit(body)
    assert is_curp(curp), f"{curp} is not a CURP: check the letters (consonant or vowel where the format wants one)"
    return curp


def new_citizen(api: Api, name: str = "Rosa Elena Vázquez Luna", letters: str = "VALR", accept: bool = True) -> User:
    """A new citizen who (unless ``accept`` is False) accepted the privacy notice, as the sign-up page has them do."""
    phone = f"+5255{random.randrange(10**7, 10**8)}"
    return api.sign_up(new_curp(letters), phone, name=name, accept_notice=accept)


def accept_privacy_notice(citizen: User) -> None:
    """The current privacy notice accepted, as the sign-up page and the notice's gate record it."""
    citizen.accept_privacy_notice()


def new_account() -> str:
    """A property tax account no other test uses."""
    digits = f"{secrets.randbelow(10**13):013d}"
    return f"{digits[:3]}-{digits[3:6]}-{digits[6:8]}-{digits[8:11]}-{digits[11]}"


def own_property(api: Api, citizen: User, area_m2: float = 350) -> str:
    """A site of the citizen's in the sandbox cadastre; its account."""
    account = new_account()
    registered = api.anonymous().post(
        "/sandbox/registries/properties",
        {
            "account": account,
            "owner_curp": citizen.username,
            "address": CONSTRUCTION_FORM["ubicacion"],
            "area_m2": area_m2,
            "land_use": "habitacional",
        },
    )
    assert registered.status_code == 201, registered.text
    return account


def use_the_registries(citizen: User, application_id: str) -> None:
    """Once the registries answered (evidence_review), approve every answer over the API."""
    waiting = wait_for_status(citizen, application_id, "evidence_review")
    use = {code: "registry" for code in waiting["evidence"]}
    approved = citizen.post(f"/applications/{application_id}/evidence", {"use": use})
    assert approved.status_code == 200, approved.text


@dataclass
class Case:
    citizen: User
    application_id: str
    body: dict[str, Any]


def draft(citizen: User, data: dict[str, Any] | None = None) -> Case:
    created = citizen.post("/applications", {"procedure": "licencia-conducir", "data": FORM if data is None else data})
    assert created.status_code == 201, created.text
    return Case(citizen, created.json()["id"], created.json())


def permit_ready_to_sign(citizen: User) -> Case:
    """A construction permit (filed with e.firma) with its form and documents complete."""
    created = citizen.post("/applications", {"procedure": "licencia-construccion", "data": CONSTRUCTION_FORM})
    assert created.status_code == 201, created.text
    case = Case(citizen, created.json()["id"], created.json())
    for requirement in ("planos", "escritura"):
        citizen.upload(case.application_id, requirement, PDF + requirement.encode(), filename=f"{requirement}.pdf")
    return case


def ready_to_submit(citizen: User) -> Case:
    """A licence draft with its form and documents complete."""
    case = draft(citizen)
    for requirement in REQUIREMENTS:
        citizen.upload(case.application_id, requirement, PDF + requirement.encode(), filename=f"{requirement}.pdf")
    return case


def submit_for_review(case: Case) -> Case:
    submitted = case.citizen.post(f"/applications/{case.application_id}/submit")
    assert submitted.status_code == 202, submitted.text
    case.body = wait_for_status(case.citizen, case.application_id, "in_review")
    return case


def in_review(citizen: User) -> Case:
    return submit_for_review(ready_to_submit(citizen))


def decide(
    official: User, application_id: str, decision: str = "approve", reason: str = "Documentos y examen en regla."
) -> None:
    def open_review() -> list[dict[str, Any]]:
        reviews = official.get("/agencies/SEMOVI/reviews").json()["reviews"]
        return [review for review in reviews if review["application_id"] == application_id]

    review = wait_for(open_review, f"the review of {application_id} in SEMOVI's queue")[0]
    decided = official.decide(review["review_id"], decision, reason)
    assert decided.status_code == 200, decided.text


def awaiting_payment(citizen: User, official: User) -> Case:
    case = in_review(citizen)
    decide(official, case.application_id)
    case.body = wait_for_status(citizen, case.application_id, "awaiting_payment")
    return case


def issued(api: Api, citizen: User, official: User) -> Case:
    case = awaiting_payment(citizen, official)
    slip = citizen.post(f"/applications/{case.application_id}/payment").json()
    paid = api.anonymous().post("/sandbox/bank/pay", {"reference": slip["reference"]})
    assert paid.status_code == 200, paid.text
    case.body = wait_for_status(citizen, case.application_id, "issued")
    return case


@dataclass
class Scene:
    """One of each state, owned by two citizens, for page-by-page checks."""

    api: Api
    citizen: User
    official: User
    draft: Case
    review: Case
    payment: Case
    issued: Case
    permit: Case  # a draft of a procedure filed with e.firma, ready to sign

    @property
    def document_id(self) -> str:
        return str(self.issued.body["issued"][0]["id"])


def build_scene(api: Api) -> Scene:
    citizen = new_citizen(api)
    official = api.sign_in("oficial.semovi")
    return Scene(
        api=api,
        citizen=citizen,
        official=official,
        draft=draft(citizen, {"domicilio": "Calle Morelos 45, Centro, Oaxaca de Juárez"}),
        review=in_review(citizen),
        payment=awaiting_payment(citizen, official),
        issued=issued(api, citizen, official),
        permit=permit_ready_to_sign(citizen),
    )
