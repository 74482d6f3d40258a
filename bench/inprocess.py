"""The production path: the Chalice app object invoked in this process with API Gateway REST
proxy events, as Lambda invokes it, against the bare DynamoDB calls each route needs.

Run by ``bench.load inprocess`` in the client process.  The data (a citizen with an issued
licence and two drafts, an official with open reviews) is made over HTTP; then this process
takes the stack's environment, imports ``app`` and calls ``app.app(event, context)``.  Each
route is first invoked once with every AWS call recorded (bench/calls.py); its bare side
replays exactly those DynamoDB requests with boto3 against the same moto endpoint, so the
ratio is what the app adds to the DynamoDB round trips it cannot avoid.  Requests and bare
calls alternate (``load.interleaved``).
"""

from __future__ import annotations

import json
import os
import re
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

READ_ROUTES = (
    "GET /applications/{id}",
    "GET /me",
    "GET /procedures/{code}",
    "GET /agencies/{agency}/reviews",
    "GET /applications/{id}/audit",
)


@dataclass
class LambdaContext:
    """What Powertools and Chalice read of Lambda's context object."""

    function_name: str = "ventanilla-local-api"
    function_version: str = "$LATEST"
    invoked_function_arn: str = "arn:aws:lambda:us-east-1:123456789012:function:ventanilla-local-api"
    memory_limit_in_mb: int = 1024
    aws_request_id: str = ""
    log_group_name: str = "/aws/lambda/ventanilla-local-api"
    log_stream_name: str = "local"

    def get_remaining_time_in_millis(self) -> int:
        return 29_000


def proxy_event(
    method: str, resource: str, values: dict[str, str], token: str | None, query: dict[str, str] | None = None
) -> dict[str, Any]:
    """An API Gateway REST proxy event for ``resource`` with its path parameters filled in."""
    path = re.sub(r"\{(\w+)\}", lambda match: values[match.group(1)], resource)
    headers = {"Accept": "application/json", "Host": "api.ventanilla.local", "X-Forwarded-Proto": "https"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    return {
        "resource": resource,
        "path": path,
        "httpMethod": method,
        "headers": headers,
        "multiValueHeaders": {name: [value] for name, value in headers.items()},
        "queryStringParameters": query or None,
        "multiValueQueryStringParameters": {name: [value] for name, value in query.items()} if query else None,
        "pathParameters": values or None,
        "stageVariables": None,
        "requestContext": {
            "resourcePath": resource,
            "httpMethod": method,
            "path": f"/api{path}",
            "stage": "api",
            "requestId": "bench",
            "identity": {"sourceIp": "127.0.0.1", "userAgent": "bench"},
        },
        "body": None,
        "isBase64Encoded": False,
    }


def under_review(api: Any, user: Any, application_id: str, timeout: float = 60.0) -> None:
    """Walk the application until a review of it is open (the agency's queue then lists it)."""
    from bench import flows

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        body = flows.status(user, application_id)
        if any(holder["state"] == "open" for holder in body.get("holders", [])):
            return
        if body["status"] in flows.FINAL:
            raise RuntimeError(f"{application_id} ended ({body['status']}) before any review opened")
        if body["status"] == "evidence_review":
            flows.confirm_evidence(user, application_id)
            continue
        time.sleep(0.05)
    raise TimeoutError(f"no review of {application_id} opened in {timeout} s")


def snake(operation: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", operation).lower()


def measure(options: dict[str, Any]) -> dict[str, Any]:
    from bench import flows
    from bench.calls import AwsCalls
    from bench.load import interleaved
    from infra.local.stack import use_moto
    from tests.support.client import Api

    api = Api(options["url"])
    user = flows.citizen(api, options["seed"])
    procedure = flows.AUTO_LICENCE
    application_id, _ = flows.draft_and_submit(user, procedure)
    flows.until_final(api, user, application_id)
    for _ in range(2):
        user.post("/applications", {"procedure": procedure, "data": flows.FORMS[procedure]})
    official = flows.official(api, "SEMOVI", f"oficial.inprocess.{options['seed']}")
    for _ in range(3):  # an agency queue with something in it
        under_review(api, user, flows.draft_and_submit(user, "licencia-conducir")[0])

    # from here on, this process is the Lambda function: the stack's environment, moto's endpoint
    os.environ.update(options["environment"])
    use_moto(os.environ, int(options["moto_url"].rsplit(":", 1)[1]))
    calls = AwsCalls(keep_payloads=True).install()
    from chalicelib import wiring

    wiring.reset()
    import boto3

    import app as application

    ddb = boto3.client("dynamodb", region_name="us-east-1", endpoint_url=options["moto_url"])
    context = LambdaContext()

    def invoke(event: dict[str, Any]) -> dict[str, Any]:
        context.aws_request_id = str(uuid.uuid4())
        response: dict[str, Any] = application.app(event, context)
        return response

    routes: dict[str, dict[str, Any]] = {
        "GET /applications/{id}": proxy_event("GET", "/applications/{id}", {"id": application_id}, user.token),
        "GET /me": proxy_event("GET", "/me", {}, user.token),
        "GET /procedures/{code}": proxy_event("GET", "/procedures/{code}", {"code": procedure}, None),
        "GET /agencies/{agency}/reviews": proxy_event(
            "GET", "/agencies/{agency}/reviews", {"agency": "SEMOVI"}, official.token
        ),
        "GET /applications/{id}/audit": proxy_event(
            "GET", "/applications/{id}/audit", {"id": application_id}, user.token
        ),
    }
    rounds = options.get("rounds", 200)
    results: dict[str, Any] = {}
    for label, event in routes.items():
        invoke(event)  # the first request of a cold container (clients, keys, caches) is not the steady state
        with calls.tally(label) as tally:
            answer = invoke(event)
        if answer["statusCode"] != 200:
            raise RuntimeError(f"{label} answered {answer['statusCode']}: {answer['body'][:300]}")
        requests = [call for call in tally.calls if call.service == "dynamodb"]
        others = sorted({call.name for call in tally.calls if call.service != "dynamodb"})
        replays = [(getattr(ddb, snake(call.operation)), call.params or {}) for call in requests]

        def bare(replays: list[tuple[Callable[..., Any], dict[str, Any]]] = replays) -> None:
            for method, params in replays:
                method(**params)

        results[label] = {
            **interleaved(lambda event=event: invoke(event), bare, rounds),
            "bare_calls": " + ".join(call.operation for call in requests) or "none",
            "other_calls": others,
            "response_bytes": len(answer["body"]),
        }
    calls.uninstall()
    return results


if __name__ == "__main__":  # a quick look: python -m bench.inprocess '<options as bench.load takes them>'
    import sys

    print(json.dumps(measure(json.loads(sys.argv[1])), indent=1))
