"""Uploaded files are checked at submit for what they hold, the version checked is the one
served from then on, and an upload link writes its object once.

Each hostile file is built here (pypdf, a PNG by hand), uploaded through the presigned link
as a browser would, and submit must refuse it with a 422 naming the requirement while the
application stays a draft.
"""

from __future__ import annotations

import hashlib
from datetime import timedelta
from typing import Any

import boto3
import pytest
import requests
from botocore.exceptions import ClientError

from chalicelib.adapters.aws import SCAN_TAG
from chalicelib.core import clock
from chalicelib.credentials import archive
from chalicelib.wiring import container
from infra.local.stack import REGION
from tests.support import documents
from tests.support.client import declaration, wait_for
from tests.support.flows import (
    approved,
    draft,
    paid,
    status_of,
    submit,
    submitted_licence,
    upload,
    wait_status,
)
from tests.support.inprocess import Aws, HttpUser
from tests.support.pdf import read, text_of


def s3() -> Any:
    return boto3.client("s3", region_name=REGION)


def workflow_status(application_id: str) -> str:
    application = container().store.applications.get(application_id, consistent=True)
    arn = container().engine.execution_arn(application.state_machine_arn, application.execution_name or "")
    return str(boto3.client("stepfunctions", region_name=REGION).describe_execution(executionArn=arn)["status"])


def stored_key(application_id: str, requirement: str) -> str:
    application = container().store.applications.get(application_id, consistent=True)
    return str((application.documents or {})[requirement]["key"])


def declared_with_identity(citizen: HttpUser, content: bytes, content_type: str = "application/pdf") -> str:
    """A licence draft whose proof of address is a plain PDF and whose ID is ``content``."""
    application_id = draft(citizen)
    upload(citizen, application_id, "comprobante_domicilio")
    upload(citizen, application_id, "identificacion", content, content_type)
    return application_id


def refused_submit(citizen: HttpUser, application_id: str) -> dict[str, Any]:
    refused = citizen.post(f"/applications/{application_id}/submit", {})
    assert refused.status_code == 422, refused.body
    error: dict[str, Any] = refused.body["error"]
    assert status_of(citizen, application_id)["status"] == "draft"
    events = citizen.get(f"/applications/{application_id}/audit").body["events"]
    assert "application.submitted" not in [event["action"] for event in events]
    return error


@pytest.mark.parametrize(
    ("content", "content_type", "code", "message"),
    [
        (
            b"<!doctype html><script>alert(1)</script>" + b" " * 200,
            "application/pdf",
            "document_type_mismatch",
            "is not",
        ),
        (documents.png(), "image/jpeg", "document_type_mismatch", "is image/png"),
        (documents.JPEG, "image/png", "document_type_mismatch", "is image/jpeg"),
        (documents.pdf_with_javascript(), "application/pdf", "document_unsafe", "JavaScript"),
        (documents.pdf_with_page_action(), "application/pdf", "document_unsafe", "JavaScript"),
        (documents.pdf_with_embedded_file(), "application/pdf", "document_unsafe", "embedded files"),
        (documents.pdf_with_file_annotation(), "application/pdf", "document_unsafe", "embedded files"),
        (b"%PDF-1.7\n<< /Type /Catalog >>\n" + b"x" * 500, "application/pdf", "document_unreadable", "can be read"),
    ],
    ids=[
        "html-as-pdf",
        "png-as-jpeg",
        "jpeg-as-png",
        "pdf-open-javascript",
        "pdf-page-javascript",
        "pdf-embedded-file",
        "pdf-file-annotation",
        "pdf-that-does-not-parse",
    ],
)
def test_a_file_that_is_not_what_it_claims_is_refused_at_submit(
    aws: Aws, content: bytes, content_type: str, code: str, message: str
) -> None:
    citizen = aws.user()
    application_id = declared_with_identity(citizen, content, content_type)
    error = refused_submit(citizen, application_id)
    assert error["code"] == code
    assert error["details"][0]["field"] == "documents.identificacion"
    assert message in error["details"][0]["message"] or message in error["message"]


def test_a_refused_file_can_be_declared_again_and_the_application_submitted(aws: Aws) -> None:
    citizen = aws.user()
    application_id = declared_with_identity(citizen, documents.pdf_with_javascript())
    refused_submit(citizen, application_id)
    upload(citizen, application_id, "identificacion", documents.pdf("credencial escaneada de nuevo"))
    submit(citizen, application_id)
    assert status_of(citizen, application_id)["status"] != "draft"


def test_images_of_their_declared_type_pass(aws: Aws) -> None:
    citizen = aws.user()
    application_id = draft(citizen)
    upload(citizen, application_id, "comprobante_domicilio", documents.png(4, 4), "image/png")
    upload(citizen, application_id, "identificacion", documents.JPEG, "image/jpeg")
    submit(citizen, application_id)


def test_a_file_the_malware_scan_found_infected_is_refused(aws: Aws) -> None:
    citizen = aws.user()
    application_id = declared_with_identity(citizen, documents.pdf("credencial"))
    bucket = aws.env["DOCUMENTS_BUCKET"]
    key = stored_key(application_id, "identificacion")
    s3().put_object_tagging(Bucket=bucket, Key=key, Tagging={"TagSet": [{"Key": SCAN_TAG, "Value": "THREATS_FOUND"}]})
    error = refused_submit(citizen, application_id)
    assert error["code"] == "document_infected"
    assert error["details"][0]["field"] == "documents.identificacion"
    # a clean verdict is no obstacle
    s3().put_object_tagging(
        Bucket=bucket, Key=key, Tagging={"TagSet": [{"Key": SCAN_TAG, "Value": "NO_THREATS_FOUND"}]}
    )
    submit(citizen, application_id)


def test_bytes_replaced_after_submit_are_never_served(aws: Aws) -> None:
    citizen = aws.user()
    original = documents.pdf("credencial original")
    application_id = declared_with_identity(citizen, original)
    submit(citizen, application_id)
    key = stored_key(application_id, "identificacion")
    # someone with write access to the bucket replaces the file behind the application's back
    s3().put_object(Bucket=aws.env["DOCUMENTS_BUCKET"], Key=key, Body=documents.pdf("credencial alterada"))

    shown = {item["requirement"]: item for item in status_of(citizen, application_id)["documents"]}
    assert shown["identificacion"]["version_id"]
    link = citizen.get(f"/applications/{application_id}/documents/identificacion")
    assert link.status_code == 200, link.body
    assert "versionId=" in link.body["url"]
    served = requests.get(link.body["url"], timeout=10)
    assert served.status_code == 200
    assert served.content == original
    assert hashlib.sha256(served.content).hexdigest() == shown["identificacion"]["sha256"]

    events = citizen.get(f"/applications/{application_id}/audit").body["events"]
    submitted = next(event for event in events if event["action"] == "application.submitted")
    assert submitted["details"]["document_versions"] == {
        requirement: document["version_id"] for requirement, document in shown.items()
    }


def test_an_upload_link_writes_its_object_once(aws: Aws) -> None:
    citizen = aws.user()
    application_id = draft(citizen)
    content = documents.pdf("comprobante")
    declared = citizen.post(
        f"/applications/{application_id}/documents", declaration("comprobante_domicilio", content, "luz.pdf")
    )
    assert declared.status_code == 201, declared.body
    instructions = declared.body["upload"]
    assert instructions["headers"]["If-None-Match"] == "*"

    def put() -> requests.Response:
        return requests.put(instructions["url"], data=content, headers=instructions["headers"], timeout=10)

    assert put().status_code == 200
    assert put().status_code == 412  # the same link again, before submit
    upload(citizen, application_id, "identificacion")
    submit(citizen, application_id)
    assert put().status_code == 412  # and after it


def test_declaring_again_after_a_failed_upload_gives_a_fresh_link(aws: Aws) -> None:
    citizen = aws.user()
    application_id = draft(citizen)
    content = documents.pdf("identificacion")
    first = citizen.post(f"/applications/{application_id}/documents", declaration("identificacion", content, "a.pdf"))
    # the wrong file went up (S3 refuses its checksum; moto writes it): that link is spent
    requests.put(first.body["upload"]["url"], data=b"cut short", headers=first.body["upload"]["headers"], timeout=10)
    upload(citizen, application_id, "identificacion", content)
    assert stored_key(application_id, "identificacion") not in first.body["upload"]["url"]
    upload(citizen, application_id, "comprobante_domicilio")
    submit(citizen, application_id)


# --- issued documents, kept under object lock ---------------------------------------------


def test_an_issued_document_is_kept_under_object_lock_and_cannot_be_deleted(aws: Aws) -> None:
    citizen = aws.user()
    application_id = submitted_licence(citizen)
    approved(aws.official(f"oficial.{citizen.username.lower()}"), citizen, application_id)
    paid(aws, citizen, application_id)
    issued = wait_status(citizen, application_id, "issued")["issued"][0]
    # The issue step keeps the PDF after it records the status (a document never issued is
    # never kept), so "issued" can show before the PDF is written: the step has kept it once
    # the workflow has ended.
    wait_for(lambda: workflow_status(application_id) == "SUCCEEDED", f"the workflow of {application_id} to end")
    bucket, key = aws.env["ISSUED_BUCKET"], archive.key_of(issued["id"])

    kept = s3().get_object(Bucket=bucket, Key=key)
    reader = read(kept["Body"].read())
    assert issued["id"] in text_of(reader)  # the document as its holder downloads it
    assert kept["ObjectLockMode"] == "GOVERNANCE"
    assert kept["ObjectLockRetainUntilDate"].date() > clock.utcnow().date() + timedelta(days=365)

    with pytest.raises(ClientError) as refused:
        s3().delete_object(Bucket=bucket, Key=key, VersionId=kept["VersionId"])
    assert refused.value.response["Error"]["Code"] == "AccessDenied"
    assert s3().get_object(Bucket=bucket, Key=key, VersionId=kept["VersionId"])["Body"].read()


def test_the_uploads_bucket_holds_no_lock_so_their_purge_still_works(aws: Aws) -> None:
    lock = s3().get_object_lock_configuration  # the issued documents' bucket has one; the uploads' none
    assert lock(Bucket=aws.env["ISSUED_BUCKET"])["ObjectLockConfiguration"]["ObjectLockEnabled"] == "Enabled"
    with pytest.raises(ClientError) as missing:
        lock(Bucket=aws.env["DOCUMENTS_BUCKET"])
    assert missing.value.response["Error"]["Code"] == "ObjectLockConfigurationNotFoundError"
