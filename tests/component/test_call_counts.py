"""Cost budgets that are counts, not timings: DynamoDB calls per route, counted
with botocore's events, and Step Functions state transitions per driver's licence.

Every read route reads one item or one partition per call and makes at most two calls;
no route scans; a driver's licence from submission to issue enters at most 25 states.
``bench/`` prints the same counts for every route beside its timings.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import quote

import boto3
import pytest

from bench.calls import READS, AwsCalls
from chalicelib import wiring as composition
from chalicelib.api import policy
from chalicelib.core import clock
from tests.support import efirma
from tests.support.flows import (
    PDF,
    bank_pays,
    delegated,
    next_hour,
    open_review,
    ready_licence,
    submitted_licence,
    upload,
    wait_status,
)
from tests.support.inprocess import REGION, Aws, HttpUser, Reply
from tests.support.lists import exchanged, log_sms, rated
from tests.support.paging import with_page

MAX_READ_CALLS = 2
MAX_LICENCE_TRANSITIONS = 25
# GET routes that also write: the public check of a credential counts itself beside the
# document (one UpdateItem), and the first check of each hour also appends a
# ``document.verified`` event to the application's hash-chained audit trail, which needs
# the chain's head (the application, read consistently) before the append.
READS_THAT_AUDIT = {("GET", "/verify/{document_id}")}
MAX_COUNTED_READ_CALLS = 3


@pytest.fixture(scope="module")
def calls(aws: Aws) -> Iterator[AwsCalls]:
    counter = AwsCalls().install()
    composition.reset()  # the app builds its clients again, now with the counter's handlers
    yield counter
    counter.uninstall()
    composition.reset()


class Routes:
    """Calls routes through the chalice test client, recording DynamoDB calls per route."""

    def __init__(self, calls: AwsCalls) -> None:
        self.calls = calls
        self.seen: dict[tuple[str, str], list[list[str]]] = {}

    def call(self, method: str, route: str, send: Callable[[], Reply], expect: int = 200) -> Reply:
        assert policy.allowed(method, route) is not None, f"{method} {route} is not a route"
        with self.calls.tally(f"{method} {route}") as tally:
            reply = send()
        assert reply.status_code == expect, (method, route, reply.body)
        self.seen.setdefault((method, route), []).append(tally.dynamodb())
        return reply


def paged(routes: Routes, route: str, user: HttpUser, path: str) -> None:
    """A list route's first page of one item, and the page after it by its cursor."""
    first = routes.call("GET", route, lambda: user.get(with_page(path, 1)))
    cursor = first.body["next_cursor"]
    assert cursor, (route, first.body)
    routes.call("GET", route, lambda: user.get(with_page(path, 1, cursor)))


def licence_walk(aws: Aws, routes: Routes) -> dict[str, Any]:
    """A driver's licence from draft to verified credential, every route it touches counted."""
    citizen = aws.user(accept_notice=False)  # accepts below, once its first visit created the profile
    official = aws.official(f"oficial.{citizen.username.lower()}")
    supervisor = aws.user(
        groups=("official-SEMOVI", "supervisor-SEMOVI"), username=f"supervisora.{citizen.username.lower()}"
    )
    anyone = aws.anonymous()

    routes.call("GET", "/me", lambda: citizen.get("/me"))  # first visit: the profile is created
    citizen.accept_privacy_notice()
    routes.call("GET", "/procedures", lambda: anyone.get("/procedures"))  # loads the index: the generation, a Query
    routes.call("GET", "/procedures", lambda: anyone.get("/procedures?q=licencia"))
    routes.call("GET", "/procedures/{code}", lambda: anyone.get("/procedures/licencia-conducir"))
    routes.call(
        "GET", "/procedures/{code}/versions/{version}", lambda: anyone.get("/procedures/licencia-conducir/versions/1")
    )
    routes.call("GET", "/procedure-schema", lambda: anyone.get("/procedure-schema"))
    routes.call("GET", "/openapi.json", lambda: anyone.get("/openapi.json"))

    application_id = ready_licence(citizen)  # POST /applications, .../documents
    routes.call(
        "POST", "/applications/{id}/submit", lambda: citizen.post(f"/applications/{application_id}/submit"), 202
    )
    for _ in range(2):
        routes.call("GET", "/applications/{id}", lambda: citizen.get(f"/applications/{application_id}"))
        routes.call("GET", "/me", lambda: citizen.get("/me"))
    routes.call(
        "GET",
        "/applications/{id}/documents/{requirement}",
        lambda: citizen.get(f"/applications/{application_id}/documents/identificacion"),
    )

    review = open_review(official, application_id)
    routes.call("GET", "/agencies/{agency}/reviews", lambda: official.get("/agencies/SEMOVI/reviews"))
    routes.call("GET", "/agencies/{agency}/reviews", lambda: supervisor.get("/agencies/SEMOVI/reviews"))
    called = routes.call(
        "POST", "/applications/{id}/callbacks", lambda: citizen.post(f"/applications/{application_id}/callbacks"), 201
    ).body["id"]
    routes.call("GET", "/agencies/{agency}/callbacks", lambda: official.get("/agencies/SEMOVI/callbacks"))
    routes.call(
        "POST",
        "/callbacks/{callback_id}/outcome",
        lambda: official.post(f"/callbacks/{called}/outcome", {"outcome": "no_answer", "note": "Sin respuesta."}),
    )
    # a later page costs what the first does (the cursor's key is read once per process, from Secrets Manager)
    open_review(official, submitted_licence(aws.user()))
    for user, route, path in (
        (official, "/agencies/{agency}/reviews", "/agencies/SEMOVI/reviews"),
        (supervisor, "/agencies/{agency}/reviews", "/agencies/SEMOVI/reviews"),
        (citizen, "/me", "/me"),
    ):
        cursor = user.get(with_page(path, 1)).body["next_cursor"]
        assert cursor, path
        routes.call("GET", route, lambda user=user, path=path, cursor=cursor: user.get(with_page(path, 1, cursor)))
    routes.call("GET", "/applications/{id}", lambda: official.get(f"/applications/{application_id}"))
    asked = {"decision": "approve", "reason": "Documentos en regla"}
    prepared = routes.call(
        "POST",
        "/reviews/{review_id}/cadena-original",
        lambda: official.post(f"/reviews/{review['review_id']}/cadena-original", asked),
    ).body
    signed = {**asked, **efirma.filing(prepared, lambda: efirma.files_for(official.username))}
    routes.call(
        "POST",
        "/reviews/{review_id}/decision",
        lambda: official.post(f"/reviews/{review['review_id']}/decision", signed),
    )
    wait_status(citizen, application_id, "awaiting_payment")
    slip = routes.call(
        "POST", "/applications/{id}/payment", lambda: citizen.post(f"/applications/{application_id}/payment")
    ).body
    routes.call(
        "POST", "/payments/webhook", lambda: bank_pays(aws, slip["reference"], slip["amount"], f"evt-{application_id}")
    )
    document_id = wait_status(citizen, application_id, "issued")["issued"][0]["id"]

    routes.call("GET", "/applications/{id}/audit", lambda: citizen.get(f"/applications/{application_id}/audit"))
    routes.call(
        "GET", "/applications/{id}/audit/verify", lambda: citizen.get(f"/applications/{application_id}/audit/verify")
    )
    routes.call("GET", "/documents/{document_id}", lambda: citizen.get(f"/documents/{document_id}"))
    pdf = {"Accept": "application/pdf"}
    review_id = citizen.get(f"/applications/{application_id}").body["resolutions"][0]["review_id"]
    for _ in range(2):
        routes.call(
            "GET",
            "/applications/{id}/acuse/pdf",
            lambda: citizen.get(f"/applications/{application_id}/acuse/pdf", headers=pdf),
        )
        routes.call(
            "GET",
            "/applications/{id}/resolutions/{review_id}/pdf",
            lambda: official.get(f"/applications/{application_id}/resolutions/{review_id}/pdf", headers=pdf),
        )
        routes.call(
            "GET", "/documents/{document_id}/pdf", lambda: citizen.get(f"/documents/{document_id}/pdf", headers=pdf)
        )
        routes.call("GET", "/.well-known/ventanilla-keys.json", lambda: anyone.get("/.well-known/ventanilla-keys.json"))
    with clock.travel(next_hour()):  # both checks in one hour, whenever the test runs
        routes.call("GET", "/verify/{document_id}", lambda: anyone.get(f"/verify/{document_id}"))
        routes.call("GET", "/verify/{document_id}", lambda: anyone.get(f"/verify/{document_id}"))
    routes.call("GET", "/me", lambda: citizen.get("/me"))
    routes.call(
        "POST",
        "/applications/{id}/rating",
        lambda: citizen.post(f"/applications/{application_id}/rating", {"score": 2, "comment": "Tardó."}),
        expect=201,
    )
    routes.call("GET", "/agencies/{agency}/ratings", lambda: official.get("/agencies/SEMOVI/ratings"))
    routes.call("GET", "/stats/procedures", lambda: anyone.get("/stats/procedures"))
    routes.call("GET", "/stats/procedures.csv", lambda: anyone.get("/stats/procedures.csv"))
    routes.call("GET", "/stats/agencies.csv", lambda: anyone.get("/stats/agencies.csv"))
    routes.call("GET", "/stats/centres.csv", lambda: anyone.get("/stats/centres.csv"))
    routes.call("GET", "/applications/{id}/messages", lambda: citizen.get(f"/applications/{application_id}/messages"))
    admin = aws.user(groups=("admin",), username=f"admin.{citizen.username.lower()}")
    routes.call("GET", "/messages", lambda: admin.get(f"/messages?application_id={application_id}"))
    routes.call("GET", "/agencies/{agency}/intermediaries", lambda: official.get("/agencies/SEMOVI/intermediaries"))
    assistant = aws.user(groups=("assistant-CDC-OAXACA",), username=f"asesor.{citizen.username.lower()}")
    routes.call("GET", "/delegations", lambda: assistant.get("/delegations"))

    # the lists again, a page at a time: a page after the first costs what the first does
    paged(routes, "/applications/{id}/audit", citizen, f"/applications/{application_id}/audit")
    paged(routes, "/applications/{id}/audit", official, f"/applications/{application_id}/audit")
    log_sms(application_id, citizen.phone or "", 2)
    paged(routes, "/applications/{id}/messages", citizen, f"/applications/{application_id}/messages")
    paged(routes, "/messages", admin, f"/messages?application_id={application_id}")
    paged(routes, "/messages", admin, f"/messages?phone={quote(citizen.phone or '')}")
    for _ in range(2):
        delegated(aws, assistant, aws.user(), "CDC-OAXACA")
    paged(routes, "/delegations", assistant, "/delegations")
    exchanged(citizen.username, 2)
    paged(routes, "/me/data-use", citizen, "/me/data-use")
    routes.call("GET", "/consultations", lambda: anyone.get("/consultations"))
    routes.call("GET", "/consultations", lambda: anyone.get(with_page("/consultations", 1)))
    rated("SEMOVI", (4, 2))
    paged(routes, "/agencies/{agency}/ratings", official, "/agencies/SEMOVI/ratings")
    paged(routes, "/agencies/{agency}/ratings", official, "/agencies/SEMOVI/ratings?low=true")

    second = routes.call(
        "POST",
        "/applications",
        lambda: citizen.post("/applications", {"procedure": "licencia-conducir", "data": {"codigo_postal": "03100"}}),
        expect=201,
    ).body["id"]
    routes.call(
        "PATCH",
        "/applications/{id}",
        lambda: citizen.request("PATCH", f"/applications/{second}", {"data": {"tipo_sangre": "O+"}}),
    )
    return {"application_id": application_id, "execution": f"{application_id}-1"}


@pytest.fixture(scope="module")
def walked(aws: Aws, calls: AwsCalls) -> tuple[Routes, dict[str, Any]]:
    routes = Routes(calls)
    return routes, licence_walk(aws, routes)


def test_read_routes_make_at_most_two_dynamodb_calls_each(walked: tuple[Routes, dict[str, Any]]) -> None:
    routes, _ = walked
    reads = {route: seen for route, seen in routes.seen.items() if route[0] == "GET"}
    assert len(reads) >= 12, sorted(reads)
    for route, requests in reads.items():
        for operations in requests:
            if route in READS_THAT_AUDIT:
                continue  # counted below
            assert len(operations) <= MAX_READ_CALLS, (route, operations)
            writes = [op for op in operations if op not in READS]
            assert not writes or (route == ("GET", "/me") and writes == ["PutItem"]), (
                route,
                operations,
            )  # a first visit creates the profile


def test_a_public_check_is_one_small_write_and_only_the_first_of_its_hour_is_audited(
    walked: tuple[Routes, dict[str, Any]],
) -> None:
    routes, _ = walked
    first, second = routes.seen[("GET", "/verify/{document_id}")]
    # the document, its counter, the chain's head, the audit event with the application's change
    assert first == ["GetItem", "UpdateItem", "GetItem", "TransactWriteItems"]
    # the document, its counter, the application for its signatures
    assert second == ["GetItem", "UpdateItem", "GetItem"]
    assert len(second) <= MAX_COUNTED_READ_CALLS


def test_a_filing_a_decision_and_a_payment_make_at_most_five_dynamodb_calls(
    walked: tuple[Routes, dict[str, Any]],
) -> None:
    """Their change is one transaction (the first decision an official signs binds their
    e.firma in it too); what follows it (SMS, statistics) is the stream's."""
    routes, _ = walked
    for route in (
        ("POST", "/applications/{id}/submit"),
        ("POST", "/reviews/{review_id}/decision"),
        ("POST", "/payments/webhook"),
    ):
        for operations in routes.seen[route]:
            assert len(operations) <= 5 and operations.count("TransactWriteItems") == 1, (route, operations)


def test_the_steady_read_routes_read_one_item_or_one_partition_once(walked: tuple[Routes, dict[str, Any]]) -> None:
    routes, _ = walked
    assert routes.seen[("GET", "/me")][-1] == ["Query"]
    assert routes.seen[("GET", "/me")][0] == ["Query", "PutItem"]  # first visit creates the profile
    assert routes.seen[("GET", "/applications/{id}")][-1] == ["GetItem"]
    assert routes.seen[("GET", "/applications/{id}/audit")][-1] == ["GetItem", "Query"]
    assert routes.seen[("GET", "/applications/{id}/audit/verify")][-1] == ["GetItem", "Query"]
    assert routes.seen[("GET", "/procedures")][-1] == [
        "GetItem"
    ]  # the index is held while the catalogue stays as it was
    assert routes.seen[("GET", "/openapi.json")][-1] == []
    assert routes.seen[("GET", "/applications/{id}/acuse/pdf")][-1] == ["GetItem"]
    assert routes.seen[("GET", "/applications/{id}/resolutions/{review_id}/pdf")][-1] == ["GetItem"]
    assert routes.seen[("GET", "/documents/{document_id}/pdf")][-1] == [
        "GetItem",
        "GetItem",
    ]  # the document, its application
    assert routes.seen[("GET", "/.well-known/ventanilla-keys.json")][-1] == []
    assert routes.seen[("GET", "/agencies/{agency}/ratings")][-1] == ["Query"]
    for open_data in ("/stats/procedures", "/stats/procedures.csv", "/stats/agencies.csv", "/stats/centres.csv"):
        assert routes.seen[("GET", open_data)][-1] == ["Query", "Query"], (
            open_data
        )  # the statistics' partition, the catalogue


def test_no_route_scans(walked: tuple[Routes, dict[str, Any]], calls: AwsCalls) -> None:
    everything = [call.operation for tally in calls.tallies for call in tally.calls if call.service == "dynamodb"]
    assert everything, "the counter saw no DynamoDB call at all"
    assert "Scan" not in everything
    assert "Scan" not in [op for requests in walked[0].seen.values() for operations in requests for op in operations]


def test_a_driver_licence_enters_at_most_25_states(walked: tuple[Routes, dict[str, Any]], aws: Aws) -> None:
    _, walk = walked
    sfn = boto3.client("stepfunctions", region_name=REGION)
    machines = [
        machine["stateMachineArn"]
        for machine in sfn.list_state_machines()["stateMachines"]
        if "-licencia-conducir-" in machine["name"]
    ]
    executions = [
        e["executionArn"]
        for arn in machines
        for e in sfn.list_executions(stateMachineArn=arn)["executions"]
        if e["name"] == walk["execution"]
    ]
    assert len(executions) == 1
    history = sfn.get_execution_history(executionArn=executions[0], maxResults=1000)["events"]
    entered = [event for event in history if event["type"].endswith("StateEntered")]
    assert 0 < len(entered) <= MAX_LICENCE_TRANSITIONS, [event["stateEnteredEventDetails"]["name"] for event in entered]


def test_the_counter_sees_every_aws_service_the_app_calls(aws: Aws, calls: AwsCalls) -> None:
    citizen = aws.user()
    created = citizen.post(
        "/applications",
        {
            "procedure": "licencia-conducir",
            "data": {
                "codigo_postal": "03100",
                "domicilio": "Calle Morelos 12, Centro",
                "tipo_sangre": "A+",
                "primera_vez": False,
            },
        },
    )
    application_id = created.body["id"]
    upload(citizen, application_id, "identificacion", PDF)
    upload(citizen, application_id, "comprobante_domicilio", PDF)
    with calls.tally("submit") as tally:
        assert citizen.post(f"/applications/{application_id}/submit").status_code == 202
    assert tally.count("s3")["HeadObject"] == 2
    assert tally.count("stepfunctions")["StartExecution"] == 1
    # an SMS is none of the request's: the table's stream sends what the change asks for
    assert tally.count("sns")["Publish"] == 0
    assert "TransactWriteItems" in tally.dynamodb()


def test_the_published_keys_cost_one_kms_read_per_key_per_container(aws: Aws, calls: AwsCalls) -> None:
    composition.reset()  # a cold container: it has not read the keys yet
    anyone = aws.anonymous()
    tallies = []
    for _ in range(3):
        with calls.tally("keys") as tally:
            assert anyone.get("/.well-known/ventanilla-keys.json").status_code == 200
        tallies.append(tally.count("kms")["GetPublicKey"])
    assert tallies == [3, 0, 0]  # the signing, sealing and exchange keys, once each


def test_a_call_asked_for_and_its_outcome_are_one_transaction_each(walked: tuple[Routes, dict[str, Any]]) -> None:
    routes, _ = walked
    (asked,) = routes.seen[("POST", "/applications/{id}/callbacks")]
    (answered,) = routes.seen[("POST", "/callbacks/{callback_id}/outcome")]
    # the application, the profile (its phone and language), the agency's and its jurisdiction's days off
    assert asked == ["GetItem", "GetItem", "Query", "Query", "TransactWriteItems"], asked
    # the request, the application (the chain's head), then the event, the application and the request together
    assert answered == ["GetItem", "GetItem", "TransactWriteItems"], answered
