"""Agency decisions through the API: the queue, who may decide, and only once."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from tests.support.flows import decide, open_review, signed_decision, submitted_licence, wait_status
from tests.support.inprocess import Aws


def test_queue_is_ordered_by_deadline_and_limited_to_the_agency(aws: Aws) -> None:
    citizen = aws.user()
    official = aws.official("oficial.cola")
    first = submitted_licence(citizen)
    second = submitted_licence(citizen)
    open_review(official, first)
    open_review(official, second)
    queue = official.get("/agencies/SEMOVI/reviews").body["reviews"]
    assert [review["deadline"] for review in queue] == sorted(review["deadline"] for review in queue)
    assert citizen.get("/agencies/SEMOVI/reviews").status_code == 403
    assert official.get("/agencies/SAT/reviews").status_code == 403


def test_official_of_another_agency_cannot_decide(aws: Aws) -> None:
    citizen = aws.user()
    semovi = aws.official("oficial.semovi.b")
    other = aws.official("oficial.otra", "SAT")
    application_id = submitted_licence(citizen)
    review = open_review(semovi, application_id)
    reply = other.post(f"/reviews/{review['review_id']}/decision", {"decision": "approve", "reason": "Todo bien"})
    assert reply.status_code == 403
    assert reply.body["error"]["code"] == "other_agency"
    assert wait_status(citizen, application_id, "in_review")["status"] == "in_review"
    assert other.get(f"/applications/{application_id}").status_code == 404


def test_a_decision_needs_a_valid_choice_and_a_reason(aws: Aws) -> None:
    citizen = aws.user()
    official = aws.official("oficial.razones")
    review = open_review(official, submitted_licence(citizen))
    path = f"/reviews/{review['review_id']}/decision"
    no_reason = official.post(path, {"decision": "reject"})
    assert no_reason.status_code == 422 and no_reason.body["error"]["details"][0]["field"] == "reason"
    bad_choice = official.post(path, {"decision": "maybe", "reason": "No sé"})
    assert bad_choice.status_code == 422 and bad_choice.body["error"]["details"][0]["field"] == "decision"


def test_two_officials_at_once_one_wins_the_other_gets_409(aws: Aws) -> None:
    citizen = aws.user()
    first = aws.official("oficial.uno")
    second = aws.official("oficial.dos")
    application_id = submitted_licence(citizen)
    review = open_review(first, application_id)
    path = f"/reviews/{review['review_id']}/decision"
    # each signs their own decision first; then both send at once
    bodies = [signed_decision(user, review["review_id"], "approve", "Expediente completo") for user in (first, second)]
    with ThreadPoolExecutor(2) as pool:
        replies = list(pool.map(lambda user, body: user.post(path, body), (first, second), bodies))
    assert sorted(reply.status_code for reply in replies) == [200, 409]
    assert next(r for r in replies if r.status_code == 409).body["error"]["code"] == "review_closed"
    wait_status(citizen, application_id, "awaiting_payment")
    again = first.post(path, {"decision": "reject", "reason": "Cambio de opinión"})
    assert again.status_code == 409
    events = citizen.get(f"/applications/{application_id}/audit").body["events"]
    assert [event["action"] for event in events].count("review.approved") == 1


def test_rejection_ends_the_application_with_its_reason(aws: Aws) -> None:
    citizen = aws.user()
    official = aws.official("oficial.rechazo")
    application_id = submitted_licence(citizen)
    decide(official, application_id, "reject", "El examen de manejo no fue aprobado.")
    rejected = wait_status(citizen, application_id, "rejected")
    assert rejected["status"] == "rejected"
    last = citizen.get(f"/applications/{application_id}/audit").body["events"][-1]
    assert last["action"] == "review.rejected" and last["reason"] == "El examen de manejo no fue aprobado."
    assert last["actor"]["id"] == "oficial.rechazo"
    assert citizen.get(f"/applications/{application_id}/audit/verify").body["intact"] is True
