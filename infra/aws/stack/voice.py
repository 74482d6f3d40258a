"""The telephone status line on Amazon Connect: the contact flow of
``infra/connect/status-line.json`` in an existing Connect instance, the two functions it
invokes associated with that instance, and Connect's permission to invoke them.

Created only when ``ConnectInstanceArn`` (the setting ``CONNECT_INSTANCE_ARN``) names an
instance: Connect instances, their phone numbers and their agents belong to the operator,
not to this stack (docs/telephone.md).  AWS only: locally ``infra/local/voice.py`` runs the
same flow.
"""

from __future__ import annotations

from typing import Any

from chalicelib.core.names import resource_name
from infra.aws.stack.naming import AWS_ONLY, ROOT, VOICE_CALLBACK, VOICE_FOLIO, VOICE_STATUS, function_logical_id

FLOW = ROOT / "infra" / "connect" / "status-line.json"
CONDITION = "HasConnectInstance"
PARAMETER = "ConnectInstanceArn"
# the functions the flow names as ``${name}`` in its ``InvokeLambdaFunction`` blocks
FUNCTIONS = (VOICE_STATUS, VOICE_FOLIO, VOICE_CALLBACK)


def parameters() -> dict[str, Any]:
    return {
        PARAMETER: {
            "Type": "String",
            "Default": "",
            "AllowedPattern": r"^(arn:aws[a-z-]*:connect:[a-z0-9-]+:[0-9]{12}:instance/[0-9a-f-]{36})?$",
            "Description": "The Amazon Connect instance that answers the status line (its ARN); empty for none",
        }
    }


def conditions() -> dict[str, Any]:
    return {
        CONDITION: {
            "Fn::And": [
                {"Fn::Not": [{"Fn::Equals": [{"Ref": PARAMETER}, ""]}]},
                # Amazon Connect does not run in Mexico (Central): a stack there has no flow
                {"Fn::Not": [{"Fn::Equals": [{"Ref": "AWS::Region"}, "mx-central-1"]}]},
            ]
        }
    }


def resources(stage: str) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name in FUNCTIONS:
        logical_id = function_logical_id(name)
        out[f"{logical_id}ConnectPermission"] = {
            "Type": "AWS::Lambda::Permission",
            "Condition": CONDITION,
            "Metadata": AWS_ONLY,
            "Properties": {
                "Action": "lambda:InvokeFunction",
                "FunctionName": {"Ref": logical_id},
                "Principal": "connect.amazonaws.com",
                "SourceArn": {"Ref": PARAMETER},
            },
        }
        out[f"{logical_id}ConnectIntegration"] = {
            "Type": "AWS::Connect::IntegrationAssociation",
            "Condition": CONDITION,
            "Metadata": AWS_ONLY,
            "Properties": {
                "InstanceId": {"Ref": PARAMETER},
                "IntegrationType": "LAMBDA_FUNCTION",
                "IntegrationArn": {"Fn::GetAtt": [logical_id, "Arn"]},
            },
        }
    out["StatusLineFlow"] = {
        "Type": "AWS::Connect::ContactFlow",
        "Condition": CONDITION,
        "Metadata": AWS_ONLY,
        "DependsOn": [f"{function_logical_id(name)}ConnectIntegration" for name in FUNCTIONS],
        "Properties": {
            "InstanceArn": {"Ref": PARAMETER},
            "Name": resource_name(stage, "status-line"),
            "Type": "CONTACT_FLOW",
            "Description": "Ventanilla's telephone line: a caller's applications, a folio, a callback; English on 9",
            "Content": {
                "Fn::Sub": [
                    FLOW.read_text("utf-8"),
                    {name: {"Fn::GetAtt": [function_logical_id(name), "Arn"]} for name in FUNCTIONS},
                ]
            },
        },
    }
    return out
