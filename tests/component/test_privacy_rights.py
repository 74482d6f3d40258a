"""The holder's privacy rights: the notice and its acceptance, the export of everything held
about them (and nothing of anyone else), and each ARCO request on its legal clock with its
trail, answered from the privacy officer's queue; a fact from a registry is referred to it."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta
from typing import Any

import pytest

from chalicelib.core import clock
from chalicelib.core.clock import parse_iso
from chalicelib.legal.calendar import MEXICO_CITY, add_business_days, legal_date
from chalicelib.notifications import phones
from chalicelib.privacy import notice
from tests.support.flows import (
    approved,
    delegated,
    draft,
    paid,
    ready_licence,
    status_of,
    submit,
    submitted_licence,
    table,
    wait_status,
)
from tests.support.forms import CONSTRUCTION_FORM, LICENCE_FORM
from tests.support.inprocess import Aws, HttpUser
from tests.support.people import new_phone

pytestmark = pytest.mark.usefixtures("aws", "registries_answering")

PERMIT = "licencia-construccion"
REASON = "El dato está mal escrito."
# items keyed to a holder that are not their data: the statistics' marks of what was counted
NOT_PERSONAL = {"stats_counted"}


def problem(reply: Any) -> tuple[int, str, list[str]]:
    error = reply.body["error"]
    return reply.status_code, error["code"], [item["field"] for item in error.get("details") or []]


@pytest.fixture(scope="module")
def officer(aws: Aws) -> HttpUser:
    return aws.user(username="privacidad.oficial", groups=("privacy-officer",))


def file(user: HttpUser, body: dict[str, Any]) -> dict[str, Any]:
    filed = user.post("/me/privacy-requests", body)
    assert filed.status_code == 201, filed.body
    return dict(filed.body)


def decide(officer: HttpUser, request_id: str, outcome: str, **more: Any) -> dict[str, Any]:
    decided = officer.post(f"/privacy-requests/{request_id}/decision", {"outcome": outcome, "reason": REASON, **more})
    assert decided.status_code == 200, decided.body
    return dict(decided.body)


def legal_day(instant: str) -> date:
    return parse_iso(instant).astimezone(MEXICO_CITY).date()


def test_the_notice_is_public_and_its_acceptance_is_recorded_with_version_and_time(aws: Aws) -> None:
    published = aws.anonymous().get("/privacy-notice")
    assert published.status_code == 200
    assert published.body["version"] == notice.VERSION
    assert published.body["es"]["sections"][0]["heading"] == "Responsable"
    assert {item["id"] for item in published.body["processing"]} == set(notice.PROCESSING)
    citizen = aws.user(accept_notice=False)
    assert citizen.get("/me").body["profile"]["privacy_notice"] == {
        "current": notice.VERSION,
        "accepted": None,
        "accepted_at": None,
    }

    assert problem(citizen.post("/me/privacy-notice", {"version": notice.VERSION + 1})) == (
        409,
        "privacy_notice_outdated",
        ["version"],
    )
    accepted = citizen.post("/me/privacy-notice", {"version": notice.VERSION})
    assert accepted.status_code == 200, accepted.body
    assert accepted.body["accepted"] == notice.VERSION
    on_record = citizen.get("/me").body["profile"]["privacy_notice"]
    assert on_record == {"current": notice.VERSION, **accepted.body}
    [logged] = citizen.get("/me/export").body["privacy_log"]
    assert (logged["action"], logged["details"]["version"]) == ("privacy_notice.accepted", notice.VERSION)


def test_a_citizen_opens_a_draft_only_under_the_notice_in_force(aws: Aws, monkeypatch: pytest.MonkeyPatch) -> None:
    citizen = aws.user(accept_notice=False)
    body = {"procedure": "licencia-conducir", "data": LICENCE_FORM}

    refused = citizen.post("/applications", body)
    assert problem(refused) == (409, "privacy_notice_required", ["privacy_notice"])
    assert f"version {notice.VERSION}" in refused.body["error"]["message"]
    assert citizen.get("/me").body["applications"] == []

    assert citizen.post("/me/privacy-notice", {"version": notice.VERSION}).status_code == 200
    first = citizen.post("/applications", body)
    assert first.status_code == 201, first.body

    # a new text publishes a new version: the acceptance of the old one no longer opens drafts
    monkeypatch.setattr(notice, "VERSION", notice.VERSION + 1)
    monkeypatch.setattr(notice, "TEXT_SHA256", "b" * 64)
    assert citizen.get("/me").body["profile"]["privacy_notice"]["accepted"] == notice.VERSION - 1
    again = citizen.post("/applications", body)
    assert problem(again) == (409, "privacy_notice_required", ["privacy_notice"])
    assert f"you accepted version {notice.VERSION - 1}" in again.body["error"]["message"]
    assert problem(citizen.post("/me/privacy-notice", {"version": notice.VERSION - 1})) == (
        409,
        "privacy_notice_outdated",
        ["version"],
    )
    assert citizen.post("/me/privacy-notice", {"version": notice.VERSION}).status_code == 200
    second = citizen.post("/applications", body)
    assert second.status_code == 201, second.body
    assert {item["id"] for item in citizen.get("/me").body["applications"]} == {second.body["id"], first.body["id"]}
    logged = [(item["action"], item["details"]) for item in citizen.get("/me/export").body["privacy_log"]]
    assert logged == [
        ("privacy_notice.accepted", {"version": notice.VERSION - 1, "sha256": notice.digest()}),
        ("privacy_notice.accepted", {"version": notice.VERSION, "sha256": "b" * 64}),
    ]


def test_an_assistant_or_an_agent_opens_a_draft_for_a_citizen_who_never_accepted_the_notice(aws: Aws) -> None:
    citizen = aws.user(accept_notice=False)
    for group, centre in (("assistant-CCDAVISO", "CCDAVISO"), ("callcentre-LINEA-AVISO", "LINEA-AVISO")):
        helper = aws.user(username=f"ayuda.{centre.lower()}", groups=(group,))
        delegated(aws, helper, citizen, centre)
        assisted = helper.post(
            "/applications", {"procedure": "licencia-conducir", "citizen": citizen.username, "data": LICENCE_FORM}
        )
        assert assisted.status_code == 201, assisted.body
    # the citizen's own filing still waits for their acceptance
    assert problem(citizen.post("/applications", {"procedure": "licencia-conducir", "data": LICENCE_FORM})) == (
        409,
        "privacy_notice_required",
        ["privacy_notice"],
    )


def test_the_export_holds_every_item_keyed_to_the_holder_and_nothing_of_anyone_else(aws: Aws) -> None:
    citizen, other = aws.user(), aws.user()
    official, helper = aws.official(), aws.user(groups=("assistant-CCDPRIV",))
    relative = new_phone()
    for person in (citizen, other):
        submitted_licence(person)
        draft(person, CONSTRUCTION_FORM, procedure=PERMIT)  # asks the population registry: the data-use log
        file(person, {"kind": "access"})
    # an issued licence, paid and rated; a relative's phone on another; an assistant's delegation; a STOP
    issued_id = submitted_licence(citizen)
    approved(official, citizen, issued_id)
    paid(aws, citizen, issued_id)
    wait_status(citizen, issued_id, "issued")
    assert citizen.post(f"/applications/{issued_id}/rating", {"score": 5}).status_code == 201
    followed = submitted_licence(citizen)
    subscribed = citizen.post("/subscriptions", {"application_id": followed, "phone": relative})
    assert subscribed.status_code == 201, subscribed.body
    delegation = delegated(aws, helper, citizen, "CCDPRIV")
    assisted = helper.post(
        "/applications", {"procedure": "licencia-conducir", "citizen": citizen.username, "data": LICENCE_FORM}
    )
    assert assisted.status_code == 201, assisted.body
    assert citizen.request("DELETE", f"/delegations/{delegation['id']}").status_code == 200
    aws.anonymous().post("/sandbox/sms/inbound", {"from": citizen.phone, "text": "BAJA"})

    exported = citizen.get("/me/export")
    assert exported.status_code == 200, exported.body
    assert exported.headers["Content-Disposition"] == f'attachment; filename="ventanilla-{citizen.username}.json"'
    document = exported.body
    keys = {
        entry["key"]
        for name, entries in document.items()
        if isinstance(entries, list)
        for entry in entries
        if isinstance(entry, dict)
    }
    held = holdings(aws, citizen.username)
    assert {item.get("kind") for item in held} >= {
        "profile",
        "application",
        "audit",
        "payment",
        "credential",
        "rating",
        "subscription",
        "sms",
        "sms_opt_out",
        "delegation",
        "data_exchange",
        "privacy_request",
        "privacy_log",
    }
    assert any(item.get("kind") == "sms" and item["application_id"] == "-" for item in held)  # the delegation code
    # a phone that is not the holder's is masked, in the key that names it too
    named = [f"{item['pk']}/{item['sk']}".replace(relative, phones.mask(relative)) for item in held]
    missing = [key for key in named if key not in keys]
    assert missing == []
    text = json.dumps(document)
    assert other.username not in text
    for application in other.get("/me").body["applications"]:
        assert application["id"] not in text
    assert "task_token" not in text and "code_hash" not in text
    # staff by role everywhere but in the signed resolutions, notified to the holder as signed
    unsigned = json.dumps(
        {**document, "applications": [{**item, "resolutions": []} for item in document["applications"]]}
    )
    for name in (relative, helper.username, official.username):
        at = unsigned.find(name)
        assert at == -1, (name, unsigned[max(0, at - 300) : at + 40])

    printed = citizen.get("/me/export.pdf", headers={"Accept": "application/pdf"})
    assert printed.status_code == 200
    assert printed.body.startswith(b"%PDF")


def holdings(aws: Aws, holder: str) -> list[dict[str, Any]]:
    """What the table holds keyed to ``holder`` (a test may scan): their partition, their
    record, their applications' partitions and payments, their documents, their phone's
    opt-outs and what was texted to it about no application, their privacy requests."""
    items = scan(aws)
    record = [item for item in items if item.get("gsi1pk") == f"OWNER#{holder}"]
    applications = {f"APP#{item['id']}" for item in record if item["kind"] == "application"}
    payments = {f"PAY#{item['payment_reference']}" for item in record if item.get("payment_reference")}
    documents = {f"CRED#{item['id']}" for item in record if item["kind"] == "credential"}
    phones = {f"PHONE#{item['phone']}" for item in record if item["kind"] == "profile" and item.get("phone")}
    texted = {f"SMSTO#{item['phone']}" for item in record if item["kind"] == "profile" and item.get("phone")}
    partitions = {f"CITIZEN#{holder}", *applications, *payments, *documents}
    return [
        item
        for item in items
        if item.get("kind") not in NOT_PERSONAL
        and (
            item["pk"] in partitions
            or item.get("gsi1pk") in {f"OWNER#{holder}", f"PRIVACY_OF#{holder}"}
            or (item["pk"] in phones and str(item["sk"]).startswith("OPTOUT#"))
            or (item.get("gsi2pk") in texted and item.get("application_id") == "-")
        )
    ]


def scan(aws: Aws) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    reading = table(aws)
    page = reading.scan()
    found += page["Items"]
    while "LastEvaluatedKey" in page:
        page = reading.scan(ExclusiveStartKey=page["LastEvaluatedKey"])
        found += page["Items"]
    return found


def test_a_rectification_of_the_name_is_answered_on_the_legal_clock_and_takes_effect(
    aws: Aws, officer: HttpUser
) -> None:
    citizen = aws.user(name="Persona De Prueva")
    filed = file(
        citizen,
        {"kind": "rectification", "target": "profile.name", "correction": "Persona De Prueba", "reason": REASON},
    )
    assert filed["status"] == "received"
    opened = legal_day(filed["opened_at"])
    assert legal_day(filed["deadline"]) == add_business_days(opened, 20)
    assert [event["action"] for event in filed["events"]] == ["received"]

    granted = decide(officer, filed["id"], "granted")
    assert (granted["status"], granted["outcome"]) == ("granted", "granted")
    assert legal_day(granted["effective_by"]) == add_business_days(legal_date(datetime.now(MEXICO_CITY)), 15)
    assert citizen.get("/me").body["profile"]["name"] == "Persona De Prueba"
    [told] = [text for text in aws.sms(citizen.phone or "") if filed["id"] in text]  # no name, no value
    assert told.startswith(f"Ventanilla: su solicitud de derechos ARCO {filed['id']} tiene respuesta")
    assert "Persona De Prueva" not in json.dumps(granted)  # the old value only as its hash
    assert granted["effects"]["old_sha256"]

    seen = citizen.get(f"/privacy-requests/{filed['id']}").body
    assert [(event["action"], event["actor"]["kind"]) for event in seen["events"]] == [
        ("received", "citizen"),
        ("granted", "privacy_officer"),
    ]
    assert "id" not in seen["events"][1]["actor"]  # the holder reads the officer by role
    assert officer.get(f"/privacy-requests/{filed['id']}").body["events"][1]["actor"]["id"] == officer.username


def test_a_form_answer_is_corrected_on_the_applications_audit_chain(aws: Aws, officer: HttpUser) -> None:
    citizen = aws.user()
    application_id = draft(citizen)
    target = f"applications/{application_id}/form.domicilio"
    assert problem(
        citizen.post(
            "/me/privacy-requests",
            {"kind": "rectification", "target": f"{target}x", "correction": "A", "reason": REASON},
        )
    ) == (422, "invalid_target", ["target"])
    filed = file(
        citizen, {"kind": "rectification", "target": target, "correction": "Calle Falsa 123", "reason": REASON}
    )
    assert filed["registry"] is None
    decide(officer, filed["id"], "granted")
    assert status_of(citizen, application_id)["data"]["domicilio"] == "Calle Falsa 123"
    trail = citizen.get(f"/applications/{application_id}/audit").body
    events = trail["events"] if isinstance(trail, dict) else trail
    [rectified] = [event for event in events if event["action"] == "data.rectified"]
    assert rectified["details"]["privacy_request"] == filed["id"]
    verified = citizen.get(f"/applications/{application_id}/audit/verify")
    assert verified.status_code == 200 and verified.body["intact"] is True, verified.body


def test_a_fact_from_a_registry_is_referred_to_it_and_its_answer_tracked(aws: Aws, officer: HttpUser) -> None:
    citizen = aws.user()
    application_id = draft(citizen, CONSTRUCTION_FORM, procedure=PERMIT)
    target = f"applications/{application_id}/form.solicitante"
    filed = file(
        citizen, {"kind": "rectification", "target": target, "correction": "Nombre Correcto", "reason": REASON}
    )
    assert filed["registry"] == "population"

    refused = officer.post(f"/privacy-requests/{filed['id']}/decision", {"outcome": "granted", "reason": REASON})
    assert problem(refused)[:2] == (409, "registry_fact")
    referred = decide(officer, filed["id"], "referred")
    assert (referred["status"], referred["registry"]) == ("referred", "population")
    assert problem(officer.post(f"/privacy-requests/{filed['id']}/decision", {"outcome": "denied", "reason": REASON}))[
        :2
    ] == (409, "privacy_request_answered")

    answered = officer.post(
        f"/privacy-requests/{filed['id']}/registry-answer", {"answer": "corrected", "reason": "RENAPO corrigió."}
    )
    assert answered.status_code == 200, answered.body
    assert answered.body["status"] == "granted"
    assert answered.body["events"][-1]["details"]["answer"] == "corrected"
    assert status_of(citizen, application_id)["data"]["solicitante"] == "Nombre Correcto"
    again = officer.post(f"/privacy-requests/{filed['id']}/registry-answer", {"answer": "refused", "reason": "No."})
    assert problem(again)[:2] == (409, "privacy_request_not_referred")


def test_a_cancellation_erases_what_the_law_lets_go_and_keeps_the_rest_with_the_reason(
    aws: Aws, officer: HttpUser
) -> None:
    citizen = aws.user()
    erased_draft = draft(citizen)
    filed_one = submitted_licence(citizen)
    assert problem(
        citizen.post(
            "/me/privacy-requests", {"kind": "cancellation", "scope": ["drafts", "everything"], "reason": REASON}
        )
    ) == (422, "invalid_scope", ["scope[1]"])
    filed = file(citizen, {"kind": "cancellation", "scope": ["drafts", "applications"], "reason": REASON})
    assessment = {item["scope"]: item for item in filed["details"]["assessment"]}
    assert assessment["drafts"]["erasable"] is True
    assert assessment["applications"]["erasable"] is False
    assert "Ley General de Archivos" in assessment["applications"]["why"]

    granted = decide(officer, filed["id"], "partially_granted")
    assert granted["effects"]["erased"] == {"drafts": 1}
    assert "applications" in granted["effects"]["kept"]
    cancelled = status_of(citizen, erased_draft)  # withdrawn, as the retention schedule leaves a draft
    assert (cancelled["status"], cancelled["data"]) == ("withdrawn", {})
    assert "Calle" not in json.dumps(cancelled["documents"])
    events = citizen.get(f"/applications/{erased_draft}/audit").body["events"]
    assert events[-1]["action"] == "draft.cancelled"
    assert events[-1]["details"]["privacy_request"] == filed["id"]
    assert sorted(events[-1]["details"]["fields"]) == sorted(LICENCE_FORM)
    assert citizen.get(f"/applications/{erased_draft}/audit/verify").body["intact"] is True
    assert status_of(citizen, filed_one)["status"] != "withdrawn"


def test_an_opposition_stops_the_processing(aws: Aws, officer: HttpUser) -> None:
    citizen = aws.user()
    assert problem(
        citizen.post("/me/privacy-requests", {"kind": "opposition", "processing": "everything", "reason": REASON})
    ) == (422, "invalid_processing", ["processing"])
    filed = file(citizen, {"kind": "opposition", "processing": notice.REGISTRY_PREFILL, "reason": REASON})
    decide(officer, filed["id"], "granted")
    application_id = draft(citizen, CONSTRUCTION_FORM, procedure=PERMIT)
    created = status_of(citizen, application_id)
    assert (created["prefill"], created["provenance"]) == (None, {})
    assert citizen.get("/me/data-use").body["exchanges"] == []


def test_the_answer_is_extended_once_by_ten_business_days(aws: Aws, officer: HttpUser) -> None:
    citizen = aws.user()
    filed = file(citizen, {"kind": "access"})
    extended = decide(officer, filed["id"], "extended")
    assert extended["status"] == "extended"
    assert legal_day(extended["deadline"]) == add_business_days(legal_day(filed["deadline"]), 10)
    again = officer.post(f"/privacy-requests/{filed['id']}/decision", {"outcome": "extended", "reason": REASON})
    assert problem(again)[:2] == (409, "already_extended")
    assert extended["overdue"] is False
    with clock.travel(parse_iso(extended["deadline"]) + timedelta(days=1)):
        assert citizen.get(f"/privacy-requests/{filed['id']}").body["overdue"] is True
    granted = decide(officer, filed["id"], "granted")
    assert granted["overdue"] is False
    assert granted["effects"]["export_sha256"]
    assert granted["effects"]["items"]["privacy_requests"] == 1


def test_the_officers_queue_goes_by_deadline_and_status_and_holders_see_only_their_own(
    aws: Aws, officer: HttpUser
) -> None:
    first, second = aws.user(), aws.user()
    one = file(first, {"kind": "access"})
    two = file(second, {"kind": "opposition", "processing": notice.PROGRESS_SMS, "reason": REASON})
    queue = officer.get("/privacy-requests?limit=200").body["requests"]
    deadlines = [item["deadline"] for item in queue]
    assert deadlines == sorted(deadlines)
    assert {one["id"], two["id"]} <= {item["id"] for item in queue}
    decide(officer, two["id"], "denied")
    denied = officer.get("/privacy-requests?status=denied&limit=200").body["requests"]
    assert two["id"] in {item["id"] for item in denied}
    assert two["id"] not in {item["id"] for item in officer.get("/privacy-requests?limit=200").body["requests"]}
    assert problem(officer.get("/privacy-requests?status=lost"))[:2] == (422, "invalid_status")

    assert [item["id"] for item in first.get("/me/privacy-requests").body["requests"]] == [one["id"]]
    assert problem(first.get(f"/privacy-requests/{two['id']}"))[:2] == (404, "unknown_privacy_request")
    assert first.get("/privacy-requests").status_code == 403


def test_bad_requests_name_the_field(aws: Aws, officer: HttpUser) -> None:
    citizen = aws.user()
    assert problem(citizen.post("/me/privacy-requests", {"kind": "forget"}))[:2] == (422, "invalid_kind")
    assert problem(
        citizen.post("/me/privacy-requests", {"kind": "rectification", "target": "profile.name", "reason": REASON})
    ) == (422, "correction_required", ["correction"])
    assert problem(
        citizen.post("/me/privacy-requests", {"kind": "rectification", "target": "profile.name", "correction": "X"})
    ) == (422, "reason_required", ["reason"])
    filed = file(citizen, {"kind": "access"})
    assert problem(
        officer.post(f"/privacy-requests/{filed['id']}/decision", {"outcome": "referred", "reason": REASON})
    ) == (
        422,
        "not_referable",
        ["outcome"],
    )
    assert problem(officer.post(f"/privacy-requests/{filed['id']}/decision", {"outcome": "granted", "reason": " "}))[
        :2
    ] == (422, "reason_required")


def test_the_phones_of_an_ended_application_are_erased_on_its_audit_chain(aws: Aws, officer: HttpUser) -> None:
    citizen = aws.user()
    application_id = submitted_licence(citizen)
    subscribed = citizen.post("/subscriptions", {"application_id": application_id, "phone": new_phone()})
    assert subscribed.status_code == 201, subscribed.body
    withdrawn = citizen.post(f"/applications/{application_id}/withdraw", {"reason": "Ya no lo necesito."})
    assert withdrawn.status_code == 200, withdrawn.body
    filed = file(citizen, {"kind": "cancellation", "scope": ["subscriptions"], "reason": REASON})

    granted = decide(officer, filed["id"], "granted")
    assert granted["effects"]["erased"]["subscriptions"] >= 1
    assert granted["events"][-1]["details"]["effects"] == granted["effects"]
    assert citizen.get(f"/applications/{application_id}/subscriptions").body["subscriptions"] == []
    events = citizen.get(f"/applications/{application_id}/audit").body["events"]
    [erased] = [event for event in events if event["action"] == "subscriptions.erased"]
    assert erased["details"]["privacy_request"] == filed["id"]
    assert citizen.get(f"/applications/{application_id}/audit/verify").body["intact"] is True


def test_opposing_progress_messages_stops_the_ones_the_holder_had_chosen(aws: Aws, officer: HttpUser) -> None:
    opposing, control = aws.user(), aws.user()
    chosen = {}
    for person in (opposing, control):
        application_id = ready_licence(person)
        picked = person.put(f"/applications/{application_id}/sms-events", {"events": ["submitted"]})
        assert picked.status_code == 200, picked.body
        chosen[person.username] = application_id
    filed = file(opposing, {"kind": "opposition", "processing": notice.PROGRESS_SMS, "reason": REASON})
    decide(officer, filed["id"], "granted")

    for person in (opposing, control):
        submit(person, chosen[person.username])
    assert [text for text in aws.sms(control.phone or "") if chosen[control.username] in text]
    assert [text for text in aws.sms(opposing.phone or "") if chosen[opposing.username] in text] == []


def test_a_correction_takes_the_fields_type_and_must_fit_it(aws: Aws, officer: HttpUser) -> None:
    citizen = aws.user()
    application_id = draft(citizen, CONSTRUCTION_FORM, procedure=PERMIT)
    target = f"applications/{application_id}/form.niveles"
    wrong = citizen.post(
        "/me/privacy-requests", {"kind": "rectification", "target": target, "correction": "tres", "reason": REASON}
    )
    assert problem(wrong) == (422, "invalid_correction", ["correction"])
    filed = file(citizen, {"kind": "rectification", "target": target, "correction": "3", "reason": REASON})
    decide(officer, filed["id"], "granted")
    assert status_of(citizen, application_id)["data"]["niveles"] == 3


def test_a_retried_filing_with_its_key_files_one_request(aws: Aws) -> None:
    citizen = aws.user()
    key = {"Idempotency-Key": "arco-retry-1"}
    first = citizen.post("/me/privacy-requests", {"kind": "access"}, headers=key)
    again = citizen.post("/me/privacy-requests", {"kind": "access"}, headers=key)
    assert (first.status_code, again.status_code) == (201, 201)
    assert first.body["id"] == again.body["id"]
    assert [item["id"] for item in citizen.get("/me/privacy-requests").body["requests"]] == [first.body["id"]]
