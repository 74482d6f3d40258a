"""Build the resources of ``infra/aws/stack`` in the embedded AWS (moto), with boto3.

moto's CloudFormation skips Cognito and ignores DefinitionSubstitutions, so the local
stack cannot be "the template deployed into moto".  Instead this walks the same
``Resources`` map, resolves its intrinsics (Ref, Fn::GetAtt, Fn::Sub) and makes the
equivalent API call per resource type.  Used by ``make run`` and by the tests' fixtures.

Resources marked ``Metadata: {"Local": "skip"}`` exist on AWS only; a resource whose
``Metadata.Local`` has ``FromSetting`` takes those properties from ``settings`` locally
(``PublicUrl``, ``BankWebhookSecretValue``; ``LegalDaySeconds`` goes to the environment).
The AWS template's registry parameters (``RegistryEndpoints``, ``RegistryKeys``) come from
``settings`` too, ``{}`` (no registry) when not given.
"""

from __future__ import annotations

import io
import json
import secrets
import zipfile
from collections.abc import Callable
from typing import Any

import boto3
from chalice.utils import to_cfn_resource_name

from chalicelib.core.names import function_name, public_url_parameter, step_function_name
from chalicelib.procedures.compiler import HANDLERS, substitute
from infra.aws.stack import FUNCTIONS, environment, handler_logical_id, registries, resources, role_logical_id

ACCOUNT_ID = "123456789012"
LAMBDA_RUNTIME = "python3.11"


def _zip_placeholder() -> bytes:
    """moto wants a code zip; the adapter runs the handler from this checkout instead."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(
            "README.txt",
            "Local stack: handlers run in-process from the checkout (infra/local/moto/lambda_adapter.py).\n",
        )
    return buffer.getvalue()


class Provisioner:
    def __init__(self, stage: str, region: str, session: boto3.session.Session | None = None) -> None:
        self.stage = stage
        self.region = region
        self.session = session or boto3.session.Session()
        self.refs: dict[str, Any] = {}
        self.mappings: dict[str, dict[str, Any]] = {}  # the stream mappings the local pollers take

    def client(self, service: str) -> Any:
        return self.session.client(service, region_name=self.region)

    # --- intrinsics ------------------------------------------------------------------
    def resolve(self, value: Any) -> Any:
        if isinstance(value, dict) and len(value) == 1:
            ((name, argument),) = value.items()
            if name == "Ref":
                return self.refs[argument]
            if name == "Fn::GetAtt":
                return self.refs[f"{argument[0]}.{argument[1]}"]
            if name == "Fn::Sub":
                text = argument.replace("${AWS::AccountId}", ACCOUNT_ID).replace("${AWS::Region}", self.region)
                return text
        if isinstance(value, dict):
            return {key: self.resolve(item) for key, item in value.items()}
        if isinstance(value, list):
            return [self.resolve(item) for item in value]
        return value

    # --- resources -------------------------------------------------------------------
    def provision(self, app: Any, settings: dict[str, str]) -> dict[str, str]:
        """Create everything; returns the environment the app and its functions run with."""
        description = resources(self.stage)
        self.refs.update({parameter: registries.NONE for parameter in registries.PARAMETERS})
        self.refs.update(settings)
        self.refs["PublicUrlParameter"] = public_url_parameter(self.stage)
        creators: dict[str, Callable[[str, dict[str, Any]], None]] = {
            "AWS::DynamoDB::Table": self._table,
            "AWS::S3::Bucket": self._bucket,
            "AWS::KMS::Key": self._key,
            "AWS::SNS::Topic": self._topic,
            "AWS::Cognito::UserPool": self._user_pool,
            "AWS::Cognito::UserPoolClient": self._user_pool_client,
            "AWS::Cognito::UserPoolGroup": self._group,
            "AWS::IAM::Role": self._role,
            "AWS::SecretsManager::Secret": self._secret,
            "AWS::SSM::Parameter": self._parameter,
            "AWS::SQS::Queue": self._queue,
        }
        machines = {}
        for logical_id, resource in description.items():
            local = resource.get("Metadata", {}).get("Local")
            if local == "skip":
                continue
            if local == "poller":  # fed by infra/local/streams.py, with these properties (install.py)
                self.mappings[logical_id] = resource["Properties"]
                continue
            if resource["Type"] == "AWS::StepFunctions::StateMachine":
                machines[logical_id] = resource
                continue
            properties = dict(resource["Properties"])
            if isinstance(local, dict):
                properties.update({name: settings[setting] for name, setting in local["FromSetting"].items()})
            creators[resource["Type"]](logical_id, properties)
        env = self._functions(app, settings)
        for logical_id, resource in machines.items():
            self._state_machine(logical_id, resource["Properties"])
        return env

    def _table(self, logical_id: str, properties: dict[str, Any]) -> None:
        keep = ("TableName", "BillingMode", "KeySchema", "AttributeDefinitions", "GlobalSecondaryIndexes")
        spec = {name: properties[name] for name in keep}
        spec["StreamSpecification"] = {
            "StreamEnabled": True,
            "StreamViewType": properties["StreamSpecification"]["StreamViewType"],
        }
        created = self.client("dynamodb").create_table(**spec)
        self.refs[logical_id] = properties["TableName"]
        self.refs[f"{logical_id}.StreamArn"] = created["TableDescription"]["LatestStreamArn"]

    def _bucket(self, logical_id: str, properties: dict[str, Any]) -> None:
        name = self.resolve(properties["BucketName"])
        s3 = self.client("s3")
        s3.create_bucket(Bucket=name, ObjectLockEnabledForBucket=bool(properties.get("ObjectLockEnabled")))
        s3.put_bucket_versioning(Bucket=name, VersioningConfiguration=properties["VersioningConfiguration"])
        if "ObjectLockConfiguration" in properties:
            s3.put_object_lock_configuration(Bucket=name, ObjectLockConfiguration=properties["ObjectLockConfiguration"])
        encryption = [
            {
                "ApplyServerSideEncryptionByDefault": self.resolve(rule["ServerSideEncryptionByDefault"]),
                "BucketKeyEnabled": rule["BucketKeyEnabled"],
            }
            for rule in properties["BucketEncryption"]["ServerSideEncryptionConfiguration"]
        ]
        s3.put_bucket_encryption(Bucket=name, ServerSideEncryptionConfiguration={"Rules": encryption})
        s3.put_public_access_block(
            Bucket=name, PublicAccessBlockConfiguration=properties["PublicAccessBlockConfiguration"]
        )
        rules = [
            {**{k: v for k, v in rule.items() if k != "MaxAge"}, "MaxAgeSeconds": rule["MaxAge"]}
            for rule in properties.get("CorsConfiguration", {}).get("CorsRules", [])
        ]
        if rules:
            s3.put_bucket_cors(Bucket=name, CORSConfiguration={"CORSRules": rules})
        self.refs[logical_id] = name

    def _key(self, logical_id: str, properties: dict[str, Any]) -> None:
        spec = {
            "KeySpec": properties.get("KeySpec", "SYMMETRIC_DEFAULT"),
            "KeyUsage": properties.get("KeyUsage", "ENCRYPT_DECRYPT"),
        }
        key = self.client("kms").create_key(Description=properties["Description"], **spec)
        self.refs[logical_id] = key["KeyMetadata"]["KeyId"]
        self.refs[f"{logical_id}.Arn"] = key["KeyMetadata"]["Arn"]

    def _queue(self, logical_id: str, properties: dict[str, Any]) -> None:
        sqs = self.client("sqs")
        url = sqs.create_queue(
            QueueName=properties["QueueName"],
            Attributes={"MessageRetentionPeriod": str(properties["MessageRetentionPeriod"])},
        )["QueueUrl"]
        self.refs[logical_id] = url
        self.refs[f"{logical_id}.Arn"] = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])[
            "Attributes"
        ]["QueueArn"]

    def _topic(self, logical_id: str, properties: dict[str, Any]) -> None:
        self.refs[logical_id] = self.client("sns").create_topic(Name=properties["TopicName"])["TopicArn"]

    def _user_pool(self, logical_id: str, properties: dict[str, Any]) -> None:
        schema = [{**attribute, "Required": attribute["Required"]} for attribute in properties["Schema"]]
        pool = self.client("cognito-idp").create_user_pool(
            PoolName=properties["UserPoolName"],
            AutoVerifiedAttributes=properties["AutoVerifiedAttributes"],
            Schema=schema,
            Policies=properties["Policies"],
        )
        self.refs[logical_id] = pool["UserPool"]["Id"]
        self.refs[f"{logical_id}.Arn"] = pool["UserPool"]["Arn"]

    def _user_pool_client(self, logical_id: str, properties: dict[str, Any]) -> None:
        created = self.client("cognito-idp").create_user_pool_client(
            UserPoolId=self.resolve(properties["UserPoolId"]),
            ClientName=properties["ClientName"],
            ExplicitAuthFlows=properties["ExplicitAuthFlows"],
            ReadAttributes=properties["ReadAttributes"],
            GenerateSecret=False,
            EnableTokenRevocation=properties["EnableTokenRevocation"],
        )
        self.refs[logical_id] = created["UserPoolClient"]["ClientId"]

    def _group(self, logical_id: str, properties: dict[str, Any]) -> None:
        self.client("cognito-idp").create_group(
            GroupName=properties["GroupName"], UserPoolId=self.resolve(properties["UserPoolId"])
        )
        self.refs[logical_id] = properties["GroupName"]

    def _role(self, logical_id: str, properties: dict[str, Any]) -> None:
        role = self.client("iam").create_role(
            RoleName=properties["RoleName"], AssumeRolePolicyDocument=json.dumps(properties["AssumeRolePolicyDocument"])
        )
        self.refs[logical_id] = properties["RoleName"]
        self.refs[f"{logical_id}.Arn"] = role["Role"]["Arn"]

    def _secret(self, logical_id: str, properties: dict[str, Any]) -> None:
        # a secret the template has generated is generated here too: random, never the same twice
        value = properties.get("SecretString") or secrets.token_hex(
            properties["GenerateSecretString"]["PasswordLength"] // 2
        )
        created = self.client("secretsmanager").create_secret(
            Name=properties["Name"], Description=properties["Description"], SecretString=value
        )
        self.refs[logical_id] = created["ARN"]

    def _parameter(self, logical_id: str, properties: dict[str, Any]) -> None:
        self.client("ssm").put_parameter(
            Name=properties["Name"],
            Type=properties["Type"],
            Description=properties["Description"],
            Value=properties["Value"],
        )
        self.refs[logical_id] = properties["Name"]

    def _functions(self, app: Any, settings: dict[str, str]) -> dict[str, str]:
        """Lambda functions for the app's step handlers, each with its own role and the app's environment."""
        prefix = f"arn:aws:lambda:{self.region}:{ACCOUNT_ID}:function:"
        for function in app.pure_lambda_functions:
            self.refs[f"{to_cfn_resource_name(function.name)}.Arn"] = (
                f"{prefix}{function_name(self.stage, function.name)}"
            )
        handler_arns = {
            placeholder: self.refs[f"{handler_logical_id(role)}.Arn"] for role, placeholder in HANDLERS.items()
        }
        self.refs["StepHandlerArns"] = json.dumps(handler_arns, sort_keys=True)
        env = environment(self.stage, self.refs)
        lambda_client = self.client("lambda")
        for function in app.pure_lambda_functions:
            if function.name not in FUNCTIONS:
                raise RuntimeError(f"app.py's function {function.name} has no role in infra/aws/stack (FUNCTIONS)")
            lambda_client.create_function(
                FunctionName=function_name(self.stage, function.name),
                Runtime=LAMBDA_RUNTIME,
                Role=self.refs[f"{role_logical_id(function.name)}.Arn"],
                Handler=function.handler_string,
                Code={"ZipFile": _zip_placeholder()},
                Timeout=60,
                MemorySize=256,
                Environment={"Variables": env},
            )
        missing = {step_function_name(role) for role in HANDLERS} - {
            function.name for function in app.pure_lambda_functions
        }
        if missing:
            raise RuntimeError(f"app.py lacks step handlers {sorted(missing)}")
        return env

    def _state_machine(self, logical_id: str, properties: dict[str, Any]) -> None:
        substitutions = {name: self.resolve(value) for name, value in properties["DefinitionSubstitutions"].items()}
        created = self.client("stepfunctions").create_state_machine(
            name=properties["StateMachineName"],
            definition=substitute(properties["DefinitionString"], substitutions),
            roleArn=self.resolve(properties["RoleArn"]),
            type=properties["StateMachineType"],
        )
        self.refs[logical_id] = created["stateMachineArn"]
