"""The one description of Ventanilla's resources.

``resources(stage)`` is a CloudFormation ``Resources`` map: merged into Chalice's
packaged template for AWS (``infra/aws/template.py``), and walked by the local provisioner
(``infra/local/provision.py``) to build the very same resources in the embedded moto server.
Lambda functions come from the Chalice app itself; their names, roles, grants, log
groups and environment are decided here (``FUNCTIONS``, ``grants``, ``environment``)
and nowhere else.

``Metadata.Local`` tells the provisioner what differs on the local stack: ``"skip"``
(AWS only: CloudFront, alarms, the dashboard, ...), or ``{"FromSetting": {property:
setting}}`` to take some properties from the local stack's settings instead (the secret's
value and the public URL come from the local stack (``infra/local``), not from CloudFormation).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from chalice.utils import to_cfn_resource_name

from chalicelib.core.names import (
    API_HANDLER,
    PRODUCT,
    function_name,
    public_url_parameter,
    resource_name,
    state_machine_name,
    state_machine_prefix,
    step_function_name,
    workflow_role_name,
)
from chalicelib.identity import groups
from chalicelib.procedures.compiler import HANDLERS
from chalicelib.store.models import table_schema

ROOT = Path(__file__).resolve().parents[3]
WORKFLOWS = ROOT / "workflows"
LOCAL_ONLY = {"Local": "only"}
AWS_ONLY = {"Local": "skip"}
DEADLINE_WATCH = "deadline_watch"
RETENTION = "retention"
SMS_INBOUND = "sms_inbound"
SMS_SEND_QUEUED = "sms_send_queued"
LOG_RETENTION_DAYS = 90
METRICS_NAMESPACE = "Ventanilla"
# CloudFront managed policies (ids are fixed by AWS and the same in every account).
CACHING_OPTIMIZED = "658327ea-f89d-4fab-a63d-7e88639e58f6"
CACHING_DISABLED = "4135ea2d-6df8-44a3-9df3-4b5a84be39ad"
ALL_VIEWER_EXCEPT_HOST = "b689b0a8-53d0-40ab-baf2-68738e2966ac"
SECURITY_HEADERS = "67f7725c-6f97-4210-82d7-5512b31e9d03"

# Statements whose Resource must be "*", and why; no other statement may use "*".
WILDCARD_REASONS = {
    "XRayHasNoResourceLevelPermissions": "xray:PutTraceSegments and PutTelemetryRecords accept only Resource '*'",
    "SmsToPhoneNumbersHasNoResource": "sns:Publish to a PhoneNumber (direct SMS) has no resource ARN, so IAM needs '*'",
    "TaskTokensHaveNoResource": "states:SendTaskSuccess is authorised per task token, which has no ARN: only '*' is accepted",
    "AccountAdministersTheKey": "in a key policy Resource '*' means the key itself (KMS accepts nothing else); IAM policies then grant each use",
}


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


# Community centres whose helpers file for citizens (group ``assistant-<centre>``); an
# operator adds a centre here (and redeploys) or creates its group in the user pool.
COMMUNITY_CENTRES = ("CDC-OAXACA",)


def agency_groups(definitions: list[dict[str, Any]]) -> list[str]:
    agencies = sorted({code for definition in definitions for code in definition["agencies"]})
    staff = [group(agency) for agency in agencies for group in (groups.official, groups.supervisor)]
    return [groups.ADMIN, *staff, *(groups.assistant(centre) for centre in COMMUNITY_CENTRES)]


def state_machine_logical_id(code: str, version: int) -> str:
    return f"StateMachine{to_cfn_resource_name(code)}V{version}"


# --- ARNs written without a dependency on the resource (no cycles) ----------------------
def _sub(text: str) -> dict[str, str]:
    return {"Fn::Sub": text}


def function_arn(stage: str, name: str) -> dict[str, str]:
    return _sub(
        f"arn:${{AWS::Partition}}:lambda:${{AWS::Region}}:${{AWS::AccountId}}:function:{function_name(stage, name)}"
    )


def _state_machines_arn(stage: str) -> dict[str, str]:
    return _sub(
        f"arn:${{AWS::Partition}}:states:${{AWS::Region}}:${{AWS::AccountId}}:stateMachine:{state_machine_prefix(stage)}*"
    )


def _executions_arn(stage: str) -> dict[str, str]:
    return _sub(
        f"arn:${{AWS::Partition}}:states:${{AWS::Region}}:${{AWS::AccountId}}:execution:{state_machine_prefix(stage)}*"
    )


def _parameter_arn(stage: str) -> dict[str, str]:
    return _sub(
        f"arn:${{AWS::Partition}}:ssm:${{AWS::Region}}:${{AWS::AccountId}}:parameter{public_url_parameter(stage)}"
    )


def _log_group_arn(stage: str, name: str) -> dict[str, str]:
    return _sub(
        f"arn:${{AWS::Partition}}:logs:${{AWS::Region}}:${{AWS::AccountId}}:log-group:{log_group_name(stage, name)}:*"
    )


def _key_policy() -> dict[str, Any]:
    """KMS's default key policy, written out: the account administers the key, and IAM
    policies (the roles below) decide who may use it for what."""
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                # WILDCARD: a key policy's Resource is the key itself (see WILDCARD_REASONS).
                "Sid": "AccountAdministersTheKey",
                "Effect": "Allow",
                "Principal": {"AWS": _sub("arn:${AWS::Partition}:iam::${AWS::AccountId}:root")},
                "Action": "kms:*",
                "Resource": "*",
            }
        ],
    }


# --- what each function may do -----------------------------------------------------------
def _allow(sid: str, actions: list[str], resources: list[Any] | str) -> dict[str, Any]:
    return {"Sid": sid, "Effect": "Allow", "Action": sorted(actions), "Resource": resources}


_TABLE = [{"Fn::GetAtt": ["Table", "Arn"]}]
_TABLE_AND_INDEXES = [{"Fn::GetAtt": ["Table", "Arn"]}, _sub("${Table.Arn}/index/*")]
# Query: the SMS recipients (subscriptions) and a phone's opt-outs; DeleteItem: Powertools
# Idempotency drops the record of a delivery that failed, so that a retry can send it
_STEP_WRITES = ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem", "dynamodb:Query"]


def _public_url(stage: str) -> dict[str, Any]:
    return _allow("ReadPublicUrl", ["ssm:GetParameter"], [_parameter_arn(stage)])


def _sms() -> dict[str, Any]:
    # WILDCARD: SMS to a phone number has no resource ARN (see WILDCARD_REASONS).
    return _allow("SmsToPhoneNumbersHasNoResource", ["sns:Publish"], "*")


def _step(stage: str, *extra: dict[str, Any]) -> list[dict[str, Any]]:
    """A step handler: reads and changes its application (status, audit) and sends its SMS."""
    return [_allow("Applications", _STEP_WRITES, _TABLE), _sms(), _public_url(stage), *extra]


def grants(stage: str) -> dict[str, list[dict[str, Any]]]:
    """Per function, the statements it needs beyond its own logs and traces."""
    documents = _sub("${DocumentsBucket.Arn}/*")
    return {
        API_HANDLER: [
            # DeleteItem: Powertools Idempotency removes its record when a command fails
            _allow(
                "Records",
                [
                    "dynamodb:GetItem",
                    "dynamodb:PutItem",
                    "dynamodb:UpdateItem",
                    "dynamodb:DeleteItem",
                    "dynamodb:Query",
                ],
                _TABLE_AND_INDEXES,
            ),
            _allow("Documents", ["s3:PutObject", "s3:GetObject"], [documents]),
            _allow("DocumentsKey", ["kms:GenerateDataKey", "kms:Decrypt"], [{"Fn::GetAtt": ["DocumentsKey", "Arn"]}]),
            _allow("VerifyCredentials", ["kms:Verify"], [{"Fn::GetAtt": ["SigningKey", "Arn"]}]),
            _allow("StartApplications", ["states:StartExecution"], [_state_machines_arn(stage)]),
            _allow(
                "PublishProcedures",
                ["states:CreateStateMachine", "states:DescribeStateMachine"],
                [_state_machines_arn(stage)],
            ),
            _allow("ExecutionStatus", ["states:DescribeExecution"], [_executions_arn(stage)]),
            # WILDCARD: task tokens have no ARN (see WILDCARD_REASONS).
            _allow("TaskTokensHaveNoResource", ["states:SendTaskSuccess"], "*"),
            {
                "Sid": "PassWorkflowRole",
                "Effect": "Allow",
                "Action": ["iam:PassRole"],
                "Resource": [
                    _sub(f"arn:${{AWS::Partition}}:iam::${{AWS::AccountId}}:role/{workflow_role_name(stage)}")
                ],
                "Condition": {"StringEquals": {"iam:PassedToService": "states.amazonaws.com"}},
            },
            _allow("CitizenProfiles", ["cognito-idp:AdminGetUser"], [{"Fn::GetAtt": ["UserPool", "Arn"]}]),
            _allow("BankWebhookSecret", ["secretsmanager:GetSecretValue"], [{"Ref": "BankWebhookSecret"}]),
            _sms(),
            _public_url(stage),
        ],
        step_function_name("check"): _step(stage),
        step_function_name("open"): _step(stage),
        step_function_name("await"): [
            _allow("Applications", ["dynamodb:GetItem", "dynamodb:UpdateItem"], _TABLE),
            _public_url(stage),
        ],
        step_function_name("deadline"): _step(
            stage, _allow("WarnOfficials", ["cognito-idp:ListUsersInGroup"], [{"Fn::GetAtt": ["UserPool", "Arn"]}])
        ),
        step_function_name("issue"): _step(
            stage, _allow("SignCredentials", ["kms:Sign"], [{"Fn::GetAtt": ["SigningKey", "Arn"]}])
        ),
        step_function_name("close"): _step(stage),
        step_function_name("fail"): _step(stage),
        DEADLINE_WATCH: [_allow("OpenReviews", ["dynamodb:Query"], _TABLE_AND_INDEXES)],
        SMS_INBOUND: [_allow("Consent", _STEP_WRITES, _TABLE_AND_INDEXES), _sms(), _public_url(stage)],
        SMS_SEND_QUEUED: [_allow("HeldMessages", _STEP_WRITES, _TABLE_AND_INDEXES), _sms(), _public_url(stage)],
        RETENTION: [
            _allow(
                "DueApplications",
                ["dynamodb:Query", "dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem"],
                _TABLE_AND_INDEXES,
            ),
            _allow("PurgeDocuments", ["s3:DeleteObject", "s3:DeleteObjectVersion"], [documents]),
            _allow("ListDocumentVersions", ["s3:ListBucketVersions"], [{"Fn::GetAtt": ["DocumentsBucket", "Arn"]}]),
        ],
    }


FUNCTIONS = (
    API_HANDLER,
    *(step_function_name(role) for role in HANDLERS),
    DEADLINE_WATCH,
    RETENTION,
    SMS_INBOUND,
    SMS_SEND_QUEUED,
)


def _function_role(stage: str, name: str, statements: list[dict[str, Any]]) -> dict[str, Any]:
    base = [
        _allow("OwnLogs", ["logs:CreateLogStream", "logs:PutLogEvents"], [_log_group_arn(stage, name)]),
        # WILDCARD: X-Ray has no resource-level permissions (see WILDCARD_REASONS).
        _allow("XRayHasNoResourceLevelPermissions", ["xray:PutTraceSegments", "xray:PutTelemetryRecords"], "*"),
    ]
    return {
        "Type": "AWS::IAM::Role",
        "Properties": {
            "RoleName": f"{function_name(stage, name)}-fn",
            "AssumeRolePolicyDocument": {
                "Version": "2012-10-17",
                "Statement": [
                    {"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}
                ],
            },
            "Policies": [
                {
                    "PolicyName": "least-privilege",
                    "PolicyDocument": {"Version": "2012-10-17", "Statement": base + statements},
                }
            ],
        },
    }


# --- the resources -----------------------------------------------------------------------
def resources(stage: str) -> dict[str, Any]:
    definitions = shipped_definitions()
    schema = table_schema()
    handler_arns = {
        placeholder: {"Fn::GetAtt": [handler_logical_id(role), "Arn"]} for role, placeholder in HANDLERS.items()
    }
    out: dict[str, Any] = {
        "Table": {
            "Type": "AWS::DynamoDB::Table",
            "DeletionPolicy": "Retain",
            "UpdateReplacePolicy": "Retain",
            "Properties": {
                "TableName": resource_name(stage),
                "BillingMode": "PAY_PER_REQUEST",
                **schema,
                "StreamSpecification": {"StreamViewType": "NEW_AND_OLD_IMAGES"},
                "PointInTimeRecoverySpecification": {"PointInTimeRecoveryEnabled": True},
                "DeletionProtectionEnabled": True,
                "SSESpecification": {"SSEEnabled": True},
                "TimeToLiveSpecification": {"AttributeName": "expiration", "Enabled": True},
            },
        },
        "DocumentsKey": {
            "Type": "AWS::KMS::Key",
            "DeletionPolicy": "Retain",
            "UpdateReplacePolicy": "Retain",
            "Properties": {
                "Description": f"Ventanilla {stage}: encrypts citizens' documents at rest",
                "EnableKeyRotation": True,
                "KeyPolicy": _key_policy(),
            },
        },
        "DocumentsBucket": {
            "Type": "AWS::S3::Bucket",
            "DeletionPolicy": "Retain",
            "UpdateReplacePolicy": "Retain",
            "Properties": {
                "BucketName": _sub(resource_name(stage, "documents", "${AWS::AccountId}")),
                "VersioningConfiguration": {"Status": "Enabled"},
                "BucketEncryption": {
                    "ServerSideEncryptionConfiguration": [
                        {
                            "ServerSideEncryptionByDefault": {
                                "SSEAlgorithm": "aws:kms",
                                "KMSMasterKeyID": {"Fn::GetAtt": ["DocumentsKey", "Arn"]},
                            },
                            "BucketKeyEnabled": True,
                        }
                    ]
                },
                "PublicAccessBlockConfiguration": {
                    "BlockPublicAcls": True,
                    "BlockPublicPolicy": True,
                    "IgnorePublicAcls": True,
                    "RestrictPublicBuckets": True,
                },
                "OwnershipControls": {"Rules": [{"ObjectOwnership": "BucketOwnerEnforced"}]},
                "CorsConfiguration": {
                    "CorsRules": [
                        {"AllowedMethods": ["PUT"], "AllowedOrigins": ["*"], "AllowedHeaders": ["*"], "MaxAge": 3000}
                    ]
                },
            },
        },
        "DocumentsBucketTlsOnly": {
            "Type": "AWS::S3::BucketPolicy",
            "Metadata": AWS_ONLY,
            "Properties": {"Bucket": {"Ref": "DocumentsBucket"}, "PolicyDocument": _tls_only("DocumentsBucket")},
        },
        "SigningKey": {
            "Type": "AWS::KMS::Key",
            "DeletionPolicy": "Retain",
            "UpdateReplacePolicy": "Retain",
            "Properties": {
                "Description": f"Ventanilla {stage}: signs issued licences and permits",
                "KeySpec": "ECC_NIST_P256",
                "KeyUsage": "SIGN_VERIFY",
                "KeyPolicy": _key_policy(),
            },
        },
        "SmsTopic": {"Type": "AWS::SNS::Topic", "Properties": {"TopicName": resource_name(stage, "sms-inbound")}},
        "BankWebhookSecret": {
            "Type": "AWS::SecretsManager::Secret",
            "Metadata": {"Local": {"FromSetting": {"SecretString": "BankWebhookSecretValue"}}},
            "Properties": {
                "Name": f"{PRODUCT}/{stage}/bank-webhook",
                "Description": "HMAC key the bank signs payment webhooks with; give it to the bank over a secure channel",
                "GenerateSecretString": {"PasswordLength": 64, "ExcludePunctuation": True},
            },
        },
        "PublicUrlParameter": {
            "Type": "AWS::SSM::Parameter",
            "Metadata": {"Local": {"FromSetting": {"Value": "PublicUrl"}}},
            "Properties": {
                "Name": public_url_parameter(stage),
                "Type": "String",
                "Description": "Where people reach Ventanilla: web at /, API at /api (read by the functions at cold start)",
                "Value": _sub("https://${WebDistribution.DomainName}"),
            },
        },
        # Two-way SMS replies (STOP/BAJA) reach the app's ``sms_inbound`` function.
        "SmsInboundSubscription": {
            "Type": "AWS::SNS::Subscription",
            "Metadata": AWS_ONLY,
            "Properties": {
                "TopicArn": {"Ref": "SmsTopic"},
                "Protocol": "lambda",
                "Endpoint": {"Fn::GetAtt": [function_logical_id(SMS_INBOUND), "Arn"]},
            },
        },
        "SmsInboundPermission": {
            "Type": "AWS::Lambda::Permission",
            "Metadata": AWS_ONLY,
            "Properties": {
                "Action": "lambda:InvokeFunction",
                "FunctionName": {"Ref": function_logical_id(SMS_INBOUND)},
                "Principal": "sns.amazonaws.com",
                "SourceArn": {"Ref": "SmsTopic"},
            },
        },
        "UserPool": {
            "Type": "AWS::Cognito::UserPool",
            "DeletionPolicy": "Retain",
            "UpdateReplacePolicy": "Retain",
            "Properties": {
                "UserPoolName": resource_name(stage),
                "AutoVerifiedAttributes": ["phone_number"],
                "Schema": [{"Name": "phone_number", "AttributeDataType": "String", "Required": True, "Mutable": True}],
                "Policies": {
                    "PasswordPolicy": {
                        "MinimumLength": 10,
                        "RequireLowercase": True,
                        "RequireNumbers": True,
                        "RequireUppercase": True,
                        "RequireSymbols": False,
                    }
                },
            },
        },
        "UserPoolClient": {
            "Type": "AWS::Cognito::UserPoolClient",
            "Properties": {
                "ClientName": resource_name(stage, "web"),
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
                "RoleName": workflow_role_name(stage),
                "AssumeRolePolicyDocument": {
                    "Version": "2012-10-17",
                    "Statement": [
                        {
                            "Effect": "Allow",
                            "Principal": {"Service": "states.amazonaws.com"},
                            "Action": "sts:AssumeRole",
                        }
                    ],
                },
                "Policies": [
                    {
                        "PolicyName": "invoke-step-handlers",
                        "PolicyDocument": {
                            "Version": "2012-10-17",
                            "Statement": [
                                {
                                    "Effect": "Allow",
                                    "Action": "lambda:InvokeFunction",
                                    "Resource": sorted(handler_arns.values(), key=json.dumps),
                                }
                            ],
                        },
                    }
                ],
            },
        },
    }
    for name, statements in grants(stage).items():
        out[role_logical_id(name)] = _function_role(stage, name, statements)
        out[f"{function_logical_id(name)}Logs"] = {
            "Type": "AWS::Logs::LogGroup",
            "Metadata": AWS_ONLY,
            "Properties": {"LogGroupName": log_group_name(stage, name), "RetentionInDays": LOG_RETENTION_DAYS},
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
                "StateMachineName": state_machine_name(stage, code, version),
                "StateMachineType": "STANDARD",
                "RoleArn": {"Fn::GetAtt": ["WorkflowRole", "Arn"]},
                "DefinitionString": asl_path(code).read_text("utf-8"),
                "DefinitionSubstitutions": handler_arns,
            },
        }
    out.update(_web(stage))
    out.update(_monitoring(stage))
    return out


def _tls_only(bucket: str) -> dict[str, Any]:
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "TlsOnly",
                "Effect": "Deny",
                "Principal": "*",
                "Action": "s3:*",
                "Resource": [{"Fn::GetAtt": [bucket, "Arn"]}, _sub(f"${{{bucket}.Arn}}/*")],
                "Condition": {"Bool": {"aws:SecureTransport": "false"}},
            }
        ],
    }


def _web(stage: str) -> dict[str, Any]:
    """web/ in a private bucket and the API, both behind one CloudFront distribution:
    ``/`` serves the pages, ``/api/*`` goes to API Gateway's ``api`` stage (as locally)."""
    policy = _tls_only("WebBucket")
    policy["Statement"].append(
        {
            "Sid": "CloudFrontReadsPages",
            "Effect": "Allow",
            "Principal": {"Service": "cloudfront.amazonaws.com"},
            "Action": "s3:GetObject",
            "Resource": _sub("${WebBucket.Arn}/*"),
            "Condition": {
                "StringEquals": {
                    "AWS:SourceArn": _sub(
                        "arn:${AWS::Partition}:cloudfront::${AWS::AccountId}:distribution/${WebDistribution}"
                    )
                }
            },
        }
    )
    return {
        "WebBucket": {
            "Type": "AWS::S3::Bucket",
            "Metadata": AWS_ONLY,
            "Properties": {
                "BucketName": _sub(resource_name(stage, "web", "${AWS::AccountId}")),
                "BucketEncryption": {
                    "ServerSideEncryptionConfiguration": [{"ServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}]
                },
                "PublicAccessBlockConfiguration": {
                    "BlockPublicAcls": True,
                    "BlockPublicPolicy": True,
                    "IgnorePublicAcls": True,
                    "RestrictPublicBuckets": True,
                },
                "OwnershipControls": {"Rules": [{"ObjectOwnership": "BucketOwnerEnforced"}]},
            },
        },
        "WebBucketPolicy": {
            "Type": "AWS::S3::BucketPolicy",
            "Metadata": AWS_ONLY,
            "Properties": {"Bucket": {"Ref": "WebBucket"}, "PolicyDocument": policy},
        },
        "WebOriginAccessControl": {
            "Type": "AWS::CloudFront::OriginAccessControl",
            "Metadata": AWS_ONLY,
            "Properties": {
                "OriginAccessControlConfig": {
                    "Name": resource_name(stage, "web"),
                    "OriginAccessControlOriginType": "s3",
                    "SigningBehavior": "always",
                    "SigningProtocol": "sigv4",
                }
            },
        },
        "WebDistribution": {
            "Type": "AWS::CloudFront::Distribution",
            "Metadata": AWS_ONLY,
            "Properties": {
                "DistributionConfig": {
                    "Comment": f"Ventanilla {stage}: web/ and /api",
                    "Enabled": True,
                    "HttpVersion": "http2and3",
                    "IPV6Enabled": True,
                    "PriceClass": "PriceClass_100",
                    "DefaultRootObject": "index.html",
                    "Origins": [
                        {
                            "Id": "web",
                            "DomainName": {"Fn::GetAtt": ["WebBucket", "RegionalDomainName"]},
                            "OriginAccessControlId": {"Fn::GetAtt": ["WebOriginAccessControl", "Id"]},
                            "S3OriginConfig": {"OriginAccessIdentity": ""},
                        },
                        {
                            "Id": "api",
                            "DomainName": _sub("${RestAPI}.execute-api.${AWS::Region}.${AWS::URLSuffix}"),
                            "CustomOriginConfig": {
                                "OriginProtocolPolicy": "https-only",
                                "OriginSSLProtocols": ["TLSv1.2"],
                            },
                        },
                    ],
                    "DefaultCacheBehavior": {
                        "TargetOriginId": "web",
                        "ViewerProtocolPolicy": "redirect-to-https",
                        "CachePolicyId": CACHING_OPTIMIZED,
                        "ResponseHeadersPolicyId": SECURITY_HEADERS,
                        "Compress": True,
                    },
                    "CacheBehaviors": [
                        {
                            "PathPattern": "/api/*",
                            "TargetOriginId": "api",
                            "ViewerProtocolPolicy": "https-only",
                            "AllowedMethods": ["GET", "HEAD", "OPTIONS", "PUT", "PATCH", "POST", "DELETE"],
                            "CachePolicyId": CACHING_DISABLED,
                            "OriginRequestPolicyId": ALL_VIEWER_EXCEPT_HOST,
                            "ResponseHeadersPolicyId": SECURITY_HEADERS,
                        },
                        {
                            "PathPattern": "/config.json",
                            "TargetOriginId": "web",
                            "ViewerProtocolPolicy": "redirect-to-https",
                            "CachePolicyId": CACHING_DISABLED,
                        },
                    ],
                    "ViewerCertificate": {"CloudFrontDefaultCertificate": True},
                }
            },
        },
    }


def _metric(name: str, stat: str, **dimensions: Any) -> dict[str, Any]:
    return {
        "MetricName": name,
        "Statistic": stat,
        "Dimensions": [{"Name": key, "Value": value} for key, value in dimensions.items()],
    }


def _alarm(
    stage: str,
    name: str,
    description: str,
    metric: dict[str, Any],
    threshold: float,
    period: int = 300,
    evaluation: int = 1,
    namespace: str = METRICS_NAMESPACE,
) -> dict[str, Any]:
    return {
        "Type": "AWS::CloudWatch::Alarm",
        "Metadata": AWS_ONLY,
        "Properties": {
            "AlarmName": resource_name(stage, name),
            "AlarmDescription": description,
            "Namespace": namespace,
            **metric,
            "Period": period,
            "EvaluationPeriods": evaluation,
            "Threshold": threshold,
            "ComparisonOperator": "GreaterThanOrEqualToThreshold",
            "TreatMissingData": "notBreaching",
            "AlarmActions": [{"Ref": "AlertsTopic"}],
            "OKActions": [{"Ref": "AlertsTopic"}],
        },
    }


def _monitoring(stage: str) -> dict[str, Any]:
    failed_log_group = f"/aws/events/{resource_name(stage, 'failed-executions')}"
    return {
        "AlertsTopic": {
            "Type": "AWS::SNS::Topic",
            "Metadata": AWS_ONLY,
            "Properties": {"TopicName": resource_name(stage, "alerts")},
        },
        "AlertsEmail": {
            "Type": "AWS::SNS::Subscription",
            "Condition": "HasAlertEmail",
            "Metadata": AWS_ONLY,
            "Properties": {"TopicArn": {"Ref": "AlertsTopic"}, "Protocol": "email", "Endpoint": {"Ref": "AlertEmail"}},
        },
        "FailedExecutionsLog": {
            "Type": "AWS::Logs::LogGroup",
            "Metadata": AWS_ONLY,
            "Properties": {"LogGroupName": failed_log_group, "RetentionInDays": LOG_RETENTION_DAYS},
        },
        "FailedExecutionsLogPolicy": {
            "Type": "AWS::Logs::ResourcePolicy",
            "Metadata": AWS_ONLY,
            "Properties": {
                "PolicyName": resource_name(stage, "failed-executions"),
                "PolicyDocument": _sub(
                    json.dumps(
                        {
                            "Version": "2012-10-17",
                            "Statement": [
                                {
                                    "Effect": "Allow",
                                    "Principal": {"Service": ["events.amazonaws.com", "delivery.logs.amazonaws.com"]},
                                    "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
                                    "Resource": "${FailedExecutionsLog.Arn}",
                                }
                            ],
                        }
                    )
                ),
            },
        },
        "FailedExecutionsRule": {
            "Type": "AWS::Events::Rule",
            "Metadata": AWS_ONLY,
            "Properties": {
                "Name": resource_name(stage, "failed-executions"),
                "Description": "Every procedure execution that ends FAILED, TIMED_OUT or ABORTED (any version, also those published later)",
                "EventPattern": {
                    "source": ["aws.states"],
                    "detail-type": ["Step Functions Execution Status Change"],
                    "detail": {
                        "status": ["FAILED", "TIMED_OUT", "ABORTED"],
                        "stateMachineArn": [
                            {
                                "prefix": _sub(
                                    f"arn:${{AWS::Partition}}:states:${{AWS::Region}}:${{AWS::AccountId}}:stateMachine:{state_machine_prefix(stage)}"
                                )
                            }
                        ],
                    },
                },
                "Targets": [{"Id": "log", "Arn": {"Fn::GetAtt": ["FailedExecutionsLog", "Arn"]}}],
            },
        },
        "FailedExecutionsAlarm": _alarm(
            stage,
            "failed-executions",
            f"A procedure execution failed: its application is in error. The executions are logged in {failed_log_group}.",
            _metric("TriggeredRules", "Sum", RuleName=resource_name(stage, "failed-executions")),
            1,
            namespace="AWS/Events",
        ),
        "NearDeadlineAlarm": _alarm(
            stage,
            "reviews-near-deadline",
            "Reviews are within one business day of their legal deadline (afirmativa/negativa ficta follows). See the dashboard per agency.",
            _metric("ReviewsNearDeadline", "Maximum", stage=stage),
            1,
            period=3600,
        ),
        "Api5xxAlarm": _alarm(
            stage,
            "api-5xx-rate",
            "More than 1% of API requests answered 5xx for 10 minutes.",
            _metric("5XXError", "Average", ApiName=resource_name(stage), Stage="api"),
            0.01,
            evaluation=2,
            namespace="AWS/ApiGateway",
        ),
        "SmsFailuresAlarm": _alarm(
            stage,
            "sms-failures",
            "SNS refused SMS messages (spend limit, opted-out number, throttling): citizens are not being told.",
            _metric("SmsFailed", "Sum", stage=stage),
            1,
        ),
        "Dashboard": {
            "Type": "AWS::CloudWatch::Dashboard",
            "Metadata": AWS_ONLY,
            "Properties": {"DashboardName": resource_name(stage), "DashboardBody": _sub(json.dumps(dashboard(stage)))},
        },
    }


def dashboard(stage: str) -> dict[str, Any]:
    """The operator's dashboard: outcomes per procedure, people's wait, SMS, API and functions."""
    ns = METRICS_NAMESPACE

    def search(metric: str, stat: str, dims: str = "stage,procedure") -> list[list[dict[str, str]]]:
        return [
            [
                {
                    "expression": f"SEARCH('{{{ns},{dims}}} MetricName=\"{metric}\" stage=\"{stage}\"', '{stat}', 3600)",
                    "id": metric.lower(),
                    "label": "",
                }
            ]
        ]

    def widget(title: str, metrics: list[Any], x: int, y: int, stat: str = "Sum", period: int = 3600) -> dict[str, Any]:
        return {
            "type": "metric",
            "x": x,
            "y": y,
            "width": 12,
            "height": 6,
            "properties": {
                "title": title,
                "region": "${AWS::Region}",
                "metrics": metrics,
                "stat": stat,
                "period": period,
                "view": "timeSeries",
            },
        }

    functions = [function_name(stage, name) for name in FUNCTIONS]
    return {
        "widgets": [
            widget("Applications submitted per procedure", search("ApplicationsSubmitted", "Sum"), 0, 0),
            widget("Applications issued per procedure", search("ApplicationsIssued", "Sum"), 12, 0),
            widget("Review time (seconds, p90) per procedure", search("ReviewTime", "p90"), 0, 6, stat="p90"),
            widget("Deemed approvals (afirmativa ficta) per procedure", search("DeemedApprovals", "Sum"), 12, 6),
            widget(
                "Reviews near their legal deadline",
                [[ns, "ReviewsNearDeadline", "stage", stage]],
                0,
                12,
                stat="Maximum",
            ),
            widget(
                "SMS segments sent / failed",
                [[ns, "SmsSegmentsSent", "stage", stage], [ns, "SmsFailed", "stage", stage]],
                12,
                12,
            ),
            widget(
                "API requests, 4xx, 5xx",
                [
                    ["AWS/ApiGateway", "Count", "ApiName", resource_name(stage), "Stage", "api"],
                    [".", "4XXError", ".", ".", ".", "."],
                    [".", "5XXError", ".", ".", ".", "."],
                ],
                0,
                18,
                period=300,
            ),
            widget(
                "API latency p90 (ms)",
                [["AWS/ApiGateway", "Latency", "ApiName", resource_name(stage), "Stage", "api"]],
                12,
                18,
                stat="p90",
                period=300,
            ),
            widget(
                "Function errors",
                [["AWS/Lambda", "Errors", "FunctionName", name] for name in functions],
                0,
                24,
                period=300,
            ),
            widget(
                "Failed executions",
                [["AWS/Events", "TriggeredRules", "RuleName", resource_name(stage, "failed-executions")]],
                12,
                24,
                period=300,
            ),
        ]
    }


def parameters() -> dict[str, Any]:
    """Stack parameters of the AWS template (the local stack takes its settings from ``infra/local``)."""
    return {
        "AlertEmail": {
            "Type": "String",
            "Default": "",
            "Description": "Address that receives the alarms (confirm the subscription e-mail); empty for none",
        }
    }


def conditions() -> dict[str, Any]:
    return {"HasAlertEmail": {"Fn::Not": [{"Fn::Equals": [{"Ref": "AlertEmail"}, ""]}]}}


def outputs(stage: str) -> dict[str, Any]:
    """What ``make deploy`` and the operator need after a deployment."""
    return {
        "PublicUrl": {"Value": _sub("https://${WebDistribution.DomainName}")},
        "ApiUrl": {"Value": _sub("https://${WebDistribution.DomainName}/api")},
        "DistributionId": {"Value": {"Ref": "WebDistribution"}},
        "WebBucket": {"Value": {"Ref": "WebBucket"}},
        "DocumentsBucket": {"Value": {"Ref": "DocumentsBucket"}},
        "TableName": {"Value": {"Ref": "Table"}},
        "UserPoolId": {"Value": {"Ref": "UserPool"}},
        "UserPoolClientId": {"Value": {"Ref": "UserPoolClient"}},
        "BankWebhookSecretArn": {"Value": {"Ref": "BankWebhookSecret"}},
        "AlertsTopicArn": {"Value": {"Ref": "AlertsTopic"}},
        "ApiFunctionName": {"Value": function_name(stage, API_HANDLER)},
    }


def aws_refs(stage: str) -> dict[str, Any]:
    """``environment``'s references as CloudFormation values (none depends on a function)."""
    arns = {
        placeholder: f"arn:${{AWS::Partition}}:lambda:${{AWS::Region}}:${{AWS::AccountId}}:function:{function_name(stage, step_function_name(role))}"
        for role, placeholder in HANDLERS.items()
    }
    return {
        "Table": {"Ref": "Table"},
        "DocumentsBucket": {"Ref": "DocumentsBucket"},
        "SigningKey": {"Ref": "SigningKey"},
        "UserPool": {"Ref": "UserPool"},
        "UserPoolClient": {"Ref": "UserPoolClient"},
        "SmsTopic": {"Ref": "SmsTopic"},
        "WorkflowRole.Arn": _sub(f"arn:${{AWS::Partition}}:iam::${{AWS::AccountId}}:role/{workflow_role_name(stage)}"),
        "StepHandlerArns": _sub(json.dumps(arns, sort_keys=True)),
        "PublicUrlParameter": public_url_parameter(stage),
        "BankWebhookSecret": {"Ref": "BankWebhookSecret"},
        "LegalDaySeconds": "86400",
    }


def environment(stage: str, refs: dict[str, Any]) -> dict[str, Any]:
    """The variables every function reads (``chalicelib.core.settings``), as template values.

    ``refs`` resolves a logical id (and attribute) to a value: CloudFormation intrinsics
    for AWS (``aws_refs``), physical names for the local stack.
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
        "PUBLIC_URL_PARAMETER": refs["PublicUrlParameter"],
        "BANK_WEBHOOK_SECRET_ARN": refs["BankWebhookSecret"],
        "LEGAL_DAY_SECONDS": refs["LegalDaySeconds"],
    }
