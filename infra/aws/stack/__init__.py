"""The one description of Ventanilla's resources.

``resources(stage)`` is a CloudFormation ``Resources`` map: merged into Chalice's
packaged template for AWS (``infra/aws/template.py``), and walked by the local provisioner
(``infra/local/provision.py``) to build the very same resources in the embedded moto server.
Lambda functions come from the Chalice app itself; their names, roles, grants, log
groups and environment are decided in this package (``FUNCTIONS``, ``grants``,
``environment``) and nowhere else.

By concern: ``naming`` (logical ids, dependency-free ARNs, the shipped procedures),
``iam`` (who may do what), ``data`` (records, documents, keys, SMS, users, state machines),
``registries`` (which other registries may be asked), ``web`` (CloudFront and the pages'
bucket), ``edge`` (the API's throttles and its WAF) and ``monitoring`` (alarms, dashboard, logs).

``Metadata.Local`` tells the provisioner what differs on the local stack: ``"skip"``
(AWS only: CloudFront, alarms, the dashboard, ...), or ``{"FromSetting": {property:
setting}}`` to take some properties from the local stack's settings instead (the secret's
value and the public URL come from ``infra/local``, not from CloudFormation).
"""

import json
from typing import Any

from chalicelib.core.names import API_HANDLER, function_name, public_url_parameter, step_function_name
from chalicelib.procedures.compiler import HANDLERS
from infra.aws.stack import data, edge, iam, monitoring, registries, voice, web
from infra.aws.stack.data import CALL_CENTRES, COMMUNITY_CENTRES, agency_groups
from infra.aws.stack.iam import WILDCARD_REASONS, grants
from infra.aws.stack.monitoring import dashboard
from infra.aws.stack.naming import (
    AWS_ONLY,
    DEADLINE_WATCH,
    EFIRMA_FUNCTIONS,
    FUNCTIONS,
    LAYER_FUNCTIONS,
    LOCAL_ONLY,
    REGISTRY_FUNCTIONS,
    RETENTION,
    ROOT,
    SMS_INBOUND,
    SMS_SEND_QUEUED,
    TABLE_EVENTS,
    WORKFLOWS,
    asl_path,
    function_arn,
    function_logical_id,
    handler_arns,
    handler_logical_id,
    log_group_name,
    role_logical_id,
    shipped_definitions,
    state_machine_logical_id,
    sub,
    workflow_role_arn,
)

__all__ = [
    "API_HANDLER",
    "AWS_ONLY",
    "CALL_CENTRES",
    "COMMUNITY_CENTRES",
    "DEADLINE_WATCH",
    "EFIRMA_FUNCTIONS",
    "FUNCTIONS",
    "LAYER_FUNCTIONS",
    "LOCAL_ONLY",
    "REGISTRY_FUNCTIONS",
    "RETENTION",
    "ROOT",
    "SMS_INBOUND",
    "SMS_SEND_QUEUED",
    "TABLE_EVENTS",
    "WILDCARD_REASONS",
    "WORKFLOWS",
    "agency_groups",
    "asl_path",
    "aws_refs",
    "conditions",
    "dashboard",
    "environment",
    "function_logical_id",
    "grants",
    "handler_logical_id",
    "log_group_name",
    "outputs",
    "parameters",
    "resources",
    "role_logical_id",
    "shipped_definitions",
    "state_machine_logical_id",
]


def resources(stage: str) -> dict[str, Any]:
    """Every resource of the stage, in the order the local provisioner creates them (a
    resource after those it refers to)."""
    definitions = shipped_definitions()
    arns = handler_arns()
    out: dict[str, Any] = data.resources(stage)
    out["WorkflowRole"] = iam.workflow_role(stage, arns)
    for name, statements in grants(stage).items():
        out[role_logical_id(name)] = iam.function_role(stage, name, statements)
        out[f"{function_logical_id(name)}Logs"] = monitoring.log_group(stage, name)
    out.update(data.user_pool_groups(definitions))
    out.update(data.state_machines(stage, definitions, arns))
    out.update(web.resources(stage))
    out.update(edge.resources(stage))
    out.update(monitoring.resources(stage))
    out.update(voice.resources(stage))
    return out


def parameters() -> dict[str, Any]:
    """Stack parameters of the AWS template (the local stack takes its settings from ``infra/local``)."""
    return {**monitoring.parameters(), **registries.parameters(), **voice.parameters()}


def conditions() -> dict[str, Any]:
    """The template's conditions: resources that exist only when a setting is given."""
    return {**monitoring.conditions(), **voice.conditions()}


def outputs(stage: str) -> dict[str, Any]:
    """What ``make deploy`` and the operator need after a deployment."""
    return {
        "PublicUrl": {"Value": sub("https://${WebDistribution.DomainName}")},
        "ApiUrl": {"Value": sub("https://${WebDistribution.DomainName}/api")},
        "DistributionId": {"Value": {"Ref": "WebDistribution"}},
        "WebBucket": {"Value": {"Ref": "WebBucket"}},
        "DocumentsBucket": {"Value": {"Ref": "DocumentsBucket"}},
        "TableName": {"Value": {"Ref": "Table"}},
        "UserPoolId": {"Value": {"Ref": "UserPool"}},
        "UserPoolClientId": {"Value": {"Ref": "UserPoolClient"}},
        # the key registries must trust (its public half: GET /.well-known/ventanilla-keys.json)
        "ExchangeKeyId": {"Value": {"Ref": "ExchangeKey"}},
        "BankWebhookSecretArn": {"Value": {"Ref": "BankWebhookSecret"}},
        "AlertsTopicArn": {"Value": {"Ref": "AlertsTopic"}},
        "ApiFunctionName": {"Value": function_name(stage, API_HANDLER)},
    }


def aws_refs(stage: str) -> dict[str, Any]:
    """``environment``'s references as CloudFormation values (none depends on a function)."""
    arns = {
        placeholder: function_arn(stage, step_function_name(role))["Fn::Sub"] for role, placeholder in HANDLERS.items()
    }
    return {
        "Table": {"Ref": "Table"},
        "DocumentsBucket": {"Ref": "DocumentsBucket"},
        "IssuedDocumentsBucket": {"Ref": "IssuedDocumentsBucket"},
        "SigningKey": {"Ref": "SigningKey"},
        "SealingKey": {"Ref": "SealingKey"},
        "ExchangeKey": {"Ref": "ExchangeKey"},
        "UserPool": {"Ref": "UserPool"},
        "UserPoolClient": {"Ref": "UserPoolClient"},
        "SmsTopic": {"Ref": "SmsTopic"},
        "FailedEvents": {"Ref": "FailedEvents"},
        "WorkflowRole.Arn": workflow_role_arn(stage),
        "StepHandlerArns": sub(json.dumps(arns, sort_keys=True)),
        "PublicUrlParameter": public_url_parameter(stage),
        "BankWebhookSecret": {"Ref": "BankWebhookSecret"},
        "CursorSecret": {"Ref": "CursorSecret"},
        "LegalDaySeconds": "86400",
        **{parameter: {"Ref": parameter} for parameter in registries.PARAMETERS},
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
        "ISSUED_BUCKET": refs["IssuedDocumentsBucket"],
        "SIGNING_KEY_ID": refs["SigningKey"],
        "SEALING_KEY_ID": refs["SealingKey"],
        "EXCHANGE_KEY_ID": refs["ExchangeKey"],
        "USER_POOL_ID": refs["UserPool"],
        "USER_POOL_CLIENT_ID": refs["UserPoolClient"],
        "SMS_TOPIC_ARN": refs["SmsTopic"],
        "FAILED_EVENTS_QUEUE_URL": refs["FailedEvents"],
        "WORKFLOW_ROLE_ARN": refs["WorkflowRole.Arn"],
        "STEP_HANDLER_ARNS": refs["StepHandlerArns"],
        "PUBLIC_URL_PARAMETER": refs["PublicUrlParameter"],
        "BANK_WEBHOOK_SECRET_ARN": refs["BankWebhookSecret"],
        "CURSOR_SECRET_ARN": refs["CursorSecret"],
        "LEGAL_DAY_SECONDS": refs["LegalDaySeconds"],
        **{variable: refs[parameter] for parameter, variable in registries.PARAMETERS.items()},
    }
