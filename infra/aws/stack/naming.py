"""Where things are and what they are called in the template: logical ids, the ARNs
written without a dependency on their resource, and the shipped procedures.

Physical names (``ventanilla-<stage>-…``) are ``chalicelib.core.names``'s, which the
runtime shares; this module only adds what the template alone needs.  Writing an ARN
from names instead of ``Fn::GetAtt`` keeps the template free of dependency cycles (a
role may name a function that itself takes the role).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from chalice.utils import to_cfn_resource_name

from chalicelib.core.names import (
    API_HANDLER,
    function_name,
    public_url_parameter,
    state_machine_prefix,
    step_function_name,
    workflow_role_name,
)
from chalicelib.procedures.compiler import HANDLERS

ROOT = Path(__file__).resolve().parents[3]
WORKFLOWS = ROOT / "workflows"
# ``Metadata.Local`` of a resource: what the local provisioner does with it
LOCAL_ONLY = {"Local": "only"}
AWS_ONLY = {"Local": "skip"}
# an event source mapping on the table's stream: locally a poller (infra/local/streams.py)
# with the same settings, since moto's own mapping invokes inside the write
STREAM_POLLER = {"Local": "poller"}
DEADLINE_WATCH = "deadline_watch"
RETENTION = "retention"
SMS_INBOUND = "sms_inbound"
SMS_SEND_QUEUED = "sms_send_queued"
TABLE_EVENTS = "table_events"
# Amazon Connect's status line (infra/connect/status-line.json invokes them)
VOICE_STATUS = "voice_status"
VOICE_FOLIO = "voice_folio"
VOICE_CALLBACK = "voice_callback"

# Every function of app.py: each gets its fixed name, its own role and its log group.
FUNCTIONS = (
    API_HANDLER,
    *(step_function_name(role) for role in HANDLERS),
    DEADLINE_WATCH,
    RETENTION,
    SMS_INBOUND,
    SMS_SEND_QUEUED,
    TABLE_EVENTS,
    VOICE_STATUS,
    VOICE_FOLIO,
    VOICE_CALLBACK,
)
# The functions that verify e.firma signatures: only they get the e.firma settings; the
# others answer 503 efirma_unavailable.
EFIRMA_FUNCTIONS = (API_HANDLER,)
# The functions that ask other registries: the API pre-fills forms from the population
# registry, ``lookup`` fetches evidence, ``issue`` registers companies.  They sign requests
# with the exchange key and check the registries' signed answers with ``cryptography``.
REGISTRY_FUNCTIONS = (API_HANDLER, step_function_name("lookup"), step_function_name("issue"))
# The functions that load ``cryptography``: they get its layer (infra/aws/layer.py).
LAYER_FUNCTIONS = tuple(name for name in FUNCTIONS if name in EFIRMA_FUNCTIONS or name in REGISTRY_FUNCTIONS)


def shipped_definitions() -> list[dict[str, Any]]:
    """The example procedures in ``workflows/`` (each beside its compiled ``.asl.json``)."""
    return [
        json.loads(path.read_text("utf-8"))
        for path in sorted(WORKFLOWS.glob("*.json"))
        if not path.name.endswith(".asl.json")
    ]


def asl_path(code: str) -> Path:
    return WORKFLOWS / f"{code}.asl.json"


def function_logical_id(name: str) -> str:
    """The logical id Chalice's packager gives a function (the API handler is special)."""
    return "APIHandler" if name == API_HANDLER else to_cfn_resource_name(name)


def handler_logical_id(role: str) -> str:
    return function_logical_id(step_function_name(role))


def role_logical_id(name: str) -> str:
    return f"{function_logical_id(name)}Role"


def log_group_name(stage: str, name: str) -> str:
    return f"/aws/lambda/{function_name(stage, name)}"


def state_machine_logical_id(code: str, version: int) -> str:
    return f"StateMachine{to_cfn_resource_name(code)}V{version}"


def handler_arns() -> dict[str, Any]:
    """Each handler placeholder of the compiled workflows, as the ARN of its function."""
    return {placeholder: {"Fn::GetAtt": [handler_logical_id(role), "Arn"]} for role, placeholder in HANDLERS.items()}


# --- ARNs written without a dependency on the resource (no cycles) ----------------------
def sub(text: str) -> dict[str, str]:
    return {"Fn::Sub": text}


def function_arn(stage: str, name: str) -> dict[str, str]:
    return sub(
        f"arn:${{AWS::Partition}}:lambda:${{AWS::Region}}:${{AWS::AccountId}}:function:{function_name(stage, name)}"
    )


def state_machines_arn(stage: str) -> dict[str, str]:
    return sub(
        f"arn:${{AWS::Partition}}:states:${{AWS::Region}}:${{AWS::AccountId}}:stateMachine:{state_machine_prefix(stage)}*"
    )


def executions_arn(stage: str) -> dict[str, str]:
    return sub(
        f"arn:${{AWS::Partition}}:states:${{AWS::Region}}:${{AWS::AccountId}}:execution:{state_machine_prefix(stage)}*"
    )


def parameter_arn(stage: str) -> dict[str, str]:
    return sub(
        f"arn:${{AWS::Partition}}:ssm:${{AWS::Region}}:${{AWS::AccountId}}:parameter{public_url_parameter(stage)}"
    )


def log_group_arn(stage: str, name: str) -> dict[str, str]:
    return sub(
        f"arn:${{AWS::Partition}}:logs:${{AWS::Region}}:${{AWS::AccountId}}:log-group:{log_group_name(stage, name)}:*"
    )


def workflow_role_arn(stage: str) -> dict[str, str]:
    return sub(f"arn:${{AWS::Partition}}:iam::${{AWS::AccountId}}:role/{workflow_role_name(stage)}")
