"""Every route × every role, generated from the OpenAPI file: the gate lets through
exactly the roles each route declares, and docs/authorisation.md shows that same matrix.

Each operation is called on real objects (an application of the citizen's, a review in
the official's queue, a delegation of the assistant's, an issued document, a published
procedure…), so that a role the gate admits is seen to reach the route: its intended
caller gets the documented success status, and a route that answered 404 to everyone
would fail here."""

from __future__ import annotations

import base64
import json
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from types import SimpleNamespace
from typing import Any
from urllib.parse import urlsplit

import pytest
import requests

from chalicelib.api.policy import POLICY
from chalicelib.efirma.keys import sign_with_files
from chalicelib.identity.principal import (
    ADMIN,
    AGENT,
    ANONYMOUS,
    ASSISTANT,
    CITIZEN,
    OFFICIAL,
    PRIVACY_OFFICER,
    PUBLISHER,
    ROLES,
    SUPERVISOR,
)
from chalicelib.payments import signature
from infra.local import efirma, sandbox
from tests.support.client import declaration
from tests.support.flows import (
    PDF,
    approved,
    bank_pays,
    confirm_evidence,
    decide,
    draft,
    licence_without_payment,
    open_review,
    ready_licence,
    signed_decision,
    submit,
    submitted_licence,
    upload_documents,
    wait_status,
)
from tests.support.forms import CONSTRUCTION_FORM, LICENCE_FORM
from tests.support.inprocess import WEBHOOK_SECRET, Aws, HttpUser
from tests.support.openapi import committed
from tests.support.people import new_curp, new_phone

OPENAPI = committed()
OPERATIONS = sorted(
    (method.upper(), path)
    for path, item in OPENAPI["paths"].items()
    for method in item
    if method in {"get", "post", "put", "patch", "delete"}
)
GATE_DENIALS = {(401, "not_authenticated"), (403, "forbidden"), (403, "invalid_curp")}
CENTRE = "CCD001"
AGENCY = "SEMOVI"
PUBLISHED = "matriz-licencia"
# far beyond every deadline the module's reviews run to: publishing it moves none of them
NON_WORKING_DAY = date(date.today().year + 1, 8, 3).isoformat()
CYCLE, RETIRED = "matriz-ciclo", "matriz-retiro"  # the agency's: its supervisor answers the public
HOLDERS = (CITIZEN, ASSISTANT)
SIGNED_IN = (
    CITIZEN,
    OFFICIAL,
    SUPERVISOR,
    ASSISTANT,
    ADMIN,
    PUBLISHER,
    PRIVACY_OFFICER,
)  # the holder, and the assistant who filed under the holder's consent
AGENCY_STAFF = (OFFICIAL, SUPERVISOR)
# reviews of other modules may share the queue with an earlier deadline
OUT_OF_TURN = "Prueba de la matriz de autorización."
PDF_FILE = {"Accept": "application/pdf"}
DECISION = {"decision": "approve", "reason": "Documentos en regla.", "reason_out_of_order": OUT_OF_TURN}


@dataclass(frozen=True)
class Call:
    """One documented operation on real objects: the concrete path (with a query string
    if the route needs one), what is sent, and the roles that must succeed with the
    status the document gives for success."""

    path: str
    succeeds: Mapping[str, int]
    body: Any = None  # or a function that makes it when it is sent (a challenge signed then, fresh)
    raw: bytes | None = None  # sent as is, signed as the bank signs
    headers: Mapping[str, str] = field(default_factory=dict)


def each(roles: tuple[str, ...], status: int = 200) -> dict[str, int]:
    return dict.fromkeys(roles, status)


@pytest.fixture(scope="module")
def people(aws: Aws) -> dict[str, HttpUser]:
    return {
        ANONYMOUS: aws.anonymous(),
        CITIZEN: aws.user(),
        # an official of the licence's agency, and of the building permit's (for the registry checks)
        OFFICIAL: aws.user(username="matriz.oficial", groups=(f"official-{AGENCY}", "official-DUMUN")),
        SUPERVISOR: aws.user(username="matriz.supervisora", groups=(f"supervisor-{AGENCY}",)),
        ASSISTANT: aws.user(username="matriz.asesor", groups=(f"assistant-{CENTRE}",)),
        ADMIN: aws.user(username="matriz.admin", groups=("admin",)),
        # Mexico City's publisher: the matrix's procedure, the licence's copy, answers to state 09
        PUBLISHER: aws.user(username="matriz.publicadora", groups=("admin-09",)),
        PRIVACY_OFFICER: aws.user(username="matriz.privacidad", groups=("privacy-officer",)),
        # a call-centre agent: an assistant by phone, with no delegation in the matrix
        AGENT: aws.user(username="matriz.agente", groups=("callcentre-LINEA-MATRIZ",)),
    }


@pytest.fixture(scope="module")
def calls(aws: Aws, people: dict[str, HttpUser]) -> dict[tuple[str, str], Call]:
    """Real objects for every operation, built once; an operation that changes its object
    gets one of its own, so the order the operations run in does not matter."""
    citizen, official, helper = people[CITIZEN], people[OFFICIAL], people[ASSISTANT]

    # the assistant acts for the citizen under an active delegation (the citizen's code)
    shown = citizen.post("/me/delegation-code")
    assert shown.status_code == 201, shown.body
    granted = helper.post("/delegations", {"curp": citizen.username, "code": shown.body["code"]})
    assert granted.status_code == 201 and granted.body["status"] == "active", granted.body
    delegation = granted.body["id"]
    # one the citizen revokes, held by another assistant of the centre
    other_helper = aws.user(username="matriz.asesora2", groups=(f"assistant-{CENTRE}",))
    shown = citizen.post("/me/delegation-code")
    revocable = other_helper.post("/delegations", {"curp": citizen.username, "code": shown.body["code"]})
    assert revocable.status_code == 201, revocable.body
    # one waiting for the code texted to another citizen, and a third citizen's code for a new one
    texted = aws.user()
    pending_delegation = helper.post("/delegations", {"curp": texted.username})
    assert pending_delegation.status_code == 201 and pending_delegation.body["status"] == "pending"
    newcomer = aws.user()
    newcomer_code = newcomer.post("/me/delegation-code").body["code"]

    # the citizen's privacy requests: one to answer, one referred to a registry awaiting its answer
    privacy_request = citizen.post("/me/privacy-requests", {"kind": "access"}).body["id"]
    referable = citizen.post(
        "/me/privacy-requests",
        {"kind": "rectification", "target": "profile.name", "correction": "Persona De Prueba", "reason": OUT_OF_TURN},
    ).body["id"]
    referred = people[PRIVACY_OFFICER].post(
        f"/privacy-requests/{referable}/decision",
        {"outcome": "referred", "registry": "population", "reason": OUT_OF_TURN},
    )
    assert referred.status_code == 200, referred.body

    # an application the assistant filed for the citizen, reviewed, paid and issued
    filed = helper.post(
        "/applications", {"procedure": "licencia-conducir", "citizen": citizen.username, "data": LICENCE_FORM}
    )
    assert filed.status_code == 201, filed.body
    issued_id = filed.body["id"]
    upload_documents(helper, issued_id)
    submit(helper, issued_id)
    approved(official, citizen, issued_id, AGENCY, reason_out_of_order=OUT_OF_TURN)
    slip = citizen.post(f"/applications/{issued_id}/payment").body
    assert bank_pays(aws, slip["reference"], slip["amount"], f"matriz-{issued_id}").status_code == 200
    issued = wait_status(citizen, issued_id, "issued")
    document, resolution = issued["issued"][0]["id"], issued["resolutions"][0]["review_id"]

    # the citizen's own: a draft, one ready to submit, one in review, three waiting for payment
    draft_id = draft(citizen)
    ready_id = ready_licence(citizen)
    in_review_id = submitted_licence(citizen)
    review = open_review(official, in_review_id, AGENCY)["review_id"]
    slip_id, webhook_id, bank_id = [submitted_licence(citizen) for _ in range(3)]
    for application_id in (slip_id, webhook_id, bank_id):
        approved(official, citizen, application_id, AGENCY, reason_out_of_order=OUT_OF_TURN)
    bank_reference = citizen.post(f"/applications/{bank_id}/payment").body["reference"]
    # a building permit waiting for the citizen to approve what the registries answered
    evidence_id = draft(citizen, CONSTRUCTION_FORM, procedure="licencia-construccion")
    upload_documents(citizen, evidence_id, ("planos", "escritura"))
    submit(citizen, evidence_id)
    wait_status(citizen, evidence_id, "evidence_review")
    # one whose evidence the citizen approved, in the building permit agency's queue
    checked_id = draft(citizen, CONSTRUCTION_FORM, procedure="licencia-construccion")
    upload_documents(citizen, checked_id, ("planos",))
    submit(citizen, checked_id)
    confirm_evidence(citizen, checked_id)
    permit_review = open_review(official, checked_id, "DUMUN")["review_id"]
    withdrawable_id = draft(citizen)
    # two held by the licence's agency: one to ask a call about, one whose requested call the official answers
    callable_id, called_id = submitted_licence(citizen), submitted_licence(citizen)
    callback = citizen.post(f"/applications/{called_id}/callbacks", {})
    assert callback.status_code == 201, callback.body
    # two the official rejected: one to appeal, one appealed for the supervisors to resolve
    rejected_id, appealed_id = submitted_licence(citizen), submitted_licence(citizen)
    for application_id in (rejected_id, appealed_id):
        refused = decide(official, application_id, "reject", "Documentos ilegibles.", reason_out_of_order=OUT_OF_TURN)
        assert refused.status_code == 200, refused.body
        wait_status(citizen, application_id, "rejected")
    appeal = {"arguments": "Los documentos sí son legibles; pido que se revise de nuevo."}
    assert citizen.post(f"/applications/{appealed_id}/appeal", appeal).status_code == 201
    due = citizen.post(f"/applications/{webhook_id}/payment").body
    notification = json.dumps(
        {"event_id": f"matriz-{webhook_id}", "reference": due["reference"], "amount": due["amount"]}
    ).encode()

    # a subscription waiting for its code, and one to cancel
    relative = new_phone()
    pending = citizen.post("/subscriptions", {"application_id": draft_id, "phone": relative})
    assert pending.status_code == 201, pending.body
    cancellable = citizen.post("/subscriptions", {"application_id": slip_id, "phone": new_phone()})
    assert cancellable.status_code == 201, cancellable.body

    definition = licence_without_payment(
        PUBLISHED,
        "MATRIZ",
        {"es": "Licencia de la matriz", "en": "Matrix licence"},
        {"es": "Agencia de la matriz", "en": "Matrix agency"},
    )
    declared = declaration("comprobante_domicilio", PDF, "comprobante.pdf")

    # a procedure of the agency with its next versions drafted by another publisher: one to read, one to put to
    # consultation, one in consultation with a comment to answer, one to approve; and one procedure to retire
    cycle = lifecycle_procedure(aws, CYCLE)
    author = aws.user(username="matriz.autora", groups=("admin",))
    drafts = [author.post(f"/procedures/{CYCLE}/drafts", reviewed_in(cycle, 8)).body["number"] for _ in range(4)]
    read_draft, to_consult, consulted, to_approve = drafts
    assert author.post(f"/procedures/{CYCLE}/drafts/{consulted}/consultation", {}).status_code == 200
    said = citizen.post(f"/procedures/{CYCLE}/drafts/{consulted}/comments", {"text": "¿Cambia el plazo?"})
    assert said.status_code == 201, said.body
    lifecycle_procedure(aws, RETIRED)
    readers = each((*HOLDERS, *AGENCY_STAFF))
    everyone = each(ROLES)
    serial = efirma.current().authority.issue("GOMC800101MDFMRR00", "12345678a").serial
    citizens_efirma = efirma.current().authority.issue(citizen.username, "12345678a")
    claimed_efirma = efirma.current().authority.issue(new_curp(), "12345678a")

    def signed_challenge(user: HttpUser, issued: efirma.Issued, route: str) -> dict[str, str]:
        challenge = user.post(route).body["challenge"]
        signature = sign_with_files(issued.certificate, issued.key, "12345678a", challenge)
        return {
            "certificate": base64.b64encode(issued.certificate).decode(),
            "challenge": challenge,
            "signature": signature,
        }

    decided: dict[str, Any] = {}

    def decision() -> dict[str, Any]:
        # signed for the official, who goes first; the other roles send the same body
        if not decided:
            decided.update(signed_decision(official, review, **DECISION))
        return decided

    def claim() -> dict[str, str]:
        proof = signed_challenge(people[ANONYMOUS], claimed_efirma, "/efirma/challenge")
        return {**proof, "password": "Matriz-Clave-2026", "phone": new_phone()}

    return {
        ("GET", "/agencies/{agency}/calendar"): Call(f"/agencies/{AGENCY}/calendar?year=2027", everyone),
        ("GET", "/agencies/{agency}/intermediaries"): Call(f"/agencies/{AGENCY}/intermediaries", each(AGENCY_STAFF)),
        ("GET", "/agencies/{agency}/callbacks"): Call(f"/agencies/{AGENCY}/callbacks", each(AGENCY_STAFF)),
        ("POST", "/applications/{id}/callbacks"): Call(
            f"/applications/{callable_id}/callbacks", {CITIZEN: 201}, {"note": "¿Qué documento me falta?"}
        ),
        ("POST", "/callbacks/{callback_id}/outcome"): Call(
            f"/callbacks/{callback.body['id']}/outcome", {OFFICIAL: 200}, {"outcome": "reached", "note": "Resuelto."}
        ),
        ("GET", "/agencies/{agency}/ratings"): Call(f"/agencies/{AGENCY}/ratings", each(AGENCY_STAFF)),
        ("GET", "/agencies/{agency}/reviews"): Call(f"/agencies/{AGENCY}/reviews", each(AGENCY_STAFF)),
        ("POST", "/agencies/{agency}/non-working-days"): Call(
            f"/agencies/{AGENCY}/non-working-days",
            each((SUPERVISOR, ADMIN), 201),
            {"days": [NON_WORKING_DAY], "reference": {"es": "Acuerdo de la matriz", "en": "Matrix decree"}},
        ),
        # Mexico City's: the publisher's own jurisdiction; the day is next year's, after every running clock
        ("POST", "/jurisdictions/{jurisdiction}/non-working-days"): Call(
            "/jurisdictions/09/non-working-days",
            each((ADMIN, PUBLISHER), 201),
            {"days": [NON_WORKING_DAY], "reference": {"es": "Acuerdo de la matriz", "en": "Matrix decree"}},
        ),
        ("GET", "/jurisdictions/{jurisdiction}/calendar"): Call("/jurisdictions/09/calendar?year=2027", everyone),
        ("POST", "/applications"): Call(
            "/applications",
            each(HOLDERS, 201),
            {"procedure": "licencia-conducir", "citizen": citizen.username, "data": LICENCE_FORM},
        ),
        ("GET", "/applications/{id}"): Call(f"/applications/{issued_id}", readers),
        ("GET", "/applications/{id}/cadena-original"): Call(
            f"/applications/{draft_id}/cadena-original", {CITIZEN: 200}
        ),
        ("PATCH", "/applications/{id}"): Call(f"/applications/{draft_id}", {CITIZEN: 200}, {"data": LICENCE_FORM}),
        ("GET", "/applications/{id}/acuse/pdf"): Call(
            f"/applications/{issued_id}/acuse/pdf", readers, headers=PDF_FILE
        ),
        ("GET", "/applications/{id}/resolutions/{review_id}/pdf"): Call(
            f"/applications/{issued_id}/resolutions/{resolution}/pdf", readers, headers=PDF_FILE
        ),
        ("GET", "/applications/{id}/audit"): Call(f"/applications/{issued_id}/audit", readers),
        ("GET", "/applications/{id}/sms-events"): Call(f"/applications/{draft_id}/sms-events", {CITIZEN: 200}),
        ("PUT", "/applications/{id}/sms-events"): Call(
            f"/applications/{draft_id}/sms-events", {CITIZEN: 200}, {"events": ["in_review"]}
        ),
        ("GET", "/applications/{id}/audit/verify"): Call(f"/applications/{issued_id}/audit/verify", readers),
        ("POST", "/applications/{id}/appeal"): Call(f"/applications/{rejected_id}/appeal", {CITIZEN: 201}, appeal),
        ("POST", "/applications/{id}/appeal/decision"): Call(
            f"/applications/{appealed_id}/appeal/decision",
            {SUPERVISOR: 200},
            {"outcome": "confirm", "reason": "Se confirma el rechazo."},
        ),
        ("POST", "/applications/{id}/documents"): Call(f"/applications/{draft_id}/documents", {CITIZEN: 201}, declared),
        ("GET", "/applications/{id}/documents/{requirement}"): Call(
            f"/applications/{issued_id}/documents/identificacion", readers
        ),
        ("GET", "/applications/{id}/subscriptions"): Call(f"/applications/{issued_id}/subscriptions", {CITIZEN: 200}),
        ("GET", "/applications/{id}/messages"): Call(
            f"/applications/{issued_id}/messages", each((CITIZEN, *AGENCY_STAFF))
        ),
        ("POST", "/applications/{id}/evidence"): Call(
            f"/applications/{evidence_id}/evidence",
            {CITIZEN: 200},
            {"use": {"identificacion": "registry", "escritura": "upload"}},
        ),
        ("POST", "/applications/{id}/payment"): Call(f"/applications/{slip_id}/payment", {CITIZEN: 200}),
        ("POST", "/applications/{id}/rating"): Call(
            f"/applications/{issued_id}/rating", {CITIZEN: 201}, {"score": 4, "comment": "Rápido y claro."}
        ),
        ("POST", "/applications/{id}/submit"): Call(f"/applications/{ready_id}/submit", {CITIZEN: 202}),
        ("POST", "/applications/{id}/withdraw"): Call(
            f"/applications/{withdrawable_id}/withdraw", {CITIZEN: 200}, {"reason": "Ya no lo necesito."}
        ),
        ("POST", "/delegations"): Call(
            "/delegations", {ASSISTANT: 201}, {"curp": newcomer.username, "code": newcomer_code}
        ),
        ("GET", "/delegations"): Call("/delegations", {ASSISTANT: 200, AGENT: 200}),
        ("PATCH", "/delegations/{id}"): Call(
            f"/delegations/{delegation}", {CITIZEN: 200}, {"documents_allowed": False}
        ),
        ("DELETE", "/delegations/{id}"): Call(f"/delegations/{revocable.body['id']}", {CITIZEN: 200}),
        ("POST", "/delegations/{id}/confirm"): Call(
            f"/delegations/{pending_delegation.body['id']}/confirm",
            {ASSISTANT: 200},
            {"code": aws.texted_code(texted.phone or "", CENTRE)},
        ),
        ("GET", "/documents/{document_id}"): Call(f"/documents/{document}", {CITIZEN: 200}),
        ("GET", "/documents/{document_id}/pdf"): Call(f"/documents/{document}/pdf", {CITIZEN: 200}, headers=PDF_FILE),
        ("GET", "/.well-known/ventanilla-keys.json"): Call("/.well-known/ventanilla-keys.json", everyone),
        ("GET", "/me"): Call("/me", {CITIZEN: 200}),
        ("GET", "/me/data-use"): Call("/me/data-use", {CITIZEN: 200}),
        ("GET", "/privacy-notice"): Call("/privacy-notice", everyone),
        ("POST", "/me/privacy-notice"): Call("/me/privacy-notice", {CITIZEN: 200}, {"version": 1}),
        ("GET", "/me/export"): Call("/me/export", {CITIZEN: 200}),
        ("GET", "/me/export.pdf"): Call("/me/export.pdf", {CITIZEN: 200}, headers=PDF_FILE),
        ("POST", "/me/privacy-requests"): Call("/me/privacy-requests", {CITIZEN: 201}, {"kind": "access"}),
        ("GET", "/me/privacy-requests"): Call("/me/privacy-requests", {CITIZEN: 200}),
        ("GET", "/privacy-requests"): Call("/privacy-requests", {PRIVACY_OFFICER: 200}),
        ("GET", "/privacy-requests/{id}"): Call(
            f"/privacy-requests/{privacy_request}", {CITIZEN: 200, PRIVACY_OFFICER: 200}
        ),
        ("POST", "/privacy-requests/{id}/decision"): Call(
            f"/privacy-requests/{privacy_request}/decision",
            {PRIVACY_OFFICER: 200},
            {"outcome": "denied", "reason": OUT_OF_TURN},
        ),
        ("POST", "/privacy-requests/{id}/registry-answer"): Call(
            f"/privacy-requests/{referable}/registry-answer",
            {PRIVACY_OFFICER: 200},
            {"answer": "refused", "reason": OUT_OF_TURN},
        ),
        ("POST", "/me/efirma"): Call(
            "/me/efirma", {CITIZEN: 200}, lambda: signed_challenge(citizen, citizens_efirma, "/me/efirma/challenge")
        ),
        ("POST", "/me/efirma/challenge"): Call("/me/efirma/challenge", each(SIGNED_IN, 201), {}),
        ("POST", "/efirma/account"): Call("/efirma/account", {ANONYMOUS: 201}, claim),
        ("POST", "/efirma/challenge"): Call("/efirma/challenge", each(ROLES, 201), {}),
        ("POST", "/me/delegation-code"): Call("/me/delegation-code", {CITIZEN: 201}, {}),
        ("GET", "/messages"): Call(f"/messages?application_id={issued_id}", {ADMIN: 200}),
        ("GET", "/openapi.json"): Call("/openapi.json", everyone),
        ("POST", "/payments/webhook"): Call("/payments/webhook", {ANONYMOUS: 200}, raw=notification),
        ("GET", "/procedure-schema"): Call("/procedure-schema", everyone),
        ("GET", "/procedures"): Call("/procedures", everyone),
        ("POST", "/procedures/validate"): Call("/procedures/validate", {ADMIN: 200, PUBLISHER: 200}, definition),
        ("POST", "/procedures/preview"): Call(
            "/procedures/preview", {ADMIN: 200, PUBLISHER: 200}, {"definition": definition, "answers": {}}
        ),
        ("GET", "/procedure-templates"): Call("/procedure-templates", {ADMIN: 200, PUBLISHER: 200}),
        ("POST", "/procedures/{code}/drafts"): Call(f"/procedures/{CYCLE}/drafts", {ADMIN: 201}, reviewed_in(cycle, 9)),
        ("GET", "/procedures/{code}/drafts/{number}"): Call(f"/procedures/{CYCLE}/drafts/{read_draft}", {ADMIN: 200}),
        ("POST", "/procedures/{code}/drafts/{number}/consultation"): Call(
            f"/procedures/{CYCLE}/drafts/{to_consult}/consultation", {ADMIN: 200}, {}
        ),
        ("POST", "/procedures/{code}/drafts/{number}/comments"): Call(
            f"/procedures/{CYCLE}/drafts/{consulted}/comments", each(SIGNED_IN, 201), {"text": "Me parece bien."}
        ),
        ("POST", "/procedures/{code}/drafts/{number}/comments/{comment}/answer"): Call(
            f"/procedures/{CYCLE}/drafts/{consulted}/comments/{said.body['id']}/answer",
            {SUPERVISOR: 200},
            {"text": "Sí: ocho días hábiles."},
        ),
        ("POST", "/procedures/{code}/drafts/{number}/approve"): Call(
            f"/procedures/{CYCLE}/drafts/{to_approve}/approve", {ADMIN: 200}, {}
        ),
        ("POST", "/procedures/{code}/retire"): Call(
            f"/procedures/{RETIRED}/retire", {ADMIN: 200}, {"reason": "Prueba de la matriz."}
        ),
        ("GET", "/consultations"): Call("/consultations", everyone),
        ("GET", "/consultations/{code}/{number}"): Call(f"/consultations/{CYCLE}/{consulted}", everyone),
        ("GET", "/procedures/{code}"): Call("/procedures/licencia-conducir", everyone),
        # the admin publishes first; the same definition from the publisher is then identical (200)
        ("PUT", "/procedures/{code}"): Call(f"/procedures/{PUBLISHED}", {ADMIN: 201, PUBLISHER: 200}, definition),
        ("GET", "/procedures/{code}/versions/{version}"): Call("/procedures/licencia-conducir/versions/1", everyone),
        ("POST", "/reviews/{review_id}/cadena-original"): Call(
            f"/reviews/{review}/cadena-original", {OFFICIAL: 200}, DECISION
        ),
        ("POST", "/reviews/{review_id}/decision"): Call(f"/reviews/{review}/decision", {OFFICIAL: 200}, decision),
        ("POST", "/reviews/{review_id}/evidence/{requirement}/check"): Call(
            f"/reviews/{permit_review}/evidence/identificacion/check", {OFFICIAL: 200}
        ),
        ("POST", "/sandbox/bank/pay"): Call("/sandbox/bank/pay", {ANONYMOUS: 200}, {"reference": bank_reference}),
        ("POST", "/sandbox/efirma/certificates"): Call(
            "/sandbox/efirma/certificates", each(ROLES, 201), {"subject": "GOMC800101MDFMRR00", "password": "12345678a"}
        ),
        ("POST", "/sandbox/efirma/ocsp"): Call("/sandbox/efirma/ocsp", everyone, {"available": True}),
        ("POST", "/sandbox/efirma/revoke"): Call("/sandbox/efirma/revoke", everyone, {"serial": serial}),
        ("GET", "/sandbox/registries"): Call("/sandbox/registries", everyone),
        ("POST", "/sandbox/registries/mode"): Call(
            "/sandbox/registries/mode", everyone, {"registry": "tax", "mode": "normal"}
        ),
        ("POST", "/sandbox/registries/people"): Call(
            "/sandbox/registries/people",
            each(ROLES, 201),
            {
                "curp": "GOMC800101MDFMRR00",
                "given_names": "Carla",
                "first_surname": "Gómez",
                "second_surname": "Martínez",
            },
        ),
        ("POST", "/sandbox/registries/properties"): Call(
            "/sandbox/registries/properties",
            each(ROLES, 201),
            {
                "account": "012-345-67-890-1",
                "owner_curp": "GOMC800101MDFMRR00",
                "address": "Calle Reforma 120, Col. Centro, Oaxaca de Juárez",
                "area_m2": 240,
                "land_use": "habitacional",
            },
        ),
        ("GET", "/sandbox/sms"): Call(f"/sandbox/sms?phone={relative.replace('+', '%2B')}", everyone),
        ("POST", "/sandbox/sms/inbound"): Call("/sandbox/sms/inbound", everyone, {"from": new_phone(), "text": "hola"}),
        ("POST", "/sandbox/sms/send-queued"): Call("/sandbox/sms/send-queued", everyone, {}),
        ("POST", "/sandbox/events/deliver"): Call("/sandbox/events/deliver", everyone, {}),
        ("POST", "/sandbox/voice/call"): Call(
            "/sandbox/voice/call", everyone, {"caller": "+525500000001", "keys": ["3"]}
        ),
        ("GET", "/stats/agencies.csv"): Call("/stats/agencies.csv", everyone),
        ("GET", "/stats/centres.csv"): Call("/stats/centres.csv", everyone),
        ("GET", "/stats/procedures"): Call("/stats/procedures", everyone),
        ("GET", "/stats/procedures.csv"): Call("/stats/procedures.csv", everyone),
        ("GET", "/stats/channels"): Call("/stats/channels", everyone),
        ("GET", "/stats/channels.csv"): Call("/stats/channels.csv", everyone),
        ("POST", "/subscriptions"): Call(
            "/subscriptions", {CITIZEN: 201}, {"application_id": in_review_id, "phone": new_phone()}
        ),
        ("DELETE", "/subscriptions/{id}"): Call(f"/subscriptions/{cancellable.body['id']}", {CITIZEN: 200}),
        ("POST", "/subscriptions/{id}/confirm"): Call(
            f"/subscriptions/{pending.body['id']}/confirm", {CITIZEN: 200}, {"code": aws.texted_code(relative)}
        ),
        ("GET", "/verify/{document_id}"): Call(f"/verify/{document}", everyone),
    }


def lifecycle_procedure(aws: Aws, code: str) -> dict[str, Any]:
    definition = licence_without_payment(
        code, AGENCY, {"es": "Licencia del ciclo", "en": "Lifecycle licence"}, {"es": "Movilidad", "en": "Mobility"}
    )
    published = aws.user(groups=("admin",)).put(f"/procedures/{code}", definition)
    assert published.status_code in (200, 201), published.body
    return definition


def reviewed_in(definition: dict[str, Any], days: int) -> dict[str, Any]:
    steps = definition["steps"]
    return {**definition, "steps": {**steps, "revision": {**steps["revision"], "deadline_days": days}}}


def test_the_author_of_a_draft_cannot_approve_it(aws: Aws) -> None:
    author = aws.user(username="cuatro.ojos.autora", groups=("admin",))
    definition = lifecycle_procedure(aws, "cuatro-ojos")
    number = author.post("/procedures/cuatro-ojos/drafts", reviewed_in(definition, 7)).body["number"]
    refused = author.post(f"/procedures/cuatro-ojos/drafts/{number}/approve", {})
    assert (refused.status_code, refused.body["error"]["code"]) == (403, "four_eyes")
    assert aws.anonymous().get("/procedures/cuatro-ojos").body["version"] == 1
    second = aws.user(username="cuatro.ojos.revisora", groups=("admin",))
    approved = second.post(f"/procedures/cuatro-ojos/drafts/{number}/approve", {})
    assert approved.status_code == 200 and approved.body["approved_by"] == second.username, approved.body
    assert aws.anonymous().get("/procedures/cuatro-ojos").body["version"] == 2


@pytest.fixture
def bank_reaches_the_app(aws: Aws, monkeypatch: pytest.MonkeyPatch) -> None:
    """In-process, the public URL (http://testserver) reaches no server: the sandbox bank's
    webhook call is handed to the app instead, on a thread of its own as a server would."""

    def post(url: str, data: bytes, headers: dict[str, str], timeout: float) -> Any:
        path = urlsplit(url).path.removeprefix("/api")
        with ThreadPoolExecutor(1) as pool:
            reply = pool.submit(aws.anonymous().request, "POST", path, raw=data, headers=headers).result(timeout)
        return SimpleNamespace(status_code=reply.status_code, json=lambda: reply.body)

    monkeypatch.setattr(
        sandbox,
        "requests",
        SimpleNamespace(post=post, ReadTimeout=requests.ReadTimeout, RequestException=requests.RequestException),
    )


def denied_at_the_gate(reply: Any) -> bool:
    body = reply.body if isinstance(reply.body, dict) else {}
    return (reply.status_code, body.get("error", {}).get("code")) in GATE_DENIALS


def call(user: HttpUser, method: str, made: Call) -> Any:
    if made.raw is not None:
        # signed now: the signature holds five minutes, the module's objects are older
        signed = {signature.HEADER: signature.sign(WEBHOOK_SECRET, made.raw)}
        return user.request(method, made.path, raw=made.raw, headers=signed)
    body = made.body() if callable(made.body) else made.body
    body = body if body is not None else ({} if method in {"POST", "PUT", "PATCH"} else None)
    return user.request(method, made.path, body, headers=dict(made.headers))


@pytest.mark.usefixtures("bank_reaches_the_app")
@pytest.mark.parametrize(("method", "path"), OPERATIONS)
def test_route_admits_exactly_its_roles(
    people: dict[str, HttpUser], calls: dict[tuple[str, str], Call], method: str, path: str
) -> None:
    assert (method, path) in POLICY, f"{method} {path} is documented but has no authorisation rule"
    assert (method, path) in calls, f"{method} {path} is documented but this test does not call it"
    made, admitted = calls[(method, path)], POLICY[(method, path)]
    documented = {int(status) for status in OPENAPI["paths"][path][method.lower()]["responses"] if status[0] == "2"}
    assert made.succeeds and set(made.succeeds) <= admitted, made.succeeds
    assert set(made.succeeds.values()) <= documented, (made.succeeds, documented)
    # the roles that must succeed go first: a change they make is not pre-empted by another caller
    for role in sorted(ROLES, key=lambda role: role not in made.succeeds):
        reply = call(people[role], method, made)
        assert reply.status_code < 500, (role, method, path, reply.body)
        if role in made.succeeds:
            assert reply.status_code == made.succeeds[role], (role, method, path, reply.status_code, reply.body)
        else:
            allowed = role in admitted
            assert denied_at_the_gate(reply) is not allowed, (role, method, path, reply.status_code, reply.body)


def test_the_docs_show_the_enforced_matrix() -> None:
    guide = Path("docs/authorisation.md").read_text("utf-8")
    section = guide.split("## Authorisation matrix", 1)[1].split("\n## ", 1)[0]
    shown: dict[tuple[str, str], frozenset[str]] = {}
    for line in section.splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) == 2 + len(ROLES) and cells[0].startswith("`"):
            method, path = cells[0].strip("`").split(" ", 1)
            shown[(method, path)] = frozenset(
                role for role, cell in zip(ROLES, cells[1:-1], strict=True) if cell == "✓"
            )
    assert shown == dict(POLICY), (
        "docs/authorisation.md's matrix differs from chalicelib/api/policy.py:\n" + matrix_markdown()
    )


def matrix_markdown() -> str:
    rows = ["| route | " + " | ".join(ROLES) + " | notes |", "|---|" + "---|" * (len(ROLES) + 1)]
    for (method, path), roles in sorted(POLICY.items(), key=lambda item: (item[0][1], item[0][0])):
        rows.append(f"| `{method} {path}` | " + " | ".join("✓" if role in roles else "·" for role in ROLES) + " | |")
    return "\n".join(rows)


STATE_OF_OAXACA = {"level": "state", "state": "20", "name": {"es": "Gobierno del Estado de Oaxaca", "en": "Oaxaca"}}


def local_procedure(code: str, jurisdiction: Mapping[str, Any]) -> dict[str, Any]:
    definition = licence_without_payment(
        code,
        "SEVITRA",
        {"es": "Licencia de Oaxaca", "en": "Oaxaca licence"},
        {"es": "Secretaría de Movilidad de Oaxaca", "en": "Oaxaca Mobility Department"},
    )
    return {**definition, "homoclave": "SEVITRA-01-001", "jurisdiction": dict(jurisdiction)}


def test_a_jurisdictions_publisher_publishes_its_own_procedures_only(aws: Aws) -> None:
    oaxaca = aws.user(username="publica.oaxaca", groups=("admin-20",))
    own = local_procedure("licencia-oaxaca", STATE_OF_OAXACA)
    assert oaxaca.post("/procedures/validate", own).body == {"valid": True, "problems": []}
    published = oaxaca.put("/procedures/licencia-oaxaca", own)
    assert published.status_code == 201 and published.body["jurisdiction"]["state"] == "20", published.body
    changed = {**own, "expected_days": 9}
    assert oaxaca.put("/procedures/licencia-oaxaca", changed).body["version"] == 2

    def refused(user: HttpUser, code: str, definition: dict[str, Any], answers_to: str) -> None:
        reply = user.put(f"/procedures/{code}", definition)
        assert reply.status_code == 403, reply.body
        error = reply.body["error"]
        assert error["code"] == "outside_jurisdiction" and f"answers to {answers_to}" in error["message"], error

    # another state's procedure, a municipality's in its own state, and a federal one
    mexico_city = aws.anonymous().get("/procedures/licencia-conducir").body["definition"]
    refused(oaxaca, "licencia-conducir", mexico_city, "jurisdiction 09")
    permit = aws.anonymous().get("/procedures/licencia-construccion").body["definition"]
    refused(oaxaca, "licencia-construccion", permit, "jurisdiction 20067")
    refused(
        oaxaca,
        "aviso-funcionamiento",
        aws.anonymous().get("/procedures/aviso-funcionamiento").body["definition"],
        "the federation",
    )
    # nor may it take another's procedure over by naming itself, nor hand its own to another
    refused(oaxaca, "licencia-conducir", {**mexico_city, "jurisdiction": STATE_OF_OAXACA}, "jurisdiction 09")
    elsewhere = {**changed, "jurisdiction": {**STATE_OF_OAXACA, "state": "09"}}
    refused(oaxaca, "licencia-oaxaca", elsewhere, "jurisdiction 09")
    # a new procedure for another jurisdiction is refused too, and nothing was published
    refused(
        oaxaca,
        "licencia-jalisco",
        local_procedure("licencia-jalisco", {**STATE_OF_OAXACA, "state": "14"}),
        "jurisdiction 14",
    )
    assert aws.anonymous().get("/procedures/licencia-jalisco").status_code == 404
    assert aws.anonymous().get("/procedures/licencia-conducir").body["version"] == 1

    # the municipality's publisher publishes its permit; the national admin publishes anything
    municipal = aws.user(username="publica.oaxaca-de-juarez", groups=("admin-20067",))
    assert municipal.put("/procedures/licencia-construccion", permit).status_code == 200  # identical: a no-op
    admin = aws.user(username="admin.nacional", groups=("admin",))
    assert admin.put("/procedures/licencia-oaxaca", changed).status_code == 200
    # and a publisher calls no other admin route
    assert oaxaca.get("/messages?application_id=X").body["error"]["code"] == "forbidden"


def test_a_jurisdictions_publishers_take_their_own_procedures_through_their_life(aws: Aws) -> None:
    author = aws.user(username="redacta.oaxaca", groups=("admin-20",))
    second = aws.user(username="aprueba.oaxaca", groups=("admin-20",))
    mexico_city = aws.user(username="publica.cdmx", groups=("admin-09",))
    own = local_procedure("ciclo-oaxaca", STATE_OF_OAXACA)
    assert author.put("/procedures/ciclo-oaxaca", own).status_code == 201
    drafted = author.post("/procedures/ciclo-oaxaca/drafts", reviewed_in(own, 8))
    assert drafted.status_code == 201, drafted.body
    number = drafted.body["number"]
    draft = f"/procedures/ciclo-oaxaca/drafts/{number}"

    def outside(reply: Any) -> None:
        assert (reply.status_code, reply.body["error"]["code"]) == (403, "outside_jurisdiction"), reply.body

    # another jurisdiction's publisher neither reads, consults, approves nor retires it, nor drafts it over
    outside(mexico_city.get(draft))
    outside(mexico_city.post(f"{draft}/consultation", {}))
    outside(mexico_city.post(f"{draft}/approve", {}))
    outside(mexico_city.post("/procedures/ciclo-oaxaca/retire", {"reason": "No es nuestro."}))
    outside(mexico_city.post("/procedures/ciclo-oaxaca/drafts", reviewed_in(own, 9)))
    # nor drafts Oaxaca's procedure to hand it to Mexico City
    handed = {**reviewed_in(own, 9), "jurisdiction": {**STATE_OF_OAXACA, "state": "09"}}
    outside(author.post("/procedures/ciclo-oaxaca/drafts", handed))

    # its own publishers: one consults, answers the public and approves what the other wrote
    assert second.get(draft).body["status"] == "draft"
    assert second.post(f"{draft}/consultation", {}).status_code == 200
    said = aws.user().post(f"{draft}/comments", {"text": "¿Cuántos días serán?"})
    assert said.status_code == 201, said.body
    answer = {"text": "Ocho días hábiles."}
    refused = mexico_city.post(f"{draft}/comments/{said.body['id']}/answer", answer)
    assert (refused.status_code, refused.body["error"]["code"]) == (403, "other_agency"), refused.body
    assert second.post(f"{draft}/comments/{said.body['id']}/answer", answer).status_code == 200
    assert author.post(f"{draft}/approve", {}).body["error"]["code"] == "four_eyes"
    approved = second.post(f"{draft}/approve", {})
    assert approved.status_code == 200 and approved.body["published_version"] == 2, approved.body
    assert aws.anonymous().get("/procedures/ciclo-oaxaca").body["version"] == 2
    retired = author.post("/procedures/ciclo-oaxaca/retire", {"reason": "Lo sustituye otro trámite."})
    assert retired.status_code == 200 and retired.body["retired_at"], retired.body
