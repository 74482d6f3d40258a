"""One role per function, with only what that function does; '*' only where AWS requires it."""

from __future__ import annotations

from typing import Any

import pytest

from infra.aws import stack
from tests.infra import checks
from tests.infra.conftest import Built, mutated

API = stack.function_logical_id(stack.API_HANDLER)
STEPS = [
    stack.handler_logical_id(role)
    for role in ("check", "open", "await", "deadline", "issue", "close", "fail", "lookup")
]
LOOKUP = stack.handler_logical_id("lookup")
WATCH = stack.function_logical_id(stack.DEADLINE_WATCH)
RETENTION = stack.function_logical_id(stack.RETENTION)
STATE_MACHINES = "arn:aws:states:us-east-1:123456789012:stateMachine:ventanilla-prod-licencia-conducir-v1"
EXECUTIONS = "arn:aws:states:us-east-1:123456789012:execution:ventanilla-prod-licencia-conducir-v1:8Q9FQ5PXS4-1"
PARAMETER = "arn:aws:ssm:us-east-1:123456789012:parameter/ventanilla/prod/public-url"


def test_each_function_has_a_role_of_its_own(built: Built) -> None:
    roles = {logical_id: checks.role_of(built.template, logical_id) for logical_id in checks.functions(built.template)}
    assert roles == {stack.function_logical_id(name): stack.role_logical_id(name) for name in stack.FUNCTIONS}


def test_no_resource_wildcard_except_the_commented_cases_aws_requires(built: Built) -> None:
    assert checks.wildcard_problems(built.template) == []
    api = checks.statements(built.template, stack.role_logical_id(stack.API_HANDLER))
    wildcards = {statement["Sid"]: statement["Action"] for statement in api if statement["Resource"] == "*"}
    assert wildcards == {
        "XRayHasNoResourceLevelPermissions": ["xray:PutTelemetryRecords", "xray:PutTraceSegments"],
        "SmsToPhoneNumbersHasNoResource": ["sns:Publish"],
        "TaskTokensHaveNoResource": ["states:SendTaskSuccess"],
    }
    source = "".join(path.read_text("utf-8") for path in sorted((stack.ROOT / "infra" / "aws" / "stack").glob("*.py")))
    assert source.count("# WILDCARD:") == len(stack.WILDCARD_REASONS)


# (function, action, resource, allowed): what each function needs, and what it must not have.
RULES = [
    (stack.handler_logical_id("issue"), "kms:Sign", "SigningKey", True),
    (API, "kms:Sign", "SigningKey", False),
    *[(step, "kms:Sign", "SigningKey", False) for step in STEPS if step != stack.handler_logical_id("issue")],
    (API, "kms:Verify", "SigningKey", True),
    (API, "kms:GetPublicKey", "SigningKey", True),
    (API, "kms:Sign", "SealingKey", True),
    (API, "kms:Verify", "SealingKey", True),
    *[(step, "kms:Sign", "SealingKey", False) for step in STEPS],
    (API, "kms:GetPublicKey", "DocumentsKey", False),
    (API, "dynamodb:Query", "Table/index/by_owner", True),
    (API, "dynamodb:DeleteItem", "Table", True),  # Powertools Idempotency drops the record of a failed command
    (API, "dynamodb:Scan", "Table", False),
    (API, "s3:DeleteObjectVersion", "DocumentsBucket/applications/X/ine.pdf", False),
    (RETENTION, "s3:DeleteObjectVersion", "DocumentsBucket/applications/X/ine.pdf", True),
    (RETENTION, "s3:ListBucketVersions", "DocumentsBucket", True),
    (RETENTION, "dynamodb:Query", "Table/index/by_queue", True),
    (RETENTION, "kms:Sign", "SigningKey", False),
    (RETENTION, "sns:Publish", "*", False),
    (stack.function_logical_id(stack.TABLE_EVENTS), "cognito-idp:ListUsersInGroup", "UserPool", True),
    (stack.function_logical_id(stack.TABLE_EVENTS), "sqs:SendMessage", "FailedEvents", True),
    (stack.function_logical_id(stack.TABLE_EVENTS), "states:StartExecution", STATE_MACHINES, False),
    (stack.handler_logical_id("deadline"), "cognito-idp:ListUsersInGroup", "UserPool", False),
    (stack.handler_logical_id("check"), "cognito-idp:ListUsersInGroup", "UserPool", False),
    (API, "s3:PutObject", "DocumentsBucket/applications/X/ine.pdf", True),
    (API, "s3:GetObjectVersion", "DocumentsBucket/applications/X/ine.pdf", True),
    (API, "s3:GetObjectVersionTagging", "DocumentsBucket/applications/X/ine.pdf", True),
    (API, "s3:PutObjectTagging", "DocumentsBucket/applications/X/ine.pdf", False),
    (stack.handler_logical_id("issue"), "s3:PutObject", "IssuedDocumentsBucket/issued/X.pdf", True),
    (stack.handler_logical_id("issue"), "s3:PutObjectRetention", "IssuedDocumentsBucket/issued/X.pdf", True),
    *[
        (function, action, "IssuedDocumentsBucket/issued/X.pdf", False)
        for function in (API, RETENTION, *STEPS)
        for action in ("s3:DeleteObject", "s3:DeleteObjectVersion", "s3:BypassGovernanceRetention")
    ],
    (API, "s3:PutObject", "IssuedDocumentsBucket/issued/X.pdf", False),
    (API, "kms:GenerateDataKey", "DocumentsKey", True),
    (API, "states:StartExecution", STATE_MACHINES, True),
    (API, "states:StartExecution", "arn:aws:states:us-east-1:123456789012:stateMachine:other-app", False),
    (API, "states:CreateStateMachine", STATE_MACHINES, True),
    (API, "states:StopExecution", EXECUTIONS, True),
    (API, "states:StopExecution", "arn:aws:states:us-east-1:123456789012:execution:other-app:X-1", False),
    *[(step, "states:StopExecution", EXECUTIONS, False) for step in STEPS],
    (API, "secretsmanager:GetSecretValue", "BankWebhookSecret", True),
    (API, "secretsmanager:GetSecretValue", "CursorSecret", True),
    (API, "cognito-idp:AdminGetUser", "UserPool", True),
    *[
        (API, f"cognito-idp:{action}", "UserPool", True)
        for action in ("AdminCreateUser", "AdminSetUserPassword", "AdminUpdateUserAttributes", "AdminUserGlobalSignOut")
    ],
    *[
        (step, f"cognito-idp:{action}", "UserPool", False)
        for step in STEPS
        for action in ("AdminCreateUser", "AdminSetUserPassword", "AdminUserGlobalSignOut")
    ],
    (API, "cognito-idp:AdminDeleteUser", "UserPool", False),
    (API, "cognito-idp:AdminAddUserToGroup", "UserPool", False),
    (API, "ssm:GetParameter", PARAMETER, True),
    *[(step, "secretsmanager:GetSecretValue", "BankWebhookSecret", False) for step in STEPS],
    *[(step, "secretsmanager:GetSecretValue", "CursorSecret", False) for step in STEPS],
    *[(step, "states:CreateStateMachine", STATE_MACHINES, False) for step in STEPS],
    *[(step, "s3:GetObject", "DocumentsBucket/applications/X/ine.pdf", False) for step in STEPS],
    *[(step, "cognito-idp:AdminGetUser", "UserPool", False) for step in STEPS],
    *[(step, "dynamodb:UpdateItem", "Table", True) for step in STEPS],
    *[(step, "ssm:GetParameter", PARAMETER, True) for step in STEPS],
    (stack.handler_logical_id("check"), "sns:Publish", "*", True),
    (LOOKUP, "sns:Publish", "*", False),
    (LOOKUP, "dynamodb:Query", "Table/index/by_owner", True),  # evidence from a credential: the holder's record
    (LOOKUP, "dynamodb:Query", "Table/index/by_queue", False),
    (stack.handler_logical_id("open"), "dynamodb:Query", "Table/index/by_owner", False),
    (stack.handler_logical_id("await"), "sns:Publish", "*", False),
    (stack.handler_logical_id("await"), "dynamodb:PutItem", "Table", False),
    (WATCH, "dynamodb:Query", "Table/index/by_queue", True),
    (WATCH, "dynamodb:UpdateItem", "Table", False),
    (WATCH, "sns:Publish", "*", False),
    (API, "logs:PutLogEvents", "arn:aws:logs:us-east-1:123456789012:log-group:/aws/lambda/ventanilla-prod-api:*", True),
    (
        API,
        "logs:PutLogEvents",
        "arn:aws:logs:us-east-1:123456789012:log-group:/aws/lambda/ventanilla-prod-step_issue:*",
        False,
    ),
]


@pytest.mark.parametrize(
    ("function", "action", "resource", "allowed"),
    RULES,
    ids=[f"{f}-{a}-{'allow' if ok else 'deny'}" for f, a, _, ok in RULES],
)
def test_each_function_may_do_exactly_its_job(
    built: Built, function: str, action: str, resource: str, allowed: bool
) -> None:
    assert checks.allows(built.template, function, action, resource) is allowed


# --- the exchange key: who signs requests to other registries, who publishes its public half --
EXCHANGE_KEY_ACTIONS = ("kms:Sign", "kms:Verify", "kms:GetPublicKey", "kms:Decrypt", "kms:ScheduleKeyDeletion")


def test_only_the_functions_that_ask_registries_sign_with_the_exchange_key(built: Built) -> None:
    allowed = {
        (function, action)
        for function in checks.functions(built.template)
        for action in EXCHANGE_KEY_ACTIONS
        if checks.allows(built.template, function, action, "ExchangeKey")
    }
    assert allowed == {
        (API, "kms:Sign"),  # forms pre-filled from the population registry
        (API, "kms:GetPublicKey"),  # published at /.well-known/ventanilla-keys.json, for the registries
        (stack.handler_logical_id("issue"), "kms:Sign"),  # registers companies with tax and social security
        (LOOKUP, "kms:Sign"),  # fetches evidence
    }
    assert {stack.function_logical_id(name) for name in stack.REGISTRY_FUNCTIONS} == {
        function for function, _ in allowed
    }


def test_the_lookup_changes_its_application_as_the_open_step_does_and_sends_nothing(built: Built) -> None:
    def by_sid(function: str) -> dict[str, dict[str, Any]]:
        role = checks.role_of(built.template, function)
        return {statement["Sid"]: statement for statement in checks.statements(built.template, role)}

    lookup, opening = by_sid(LOOKUP), by_sid(stack.handler_logical_id("open"))
    assert lookup["Applications"] == opening["Applications"]
    assert lookup["ReadPublicUrl"] == opening["ReadPublicUrl"]  # read by the composition root
    assert set(lookup) == {
        "OwnLogs",
        "XRayHasNoResourceLevelPermissions",
        "Applications",
        "HoldersCredentials",
        "AskRegistries",
        "ReadPublicUrl",
    }
    assert lookup["AskRegistries"]["Action"] == ["kms:Sign"]


def _drop(role: str, action: str) -> Any:
    def mutation(template: dict[str, Any]) -> None:
        for statement in checks.statements(template, role):
            if isinstance(statement["Action"], list) and action in statement["Action"]:
                statement["Action"].remove(action)

    return mutation


@pytest.mark.parametrize(
    ("function", "action", "resource"),
    [
        (stack.handler_logical_id("issue"), "kms:Sign", "SigningKey"),
        (LOOKUP, "kms:Sign", "ExchangeKey"),
        (API, "kms:GetPublicKey", "ExchangeKey"),
        (API, "states:StartExecution", STATE_MACHINES),
        (API, "states:StopExecution", EXECUTIONS),
        (WATCH, "dynamodb:Query", "Table/index/by_queue"),
    ],
)
def test_removing_a_permission_is_noticed(built: Built, function: str, action: str, resource: str) -> None:
    template = mutated(built, _drop(checks.role_of(built.template, function), action))
    assert not checks.allows(template, function, action, resource)


def test_a_new_wildcard_without_a_reason_is_noticed(built: Built) -> None:
    def widen(template: dict[str, Any]) -> None:
        (signing,) = (
            statement
            for statement in checks.statements(template, stack.role_logical_id("step_issue"))
            if statement["Sid"] == "SignCredentials"
        )
        signing["Resource"] = "*"

    assert checks.wildcard_problems(mutated(built, widen)) == [
        "StepIssueRole: statement SignCredentials has Resource '*' without a reason in WILDCARD_REASONS"
    ]
