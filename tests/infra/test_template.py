"""The deployable template: cfn-lint clean, every placeholder substituted by a function the
template creates, every variable the functions read set, and deployable into moto."""

from __future__ import annotations

import json
import re
import warnings
import zipfile
from pathlib import Path
from typing import Any

import boto3
import pytest
from cfnlint.api import ManualArgs, lint

from chalicelib.core.names import function_name
from chalicelib.registries.catalogue import REGISTRIES
from infra.aws import layer, stack
from infra.aws import template as packaging
from infra.aws.stack import registries
from tests.infra import checks
from tests.infra.conftest import STAGE, Built, Mutation, Registries, Sandbox, mutated

REGION = "us-east-1"
# Where an operator may deploy: Mexico (Central) and the region with every service.
DEPLOY_REGIONS = ["mx-central-1", "us-east-1"]


def test_cfn_lint_reports_no_error_and_no_warning(built: Built) -> None:
    matches = lint(built.path.read_text("utf-8"), config=ManualArgs(regions=DEPLOY_REGIONS))
    assert [f"{match.rule.id} {match.message} ({match.path})" for match in matches if match.rule.id[0] in "EW"] == []


def test_every_placeholder_has_a_substitution_that_is_a_function_of_the_template(built: Built) -> None:
    machines = [
        logical_id
        for logical_id, resource in built.template["Resources"].items()
        if resource["Type"] == "AWS::StepFunctions::StateMachine"
    ]
    assert machines == [
        stack.state_machine_logical_id(definition["code"], definition["version"])
        for definition in stack.shipped_definitions()
    ]
    assert checks.placeholder_problems(built.template) == []


def test_every_variable_the_settings_read_is_set_for_every_function(built: Built) -> None:
    required, _ = checks.settings_variables()
    assert {
        "TABLE_NAME",
        "PUBLIC_URL_PARAMETER",
        "BANK_WEBHOOK_SECRET_ARN",
        "CURSOR_SECRET_ARN",
        "STEP_HANDLER_ARNS",
    } <= required  # the parser sees settings.py
    assert set(checks.functions(built.template)) == {stack.function_logical_id(name) for name in stack.FUNCTIONS}
    assert checks.environment_problems(built.template) == []


def test_requests_to_other_registries_are_signed_with_a_key_of_their_own(built: Built) -> None:
    key = built.template["Resources"]["ExchangeKey"]
    assert key["Properties"]["KeySpec"] == "ECC_NIST_P256" and key["Properties"]["KeyUsage"] == "SIGN_VERIFY"
    assert key["Properties"]["Description"] == f"Ventanilla {STAGE}: signs Ventanilla's requests to other registries"
    assert key["DeletionPolicy"] == "Retain"
    assert built.template["Outputs"]["ExchangeKeyId"] == {"Value": {"Ref": "ExchangeKey"}}
    assert {
        name: resource["Properties"]["Environment"]["Variables"]["EXCHANGE_KEY_ID"]
        for name, resource in checks.functions(built.template).items()
    } == {stack.function_logical_id(name): {"Ref": "ExchangeKey"} for name in stack.FUNCTIONS}
    assert checks.registry_problems(built.template) == []


def test_the_registries_asked_are_stack_parameters_that_name_none_until_configured(built: Built) -> None:
    assert {name: built.template["Parameters"][name]["Default"] for name in registries.PARAMETERS} == {
        "RegistryEndpoints": "{}",
        "RegistryKeys": "{}",
    }
    for resource in checks.functions(built.template).values():
        variables = resource["Properties"]["Environment"]["Variables"]
        assert variables["REGISTRY_ENDPOINTS"] == {"Ref": "RegistryEndpoints"}
        assert variables["REGISTRY_KEYS"] == {"Ref": "RegistryKeys"}


def test_the_efirma_settings_reach_the_functions_that_verify_signatures(built: Built) -> None:
    resources = built.template["Resources"]
    api = resources[stack.function_logical_id(stack.API_HANDLER)]["Properties"]
    assert api["Environment"]["Variables"]["EFIRMA_CA_BUNDLE"] == "efirma/ca-bundle.pem"
    assert api["Environment"]["Variables"]["EFIRMA_OCSP_URL"] == built.efirma.ocsp_url
    assert api["Layers"] == [{"Ref": packaging.LAYER_LOGICAL_ID}]
    others = {
        logical_id: resource["Properties"]
        for logical_id, resource in checks.functions(built.template).items()
        if logical_id != stack.function_logical_id(stack.API_HANDLER)
    }
    assert others and all(
        not any(name.startswith("EFIRMA_") for name in properties["Environment"]["Variables"])
        for properties in others.values()
    )  # they answer 503 efirma_unavailable
    # the functions that ask registries check their signed answers with cryptography too
    layered = {
        logical_id for logical_id in checks.functions(built.template) if checks.has_layer(built.template, logical_id)
    }
    assert layered == {"APIHandler", "StepLookup", "StepIssue"}
    assert layered == {stack.function_logical_id(name) for name in stack.LAYER_FUNCTIONS}
    assert all("Layers" not in others[logical_id] for logical_id in set(others) - layered)
    with zipfile.ZipFile(built.package) as archive:
        assert archive.read("efirma/ca-bundle.pem") == built.efirma.ca_bundle.read_bytes()
    assert checks.efirma_problems(built.template) == []


def test_the_layer_ships_beside_the_template_for_cloudformation_package(built: Built) -> None:
    properties = built.template["Resources"][packaging.LAYER_LOGICAL_ID]["Properties"]
    assert properties["ContentUri"] == f"./{layer.ZIP_NAME}" and (built.directory / layer.ZIP_NAME).is_file()
    assert (
        properties["CompatibleRuntimes"] == ["python3.11"] and properties["LayerName"] == f"ventanilla-{STAGE}-efirma"
    )
    assert "cryptography==50.0.2" in properties["Description"]


def test_without_efirma_settings_no_function_gets_them_but_the_api_keeps_the_layer() -> None:
    resources = packaging.extras(STAGE)["Resources"]
    variables = {
        name
        for logical_id in map(stack.function_logical_id, stack.FUNCTIONS)
        for name in resources[logical_id]["Properties"]["Environment"]["Variables"]
    }
    assert not {name for name in variables if name.startswith("EFIRMA_")}  # so its routes answer 503 efirma_unavailable
    assert resources[stack.function_logical_id(stack.API_HANDLER)]["Properties"]["Layers"] == [
        {"Ref": packaging.LAYER_LOGICAL_ID}
    ]


def test_the_efirma_settings_are_checked_before_anything_is_built(sandbox: Sandbox, tmp_path: Path) -> None:
    bundle, url = str(sandbox.authority.bundle), "https://ocsp.example.gob.mx/ocsp"
    assert packaging.efirma_settings(None, None) is None
    assert packaging.efirma_settings(bundle, url) == packaging.Efirma(sandbox.authority.bundle, url)
    person = tmp_path / "person.pem"
    from cryptography import x509
    from cryptography.hazmat.primitives.serialization import Encoding

    issued = x509.load_der_x509_certificate(sandbox.authority.issue("GOMC800101MDFMRR00", "12345678a").certificate)
    person.write_bytes(issued.public_bytes(Encoding.PEM))
    (tmp_path / "empty.pem").write_text("not a certificate")
    refused = {
        (bundle, None): "go together",
        (None, url): "go together",
        (str(tmp_path / "missing.pem"), url): "is not a file",
        (str(tmp_path / "empty.pem"), url): "holds no PEM certificate",
        (str(person), url): "is not a certificate authority",
        (bundle, "ocsp.example.gob.mx"): "is not an http(s) URL",
    }
    for (given_bundle, given_url), message in refused.items():
        with pytest.raises(ValueError, match=re.escape(message)):
            packaging.efirma_settings(given_bundle, given_url)


def _drop_substitution(template: dict[str, Any]) -> None:
    machine = template["Resources"][stack.state_machine_logical_id("licencia-conducir", 1)]
    del machine["Properties"]["DefinitionSubstitutions"]["StepIssueArn"]


def _substitute_a_missing_function(template: dict[str, Any]) -> None:
    del template["Resources"]["StepIssue"]


def _drop_variable(template: dict[str, Any]) -> None:
    del template["Resources"]["StepOpen"]["Properties"]["Environment"]["Variables"]["SIGNING_KEY_ID"]


def _rename_a_function(template: dict[str, Any]) -> None:
    template["Resources"]["StepCheck"]["Properties"]["FunctionName"] = "ventanilla-prod-renamed"


def _drop_the_api_layer(template: dict[str, Any]) -> None:
    del template["Resources"]["APIHandler"]["Properties"]["Layers"]


def _drop_the_ocsp_url(template: dict[str, Any]) -> None:
    del template["Resources"]["APIHandler"]["Properties"]["Environment"]["Variables"]["EFIRMA_OCSP_URL"]


def _drop_the_lookup_layer(template: dict[str, Any]) -> None:
    del template["Resources"]["StepLookup"]["Properties"]["Layers"]


def _fix_the_registries_of_the_issue_step(template: dict[str, Any]) -> None:
    template["Resources"]["StepIssue"]["Properties"]["Environment"]["Variables"]["REGISTRY_KEYS"] = "{}"


def _configure_a_registry_by_default(template: dict[str, Any]) -> None:
    template["Parameters"]["RegistryEndpoints"]["Default"] = '{"tax": "https://sat.example.gob.mx"}'


def _give_a_step_the_settings_without_the_layer(template: dict[str, Any]) -> None:
    api = template["Resources"]["APIHandler"]["Properties"]["Environment"]["Variables"]
    step = template["Resources"]["StepOpen"]["Properties"]["Environment"]["Variables"]
    step.update({name: api[name] for name in ("EFIRMA_CA_BUNDLE", "EFIRMA_OCSP_URL")})


@pytest.mark.parametrize(
    ("mutation", "check", "expected"),
    [
        (_drop_substitution, checks.placeholder_problems, "${StepIssueArn} has no substitution"),
        (_substitute_a_missing_function, checks.placeholder_problems, "StepIssueArn is not the ARN of a function"),
        (_rename_a_function, checks.placeholder_problems, "STEP_HANDLER_ARNS names ventanilla-prod-step_check"),
        (_drop_variable, checks.environment_problems, "StepOpen does not set SIGNING_KEY_ID"),
        (_drop_the_api_layer, checks.efirma_problems, "APIHandler verifies e.firma signatures without the"),
        (_drop_the_ocsp_url, checks.efirma_problems, "APIHandler sets ['EFIRMA_CA_BUNDLE'] alone"),
        (_give_a_step_the_settings_without_the_layer, checks.efirma_problems, "StepOpen has e.firma settings but not"),
        (_drop_the_lookup_layer, checks.registry_problems, "StepLookup asks registries without the cryptography"),
        (_fix_the_registries_of_the_issue_step, checks.registry_problems, "StepIssue: REGISTRY_KEYS is not the stack"),
        (_configure_a_registry_by_default, checks.registry_problems, "parameter RegistryEndpoints defaults to"),
    ],
)
def test_the_checks_catch_a_removed_placeholder_function_or_variable(
    built: Built, mutation: Mutation, check: Any, expected: str
) -> None:
    assert any(expected in problem for problem in check(mutated(built, mutation)))


# --- deployed into moto's CloudFormation ---------------------------------------------------
# moto cannot create these types (or, for a Deployment, the API it would deploy: moto's
# RestApi ignores the Swagger body); the deployment replaces them, and references to them,
# by stand-in values, and the test names them so that nothing else is skipped silently.
STOOD_IN = {
    "AWS::ApiGateway::Deployment",
    "AWS::ApiGateway::Stage",
    "AWS::CloudFront::Distribution",
    "AWS::CloudFront::OriginAccessControl",
    "AWS::CloudWatch::Alarm",
    "AWS::Connect::ContactFlow",  # only with a Connect instance (none given here): moto has no Connect
    "AWS::Connect::IntegrationAssociation",
    "AWS::Cognito::UserPool",
    "AWS::Cognito::UserPoolClient",
    "AWS::Cognito::UserPoolGroup",
    "AWS::S3::BucketPolicy",
    "AWS::SNS::Subscription",
    "AWS::SecretsManager::Secret",
    "AWS::ApiGateway::GatewayResponse",
    "AWS::WAFv2::WebACL",
    "AWS::WAFv2::WebACLAssociation",
    "AWS::CloudFront::ResponseHeadersPolicy",
}


class _NoManagedPolicies:
    def load(self) -> dict[str, str]:
        return {}


def _stand_in(value: Any, gone: set[str]) -> Any:
    if isinstance(value, dict):
        if value.get("Ref") in gone:
            return f"stand-in-{value['Ref']}"
        if "Fn::GetAtt" in value and value["Fn::GetAtt"][0] in gone:
            return f"arn:aws:stand-in:{REGION}:123456789012:{value['Fn::GetAtt'][0]}"
        if isinstance(value.get("Fn::Sub"), str):
            return {
                "Fn::Sub": re.sub(
                    r"\$\{([A-Za-z0-9]+)(\.[A-Za-z]+)?\}",
                    lambda match: f"stand-in-{match.group(1)}" if match.group(1) in gone else match.group(0),
                    value["Fn::Sub"],
                )
            }
        return {key: _stand_in(item, gone) for key, item in value.items()}
    if isinstance(value, list):
        return [_stand_in(item, gone) for item in value]
    return value


def deployable_in_moto(sam: dict[str, Any], code_uri: str, layer_uri: str) -> tuple[dict[str, Any], set[str]]:
    """What ``aws cloudformation package`` and CloudFormation's SAM transform make of the
    template (the transform is AWS's own library), then moto's known gaps stood in."""
    from moto.cloudformation.parsing import get_model_map
    from samtranslator.translator.transform import transform

    for resource in sam["Resources"].values():
        if resource["Type"] == "AWS::Serverless::Function":
            resource["Properties"]["CodeUri"] = code_uri
        if resource["Type"] == "AWS::Serverless::LayerVersion":
            resource["Properties"]["ContentUri"] = layer_uri
    cfn: dict[str, Any] = transform(sam, {}, _NoManagedPolicies())
    supported = get_model_map()
    gone = {
        logical_id
        for logical_id, resource in cfn["Resources"].items()
        if resource["Type"] not in supported or resource["Type"] == "AWS::ApiGateway::Deployment"
    }
    skipped_types = {cfn["Resources"][logical_id]["Type"] for logical_id in gone}
    cfn["Resources"] = {
        logical_id: _stand_in(resource, gone)
        for logical_id, resource in cfn["Resources"].items()
        if logical_id not in gone
    }
    cfn["Outputs"] = {name: _stand_in(output, gone) for name, output in cfn.get("Outputs", {}).items()}
    for resource in cfn["Resources"].values():
        if resource["Type"] == "AWS::KMS::Key":  # moto wants the key policy as a JSON string
            resource["Properties"]["KeyPolicy"] = json.dumps(resource["Properties"]["KeyPolicy"])
    return cfn, skipped_types


@pytest.fixture(scope="module")
def deployed(built: Built, every_registry: Registries, aws_credentials: None) -> Any:
    from moto import mock_aws

    with mock_aws():
        s3 = boto3.client("s3", region_name=REGION)
        s3.create_bucket(Bucket="artefacts")
        s3.upload_file(str(built.package), "artefacts", "deployment.zip")
        s3.upload_file(str(built.layer), "artefacts", layer.ZIP_NAME)
        cfn, skipped = deployable_in_moto(
            built.copy(), "s3://artefacts/deployment.zip", f"s3://artefacts/{layer.ZIP_NAME}"
        )
        assert skipped == STOOD_IN
        cloudformation = boto3.client("cloudformation", region_name=REGION)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            cloudformation.create_stack(
                StackName=f"ventanilla-{STAGE}",
                TemplateBody=json.dumps(cfn),
                Capabilities=["CAPABILITY_NAMED_IAM", "CAPABILITY_AUTO_EXPAND"],
                Parameters=[  # as make deploy passes them: every registry configured
                    {"ParameterKey": "RegistryEndpoints", "ParameterValue": every_registry.endpoints},
                    {"ParameterKey": "RegistryKeys", "ParameterValue": every_registry.keys},
                ],
            )
        yield cloudformation


def test_the_template_deploys_into_moto_with_the_resources_it_describes(deployed: Any, built: Built) -> None:
    stack_description = deployed.describe_stacks(StackName=f"ventanilla-{STAGE}")["Stacks"][0]
    assert stack_description["StackStatus"] == "CREATE_COMPLETE"
    created = {
        summary["LogicalResourceId"]
        for summary in deployed.list_stack_resources(StackName=f"ventanilla-{STAGE}")["StackResourceSummaries"]
    }
    expected = {
        "Table",
        "DocumentsBucket",
        "DocumentsKey",
        "SigningKey",
        "SealingKey",
        "ExchangeKey",
        "SmsTopic",
        "WorkflowRole",
        "PublicUrlParameter",
        "WebBucket",
        "RestAPI",
        "Dashboard",
        "FailedExecutionsRule",
    }
    expected |= {stack.function_logical_id(name) for name in stack.FUNCTIONS} | {
        stack.role_logical_id(name) for name in stack.FUNCTIONS
    }
    expected |= {
        stack.state_machine_logical_id(definition["code"], definition["version"])
        for definition in stack.shipped_definitions()
    }
    assert expected <= created

    table = boto3.client("dynamodb", region_name=REGION).describe_table(TableName=f"ventanilla-{STAGE}")["Table"]
    assert {index["IndexName"] for index in table["GlobalSecondaryIndexes"]} == {"by_owner", "by_queue"}
    lambdas = boto3.client("lambda", region_name=REGION)
    issue = lambdas.get_function(FunctionName=f"ventanilla-{STAGE}-step_issue")["Configuration"]
    assert issue["Role"].endswith(f"/ventanilla-{STAGE}-step_issue-fn")
    assert issue["Environment"]["Variables"]["PUBLIC_URL_PARAMETER"] == f"/ventanilla/{STAGE}/public-url"
    assert not issue.get("Layers") and "EFIRMA_OCSP_URL" not in issue["Environment"]["Variables"]
    api = lambdas.get_function(FunctionName=f"ventanilla-{STAGE}-api")["Configuration"]
    # moto creates the layer (naming it after its logical id) but ignores a function's Layers:
    # test_sam_attaches_the_layer_to_the_api checks those on the transformed template
    (created,) = lambdas.list_layers()["Layers"]
    assert "cryptography==50.0.2" in created["LatestMatchingVersion"]["Description"]
    assert {name: value for name, value in api["Environment"]["Variables"].items() if name.startswith("EFIRMA_")} == {
        "EFIRMA_CA_BUNDLE": "efirma/ca-bundle.pem",
        "EFIRMA_OCSP_URL": built.efirma.ocsp_url,
    }
    machines = boto3.client("stepfunctions", region_name=REGION).list_state_machines()["stateMachines"]
    assert sorted(machine["name"] for machine in machines) == sorted(
        f"ventanilla-{STAGE}-{d['code']}-v{d['version']}" for d in stack.shipped_definitions()
    )
    boto3.client("s3", region_name=REGION).head_bucket(Bucket=f"ventanilla-{STAGE}-documents-123456789012")


def test_every_function_may_ask_the_registries_the_operator_configured(
    deployed: Any, every_registry: Registries
) -> None:
    physical = {
        summary["LogicalResourceId"]: summary["PhysicalResourceId"]
        for summary in deployed.list_stack_resources(StackName=f"ventanilla-{STAGE}")["StackResourceSummaries"]
    }
    # moto's CloudFormation makes every key symmetric: the KeySpec is checked on the template
    key = boto3.client("kms", region_name=REGION).describe_key(KeyId=physical["ExchangeKey"])["KeyMetadata"]
    assert key["Description"] == f"Ventanilla {STAGE}: signs Ventanilla's requests to other registries"
    lambdas = boto3.client("lambda", region_name=REGION)
    for name in stack.FUNCTIONS:
        variables = lambdas.get_function(FunctionName=function_name(STAGE, name))["Configuration"]["Environment"][
            "Variables"
        ]
        assert variables["EXCHANGE_KEY_ID"] == physical["ExchangeKey"] == key["KeyId"], name
        assert variables["REGISTRY_ENDPOINTS"] == every_registry.endpoints, name
        assert variables["REGISTRY_KEYS"] == every_registry.keys, name


def test_the_registries_fit_in_the_largest_environment_with_room_to_spare(
    deployed: Any, every_registry: Registries
) -> None:
    """Lambda allows 4 KB of variables per function; the registries may take their budget
    of it beside everything else the largest environment (the API's) sets."""
    lambdas = boto3.client("lambda", region_name=REGION)
    api = lambdas.get_function(FunctionName=f"ventanilla-{STAGE}-api")["Configuration"]["Environment"]["Variables"]
    rest = sum(
        len(name.encode()) + len(value.encode())
        for name, value in api.items()
        if name not in registries.PARAMETERS.values()
    )
    # every other region's name is at most 5 characters longer, in each of the ARNs
    rest += 5 * sum(value.count(REGION) for value in api.values())
    names = sum(len(name.encode()) for name in registries.PARAMETERS.values())
    assert rest + names + registries.REGISTRY_BUDGET <= registries.ENVIRONMENT_LIMIT
    every = len(every_registry.endpoints.encode()) + len(every_registry.keys.encode())
    per_registry = every / len(REGISTRIES)  # ~280 bytes: an address and a P-256 key
    assert every + 3 * per_registry <= registries.REGISTRY_BUDGET  # the catalogue's four and three more
    assert registries.problems(every_registry.endpoints, every_registry.keys) == []


def test_sam_attaches_the_layer_to_the_api(built: Built) -> None:
    cfn, _ = deployable_in_moto(built.copy(), "s3://artefacts/deployment.zip", f"s3://artefacts/{layer.ZIP_NAME}")
    layers = [
        logical_id
        for logical_id, resource in cfn["Resources"].items()
        if resource["Type"] == "AWS::Lambda::LayerVersion"
    ]
    assert len(layers) == 1 and cfn["Resources"][layers[0]]["Properties"]["Content"] == {
        "S3Bucket": "artefacts",
        "S3Key": layer.ZIP_NAME,
    }
    api = cfn["Resources"][stack.function_logical_id(stack.API_HANDLER)]["Properties"]
    assert api["Layers"] == [{"Ref": layers[0]}]


def test_the_resources_moto_cannot_create_are_in_the_template(built: Built) -> None:
    resources = built.template["Resources"]
    types = {resource["Type"] for resource in resources.values()}
    assert {
        "AWS::Cognito::UserPool",
        "AWS::Cognito::UserPoolClient",
        "AWS::Cognito::UserPoolGroup",
        "AWS::SecretsManager::Secret",
        "AWS::CloudFront::Distribution",
    } <= types
    alarms = {
        resource["Properties"]["AlarmName"]
        for resource in resources.values()
        if resource["Type"] == "AWS::CloudWatch::Alarm"
    }
    assert alarms == {
        f"ventanilla-{STAGE}-{name}"
        for name in (
            "failed-executions",
            "reviews-near-deadline",
            "api-5xx-rate",
            "sms-failures",
            "failed-events-waiting",
        )
    }
    groups = {
        resource["Properties"]["GroupName"]
        for resource in resources.values()
        if resource["Type"] == "AWS::Cognito::UserPoolGroup"
    }
    agencies = {agency for definition in stack.shipped_definitions() for agency in definition["agencies"]}
    assert groups == {"admin", "privacy-officer"} | {
        f"{kind}-{agency}" for agency in agencies for kind in ("official", "supervisor")
    } | {f"assistant-{centre}" for centre in stack.COMMUNITY_CENTRES} | {
        f"callcentre-{centre}" for centre in stack.CALL_CENTRES
    } | {
        "admin-09",
        "admin-20",
        "admin-20067",
    }  # Mexico City's, Oaxaca's and Oaxaca de Juárez's publishers
    assert {resource["Properties"]["Tracing"] for resource in checks.functions(built.template).values()} == {
        "Active"
    }  # moto ignores it
    table = resources["Table"]["Properties"]
    assert (
        table["PointInTimeRecoverySpecification"] == {"PointInTimeRecoveryEnabled": True}
        and table["DeletionProtectionEnabled"] is True
    )
    # sign-out revokes the refresh token (RevokeToken), which the client must allow
    assert resources["UserPoolClient"]["Properties"]["EnableTokenRevocation"] is True
    # the metric lines keep the dimensions the alarms watch (tests/component/test_metrics.py):
    # Powertools would add a `service` dimension, or change the namespace, from these
    variables = {
        name
        for function in checks.functions(built.template).values()
        for name in function["Properties"].get("Environment", {}).get("Variables", {})
    }
    assert not {name for name in variables if name.startswith("POWERTOOLS_")}, variables
