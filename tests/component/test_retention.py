"""Documents are kept for the procedure's retention period after an application ends,
then every stored version is deleted by the daily job, which leaves an audit event."""

from __future__ import annotations

from datetime import timedelta

import boto3
import requests

from chalicelib.core.clock import utcnow
from chalicelib.legal.calendar import legal_date
from chalicelib.wiring import container
from tests.support.client import declaration
from tests.support.flows import PDF, decide, draft, submit, upload, wait_status
from tests.support.inprocess import Aws


def versions(aws: Aws, application_id: str) -> list[str]:
    listing = boto3.client("s3", region_name="us-east-1").list_object_versions(
        Bucket=aws.env["DOCUMENTS_BUCKET"], Prefix=f"applications/{application_id}/"
    )
    return [item["Key"] for item in listing.get("Versions", [])]


def test_documents_are_purged_after_the_retention_period(aws: Aws) -> None:
    citizen = aws.user()
    official = aws.official("oficial.retencion")
    application_id = draft(citizen)
    declared = citizen.post(
        f"/applications/{application_id}/documents", declaration("identificacion", PDF, "ine.pdf")
    ).body["upload"]
    assert requests.put(declared["url"], data=PDF, headers=declared["headers"], timeout=10).status_code == 200
    # the link writes once; a write past it (the bucket's policy refuses it on AWS) leaves a
    # second version in the versioned bucket, and the purge deletes that one as well
    key = declared["url"].split("?")[0].split(".amazonaws.com/")[-1]
    boto3.client("s3", region_name="us-east-1").put_object(
        Bucket=aws.env["DOCUMENTS_BUCKET"], Key=key, Body=PDF, ContentType="application/pdf"
    )
    upload(citizen, application_id, "comprobante_domicilio")
    submit(citizen, application_id)
    decide(official, application_id, "reject", "Identificación vencida.")
    wait_status(citizen, application_id, "rejected")
    assert len(versions(aws, application_id)) == 3

    today = legal_date(utcnow())
    container().retention.apply(today + timedelta(days=729))  # its phones and SMS log are gone by then
    assert len(versions(aws, application_id)) == 3
    assert application_id in container().retention.apply(today + timedelta(days=731))
    assert versions(aws, application_id) == []
    events = citizen.get(f"/applications/{application_id}/audit").body["events"]
    event = next(event for event in events if event["action"] == "documents.purged")
    assert event["actor"] == {"kind": "system", "id": "retention"}
    assert {item["requirement"] for item in event["details"]["documents"]} == {
        "identificacion",
        "comprobante_domicilio",
    }
    documents = citizen.get(f"/applications/{application_id}").body["documents"]
    assert all(document["sha256"] for document in documents)  # what was held stays on record
    assert citizen.get(f"/applications/{application_id}/documents/identificacion").status_code == 410
    assert container().retention.apply(today + timedelta(days=800)) == []
    assert citizen.get(f"/applications/{application_id}/audit/verify").body["intact"] is True
