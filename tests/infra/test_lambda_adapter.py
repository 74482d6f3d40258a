"""The in-process Lambda runner (``infra/local/moto/lambda_adapter.py``): moto's Docker hook
is replaced; through moto's own Lambda API a handler's result comes back as JSON, an
exception as Lambda's error payload with the error flag set, and a state machine's
Retry and Catch see that error by its type."""

from __future__ import annotations

import io
import json
import time
import zipfile
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from moto import mock_aws

from infra.local.moto import lambda_adapter

REGION = "us-east-1"
HERE = __name__  # the handlers below run from this module, as app.py's do from theirs
ATTEMPTS: list[str] = []


class Refused(Exception):
    pass


def answer(event: Any, context: Any) -> dict[str, Any]:
    return {
        "echo": event,
        "function": context.function_name,
        "memory": context.memory_limit_in_mb,
        "remaining_ms": context.get_remaining_time_in_millis(),
        "arn": context.invoked_function_arn,
    }


def refuse(event: Any, context: Any) -> None:
    ATTEMPTS.append(context.aws_request_id)
    raise Refused(f"no to {event['who']}")


def _code() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("README.txt", "run in-process\n")
    return buffer.getvalue()


@pytest.fixture
def lambdas(moto_environment: None) -> Iterator[Any]:
    with mock_aws(config={"stepfunctions": {"execute_state_machine": True}}):
        lambda_adapter.install()
        trust = {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": {"Service": ["lambda.amazonaws.com", "states.amazonaws.com"]},
                    "Action": "sts:AssumeRole",
                }
            ],
        }
        role = boto3.client("iam", region_name=REGION).create_role(
            RoleName="adapter-test", AssumeRolePolicyDocument=json.dumps(trust)
        )["Role"]["Arn"]
        client = boto3.client("lambda", region_name=REGION)
        for name in ("answer", "refuse"):
            client.create_function(
                FunctionName=name,
                Runtime="python3.11",
                Role=role,
                Handler=f"{HERE}.{name}",
                Code={"ZipFile": _code()},
                Timeout=42,
                MemorySize=256,
            )
        yield client


def test_the_docker_hook_is_replaced_by_the_in_process_runner() -> None:
    from moto.awslambda.models import LambdaFunction

    lambda_adapter.install()
    assert getattr(LambdaFunction, lambda_adapter.HOOK) is lambda_adapter.invoke_in_process


def test_a_moved_hook_point_fails_loudly(monkeypatch: pytest.MonkeyPatch) -> None:
    from moto.awslambda.models import LambdaFunction

    monkeypatch.delattr(LambdaFunction, lambda_adapter.HOOK)
    with pytest.raises(RuntimeError, match="the pinned moto version changed"):
        lambda_adapter.install()


def test_a_handler_result_comes_back_as_json_with_a_lambda_context(lambdas: Any) -> None:
    reply = lambdas.invoke(FunctionName="answer", Payload=json.dumps({"n": 1, "text": "ñ"}))
    assert "FunctionError" not in reply
    assert json.loads(reply["Payload"].read()) == {
        "echo": {"n": 1, "text": "ñ"},
        "function": "answer",
        "memory": 256,
        "remaining_ms": 42_000,
        "arn": f"arn:aws:lambda:{REGION}:123456789012:function:answer",
    }


def test_an_exception_comes_back_as_lambda_reports_it(lambdas: Any) -> None:
    reply = lambdas.invoke(FunctionName="refuse", Payload=json.dumps({"who": "Carla"}))
    assert reply.get("FunctionError")  # the error flag: Step Functions and SDKs read it
    payload = json.loads(reply["Payload"].read())
    assert {key: payload[key] for key in ("errorType", "errorMessage")} == {
        "errorType": "Refused",
        "errorMessage": "no to Carla",
    }
    assert any("raise Refused" in line for line in payload["stackTrace"])


def test_a_state_machine_retries_and_catches_the_error_by_its_type(lambdas: Any) -> None:
    ATTEMPTS.clear()
    refuse_arn = lambdas.get_function(FunctionName="refuse")["Configuration"]["FunctionArn"]
    definition = {
        "StartAt": "Ask",
        "States": {
            "Ask": {
                "Type": "Task",
                "Resource": refuse_arn,
                "Retry": [{"ErrorEquals": ["Refused"], "IntervalSeconds": 1, "MaxAttempts": 1, "BackoffRate": 1}],
                "Catch": [{"ErrorEquals": ["Refused"], "ResultPath": "$.error", "Next": "Caught"}],
                "End": True,
            },
            "Caught": {"Type": "Pass", "End": True},
        },
    }
    sfn = boto3.client("stepfunctions", region_name=REGION)
    machine = sfn.create_state_machine(
        name="adapter-retry-catch",
        definition=json.dumps(definition),
        roleArn=lambdas.get_function(FunctionName="refuse")["Configuration"]["Role"],
    )["stateMachineArn"]
    execution = sfn.start_execution(stateMachineArn=machine, input=json.dumps({"who": "Juan"}))["executionArn"]
    deadline = time.monotonic() + 30
    while (described := sfn.describe_execution(executionArn=execution))["status"] == "RUNNING":
        assert time.monotonic() < deadline, "the execution did not finish"
        time.sleep(0.1)
    assert described["status"] == "SUCCEEDED"
    output = json.loads(described["output"])
    assert output["who"] == "Juan"
    assert output["error"]["Error"] == "Refused"  # Catch matched the handler's exception type
    assert json.loads(output["error"]["Cause"])["errorMessage"] == "no to Juan"
    assert len(ATTEMPTS) == 2  # the first attempt and Retry's one more
