"""The retention schedule over data of every kind: what each pass of the daily job removes,
what it keeps, what it records, and that every audit chain stays intact."""

from __future__ import annotations

import hashlib
import json
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import boto3
from boto3.dynamodb.conditions import Key

import app
from chalicelib.adapters.aws import S3Documents
from chalicelib.core import clock
from chalicelib.core.clock import utcnow
from chalicelib.jobs.retention import Report, Retention
from chalicelib.legal.calendar import legal_date
from chalicelib.legal.retention_schedule import BY_KIND, PRIVACY, SCHEDULE, rendered
from chalicelib.store import keys
from chalicelib.wiring import container
from infra.local.schedules import scheduled_event
from tests.support.flows import decide, draft, ready_licence, submit, upload, wait_status
from tests.support.forms import CONSTRUCTION_FORM
from tests.support.inprocess import Aws, HttpUser
from tests.support.people import new_phone

PERMIT = "licencia-construccion"


def table(aws: Aws) -> Any:
    return boto3.resource("dynamodb", region_name="us-east-1").Table(aws.env["TABLE_NAME"])


def versions(aws: Aws, application_id: str) -> list[str]:
    listing = boto3.client("s3", region_name="us-east-1").list_object_versions(
        Bucket=aws.env["DOCUMENTS_BUCKET"], Prefix=f"applications/{application_id}/"
    )
    return [item["Key"] for item in listing.get("Versions", [])]


def items(aws: Aws, application_id: str, prefix: str) -> list[dict[str, Any]]:
    found = table(aws).query(
        KeyConditionExpression=Key("pk").eq(keys.application(application_id)) & Key("sk").begins_with(prefix)
    )
    return list(found["Items"])


def passes(day: date) -> Report:
    """Passes of the daily job on ``day`` until one purges nothing (other tests' data is due
    too, and each pass takes at most its budget of each kind)."""
    total = Report(purged=[])
    for _ in range(50):
        report = container().retention.run(day)
        total.purged += report.purged
        total.data_use += report.data_use
        total.sms_unlinked += report.sms_unlinked
        if not (report.purged or report.data_use or report.sms_unlinked):
            return total
    raise AssertionError("the retention job never caught up")


def audit(user: HttpUser, application_id: str) -> list[dict[str, Any]]:
    return list(user.get(f"/applications/{application_id}/audit?limit=200").body["events"])


def actions(user: HttpUser, application_id: str) -> list[str]:
    return [event["action"] for event in audit(user, application_id)]


def intact(user: HttpUser, application_id: str) -> bool:
    return bool(user.get(f"/applications/{application_id}/audit/verify").body["intact"])


def subscribed(user: HttpUser, application_id: str) -> None:
    answer = user.post("/subscriptions", {"application_id": application_id, "phone": user.phone})
    assert answer.status_code in (200, 201), answer.body


def test_the_daily_job_applies_the_schedule_to_every_kind_of_data(aws: Aws) -> None:
    today = legal_date(utcnow())

    # a draft left untouched, with a document, a phone and a registry lookup (the pre-fill)
    citizen = aws.user()
    old_draft = draft(citizen, CONSTRUCTION_FORM, procedure=PERMIT)
    upload(citizen, old_draft, "planos")
    subscribed(citizen, old_draft)
    assert citizen.get("/me/data-use").body["exchanges"]
    # a draft its holder comes back to after 60 days
    fresh_draft = draft(citizen)
    # an application that ends (rejected), with documents, a phone and the SMS it was sent
    ended = ready_licence(citizen)
    subscribed(citizen, ended)
    submit(citizen, ended)
    official = aws.official("oficial.retencion.calendario")
    decide(official, ended, "reject", "Identificación vencida.")
    wait_status(citizen, ended, "rejected")
    aws.wait_sms(citizen.phone, "")
    assert items(aws, ended, keys.SMS_PREFIX)
    # an application still running
    running = ready_licence(citizen)
    submit(citizen, running)
    wait_status(citizen, running, "in_review")
    running_versions = versions(aws, running)
    # an SMS answer about no application, a code shown to an assistant
    stranger = new_phone()
    assert aws.anonymous().post("/sandbox/sms/inbound", {"from": stranger, "text": "AYUDA"}).status_code == 200
    assert citizen.post("/me/delegation-code", {}).status_code in (200, 201)

    clock.shift(timedelta(days=60))
    try:
        touched = citizen.patch(f"/applications/{fresh_draft}", {"data": {"tipo_sangre": "O+"}})
        assert touched.status_code == 200, touched.body
    finally:
        clock.reset_shift()

    # --- day 91: the untouched draft goes; the other waits; the ended one loses its phones
    passes(today + timedelta(days=91))
    purged = citizen.get(f"/applications/{old_draft}").body
    assert purged["status"] == "withdrawn" and purged["data"] == {}
    assert [document["requirement"] for document in purged["documents"]] == ["planos"]
    assert all(document["sha256"] for document in purged["documents"])
    assert versions(aws, old_draft) == []
    assert items(aws, old_draft, keys.SUBSCRIPTION_PREFIX) == []
    [closed] = [event for event in audit(citizen, old_draft) if event["action"] == "draft.purged"]
    assert closed["to_status"] == "withdrawn" and "90 días" in closed["reason"]
    assert set(CONSTRUCTION_FORM) <= set(closed["details"]["fields"])
    assert "phones.purged" in actions(citizen, old_draft)

    assert citizen.get(f"/applications/{fresh_draft}").body["status"] == "draft"
    assert citizen.get(f"/applications/{fresh_draft}").body["data"]

    assert items(aws, ended, keys.SUBSCRIPTION_PREFIX) == []
    [phones] = [event for event in audit(citizen, ended) if event["action"] == "phones.purged"]
    assert phones["details"]["phones"] == [f"+52 ••• ••• {citizen.phone[-4:]}"]
    assert items(aws, ended, keys.SMS_PREFIX)  # the SMS log is kept half a year
    assert len(versions(aws, ended)) == 2

    # --- day 181: the SMS log and the answer about no application; the draft touched at 60 goes
    passes(today + timedelta(days=181))
    assert items(aws, ended, keys.SMS_PREFIX) == []
    [log] = [event for event in audit(citizen, ended) if event["action"] == "sms_log.purged"]
    assert log["details"]["messages"] >= 1  # the rejection, at least
    assert [item for item in items(aws, "-", keys.SMS_PREFIX) if item["phone"] == stranger] == []
    assert citizen.get(f"/applications/{fresh_draft}").body["status"] == "withdrawn"
    ended_now = citizen.get(f"/applications/{ended}").body
    assert ended_now["data"] and len(versions(aws, ended)) == 2  # documents and form data: 730 days

    # --- day 731: the documents and form data of the ended one, and the data-exchange log
    passes(today + timedelta(days=731))
    ended_now = citizen.get(f"/applications/{ended}").body
    assert ended_now["data"] == {} and versions(aws, ended) == []
    assert {document["requirement"] for document in ended_now["documents"]} == {
        "identificacion",
        "comprobante_domicilio",
    }
    assert "documents.purged" in actions(citizen, ended) and "data.purged" in actions(citizen, ended)
    [data] = [event for event in audit(citizen, ended) if event["action"] == "data.purged"]
    assert len(data["details"]["data_sha256"]) == 64 and data["details"]["fields"]
    data_use = citizen.get("/me/data-use").body
    assert data_use["exchanges"] == [] and data_use["purged"]["entries"] >= 1

    # --- the running application kept everything; every chain is intact; nothing twice
    running_now = citizen.get(f"/applications/{running}").body
    assert running_now["status"] == "in_review" and running_now["data"]
    assert versions(aws, running) == running_versions
    before = {application: actions(citizen, application) for application in (old_draft, fresh_draft, ended, running)}
    passes(today + timedelta(days=900))
    for application, seen in before.items():
        assert actions(citizen, application) == seen
        assert intact(citizen, application)

    # the chain names a document by requirement and hashes (its file name too), never a whole phone
    [declared] = [event for event in audit(citizen, old_draft) if event["action"] == "document.declared"]
    assert declared["details"]["requirement"] == "planos" and "filename" not in declared["details"]
    assert declared["details"]["filename_sha256"] == hashlib.sha256(b"planos.pdf").hexdigest()
    for application in before:
        for event in audit(citizen, application):
            assert citizen.phone not in str(event)


def test_a_pass_takes_at_most_its_budget_and_the_next_one_the_rest(aws: Aws) -> None:
    citizen = aws.user()
    drafts = [draft(citizen) for _ in range(3)]
    built = container()
    one_at_a_time = Retention(
        S3Documents(built.settings),
        built.transitions,
        built.store.applications,
        built.store.retention,
        built.store.exchanges,
        budget=1,
    )
    day = legal_date(utcnow()) + timedelta(days=90)  # the day they have been untouched for 90 days
    passes(day - timedelta(days=1))  # whatever other tests left due earlier
    seen: list[str] = []
    for _ in range(200):
        done = one_at_a_time.apply(day)
        assert len(done) <= 1
        if not done:
            break
        seen += done
    assert set(drafts) <= set(seen)
    for application in drafts:
        assert citizen.get(f"/applications/{application}").body["status"] == "withdrawn"


def test_ttl_removes_what_needs_no_record(aws: Aws) -> None:
    """Idempotency records and the code shown to an assistant carry ``expiration`` (the
    table's TTL attribute): a day ahead for the code, at most 30 days for an SMS delivery."""
    citizen = aws.user()
    assert citizen.post("/me/delegation-code", {}).status_code in (200, 201)
    shown = table(aws).get_item(Key={"pk": keys.citizen(citizen.username), "sk": keys.DELEGATION_CODE_SK})["Item"]
    assert 0 < int(shown["expiration"]) - time.time() <= 2 * 86400
    application_id = ready_licence(citizen)
    subscribed(citizen, application_id)
    submit(citizen, application_id)
    decide(aws.official("oficial.retencion.ttl"), application_id, "reject", "Identificación vencida.")
    aws.wait_sms(citizen.phone, "")
    records = table(aws).query(KeyConditionExpression=Key("pk").eq(keys.idempotency("sms-delivery")))["Items"]
    assert records and all(0 < int(record["expiration"]) - time.time() <= 31 * 86400 for record in records)
    assert BY_KIND["idempotency"].by == "ttl" and BY_KIND["codes"].by == "ttl"


def test_the_privacy_guide_shows_the_schedule_as_it_is() -> None:
    text = Path(PRIVACY).read_text(encoding="utf-8")
    assert rendered(text) == text, "run python -m chalicelib.legal.retention_schedule"
    assert "## Retention" in text
    for entry in SCHEDULE:
        assert entry.data in text


def test_a_procedure_sets_how_long_its_form_data_is_kept_within_bounds(aws: Aws) -> None:
    admin = aws.user(groups=("admin",))
    licence = json.loads((Path(__file__).resolve().parents[2] / "workflows" / "licencia-conducir.json").read_text())
    assert admin.post("/procedures/validate", {**licence, "form_retention_days": 400}).body["valid"] is True
    report = admin.post("/procedures/validate", {**licence, "form_retention_days": 7}).body
    assert report["valid"] is False
    assert "$.form_retention_days" in {problem["path"] for problem in report["problems"]}


def test_the_scheduled_function_runs_a_pass_and_reports_it(aws: Aws) -> None:
    """What EventBridge (or the local stack's scheduler) invokes daily."""
    result = app.retention(scheduled_event("retention"), None)
    assert set(result) == {"purged", "data_use", "sms_unlinked"}
