"""The local stack's moto server answers browsers' CORS preflights for presigned uploads."""

from __future__ import annotations

import base64
import hashlib
import socket
import uuid
from collections.abc import Iterator

import boto3
import pytest
import requests
from botocore.config import Config
from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app
from werkzeug.test import Client

from infra.local.moto.server import MotoServer, PreflightWithoutQuery

ORIGIN = "http://127.0.0.1:8000"
CONTENT = b"%PDF-1.4 prueba\n"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="module")
def endpoint() -> Iterator[str]:
    server = MotoServer("127.0.0.1", free_port())
    server.start()
    yield server.url
    server.stop()


def presigned_put(endpoint: str, signature_version: str = "s3v4") -> str:
    """A presigned PUT as the documents' adapter signs it (SigV4, create-only)."""
    s3 = boto3.client(
        "s3",
        endpoint_url=endpoint,
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
        config=Config(signature_version=signature_version),
    )
    bucket = f"preflight-{uuid.uuid4().hex[:12]}"
    s3.create_bucket(Bucket=bucket)
    s3.put_bucket_cors(
        Bucket=bucket,
        CORSConfiguration={
            "CORSRules": [
                {"AllowedMethods": ["PUT"], "AllowedOrigins": ["*"], "AllowedHeaders": ["*"], "MaxAgeSeconds": 3000}
            ]
        },
    )
    checksum = base64.b64encode(hashlib.sha256(CONTENT).digest()).decode()
    params = {
        "Bucket": bucket,
        "Key": "applications/X/doc",
        "ContentType": "application/pdf",
        "ContentLength": len(CONTENT),
        "ChecksumSHA256": checksum,
        "IfNoneMatch": "*",
    }
    return str(s3.generate_presigned_url("put_object", Params=params, ExpiresIn=300))


PREFLIGHT = {
    "Origin": ORIGIN,
    "Access-Control-Request-Method": "PUT",
    "Access-Control-Request-Headers": "content-type,if-none-match,x-amz-checksum-sha256",
}


def test_a_preflight_to_a_presigned_url_is_answered_from_the_bucket_cors_rules(endpoint: str) -> None:
    url = presigned_put(endpoint)
    answer = requests.options(url, headers=PREFLIGHT, timeout=10)
    assert answer.status_code == 200
    assert answer.headers["Access-Control-Allow-Origin"] in (ORIGIN, "*")
    assert "PUT" in answer.headers["Access-Control-Allow-Methods"]
    checksum = base64.b64encode(hashlib.sha256(CONTENT).digest()).decode()
    stored = requests.put(
        url,
        data=CONTENT,
        headers={
            "Origin": ORIGIN,
            "Content-Type": "application/pdf",
            "x-amz-checksum-sha256": checksum,
            "If-None-Match": "*",
        },
        timeout=10,
    )
    assert stored.status_code == 200, stored.text


def test_plain_moto_still_refuses_the_preflight_so_the_middleware_is_still_needed(endpoint: str) -> None:
    """When this fails, moto answers preflights itself: drop PreflightWithoutQuery.  moto
    checks the query's signed headers of SigV2 URLs only (SigV4 lists them by name alone)."""
    url = presigned_put(endpoint, "s3").removeprefix(endpoint)
    plain = Client(DomainDispatcherApplication(create_backend_app))
    fixed = Client(PreflightWithoutQuery(DomainDispatcherApplication(create_backend_app)))
    assert plain.options(url, headers=PREFLIGHT).status_code == 403
    assert fixed.options(url, headers=PREFLIGHT).status_code == 200
