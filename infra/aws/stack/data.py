"""What holds the citizens' records and runs their procedures: the table, the documents'
bucket and keys, the signing, sealing and exchange keys, the SMS topic, the bank's secret,
the public URL parameter, the user pool and its groups, and one state machine per shipped
procedure version.

The records' resources are retained when the stack is deleted (``DeletionPolicy:
Retain``): they hold citizens' data, which outlives any one deployment.
"""

from __future__ import annotations

from typing import Any

from chalice.utils import to_cfn_resource_name

from chalicelib.core.names import PRODUCT, UPLOADS_PREFIX, public_url_parameter, resource_name, state_machine_name
from chalicelib.credentials import archive
from chalicelib.identity import groups, passwords
from chalicelib.procedures import jurisdictions
from chalicelib.store.models import table_schema
from infra.aws.stack.iam import key_policy, private_bucket, tls_only
from infra.aws.stack.naming import (
    AWS_ONLY,
    SMS_INBOUND,
    STREAM_POLLER,
    TABLE_EVENTS,
    asl_path,
    function_logical_id,
    state_machine_logical_id,
    sub,
)

# Community centres whose helpers file for citizens (group ``assistant-<centre>``); an
# operator adds a centre here (and redeploys) or creates its group in the user pool.
COMMUNITY_CENTRES = ("CDC-OAXACA",)
# Call centres whose agents file for callers by phone (group ``callcentre-<centre>``), added the same way.
CALL_CENTRES = ("LINEA-VENTANILLA",)
# States and municipalities (INEGI codes) whose publishers (group ``admin-<code>``) exist
# beyond those the shipped procedures answer to: Oaxaca's state publishes its own from scratch.
PUBLISHING_JURISDICTIONS = ("20",)


def agency_groups(definitions: list[dict[str, Any]]) -> list[str]:
    agencies = sorted({code for definition in definitions for code in definition["agencies"]})
    staff = [group(agency) for agency in agencies for group in (groups.official, groups.supervisor)]
    publishers = [groups.publisher(code) for code in publishing_jurisdictions(definitions)]
    return [
        groups.ADMIN,
        groups.PRIVACY_OFFICER,
        *staff,
        *(groups.assistant(centre) for centre in COMMUNITY_CENTRES),
        *(groups.call_centre(centre) for centre in CALL_CENTRES),
        *publishers,
    ]


def publishing_jurisdictions(definitions: list[dict[str, Any]]) -> list[str]:
    """Every state or municipality a shipped procedure (or one of its agencies) answers to."""
    found = {jurisdictions.code(jurisdictions.of(definition)) for definition in definitions}
    found |= {
        jurisdictions.code(jurisdiction)
        for definition in definitions
        for jurisdiction in definition.get("agency_jurisdictions", {}).values()
    }
    return sorted({code for code in found if code} | set(PUBLISHING_JURISDICTIONS))


def documents_policy() -> dict[str, Any]:
    """The documents bucket's one policy: TLS only, and uploads created, never replaced.  A
    PUT under the uploads prefix without ``If-None-Match`` is refused for everyone, so a
    presigned link (which signs ``If-None-Match: *``) writes its key once and no credential
    overwrites a citizen's file afterwards; submit records the version it checked as well."""
    policy = tls_only("DocumentsBucket")
    create_only = {
        "Sid": "UploadsCreateOnly",
        "Effect": "Deny",
        "Principal": "*",
        "Action": "s3:PutObject",
        "Resource": sub(f"${{DocumentsBucket.Arn}}/{UPLOADS_PREFIX}*"),
        "Condition": {"Null": {"s3:if-none-match": "true"}},
    }
    return {**policy, "Statement": [*policy["Statement"], create_only]}


def resources(stage: str) -> dict[str, Any]:
    """The table, the documents' bucket and keys, SMS, the bank's secret, the public URL and the user pool."""
    schema = table_schema()
    return {
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
                "KeyPolicy": key_policy(),
            },
        },
        "DocumentsBucket": {
            "Type": "AWS::S3::Bucket",
            "DeletionPolicy": "Retain",
            "UpdateReplacePolicy": "Retain",
            "Properties": {
                "BucketName": sub(resource_name(stage, "documents", "${AWS::AccountId}")),
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
                **private_bucket(),
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
            "Properties": {"Bucket": {"Ref": "DocumentsBucket"}, "PolicyDocument": documents_policy()},
        },
        # its own bucket: object lock is set when a bucket is created (turning it on for the
        # documents' bucket in the template would replace that bucket), and the uploads'
        # purge at the end of their retention must never meet a locked version
        "IssuedDocumentsBucket": {
            "Type": "AWS::S3::Bucket",
            "DeletionPolicy": "Retain",
            "UpdateReplacePolicy": "Retain",
            "Properties": {
                "BucketName": sub(resource_name(stage, "issued", "${AWS::AccountId}")),
                "VersioningConfiguration": {"Status": "Enabled"},
                "ObjectLockEnabled": True,
                "ObjectLockConfiguration": {
                    "ObjectLockEnabled": "Enabled",
                    "Rule": {"DefaultRetention": {"Mode": archive.LOCK_MODE, "Days": archive.DEFAULT_LOCK_DAYS}},
                },
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
                **private_bucket(),
            },
        },
        "IssuedDocumentsBucketTlsOnly": {
            "Type": "AWS::S3::BucketPolicy",
            "Metadata": AWS_ONLY,
            "Properties": {
                "Bucket": {"Ref": "IssuedDocumentsBucket"},
                "PolicyDocument": tls_only("IssuedDocumentsBucket"),
            },
        },
        "SigningKey": {
            "Type": "AWS::KMS::Key",
            "DeletionPolicy": "Retain",
            "UpdateReplacePolicy": "Retain",
            "Properties": {
                "Description": f"Ventanilla {stage}: signs issued licences and permits",
                "KeySpec": "ECC_NIST_P256",
                "KeyUsage": "SIGN_VERIFY",
                "KeyPolicy": key_policy(),
            },
        },
        "SealingKey": {
            "Type": "AWS::KMS::Key",
            "DeletionPolicy": "Retain",
            "UpdateReplacePolicy": "Retain",
            "Properties": {
                "Description": f"Ventanilla {stage}: seals acuses de recibo and officials' resolutions",
                "KeySpec": "ECC_NIST_P256",
                "KeyUsage": "SIGN_VERIFY",
                "KeyPolicy": key_policy(),
            },
        },
        # the registries Ventanilla asks trust this key's public half (docs/deploy.md, "Connecting registries")
        "ExchangeKey": {
            "Type": "AWS::KMS::Key",
            "DeletionPolicy": "Retain",
            "UpdateReplacePolicy": "Retain",
            "Properties": {
                "Description": f"Ventanilla {stage}: signs Ventanilla's requests to other registries",
                "KeySpec": "ECC_NIST_P256",
                "KeyUsage": "SIGN_VERIFY",
                "KeyPolicy": key_policy(),
            },
        },
        "SmsTopic": {"Type": "AWS::SNS::Topic", "Properties": {"TopicName": resource_name(stage, "sms-inbound")}},
        "BankWebhookSecret": {
            "Type": "AWS::SecretsManager::Secret",
            "Metadata": {"Local": {"FromSetting": {"SecretString": "BankWebhookSecretValue"}}},
            "Properties": {
                "Name": f"{PRODUCT}/{stage}/bank-webhook",
                "Description": (
                    "HMAC key the bank signs payment webhooks with; give it to the bank over a secure channel"
                ),
                "GenerateSecretString": {"PasswordLength": 64, "ExcludePunctuation": True},
            },
        },
        "CursorSecret": {
            "Type": "AWS::SecretsManager::Secret",
            "Properties": {
                "Name": f"{PRODUCT}/{stage}/cursors",
                "Description": "HMAC key that seals the cursors of paged lists (changing it only restarts open lists)",
                "GenerateSecretString": {"PasswordLength": 64, "ExcludePunctuation": True},
            },
        },
        "PublicUrlParameter": {
            "Type": "AWS::SSM::Parameter",
            "Metadata": {"Local": {"FromSetting": {"Value": "PublicUrl"}}},
            "Properties": {
                "Name": public_url_parameter(stage),
                "Type": "String",
                "Description": (
                    "Where people reach Ventanilla: web at /, API at /api (read by the functions at cold start)"
                ),
                "Value": sub("https://${WebDistribution.DomainName}"),
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
        # The table's stream drives everything that follows a change (chalicelib/events): a
        # batch whose retries run out is described in this queue, for ``ops events-replay``.
        "FailedEvents": {
            "Type": "AWS::SQS::Queue",
            "Properties": {
                "QueueName": resource_name(stage, "failed-events"),
                "MessageRetentionPeriod": 14 * 24 * 3600,
                "SqsManagedSseEnabled": True,
            },
        },
        # Locally, infra/local/streams.py polls the stream with these very settings.
        "TableEventsMapping": {
            "Type": "AWS::Lambda::EventSourceMapping",
            "Metadata": STREAM_POLLER,
            "Properties": {
                "EventSourceArn": {"Fn::GetAtt": ["Table", "StreamArn"]},
                "FunctionName": {"Ref": function_logical_id(TABLE_EVENTS)},
                "StartingPosition": "TRIM_HORIZON",
                "BatchSize": 100,
                "MaximumBatchingWindowInSeconds": 1,
                "FunctionResponseTypes": ["ReportBatchItemFailures"],
                "MaximumRetryAttempts": 10,
                "DestinationConfig": {"OnFailure": {"Destination": {"Fn::GetAtt": ["FailedEvents", "Arn"]}}},
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
                "Policies": {"PasswordPolicy": dict(passwords.POLICY)},
            },
        },
        "UserPoolClient": {
            "Type": "AWS::Cognito::UserPoolClient",
            "Properties": {
                "ClientName": resource_name(stage, "web"),
                "UserPoolId": {"Ref": "UserPool"},
                "ExplicitAuthFlows": ["ALLOW_USER_PASSWORD_AUTH", "ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
                # what the ID token carries: the name signs resolutions, the locale picks the language
                "ReadAttributes": ["name", "phone_number", "phone_number_verified", "locale"],
                "GenerateSecret": False,
                "IdTokenValidity": 60,
                "TokenValidityUnits": {"IdToken": "minutes"},
                # signing out (a shared kiosk above all) revokes the refresh token in Cognito
                "EnableTokenRevocation": True,
            },
        },
    }


def user_pool_groups(definitions: list[dict[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for group in agency_groups(definitions):
        out[f"Group{to_cfn_resource_name(group.replace('-', '_'))}"] = {
            "Type": "AWS::Cognito::UserPoolGroup",
            "Properties": {"GroupName": group, "UserPoolId": {"Ref": "UserPool"}},
        }
    return out


def state_machines(stage: str, definitions: list[dict[str, Any]], handler_arns: dict[str, Any]) -> dict[str, Any]:
    """One per procedure version, named after it: running applications keep their version's machine."""
    out: dict[str, Any] = {}
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
    return out
