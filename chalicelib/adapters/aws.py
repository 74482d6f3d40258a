"""boto3 adapters for the ports, and the one factory that builds AWS clients.

Every client honours the endpoint setting, so the same code talks to AWS, to the
embedded moto server (``AWS_ENDPOINT_URL``) and to moto's in-process mock in tests.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import threading
from collections.abc import Mapping
from datetime import datetime
from typing import Any, NoReturn
from urllib.parse import quote

import botocore.session
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError
from botocore.exceptions import ConnectionError as BotoCoreConnectionError

from chalicelib.adapters.ports import DeliveryFailed, StoredObject, TaskGone
from chalicelib.core import observability
from chalicelib.core.errors import THROTTLING_CODES, TransientFailure, ValidationFailed
from chalicelib.core.settings import Settings
from chalicelib.credentials.archive import LOCK_MODE

_CONFIG = Config(retries={"mode": "standard", "max_attempts": 3}, connect_timeout=5, read_timeout=20)


_session: botocore.session.Session | None = None
_session_lock = threading.Lock()


def client(service: str, settings: Settings, config: Config = _CONFIG) -> Any:
    """A botocore client from the process's one session.

    botocore, not boto3: the adapters use nothing boto3 adds, and importing boto3 (with
    s3transfer) cost ~90 ms of every cold start.  One shared session parses botocore's
    endpoint and service data once instead of once per client.  Creating clients from
    one session is not thread-safe, hence the lock; the clients themselves are.
    """
    global _session
    with _session_lock:
        if _session is None:
            _session = botocore.session.get_session()
        return _session.create_client(
            service, region_name=settings.region, endpoint_url=settings.endpoint_url, config=config
        )


def reset() -> None:
    """Forget the session (tests and the local stack change credentials and hooks)."""
    global _session
    with _session_lock:
        _session = None


def read_parameter(settings: Settings, name: str) -> str:
    return str(client("ssm", settings).get_parameter(Name=name)["Parameter"]["Value"])


def read_secret(settings: Settings, secret_id: str) -> str:
    return str(client("secretsmanager", settings).get_secret_value(SecretId=secret_id)["SecretString"])


# Publishing an SMS is not idempotent: botocore retrying a publish whose answer was slow
# sends the citizen the same text twice.  Only a request that never left (no connection)
# is tried again; a lost answer is logged as not sent.
SMS_CONNECT_ATTEMPTS = 3
_SMS_CONFIG = _CONFIG.merge(Config(retries={"mode": "standard", "total_max_attempts": 1}, read_timeout=60))


def _error_code(error: ClientError) -> str:
    return str(error.response.get("Error", {}).get("Code", ""))


def transient_or_raise(error: ClientError) -> None:
    """Turn throttling and service faults into TransientFailure (retried by the workflow)."""
    if _error_code(error) in THROTTLING_CODES:
        raise TransientFailure(f"AWS is busy ({_error_code(error)}); retry") from error


class StepFunctionsEngine:
    def __init__(self, settings: Settings) -> None:
        self._sfn = client("stepfunctions", settings)
        self._role_arn = settings.workflow_role_arn

    def start(self, state_machine_arn: str, name: str, payload: dict[str, Any]) -> str:
        try:
            response = self._sfn.start_execution(
                stateMachineArn=state_machine_arn, name=name, input=json.dumps(payload)
            )
        except ClientError as error:
            if _error_code(error) == "ExecutionAlreadyExists":
                return self.execution_arn(state_machine_arn, name)
            transient_or_raise(error)
            raise
        except BotoCoreError as error:
            raise TransientFailure(f"Step Functions unreachable ({error.__class__.__name__})") from error
        return str(response["executionArn"])

    def failed_executions(self, name_prefix: str) -> list[tuple[str, str]]:
        """(execution name, error) of every failed execution of the matching state machines."""
        failed = []
        for machines in self._sfn.get_paginator("list_state_machines").paginate():
            for machine in machines["stateMachines"]:
                if not machine["name"].startswith(name_prefix):
                    continue
                pages = self._sfn.get_paginator("list_executions").paginate(
                    stateMachineArn=machine["stateMachineArn"], statusFilter="FAILED"
                )
                for page in pages:
                    for execution in page["executions"]:
                        detail = self._sfn.describe_execution(executionArn=execution["executionArn"])
                        failed.append((str(execution["name"]), str(detail.get("error", "States.Failed"))))
        return failed

    def execution_arn(self, state_machine_arn: str, name: str) -> str:
        return state_machine_arn.replace(":stateMachine:", ":execution:") + f":{name}"

    def status(self, execution_arn: str) -> str:
        return str(self._sfn.describe_execution(executionArn=execution_arn)["status"])

    def stop(self, execution_arn: str, cause: str) -> None:
        try:
            self._sfn.stop_execution(executionArn=execution_arn, error="Ventanilla.Withdrawn", cause=cause[:32768])
        except ClientError as error:
            # never started (a submission whose start is still pending) or already gone: nothing runs
            if _error_code(error) == "ExecutionDoesNotExist":
                return
            transient_or_raise(error)
            if self.status(execution_arn) != "RUNNING":  # it ended meanwhile, or had failed already
                return
            raise
        except BotoCoreError as error:
            raise TransientFailure(f"Step Functions unreachable ({error.__class__.__name__})") from error

    def resume(self, token: str, output: dict[str, Any]) -> None:
        try:
            self._sfn.send_task_success(taskToken=token, output=json.dumps(output))
        except ClientError as error:
            if _error_code(error) in {"TaskTimedOut", "InvalidToken", "TaskDoesNotExist"}:
                raise TaskGone(_error_code(error)) from error
            transient_or_raise(error)
            raise

    def ensure_state_machine(self, name: str, definition: str) -> str:
        try:
            return str(
                self._sfn.create_state_machine(name=name, definition=definition, roleArn=self._role_arn)[
                    "stateMachineArn"
                ]
            )
        except ClientError as error:
            if _error_code(error) != "StateMachineAlreadyExists":
                raise
        arn = self._arn_for(name)
        existing = self._sfn.describe_state_machine(stateMachineArn=arn)["definition"]
        if json.loads(existing) != json.loads(definition):
            raise ValueError(f"state machine {name} already exists with another definition")
        return arn

    def _arn_for(self, name: str) -> str:
        _, partition, _, _, account, _ = self._role_arn.split(":", 5)
        return f"arn:{partition}:states:{self._sfn.meta.region_name}:{account}:stateMachine:{name}"


class SnsSms:
    def __init__(self, settings: Settings) -> None:
        self._sns = client("sns", settings, _SMS_CONFIG)

    def send(self, phone: str, text: str) -> str:
        for attempt in range(1, SMS_CONNECT_ATTEMPTS + 1):
            try:
                response = self._sns.publish(
                    PhoneNumber=phone,
                    Message=text,
                    MessageAttributes={"AWS.SNS.SMS.SMSType": {"DataType": "String", "StringValue": "Transactional"}},
                )
            except ClientError as error:
                observability.sms_failed()
                raise DeliveryFailed(_error_code(error)) from error
            except BotoCoreConnectionError as error:  # the request never left: safe to try again
                if attempt == SMS_CONNECT_ATTEMPTS:
                    observability.sms_failed()
                    raise DeliveryFailed(type(error).__name__) from error
                continue
            except BotoCoreError as error:  # sent but unanswered: maybe delivered; never sent twice
                observability.sms_failed()
                raise DeliveryFailed(type(error).__name__) from error
            observability.sms_sent(text)
            return str(response["MessageId"])
        raise AssertionError("unreachable")


class KmsSigner:
    algorithm = "ECDSA_SHA_256"

    def __init__(self, settings: Settings, key_id: str) -> None:
        self._kms = client("kms", settings)
        self.key_id = key_id

    def sign(self, message: bytes) -> bytes:
        digest = hashlib.sha256(message).digest()
        response = self._kms.sign(
            KeyId=self.key_id, Message=digest, MessageType="DIGEST", SigningAlgorithm=self.algorithm
        )
        return bytes(response["Signature"])

    def verify(self, message: bytes, signature: bytes) -> bool:
        digest = hashlib.sha256(message).digest()
        try:
            response = self._kms.verify(
                KeyId=self.key_id,
                Message=digest,
                MessageType="DIGEST",
                Signature=signature,
                SigningAlgorithm=self.algorithm,
            )
        except ClientError as error:
            if _error_code(error) == "KMSInvalidSignatureException":
                return False
            raise
        return bool(response["SignatureValid"])

    def public_key_der(self) -> bytes:
        return bytes(self._kms.get_public_key(KeyId=self.key_id)["PublicKey"])


# GuardDuty Malware Protection for S3 tags each object it scanned with its verdict
SCAN_TAG = "GuardDutyMalwareScanStatus"
# SigV4 presigning signs every header the request names (SigV2 leaves If-None-Match and
# Content-Length out), so a link is refused unless the upload sends exactly those headers.
_S3_CONFIG = _CONFIG.merge(Config(signature_version="s3v4"))


class S3Documents:
    def __init__(self, settings: Settings) -> None:
        self._s3 = client("s3", settings, _S3_CONFIG)
        self._bucket = settings.documents_bucket

    def upload_url(
        self, key: str, content_type: str, size: int, sha256_hex: str, expires_seconds: int
    ) -> dict[str, Any]:
        """A presigned PUT of exactly this type, size and checksum that can create the object
        once and never replace it (``If-None-Match: *``: S3 answers 412 to a second PUT)."""
        checksum = base64.b64encode(binascii.unhexlify(sha256_hex)).decode()
        params = {
            "Bucket": self._bucket,
            "Key": key,
            "ContentType": content_type,
            "ContentLength": size,
            "ChecksumSHA256": checksum,
            "IfNoneMatch": "*",
        }
        url = self._s3.generate_presigned_url("put_object", Params=params, ExpiresIn=expires_seconds)
        return {
            "method": "PUT",
            "url": url,
            "headers": {"Content-Type": content_type, "x-amz-checksum-sha256": checksum, "If-None-Match": "*"},
        }

    def download_url(self, key: str, filename: str, expires_seconds: int, version_id: str = "") -> str:
        """A presigned GET; naming the version serves the bytes checked at submit even if the
        key was written again since."""
        disposition = f"inline; filename*=UTF-8''{quote(filename)}"
        params = {"Bucket": self._bucket, "Key": key, "ResponseContentDisposition": disposition}
        if version_id:
            params["VersionId"] = version_id
        return str(self._s3.generate_presigned_url("get_object", Params=params, ExpiresIn=expires_seconds))

    def purge(self, key: str) -> None:
        """Delete every version of an object (the bucket is versioned)."""
        for page in self._s3.get_paginator("list_object_versions").paginate(Bucket=self._bucket, Prefix=key):
            versions = [
                {"Key": item["Key"], "VersionId": item["VersionId"]}
                for item in [*page.get("Versions", []), *page.get("DeleteMarkers", [])]
                if item["Key"] == key
            ]
            if versions:
                self._s3.delete_objects(Bucket=self._bucket, Delete={"Objects": versions, "Quiet": True})

    def describe(self, key: str) -> StoredObject | None:
        """The current version of the object: its size, type, SHA-256, version id and the
        malware scan's verdict (if a scan tagged it)."""
        try:
            head = self._s3.head_object(Bucket=self._bucket, Key=key, ChecksumMode="ENABLED")
        except ClientError as error:
            if _error_code(error) in {"404", "NoSuchKey", "NotFound"}:
                return None
            raise
        version = str(head.get("VersionId") or "")
        checksum = head.get("ChecksumSHA256")
        if checksum and "-" not in checksum:
            sha = binascii.hexlify(base64.b64decode(checksum)).decode()
        else:
            # S3 verified the checksum on upload when the client sent it; objects stored
            # without one (or by a store that keeps none) are hashed here instead.
            body = self._s3.get_object(**self._version(key, version))["Body"]
            hasher = hashlib.sha256()
            for chunk in iter(lambda: body.read(1 << 20), b""):
                hasher.update(chunk)
            sha = hasher.hexdigest()
        tags = self._s3.get_object_tagging(**self._version(key, version)).get("TagSet", [])
        scan = next((str(tag["Value"]) for tag in tags if tag["Key"] == SCAN_TAG), "")
        return StoredObject(
            size=int(head["ContentLength"]),
            content_type=str(head.get("ContentType", "")),
            sha256_hex=sha,
            version_id=version,
            scan=scan,
        )

    def read(self, key: str, version_id: str, length: int | None = None) -> bytes:
        """That version's bytes: a ranged GET of the first ``length``, or the whole object."""
        request = self._version(key, version_id)
        if length is not None:
            request["Range"] = f"bytes=0-{length - 1}"
        return bytes(self._s3.get_object(**request)["Body"].read())

    def _version(self, key: str, version_id: str) -> dict[str, Any]:
        request: dict[str, Any] = {"Bucket": self._bucket, "Key": key}
        if version_id:
            request["VersionId"] = version_id
        return request


class S3LockedDocuments:
    """The issued documents' bucket: each key written once, under object lock."""

    def __init__(self, settings: Settings) -> None:
        self._s3 = client("s3", settings)
        self._bucket = settings.issued_bucket

    def keep(self, key: str, content: bytes, retain_until: datetime) -> bool:
        try:
            self._s3.put_object(
                Bucket=self._bucket,
                Key=key,
                Body=content,
                ContentType="application/pdf",
                ChecksumAlgorithm="SHA256",
                ObjectLockMode=LOCK_MODE,
                ObjectLockRetainUntilDate=retain_until,
                IfNoneMatch="*",
            )
        except ClientError as error:
            if _error_code(error) == "PreconditionFailed":
                return False
            transient_or_raise(error)
            raise
        return True


class CognitoDirectory:
    def __init__(self, settings: Settings) -> None:
        self._idp = client("cognito-idp", settings)
        self._pool = settings.user_pool_id

    def user_attributes(self, username: str) -> dict[str, str]:
        """The user's attributes; empty when there is no such user."""
        try:
            response = self._idp.admin_get_user(UserPoolId=self._pool, Username=username)
        except ClientError as error:
            if _error_code(error) == "UserNotFoundException":
                return {}
            raise
        return {attribute["Name"]: attribute["Value"] for attribute in response.get("UserAttributes", [])}

    def create_user(self, username: str, password: str, attributes: Mapping[str, str]) -> bool:
        """A confirmed account with this password (nothing is sent to the person); False if
        the username is taken.  The password is checked against the pool's policy before
        the account exists, so a refused one leaves no half-made account."""
        listed = [{"Name": name, "Value": value} for name, value in attributes.items()]
        try:
            self._idp.admin_create_user(
                UserPoolId=self._pool,
                Username=username,
                TemporaryPassword=password,
                MessageAction="SUPPRESS",
                UserAttributes=listed,
            )
        except ClientError as error:
            if _error_code(error) == "UsernameExistsException":
                return False
            self._refused(error)
        self.set_password(username, password)
        return True

    def set_password(self, username: str, password: str) -> None:
        """The account's password from now on (permanent: no change is asked at sign-in)."""
        try:
            self._idp.admin_set_user_password(
                UserPoolId=self._pool, Username=username, Password=password, Permanent=True
            )
        except ClientError as error:
            self._refused(error)

    def update_attributes(self, username: str, attributes: Mapping[str, str]) -> None:
        listed = [{"Name": name, "Value": value} for name, value in attributes.items()]
        try:
            self._idp.admin_update_user_attributes(UserPoolId=self._pool, Username=username, UserAttributes=listed)
        except ClientError as error:
            self._refused(error)

    def sign_out_everywhere(self, username: str) -> None:
        """Revoke every refresh token of the account: no sign-in of it is renewed again."""
        try:
            self._idp.admin_user_global_sign_out(UserPoolId=self._pool, Username=username)
        except ClientError as error:
            self._refused(error)

    @staticmethod
    def _refused(error: ClientError) -> NoReturn:
        """A refusal the person can act on, a busy pool, or the error as it came."""
        if _error_code(error) == "InvalidPasswordException":
            raise ValidationFailed.field(
                "password", "does not meet the password policy of the accounts", code="invalid_password"
            ) from None
        transient_or_raise(error)
        raise error

    def phones_in_group(self, group: str) -> list[str]:
        phones = []
        try:
            for page in self._idp.get_paginator("list_users_in_group").paginate(UserPoolId=self._pool, GroupName=group):
                for user in page["Users"]:
                    attributes = {attribute["Name"]: attribute["Value"] for attribute in user.get("Attributes", [])}
                    if attributes.get("phone_number"):
                        phones.append(attributes["phone_number"])
        except ClientError as error:
            if _error_code(error) != "ResourceNotFoundException":
                raise
        return phones
