"""Names of Ventanilla's AWS resources: ``ventanilla-<stage>-…``, in one place.

The runtime reads a few of them (a procedure version's state machine, the prefix that
finds failed executions); the infrastructure description names everything else with
the same functions, so that an ARN can be written without a dependency on its resource.
"""

from __future__ import annotations

PRODUCT = "ventanilla"
API_HANDLER = "api_handler"
# where citizens' uploads live in the documents bucket (the bucket's policy lets them be
# created only, never overwritten)
UPLOADS_PREFIX = "applications/"


def resource_name(stage: str, *parts: str) -> str:
    """``ventanilla-<stage>`` followed by ``parts``, joined by hyphens."""
    return "-".join((PRODUCT, stage, *parts))


def state_machine_prefix(stage: str) -> str:
    """What every state machine (and so every execution) of a stage is named after."""
    return f"{resource_name(stage)}-"


def state_machine_name(stage: str, code: str, version: int) -> str:
    """One state machine per procedure version: running applications keep theirs."""
    return f"{state_machine_prefix(stage)}{code}-v{version}"


def step_function_name(role: str) -> str:
    """The Lambda function that plays a handler role (``chalicelib.procedures.compiler.HANDLERS``)."""
    return f"step_{role}"


def function_name(stage: str, name: str) -> str:
    """A function's physical name: fixed, so that ARNs can be written without a dependency."""
    return resource_name(stage, "api" if name == API_HANDLER else name)


def workflow_role_name(stage: str) -> str:
    return resource_name(stage, "workflows")


def public_url_parameter(stage: str) -> str:
    """The SSM parameter holding where people reach Ventanilla."""
    return f"/{PRODUCT}/{stage}/public-url"
