"""The one description of Ventanilla's resources.

``resources(stage)`` is a CloudFormation ``Resources`` map: merged into Chalice's
packaged template for AWS (``infra/template.py``), and walked by the local provisioner
(``infra/provision.py``) to build the very same resources in the embedded moto server.
Lambda functions come from the Chalice app itself (``app.pure_lambda_functions``), on
both sides.  Names, environment and permissions are decided here and nowhere else.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from chalice.utils import to_cfn_resource_name

from chalicelib.procedures.compiler import HANDLERS
from chalicelib.store.models import table_schema

ROOT = Path(__file__).resolve().parent.parent
WORKFLOWS = ROOT / "workflows"
LOCAL_ONLY = {"Local": "only"}
AWS_ONLY = {"Local": "skip"}
SMS_INBOUND = to_cfn_resource_name("sms_inbound")  # the Chalice function for SMS replies


def shipped_definitions() -> list[dict[str, Any]]:
    """The example procedures in ``workflows/`` (each beside its compiled ``.asl.json``)."""
    return [json.loads(path.read_text("utf-8")) for path in sorted(WORKFLOWS.glob("*.json")) if not path.name.endswith(".asl.json")]


def asl_path(code: str) -> Path:
    return WORKFLOWS / f"{code}.asl.json"


def step_function_name(role: str) -> str:
    """The Chalice lambda function that plays a handler role in the state machines."""
    return f"step_{role}"


def handler_logical_id(role: str) -> str:
    return to_cfn_resource_name(step_function_name(role))


def agency_groups(definitions: list[dict[str, Any]]) -> list[str]:
    agencies = sorted({code for definition in definitions for code in definition["agencies"]})
    return ["admin"] + [f"{kind}-{agency}" for agency in agencies for kind in ("official", "supervisor")]


def resources(stage: str) -> dict[str, Any]:
    definitions = shipped_definitions()
    schema = table_schema()
    handler_arns = {placeholder: {"Fn::GetAtt": [handler_logical_id(role), "Arn"]} for role, placeholder in HANDLERS.items()}
    out: dict[str, Any] = {
        "Table": {
            "Type": "AWS::DynamoDB::Table",
            "DeletionPolicy": "Retain",
            "Properties": {
                "TableName": f"ventanilla-{stage}",
                "BillingMode": "PAY_PER_REQUEST",
                **schema,
                "StreamSpecification": {"StreamViewType": "NEW_AND_OLD_IMAGES"},
                "PointInTimeRecoverySpecification": {"PointInTimeRecoveryEnabled": True},
                "DeletionProtectionEnabled": True,
                "SSESpecification": {"SSEEnabled": True},
                "TimeToLiveSpecification": {"AttributeName": "expiration", "Enabled": True},
            },
        },
        "DocumentsBucket": {
            "Type": "AWS::S3::Bucket",
            "DeletionPolicy": "Retain",
            "Properties": {
                "BucketName": {"Fn::Sub": f"ventanilla-{stage}-documents-${{AWS::AccountId}}"},
                "VersioningConfiguration": {"Status": "Enabled"},
                "BucketEncryption": {"ServerSideEncryptionConfiguration": [{"ServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms"}, "BucketKeyEnabled": True}]},
                "PublicAccessBlockConfiguration": {"BlockPublicAcls": True, "BlockPublicPolicy": True, "IgnorePublicAcls": True, "RestrictPublicBuckets": True},
                "CorsConfiguration": {"CorsRules": [{"AllowedMethods": ["PUT"], "AllowedOrigins": ["*"], "AllowedHeaders": ["*"], "MaxAge": 3000}]},
            },
        },
        "SigningKey": {
            "Type": "AWS::KMS::Key",
            "DeletionPolicy": "Retain",
            "Properties": {
                "Description": f"Ventanilla {stage}: signs issued licences and permits",
                "KeySpec": "ECC_NIST_P256",
                "KeyUsage": "SIGN_VERIFY",
            },
        },
        "SmsTopic": {"Type": "AWS::SNS::Topic", "Properties": {"TopicName": f"ventanilla-{stage}-sms-inbound"}},
        # Two-way SMS replies (STOP/BAJA) reach the app's ``sms_inbound`` function.
        "SmsInboundSubscription": {
            "Type": "AWS::SNS::Subscription",
            "Metadata": AWS_ONLY,
            "Properties": {"TopicArn": {"Ref": "SmsTopic"}, "Protocol": "lambda", "Endpoint": {"Fn::GetAtt": [SMS_INBOUND, "Arn"]}},
        },
        "SmsInboundPermission": {
            "Type": "AWS::Lambda::Permission",
            "Metadata": AWS_ONLY,
            "Properties": {"Action": "lambda:InvokeFunction", "FunctionName": {"Ref": SMS_INBOUND}, "Principal": "sns.amazonaws.com", "SourceArn": {"Ref": "SmsTopic"}},
        },
        "UserPool": {
            "Type": "AWS::Cognito::UserPool",
            "Properties": {
                "UserPoolName": f"ventanilla-{stage}",
                "AutoVerifiedAttributes": ["phone_number"],
                "Schema": [{"Name": "phone_number", "AttributeDataType": "String", "Required": True, "Mutable": True}],
                "Policies": {"PasswordPolicy": {"MinimumLength": 10, "RequireLowercase": True, "RequireNumbers": True, "RequireUppercase": True, "RequireSymbols": False}},
            },
        },
        "UserPoolClient": {
            "Type": "AWS::Cognito::UserPoolClient",
            "Properties": {
                "ClientName": f"ventanilla-{stage}-web",
                "UserPoolId": {"Ref": "UserPool"},
                "ExplicitAuthFlows": ["ALLOW_USER_PASSWORD_AUTH", "ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
                "GenerateSecret": False,
                "IdTokenValidity": 60,
                "TokenValidityUnits": {"IdToken": "minutes"},
            },
        },
        "WorkflowRole": {
            "Type": "AWS::IAM::Role",
            "Properties": {
                "RoleName": f"ventanilla-{stage}-workflows",
                "AssumeRolePolicyDocument": {
                    "Version": "2012-10-17",
                    "Statement": [{"Effect": "Allow", "Principal": {"Service": "states.amazonaws.com"}, "Action": "sts:AssumeRole"}],
                },
                "Policies": [
                    {
                        "PolicyName": "invoke-step-handlers",
                        "PolicyDocument": {
                            "Version": "2012-10-17",
                            "Statement": [{"Effect": "Allow", "Action": "lambda:InvokeFunction", "Resource": sorted(handler_arns.values(), key=json.dumps)}],
                        },
                    }
                ],
            },
        },
    }
    for group in agency_groups(definitions):
        out[f"Group{to_cfn_resource_name(group.replace('-', '_'))}"] = {
            "Type": "AWS::Cognito::UserPoolGroup",
            "Properties": {"GroupName": group, "UserPoolId": {"Ref": "UserPool"}},
        }
    for definition in definitions:
        code, version = definition["code"], definition["version"]
        out[state_machine_logical_id(code, version)] = {
            "Type": "AWS::StepFunctions::StateMachine",
            "Properties": {
                "StateMachineName": f"ventanilla-{stage}-{code}-v{version}",
                "StateMachineType": "STANDARD",
                "RoleArn": {"Fn::GetAtt": ["WorkflowRole", "Arn"]},
                "DefinitionString": asl_path(code).read_text("utf-8"),
                "DefinitionSubstitutions": handler_arns,
            },
        }
    return out


def state_machine_logical_id(code: str, version: int) -> str:
    return f"StateMachine{to_cfn_resource_name(code)}V{version}"


def environment(stage: str, refs: dict[str, Any]) -> dict[str, Any]:
    """The variables every function reads (``chalicelib.core.settings``), as template values.

    ``refs`` resolves a logical id (and attribute) to a value: CloudFormation intrinsics
    for AWS, physical names for the local stack.
    """
    return {
        "STAGE": stage,
        "TABLE_NAME": refs["Table"],
        "DOCUMENTS_BUCKET": refs["DocumentsBucket"],
        "SIGNING_KEY_ID": refs["SigningKey"],
        "USER_POOL_ID": refs["UserPool"],
        "USER_POOL_CLIENT_ID": refs["UserPoolClient"],
        "SMS_TOPIC_ARN": refs["SmsTopic"],
        "WORKFLOW_ROLE_ARN": refs["WorkflowRole.Arn"],
        "STEP_HANDLER_ARNS": refs["StepHandlerArns"],
        "PUBLIC_API_URL": refs["PublicApiUrl"],
        "PUBLIC_WEB_URL": refs["PublicWebUrl"],
        "BANK_WEBHOOK_SECRET": refs["BankWebhookSecret"],
        "LEGAL_DAY_SECONDS": refs["LegalDaySeconds"],
    }
