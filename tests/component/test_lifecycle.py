"""A procedure's next version: drafted, put to public consultation, answered, approved by
a second publisher (never its author), published at once or on a date; and retirement."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime, timedelta
from typing import Any

from chalicelib.core import clock
from chalicelib.legal.calendar import legal_date
from infra.aws.deploy import publish_procedures
from tests.support.flows import LICENCE_FORM, licence_without_payment
from tests.support.inprocess import Aws, HttpUser

AGENCY = "CICLO"


def published(aws: Aws, admin: HttpUser) -> tuple[str, dict[str, Any]]:
    """A procedure of the module's own agency, published as version 1; its code and definition."""
    code = f"ciclo-{secrets.token_hex(3)}"
    definition = licence_without_payment(
        code,
        AGENCY,
        {"es": "Licencia del ciclo", "en": "Lifecycle licence"},
        {"es": "Agencia del ciclo", "en": "Lifecycle agency"},
    )
    reply = admin.put(f"/procedures/{code}", definition)
    assert reply.status_code == 201, reply.body
    return code, definition


def longer_review(definition: dict[str, Any], days: int = 8) -> dict[str, Any]:
    steps = definition["steps"]
    return {**definition, "steps": {**steps, "revision": {**steps["revision"], "deadline_days": days}}}


def error(reply: Any) -> tuple[int, str]:
    return reply.status_code, reply.body["error"]["code"]


def test_a_draft_goes_through_public_consultation_to_publication(aws: Aws) -> None:
    author = aws.user(username="ciclo.autora", groups=("admin",))
    approver = aws.user(username="ciclo.aprobador", groups=("admin",))
    code, definition = published(aws, author)

    drafted = author.post(f"/procedures/{code}/drafts", longer_review(definition))
    assert drafted.status_code == 201, drafted.body
    number = drafted.body["number"]
    assert (drafted.body["status"], drafted.body["base_version"], drafted.body["author"]) == (
        "draft",
        1,
        author.username,
    )
    assert drafted.body["changes"] == [
        {"path": "$.steps.revision.deadline_days", "kind": "changed", "before": 5, "after": 8}
    ]
    assert '-      "deadline_days": 5,' in drafted.body["diff"]
    assert '+      "deadline_days": 8,' in drafted.body["diff"]
    # a draft is no one's business but the publishers' until it is put to consultation
    assert error(aws.anonymous().get(f"/consultations/{code}/{number}")) == (404, "unknown_consultation")
    citizen = aws.user(name="Lucía Pérez")
    assert error(citizen.post(f"/procedures/{code}/drafts/{number}/comments", {"text": "¿Por qué tardará más?"})) == (
        409,
        "consultation_closed",
    )

    opened = author.post(f"/procedures/{code}/drafts/{number}/consultation", {})
    assert opened.status_code == 200 and opened.body["status"] == "consultation", opened.body
    said = citizen.post(f"/procedures/{code}/drafts/{number}/comments", {"text": "  ¿Por qué tardará más?  "})
    assert said.status_code == 201, said.body
    assert (said.body["author"], said.body["text"], said.body["answer"]) == (
        "Lucía Pérez",
        "¿Por qué tardará más?",
        None,
    )
    quiet = aws.user().post(
        f"/procedures/{code}/drafts/{number}/comments", {"text": "Sin nombre, por favor.", "anonymous": True}
    )
    assert quiet.status_code == 201 and quiet.body["author"] is None
    page = aws.anonymous().get(f"/consultations/{code}/{number}").body
    assert [comment["text"] for comment in page["comments"]] == ["¿Por qué tardará más?", "Sin nombre, por favor."]
    assert page["changes"] == drafted.body["changes"] and "author" not in page and citizen.username not in str(page)
    listed = aws.anonymous().get("/consultations").body["consultations"]
    assert {"code": code, "number": number, "status": "consultation"}.items() <= listed[0].items()

    # four eyes, and every comment answered before approval
    assert error(author.post(f"/procedures/{code}/drafts/{number}/approve", {})) == (403, "four_eyes")
    assert error(approver.post(f"/procedures/{code}/drafts/{number}/approve", {})) == (409, "unanswered_comments")
    outsider = aws.user(groups=("supervisor-SEMOVI",))
    first, second = said.body["id"], quiet.body["id"]
    answer = {"text": "Se revisan más documentos; el plazo sigue siendo legal."}
    assert error(outsider.post(f"/procedures/{code}/drafts/{number}/comments/{first}/answer", answer)) == (
        403,
        "other_agency",
    )
    supervisor = aws.user(username="ciclo.supervisora", groups=(f"supervisor-{AGENCY}",))
    answered = supervisor.post(f"/procedures/{code}/drafts/{number}/comments/{first}/answer", answer)
    assert answered.status_code == 200 and answered.body["answer"]["text"] == answer["text"], answered.body
    again = approver.post(f"/procedures/{code}/drafts/{number}/comments/{first}/answer", answer)
    assert error(again) == (409, "already_answered")
    assert approver.post(f"/procedures/{code}/drafts/{number}/comments/{second}/answer", answer).status_code == 200

    approved = approver.post(f"/procedures/{code}/drafts/{number}/approve", {})
    assert approved.status_code == 200, approved.body
    assert (approved.body["status"], approved.body["published_version"]) == ("published", 2)
    assert [(step["event"], step["by"]) for step in approved.body["history"]] == [
        ("drafted", author.username),
        ("consultation_opened", author.username),
        ("comment_answered", supervisor.username),
        ("comment_answered", approver.username),
        ("approved", approver.username),
    ]
    live = aws.anonymous().get(f"/procedures/{code}").body
    assert (live["version"], live["definition"]["steps"]["revision"]["deadline_days"]) == (2, 8)
    # the page stays, with what was said and answered; comments are closed
    kept = aws.anonymous().get(f"/consultations/{code}/{number}").body
    assert kept["status"] == "published" and kept["published_version"] == 2
    assert [comment["answer"]["text"] for comment in kept["comments"]] == [answer["text"]] * 2
    late = citizen.post(f"/procedures/{code}/drafts/{number}/comments", {"text": "Llego tarde a comentar."})
    assert error(late) == (409, "consultation_closed")
    assert error(approver.post(f"/procedures/{code}/drafts/{number}/approve", {})) == (409, "already_approved")


def test_a_consultation_with_a_closing_date_is_approved_after_it(aws: Aws) -> None:
    author = aws.user(groups=("admin",))
    code, definition = published(aws, author)
    number = author.post(f"/procedures/{code}/drafts", longer_review(definition)).body["number"]
    today = legal_date(clock.utcnow())
    past = author.post(
        f"/procedures/{code}/drafts/{number}/consultation", {"closes_on": str(today - timedelta(days=1))}
    )
    assert error(past) == (422, "invalid_closing_date")
    closes = str(today + timedelta(days=3))
    assert author.post(f"/procedures/{code}/drafts/{number}/consultation", {"closes_on": closes}).status_code == 200
    approver = aws.user(groups=("admin",))
    assert error(approver.post(f"/procedures/{code}/drafts/{number}/approve", {})) == (409, "consultation_open")
    with clock.travel(datetime.now(UTC) + timedelta(days=5)):
        late = aws.user().post(f"/procedures/{code}/drafts/{number}/comments", {"text": "¿Sigue abierta?"})
        assert error(late) == (409, "consultation_closed")
        assert approver.post(f"/procedures/{code}/drafts/{number}/approve", {}).status_code == 200


def test_a_scheduled_version_is_served_from_its_effective_date(aws: Aws) -> None:
    author, approver = aws.user(groups=("admin",)), aws.user(groups=("admin",))
    code, definition = published(aws, author)
    number = author.post(f"/procedures/{code}/drafts", longer_review(definition)).body["number"]
    today = legal_date(clock.utcnow())
    refused = approver.post(
        f"/procedures/{code}/drafts/{number}/approve", {"effective_on": str(today - timedelta(days=1))}
    )
    assert error(refused) == (422, "effective_in_past")
    on = today + timedelta(days=2)
    scheduled = approver.post(f"/procedures/{code}/drafts/{number}/approve", {"effective_on": str(on)})
    assert scheduled.status_code == 200, scheduled.body
    assert (scheduled.body["status"], scheduled.body["published_version"]) == ("scheduled", 2)
    assert aws.anonymous().get(f"/procedures/{code}").body["version"] == 1
    assert (
        next(item for item in aws.anonymous().get("/procedures").body["procedures"] if item["code"] == code)["version"]
        == 1
    )
    before = aws.user().post("/applications", {"procedure": code, "data": LICENCE_FORM})
    assert before.status_code == 201 and before.body["procedure"]["version"] == 1, before.body
    # versions take effect in order: nothing else is published meanwhile
    assert error(author.put(f"/procedures/{code}", longer_review(definition, 9))) == (409, "publication_scheduled")
    assert error(author.post(f"/procedures/{code}/drafts", longer_review(definition, 9))) == (
        409,
        "publication_scheduled",
    )
    with clock.travel(datetime.combine(on, datetime.min.time(), tzinfo=UTC) + timedelta(hours=7)):
        assert aws.anonymous().get(f"/procedures/{code}").body["version"] == 2
        listed = aws.anonymous().get(f"/procedures?q={code}").body["procedures"]
        assert [(item["code"], item["version"]) for item in listed] == [(code, 2)]
        assert aws.anonymous().get(f"/consultations/{code}/{number}").status_code == 404  # never put to consultation
        assert author.get(f"/procedures/{code}/drafts/{number}").body["status"] == "published"
        after = aws.user().post("/applications", {"procedure": code, "data": LICENCE_FORM})
        assert after.status_code == 201 and after.body["procedure"]["version"] == 2, after.body


def test_a_retired_procedure_takes_no_new_applications_nor_drafts(aws: Aws) -> None:
    admin = aws.user(groups=("admin",))
    code, definition = published(aws, admin)
    assert error(
        aws.user(groups=(f"supervisor-{AGENCY}",)).post(f"/procedures/{code}/retire", {"reason": "Ya no."})
    ) == (
        403,
        "forbidden",
    )
    assert error(admin.post(f"/procedures/{code}/retire", {"reason": " "})) == (422, "reason_required")
    retired = admin.post(f"/procedures/{code}/retire", {"reason": "Sustituido por la licencia digital."})
    assert retired.status_code == 200 and retired.body["retired_at"], retired.body
    assert code not in {item["code"] for item in aws.anonymous().get("/procedures").body["procedures"]}
    assert aws.anonymous().get(f"/procedures/{code}").body["retired_at"] == retired.body["retired_at"]
    refused = aws.user().post("/applications", {"procedure": code, "data": LICENCE_FORM})
    assert error(refused) == (409, "procedure_retired")
    assert "retired on" in refused.body["error"]["message"]
    assert error(admin.post(f"/procedures/{code}/drafts", longer_review(definition))) == (409, "procedure_retired")
    assert error(admin.put(f"/procedures/{code}", longer_review(definition))) == (409, "procedure_retired")
    assert error(admin.post(f"/procedures/{code}/retire", {"reason": "Otra vez."})) == (409, "procedure_retired")
    assert admin.put(f"/procedures/{code}", definition).status_code == 200  # the same definition: nothing to publish


def test_drafts_refuse_what_cannot_be_published(aws: Aws) -> None:
    admin = aws.user(groups=("admin",))
    code, definition = published(aws, admin)
    assert error(admin.post(f"/procedures/{code}/drafts", definition)) == (422, "nothing_changed")
    assert error(admin.post(f"/procedures/{code}/drafts", {**definition, "code": "otro-codigo"})) == (
        422,
        "code_mismatch",
    )
    broken = {**definition, "steps": {}}
    assert error(admin.post(f"/procedures/{code}/drafts", broken)) == (422, "invalid_definition")
    assert error(admin.get(f"/procedures/{code}/drafts/9")) == (404, "unknown_draft")
    assert error(admin.get(f"/procedures/{code}/drafts/x9")) == (404, "unknown_draft")
    assert error(admin.get("/procedures/no-existe/drafts/1")) == (404, "unknown_procedure")
    assert aws.user().post(f"/procedures/{code}/drafts", longer_review(definition)).status_code == 403


def test_a_draft_overtaken_by_another_publication_is_not_approved(aws: Aws) -> None:
    author, approver = aws.user(groups=("admin",)), aws.user(groups=("admin",))
    code, definition = published(aws, author)
    number = author.post(f"/procedures/{code}/drafts", longer_review(definition)).body["number"]
    assert author.put(f"/procedures/{code}", longer_review(definition, 6)).status_code == 201  # from git, meanwhile
    refused = approver.post(f"/procedures/{code}/drafts/{number}/approve", {})
    assert error(refused) == (409, "draft_outdated")
    assert aws.anonymous().get(f"/procedures/{code}").body["definition"]["steps"]["revision"]["deadline_days"] == 6


def test_the_deploys_seed_never_undoes_what_people_published(aws: Aws) -> None:
    """``make deploy`` publishes the procedures shipped in git; once a procedure's newest
    version came from people (an approved draft), is scheduled or is retired, it is kept."""
    author = aws.user(username="semilla.autora", groups=("admin",))
    approver = aws.user(username="semilla.aprobadora", groups=("admin",))
    in_git = [
        licence_without_payment(
            f"semilla-{name}-{secrets.token_hex(2)}", AGENCY, {"es": name, "en": name}, {"es": "A", "en": "A"}
        )
        for name in ("aprobada", "programada", "retirada", "de-git")
    ]
    assert publish_procedures(in_git) == [f"published {item['code']} v1" for item in in_git]
    approved, scheduled, retired, from_git = (item["code"] for item in in_git)

    number = author.post(f"/procedures/{approved}/drafts", longer_review(in_git[0])).body["number"]
    assert approver.post(f"/procedures/{approved}/drafts/{number}/approve", {}).status_code == 200
    number = author.post(f"/procedures/{scheduled}/drafts", longer_review(in_git[1])).body["number"]
    later = (legal_date(clock.utcnow()) + timedelta(days=30)).isoformat()
    assert approver.post(f"/procedures/{scheduled}/drafts/{number}/approve", {"effective_on": later}).status_code == 200
    retirement = author.post(f"/procedures/{retired}/retire", {"reason": "Lo sustituye otro trámite."})
    assert retirement.status_code == 200, retirement.body

    changed_in_git = [longer_review(item, 9) for item in in_git]
    assert publish_procedures(changed_in_git) == [
        f"kept {approved} v2: version 2 was published by {approver.username}, not from git",
        f"kept {scheduled} v2: version 2 takes effect on {later}T06:00:00.000Z",
        f"kept {retired} v1: retired on {retirement.body['retired_at'][:10]}",
        f"published {from_git} v2",
    ]
    assert aws.anonymous().get(f"/procedures/{approved}").body["definition"]["steps"]["revision"]["deadline_days"] == 8
    # what git and the catalogue agree on is not a change
    assert publish_procedures(changed_in_git[3:]) == [f"published {from_git} v2"]
