"""Statistics, open data, ratings and queue fairness through the API.

A procedure of its own (its own code and agency, published for this module) keeps the
figures apart from what other tests do on the shared table. A scripted set of
applications — issued, rejected, one after corrections, one taken out of order, one
deemed approved when its reviewer stayed silent, one left as a draft — is run through the
real workflow; the published figures must equal what the test works out from each
application's audit trail, and the small cells must be withheld.
"""

from __future__ import annotations

import csv
import io
import json
import random
import string
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from chalicelib import wiring as composition
from chalicelib.adapters.aws import client as aws_client
from chalicelib.core import clock
from chalicelib.core.clock import iso
from chalicelib.reviews import service as reviews_module
from chalicelib.stats import figures
from chalicelib.store import keys
from tests.support.client import wait_for
from tests.support.flows import decide, draft, licence_without_payment, open_review, ready_licence, submit, wait_status
from tests.support.forms import LICENCE_FORM
from tests.support.inprocess import Aws, HttpUser

SUFFIX = "".join(random.choices(string.ascii_uppercase, k=5))
AGENCY = f"EST{SUFFIX}"
CODE = f"estadistica-{SUFFIX.lower()}"


def definition() -> dict[str, Any]:
    """The driver's licence, renamed, reviewed by an agency of its own, with no payment and
    *afirmativa ficta* when the reviewer misses the deadline."""
    licence = licence_without_payment(
        CODE,
        AGENCY,
        {"es": f"Trámite de estadística {SUFFIX}", "en": f"Statistics procedure {SUFFIX}"},
        {"es": f"Dependencia {SUFFIX}", "en": f"Agency {SUFFIX}"},
        review={"on_deadline": "afirmativa_ficta"},
    )
    licence["steps"]["revision"].pop("escalation_days", None)
    return licence


class Script:
    def __init__(self, aws: Aws) -> None:
        self.aws = aws
        self.official = aws.official(f"oficial.{SUFFIX.lower()}", AGENCY)
        self.citizens: dict[str, HttpUser] = {}

    def submitted(self) -> str:
        citizen = self.aws.user()
        application_id = ready_licence(citizen, procedure=CODE)
        submit(citizen, application_id)
        self.citizens[application_id] = citizen
        return application_id

    def decide(self, application_id: str, decision: str, **extra: str) -> Any:
        return decide(self.official, application_id, decision, f"Decisión: {decision}.", AGENCY, **extra)

    def audit(self, application_id: str) -> list[dict[str, Any]]:
        events: list[dict[str, Any]] = (
            self.citizens[application_id].get(f"/applications/{application_id}/audit").body["events"]
        )
        return events


@pytest.fixture(scope="module")
def script(aws: Aws) -> dict[str, Any]:
    admin = aws.user(groups=("admin",))
    published = admin.put(f"/procedures/{CODE}", definition())
    assert published.status_code in (200, 201), published.body
    run = Script(aws)
    submitted = {run.submitted() for _ in range(8)}
    # Eight wait in the queue, due the same day; six will be issued and two rejected.
    queue = wait_for(
        lambda: (
            (found := run.official.get(f"/agencies/{AGENCY}/reviews").body["reviews"]) and len(found) == 8 and found
        ),
        "eight reviews in the queue",
    )
    order = [review["application_id"] for review in queue]
    assert set(order) == submitted
    assert [review["out_of_turn"] for review in queue] == [False] * 8  # the same legal deadline: equals
    issued, rejected = order[:6], order[6:]
    # Ten days later a ninth arrives, due later than the eight: deciding it first jumps them.
    with clock.travel(datetime.now(UTC) + timedelta(days=10)):
        jumper = run.submitted()
        review = open_review(run.official, jumper, AGENCY)
        assert (review["out_of_turn"], review["earlier_open"]) == (True, 8)
        jumped = run.decide(jumper, "approve")
        assert jumped.status_code == 422, jumped.body
        assert jumped.body["error"]["code"] == "reason_out_of_order_required"
        assert [detail["field"] for detail in jumped.body["error"]["details"]] == ["reason_out_of_order"]
        assert run.decide(jumper, "approve", reason_out_of_order="Urgencia médica acreditada.").status_code == 200
        wait_status(run.citizens[jumper], jumper, "issued", timeout=60)
    # The rest in order: the first asks for corrections, gets them and is approved later on.
    assert run.decide(issued[0], "request_changes").status_code == 200
    wait_status(run.citizens[issued[0]], issued[0], "changes_requested")
    answered = run.citizens[issued[0]].post(f"/applications/{issued[0]}/submit")
    assert answered.status_code in (200, 202), answered.body
    open_review(run.official, issued[0], AGENCY)
    outcome = {**dict.fromkeys(issued, "approve"), **dict.fromkeys(rejected, "reject")}
    while queue := run.official.get(f"/agencies/{AGENCY}/reviews").body["reviews"]:
        head = queue[0]
        assert head["out_of_turn"] is False
        assert run.decide(head["application_id"], outcome[head["application_id"]]).status_code == 200
    for application_id in issued:
        wait_status(run.citizens[application_id], application_id, "issued", timeout=60)
    for application_id in rejected:
        wait_status(run.citizens[application_id], application_id, "rejected")
    # Nobody looks at the ninth in time: afirmativa ficta.
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(reviews_module, "timer_seconds", lambda *args, **kwargs: 1)
        deemed = run.submitted()
        wait_status(run.citizens[deemed], deemed, "issued", timeout=60)
    # And one draft that is never submitted.
    started_only = aws.user()
    draft(started_only, LICENCE_FORM, procedure=CODE)
    # Ratings of five issued applications.
    for application_id, score in zip(issued[:5], (5, 4, 2, 1, 3), strict=True):
        rated = run.citizens[application_id].post(
            f"/applications/{application_id}/rating", {"score": score, "comment": f"Calificación {score}."}
        )
        assert rated.status_code == 201, rated.body
    return {
        "run": run,
        "issued": issued,
        "rejected": rejected,
        "jumper": jumper,
        "deemed": deemed,
        "ended": [*issued, *rejected, jumper, deemed],
    }


def by_hand(run: Script, ended: list[str]) -> dict[str, Any]:
    """The figures as a person would count them, reading each audit trail."""
    trails = {application_id: run.audit(application_id) for application_id in ended}
    outcome = {
        application_id: next(
            event["to_status"] for event in reversed(events) if event.get("to_status") in ("issued", "rejected")
        )
        for application_id, events in trails.items()
    }
    actions = {application_id: [event["action"] for event in events] for application_id, events in trails.items()}
    decisions = [
        event
        for events in trails.values()
        for event in events
        if event["action"] in ("review.approved", "review.rejected", "review.changes_requested")
    ]
    late = {
        application_id
        for application_id, names in actions.items()
        if "review.deemed_approved" in names or "review.deemed_denied" in names
    }
    scores = [
        event["details"]["score"]
        for events in trails.values()
        for event in events
        if event["action"] == "rating.submitted"
    ]
    return {
        "issued": sum(1 for value in outcome.values() if value == "issued"),
        "rejected": sum(1 for value in outcome.values() if value == "rejected"),
        "deemed_approved": sum(1 for names in actions.values() if "review.deemed_approved" in names),
        "resolved": len(outcome),
        "decisions": len(decisions),
        "out_of_order": sum(1 for event in decisions if event["details"].get("out_of_order")),
        "within_deadline": len(outcome) - len(late),
        "corrections": sum(1 for names in actions.values() if "review.changes_requested" in names),
        "ratings": len(scores),
        "rating_sum": sum(scores),
        "low_ratings": sum(1 for score in scores if score <= 2),
    }


def window() -> str:
    """This month and the next (the ninth application lives ten days ahead)."""
    this_month = figures.month_of(iso(datetime.now(UTC)))
    return f"from={this_month}&to={figures.shift_month(this_month, 1)}"


def report(aws: Aws, **query: str) -> dict[str, Any]:
    search = "&".join([window(), *(f"{name}={value}" for name, value in query.items())])
    reply = aws.anonymous().get(f"/stats/procedures?{search}")
    assert reply.status_code == 200, reply.body
    body: dict[str, Any] = reply.body
    return body


def test_the_statistics_equal_what_the_audit_trails_say(aws: Aws, script: dict[str, Any]) -> None:
    hand = by_hand(script["run"], script["ended"])
    assert hand == {
        "issued": 8,
        "rejected": 2,
        "deemed_approved": 1,
        "resolved": 10,
        "decisions": 10,  # nine decisions and one request for corrections
        "out_of_order": 1,
        "within_deadline": 9,
        "corrections": 1,
        "ratings": 5,
        "rating_sum": 15,
        "low_ratings": 2,
    }
    body = report(aws, procedure=CODE)
    [procedure] = body["procedures"]
    totals = procedure["totals"]
    assert procedure["agency"] == AGENCY and procedure["name"]["es"] == f"Trámite de estadística {SUFFIX}"
    assert totals["started"] == 11 and totals["submitted"] == 10  # the ten that ended and one draft
    assert totals["issued"] == hand["issued"] and totals["resolved"] == hand["resolved"]
    assert totals["decisions"] == hand["decisions"] and totals["ratings"] == hand["ratings"]
    assert totals["withdrawn"] == 0
    assert totals["within_deadline_share"] == round(hand["within_deadline"] / hand["resolved"], 3)
    assert totals["corrections_share"] == round(hand["corrections"] / hand["resolved"], 3)
    assert totals["out_of_order_share"] == round(hand["out_of_order"] / hand["decisions"], 3)
    assert totals["rating_average"] == hand["rating_sum"] / hand["ratings"]
    # Everything ended the day it started: no business day went by.
    assert totals["resolution_days_median"] == 0 and totals["resolution_days_p90"] == 0
    assert (
        set(totals["step_days"]) == {"revision"}
        and procedure["steps"]["revision"]["es"] == "Revisión de documentos y examen"
    )
    # The agency's league-table line: its decisions, and the review it let expire.
    [agency] = [row for row in body["agencies"] if row["code"] == AGENCY]
    assert (
        agency["totals"]["decisions"] == hand["decisions"] and agency["totals"]["reviews_on_time"] == hand["decisions"]
    )
    assert agency["totals"]["within_deadline_share"] == round(10 / 11, 3)  # ten reviews decided in time, one let expire
    assert agency["totals"]["out_of_order_share"] == round(1 / 10, 3)
    assert agency["totals"]["rating_average"] == 3.0


def test_the_sms_figures_equal_the_delivery_logs(aws: Aws, script: dict[str, Any]) -> None:
    run: Script = script["run"]

    def by_hand() -> tuple[int, int]:
        sent = [
            message
            for application_id in script["ended"]
            for message in run.citizens[application_id].get(f"/applications/{application_id}/messages").body["messages"]
            if message["status"] == "sent"
        ]
        return len(sent), sum(int(message["segments"]) for message in sent)

    def published() -> tuple[int, int]:
        totals = report(aws, procedure=CODE)["procedures"][0]["totals"]
        return totals["sms_sent"], totals["sms_segments"]

    # the last status messages may still be leaving when the workflow reports the status
    wait_for(lambda: by_hand() == published(), "the SMS statistics to match the delivery logs")
    # by default the payment reference and the resolution: at least one message per ended application
    assert published()[0] >= len(script["ended"])


def test_small_counts_are_withheld_and_say_so(aws: Aws, script: dict[str, Any]) -> None:
    totals = report(aws, procedure=CODE)["procedures"][0]["totals"]
    # rejected 2, deemed approved 1, out of order 1, low ratings 2: under five, withheld
    for name in ("rejected", "deemed_approved", "out_of_order", "low_ratings"):
        assert totals[name] is None, name
        assert name in totals["suppressed"]
    assert totals["deemed_denied"] == 0 and "deemed_denied" not in totals["suppressed"]  # a zero identifies no one
    [agency] = [row for row in report(aws)["agencies"] if row["code"] == AGENCY]
    assert agency["totals"]["reviews_late"] is None and "reviews_late" in agency["totals"]["suppressed"]
    text = json.dumps(report(aws))
    for application_id in script["ended"]:
        assert application_id not in text
    for citizen in script["run"].citizens.values():
        assert citizen.username not in text and (citizen.phone or "") not in text


def test_the_csv_downloads_carry_the_same_figures(aws: Aws, script: dict[str, Any]) -> None:
    anyone = aws.anonymous()
    reply = anyone.get(f"/stats/procedures.csv?procedure={CODE}&{window()}")
    assert reply.status_code == 200
    headers = {name.lower(): value for name, value in reply.headers.items()}
    assert headers["content-type"].startswith("text/csv")
    assert headers["content-disposition"].startswith("attachment; filename=")
    lines = list(csv.DictReader(io.StringIO(reply.body)))
    [total] = [line for line in lines if line["procedure"] == CODE and line["month"] == "total"]
    assert total["issued"] == "8" and total["rejected"] == "" and total["within_deadline_share"] == "0.9"
    agencies = list(csv.DictReader(io.StringIO(anyone.get(f"/stats/agencies.csv?{window()}").body)))
    [line] = [line for line in agencies if line["agency"] == AGENCY and line["month"] == "total"]
    assert line["decisions"] == "10" and line["reviews_late"] == ""


def test_counting_is_idempotent_when_an_application_is_replayed(aws: Aws, script: dict[str, Any]) -> None:
    from chalicelib.wiring import container

    before = report(aws, procedure=CODE)["procedures"][0]["totals"]
    services = container()
    for application_id in script["ended"][:3]:
        assert services.stats_projector.catch_up(services.applications.load(application_id))["counted"] == 0
    assert report(aws, procedure=CODE)["procedures"][0]["totals"] == {**before}


def test_bad_windows_are_refused_naming_the_field(aws: Aws) -> None:
    anyone = aws.anonymous()
    for query, field in (
        ("from=2026-13", "from"),
        ("to=ayer", "to"),
        ("from=2026-05&to=2026-01", "from"),
        ("from=2020-01&to=2026-01", "from"),
        ("procedure=NO%20VALE", "procedure"),
    ):
        reply = anyone.get(f"/stats/procedures?{query}")
        assert reply.status_code == 422, (query, reply.body)
        assert [detail["field"] for detail in reply.body["error"]["details"]] == [field], query


def test_a_rating_is_once_after_the_end_and_reaches_the_agency(aws: Aws, script: dict[str, Any]) -> None:
    run: Script = script["run"]
    first = script["issued"][0]
    again = run.citizens[first].post(f"/applications/{first}/rating", {"score": 1})
    assert again.status_code == 409 and again.body["error"]["code"] == "already_rated"
    other = run.citizens[script["issued"][1]]
    assert other.post(f"/applications/{first}/rating", {"score": 3}).status_code == 404  # not theirs
    for body, field in (
        ({"score": 0}, "score"),
        ({"score": "5"}, "score"),
        ({"score": 5, "comment": "x" * 501}, "comment"),
    ):
        reply = run.citizens[script["rejected"][0]].post(f"/applications/{script['rejected'][0]}/rating", body)
        assert reply.status_code == 422 and [detail["field"] for detail in reply.body["error"]["details"]] == [field]
    citizen = aws.user()
    running = draft(citizen, LICENCE_FORM, procedure=CODE)
    early = citizen.post(f"/applications/{running}/rating", {"score": 5})
    assert early.status_code == 409 and early.body["error"]["code"] == "not_final"
    # The agency reads them, comments included, the low ones flagged.
    ratings = run.official.get(f"/agencies/{AGENCY}/ratings").body
    assert ratings["summary"] == {"count": 5, "low": 2, "average": 3.0}
    low = {item["application_id"]: item for item in ratings["ratings"] if item["low"]}
    assert set(low) == set(script["issued"][2:4]) and low[script["issued"][3]]["comment"] == "Calificación 1."
    assert {item["score"] for item in run.official.get(f"/agencies/{AGENCY}/ratings?low=true").body["ratings"]} == {
        1,
        2,
    }
    assert aws.official().get(f"/agencies/{AGENCY}/ratings").status_code == 403
    # The rating shows on the application and in its audit trail.
    assert run.citizens[first].get(f"/applications/{first}").body["rating"]["score"] == 5
    assert [event["details"]["score"] for event in run.audit(first) if event["action"] == "rating.submitted"] == [5]


def test_the_out_of_order_decision_and_its_reason_are_in_the_audit(aws: Aws, script: dict[str, Any]) -> None:
    run: Script = script["run"]
    [event] = [event for event in run.audit(script["jumper"]) if event["action"] == "review.approved"]
    assert event["details"]["out_of_order"] is True
    assert event["details"]["reason_out_of_order"] == "Urgencia médica acreditada."
    assert event["details"]["earlier_open"] == 8
    in_turn = [event for event in run.audit(script["rejected"][0]) if event["action"] == "review.rejected"]
    assert "out_of_order" not in in_turn[0]["details"]


def test_a_month_row_counted_by_many_applications_is_spread_over_items_and_read_as_one(
    aws: Aws, script: dict[str, Any]
) -> None:
    """Concurrent counts would all meet on the month's row: the eleven applications' counts
    land on several items of it, and the report reads one row with their sum."""
    month = figures.month_of(iso(datetime.now(UTC)))
    statistics = composition.container().store.statistics
    raw = statistics_items(month)
    row_sk = keys.stats_procedure(month, CODE)
    shards = [item for item in raw if item["sk"]["S"].startswith(f"{row_sk}#")]
    assert len(shards) > 1
    [row] = [row for row in statistics.rows(month, month) if row["sk"] == row_sk]
    assert row["started"] == sum(int(item["started"]["N"]) for item in shards if "started" in item) > 1
    assert (row["scope"], row["code"], row["agency"]) == ("procedure", CODE, AGENCY)


def statistics_items(month: str) -> list[dict[str, Any]]:
    settings = composition.container().settings
    lower, upper = keys.stats_range(month, month)
    found = aws_client("dynamodb", settings).query(
        TableName=settings.table_name,
        KeyConditionExpression="pk = :pk AND sk BETWEEN :lower AND :upper",
        ExpressionAttributeValues={":pk": {"S": keys.STATS_PK}, ":lower": {"S": lower}, ":upper": {"S": upper}},
    )
    items: list[dict[str, Any]] = found["Items"]
    return items
