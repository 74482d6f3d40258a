"""Who may do what: one role per function with only the statements that function needs
(``grants``), the workflows' role, the KMS key policy and the buckets' TLS-only policy.

``Resource: "*"`` appears only where AWS accepts nothing else; each such statement is
named in ``WILDCARD_REASONS`` and carries a WILDCARD comment where it is written (the
tests count both).
"""

from __future__ import annotations

import json
from typing import Any

from chalicelib.core.names import API_HANDLER, function_name, step_function_name, workflow_role_name
from chalicelib.credentials import archive
from chalicelib.procedures.compiler import HANDLERS
from chalicelib.store.models import OWNER_INDEX
from infra.aws.stack.naming import (
    DEADLINE_WATCH,
    RETENTION,
    SMS_INBOUND,
    SMS_SEND_QUEUED,
    TABLE_EVENTS,
    VOICE_CALLBACK,
    VOICE_FOLIO,
    VOICE_STATUS,
    executions_arn,
    log_group_arn,
    parameter_arn,
    state_machines_arn,
    sub,
    workflow_role_arn,
)

# Statements whose Resource must be "*", and why; no other statement may use "*".
WILDCARD_REASONS = {
    "XRayHasNoResourceLevelPermissions": "xray:PutTraceSegments and PutTelemetryRecords accept only Resource '*'",
    "SmsToPhoneNumbersHasNoResource": "sns:Publish to a PhoneNumber (direct SMS) has no resource ARN, so IAM needs '*'",
    "TaskTokensHaveNoResource": (
        "states:SendTaskSuccess is authorised per task token, which has no ARN: only '*' is accepted"
    ),
    "AccountAdministersTheKey": (
        "in a key policy Resource '*' means the key itself (KMS accepts nothing else); IAM policies then grant each use"
    ),
}


def key_policy() -> dict[str, Any]:
    """KMS's default key policy, written out: the account administers the key, and IAM
    policies (the roles below) decide who may use it for what."""
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                # WILDCARD: a key policy's Resource is the key itself (see WILDCARD_REASONS).
                "Sid": "AccountAdministersTheKey",
                "Effect": "Allow",
                "Principal": {"AWS": sub("arn:${AWS::Partition}:iam::${AWS::AccountId}:root")},
                "Action": "kms:*",
                "Resource": "*",
            }
        ],
    }


# --- what each function may do -----------------------------------------------------------
def _allow(sid: str, actions: list[str], resources: list[Any] | str) -> dict[str, Any]:
    return {"Sid": sid, "Effect": "Allow", "Action": sorted(actions), "Resource": resources}


_TABLE = [{"Fn::GetAtt": ["Table", "Arn"]}]
_TABLE_AND_INDEXES = [{"Fn::GetAtt": ["Table", "Arn"]}, sub("${Table.Arn}/index/*")]
# Query: the SMS recipients (subscriptions) and a phone's opt-outs; DeleteItem: Powertools
# Idempotency drops the record of a delivery that failed, so that a retry can send it
_VOICE_GRANTS = ["dynamodb:GetItem", "dynamodb:Query", "dynamodb:UpdateItem"]
_STEP_WRITES = ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem", "dynamodb:Query"]


def _public_url(stage: str) -> dict[str, Any]:
    return _allow("ReadPublicUrl", ["ssm:GetParameter"], [parameter_arn(stage)])


def _sms() -> dict[str, Any]:
    # WILDCARD: SMS to a phone number has no resource ARN (see WILDCARD_REASONS).
    return _allow("SmsToPhoneNumbersHasNoResource", ["sns:Publish"], "*")


def _step(stage: str, *extra: dict[str, Any]) -> list[dict[str, Any]]:
    """A step handler: reads and changes its application (status, audit) and sends its SMS."""
    return [_allow("Applications", _STEP_WRITES, _TABLE), _sms(), _public_url(stage), *extra]


def _ask_registries(*actions: str) -> dict[str, Any]:
    """Requests to other registries are signed with the exchange key."""
    return _allow("AskRegistries", ["kms:Sign", *actions], [{"Fn::GetAtt": ["ExchangeKey", "Arn"]}])


def _step_grants(stage: str, role: str) -> list[dict[str, Any]]:
    """A step handler, by the role it plays (``compiler.HANDLERS``): every role reads and
    changes its application, but the wait, which only keeps a task token, and the lookup,
    which asks registries; issuing also signs and registers with the registries."""
    if role == "await":
        return [_allow("Applications", ["dynamodb:GetItem", "dynamodb:UpdateItem"], _TABLE), _public_url(stage)]
    if role == "lookup":
        # evidence from a credential: the holder's credentials are found in their record
        # (the by_owner index); the public URL, because the composition root reads it
        # when it builds the application services
        return [
            _allow("Applications", _STEP_WRITES, _TABLE),
            _allow("HoldersCredentials", ["dynamodb:Query"], [sub(f"${{Table.Arn}}/index/{OWNER_INDEX}")]),
            _ask_registries(),
            _public_url(stage),
        ]
    extra = {
        "issue": [
            _allow("SignCredentials", ["kms:Sign"], [{"Fn::GetAtt": ["SigningKey", "Arn"]}]),
            _ask_registries(),
            # the issued PDFs, written once under object lock (never deleted: no DeleteObject*,
            # no BypassGovernanceRetention anywhere in the stack)
            _allow(
                "KeepIssuedDocuments",
                ["s3:PutObject", "s3:PutObjectRetention"],
                [sub(f"${{IssuedDocumentsBucket.Arn}}/{archive.PREFIX}*")],
            ),
            _allow("IssuedDocumentsKey", ["kms:GenerateDataKey"], [{"Fn::GetAtt": ["DocumentsKey", "Arn"]}]),
        ],
    }
    return _step(stage, *extra.get(role, []))


def grants(stage: str) -> dict[str, list[dict[str, Any]]]:
    """Per function, the statements it needs beyond its own logs and traces."""
    documents = sub("${DocumentsBucket.Arn}/*")
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
            # the versions and the malware scan's tags: submit checks and records one version,
            # and the links it signs afterwards name that version
            _allow(
                "Documents",
                [
                    "s3:PutObject",
                    "s3:GetObject",
                    "s3:GetObjectVersion",
                    "s3:GetObjectTagging",
                    "s3:GetObjectVersionTagging",
                ],
                [documents],
            ),
            _allow("DocumentsKey", ["kms:GenerateDataKey", "kms:Decrypt"], [{"Fn::GetAtt": ["DocumentsKey", "Arn"]}]),
            _allow("VerifyCredentials", ["kms:Verify"], [{"Fn::GetAtt": ["SigningKey", "Arn"]}]),
            # the public half, published for offline checks (GET /.well-known/ventanilla-keys.json)
            _allow("PublishSigningKey", ["kms:GetPublicKey"], [{"Fn::GetAtt": ["SigningKey", "Arn"]}]),
            # filings and decisions are made here: their seals use a key of their own, so the API
            # never holds the key that signs licences and permits
            _allow(
                "SealFilingsAndResolutions",
                ["kms:Sign", "kms:Verify", "kms:GetPublicKey"],
                [{"Fn::GetAtt": ["SealingKey", "Arn"]}],
            ),
            # forms are pre-filled from the population registry; the exchange key's public half is
            # published beside the others, for the registries to trust
            _ask_registries("kms:GetPublicKey"),
            _allow("StartApplications", ["states:StartExecution"], [state_machines_arn(stage)]),
            _allow(
                "PublishProcedures",
                ["states:CreateStateMachine", "states:DescribeStateMachine"],
                [state_machines_arn(stage)],
            ),
            _allow("ExecutionStatus", ["states:DescribeExecution"], [executions_arn(stage)]),
            # a citizen who withdraws an application stops its execution (waits and timers with it)
            _allow("WithdrawApplications", ["states:StopExecution"], [executions_arn(stage)]),
            # WILDCARD: task tokens have no ARN (see WILDCARD_REASONS).
            _allow("TaskTokensHaveNoResource", ["states:SendTaskSuccess"], "*"),
            {
                "Sid": "PassWorkflowRole",
                "Effect": "Allow",
                "Action": ["iam:PassRole"],
                "Resource": [workflow_role_arn(stage)],
                "Condition": {"StringEquals": {"iam:PassedToService": "states.amazonaws.com"}},
            },
            _allow("CitizenProfiles", ["cognito-idp:AdminGetUser"], [{"Fn::GetAtt": ["UserPool", "Arn"]}]),
            # an e.firma opens the account of its CURP, or takes over one nobody proved: new password and
            # phone, every refresh token revoked
            _allow(
                "EfirmaAccounts",
                [
                    "cognito-idp:AdminCreateUser",
                    "cognito-idp:AdminSetUserPassword",
                    "cognito-idp:AdminUpdateUserAttributes",
                    "cognito-idp:AdminUserGlobalSignOut",
                ],
                [{"Fn::GetAtt": ["UserPool", "Arn"]}],
            ),
            _allow("BankWebhookSecret", ["secretsmanager:GetSecretValue"], [{"Ref": "BankWebhookSecret"}]),
            _allow("CursorSecret", ["secretsmanager:GetSecretValue"], [{"Ref": "CursorSecret"}]),
            _sms(),
            _public_url(stage),
        ],
        **{step_function_name(role): _step_grants(stage, role) for role in HANDLERS},
        DEADLINE_WATCH: [_allow("OpenReviews", ["dynamodb:Query"], _TABLE_AND_INDEXES)],
        SMS_INBOUND: [_allow("Consent", _STEP_WRITES, _TABLE_AND_INDEXES), _sms(), _public_url(stage)],
        SMS_SEND_QUEUED: [_allow("HeldMessages", _STEP_WRITES, _TABLE_AND_INDEXES), _sms(), _public_url(stage)],
        # the status line reads whom a phone is linked to, their applications and the catalogue, and
        # counts each status answered in the open data by channel (one UpdateItem)
        VOICE_STATUS: [_allow("LinkedApplications", _VOICE_GRANTS, _TABLE_AND_INDEXES), _public_url(stage)],
        VOICE_FOLIO: [_allow("LinkedApplications", _VOICE_GRANTS, _TABLE_AND_INDEXES), _public_url(stage)],
        # a callback asked by telephone: the request, the audit event and the application, one transaction
        VOICE_CALLBACK: [
            _allow("RequestCallbacks", [*_STEP_WRITES, "dynamodb:ConditionCheckItem"], _TABLE_AND_INDEXES),
            _public_url(stage),
        ],
        # what follows each change: statistics (a transaction per event) and SMS, from the stream
        TABLE_EVENTS: [
            _allow("Records", [*_STEP_WRITES, "dynamodb:ConditionCheckItem"], _TABLE_AND_INDEXES),
            _allow(
                "TableStream",
                ["dynamodb:DescribeStream", "dynamodb:GetRecords", "dynamodb:GetShardIterator"],
                [{"Fn::GetAtt": ["Table", "StreamArn"]}],
            ),
            _allow("StreamsToList", ["dynamodb:ListStreams"], [sub("${Table.Arn}/stream/*")]),
            _allow("FailedBatches", ["sqs:SendMessage"], [{"Fn::GetAtt": ["FailedEvents", "Arn"]}]),
            # a review's deadline warning texts the agency's officials (their phones are in the user pool)
            _allow("WarnOfficials", ["cognito-idp:ListUsersInGroup"], [{"Fn::GetAtt": ["UserPool", "Arn"]}]),
            _sms(),
            _public_url(stage),
        ],
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


def function_role(stage: str, name: str, statements: list[dict[str, Any]]) -> dict[str, Any]:
    base = [
        _allow("OwnLogs", ["logs:CreateLogStream", "logs:PutLogEvents"], [log_group_arn(stage, name)]),
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


def private_bucket() -> dict[str, Any]:
    """Properties every bucket has: nothing in it is ever public, whatever an ACL or a policy
    asks, and every object belongs to the bucket's account (ACLs off)."""
    return {
        "PublicAccessBlockConfiguration": {
            "BlockPublicAcls": True,
            "BlockPublicPolicy": True,
            "IgnorePublicAcls": True,
            "RestrictPublicBuckets": True,
        },
        "OwnershipControls": {"Rules": [{"ObjectOwnership": "BucketOwnerEnforced"}]},
    }


def tls_only(bucket: str) -> dict[str, Any]:
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "TlsOnly",
                "Effect": "Deny",
                "Principal": "*",
                "Action": "s3:*",
                "Resource": [{"Fn::GetAtt": [bucket, "Arn"]}, sub(f"${{{bucket}.Arn}}/*")],
                "Condition": {"Bool": {"aws:SecureTransport": "false"}},
            }
        ],
    }


def workflow_role(stage: str, handler_arns: dict[str, Any]) -> dict[str, Any]:
    """The state machines' role: it may invoke the step handlers and nothing else."""
    return {
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
    }
