"""Run Lambda functions in-process inside the embedded moto server (local stack only).

moto executes Lambda code only in Docker; there is no Docker engine here.  Its single
Docker-dependent method, ``LambdaFunction._invoke_lambda``, is replaced by a call of
the function's ``Handler`` (``module.attr``) in this process, with a Lambda-like
context; an exception comes back as ``{"errorType", "errorMessage"}`` with the error
flag set, exactly as Lambda reports it, so the state machines' Retry and Catch behave
as on AWS.  The handlers run with this process's environment, which the provisioner
also gives each function (``provision.py`` checks they are the same).

This touches a moto internal: moto is pinned to an exact version and
``tests/infra/test_lambda_adapter.py`` fails loudly if the hook point moves.  Never
imported by the deployed Lambda package (it lives in ``infra/``, which Chalice does
not package).
"""

from __future__ import annotations

import importlib
import json
import traceback
import uuid
from dataclasses import dataclass, field
from typing import Any

HOOK = "_invoke_lambda"


@dataclass
class LambdaContext:
    function_name: str
    memory_limit_in_mb: int
    invoked_function_arn: str
    timeout_seconds: int
    aws_request_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    function_version: str = "$LATEST"
    log_group_name: str = "/aws/lambda/local"
    log_stream_name: str = "local"

    def get_remaining_time_in_millis(self) -> int:
        return self.timeout_seconds * 1000


def invoke_in_process(function: Any, event: Any = None) -> tuple[str, bool, str]:
    module_name, _, attribute = function.handler.rpartition(".")
    handler = getattr(importlib.import_module(module_name), attribute)
    context = LambdaContext(
        function_name=function.function_name,
        memory_limit_in_mb=int(function.memory_size),
        invoked_function_arn=function.function_arn,
        timeout_seconds=int(function.timeout),
    )
    try:
        result = handler(event if event is not None else {}, context)
    except Exception as error:  # reported to Step Functions exactly as Lambda does
        payload = {
            "errorType": type(error).__name__,
            "errorMessage": str(error),
            "stackTrace": traceback.format_exc().splitlines()[-5:],
        }
        return json.dumps(payload), True, ""
    return json.dumps(result), False, ""


def install() -> None:
    from moto.awslambda.models import LambdaFunction

    if not callable(getattr(LambdaFunction, HOOK, None)):
        raise RuntimeError(
            f"moto.awslambda.models.LambdaFunction.{HOOK} is gone: the pinned moto version changed; "
            "update infra/local/moto/lambda_adapter.py"
        )
    setattr(LambdaFunction, HOOK, invoke_in_process)
