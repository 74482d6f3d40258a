"""Typed settings read from the environment.

Every resource name is required (``os.environ[...]``): a missing name fails loudly at
first use instead of silently talking to the wrong table.  The same variables are set by
the AWS template (``infra/``) and by the embedded local stack, for every function alike
(``tests/infra`` reads this module to check the template sets each one).

Two values are not in the environment but named by it, and read once by the composition
root: the public URL lives in an SSM parameter (on AWS it is the CloudFront address,
which the API function's environment cannot refer to without a circular dependency), and
the bank's webhook secret lives in Secrets Manager (never in an environment variable).

e.firma's two settings are optional: without them the deployment accepts no e.firma
(its routes answer 503 ``efirma_unavailable``) and procedures that require one cannot be filed.

The registries Ventanilla may ask (``REGISTRY_ENDPOINTS``, ``REGISTRY_KEYS``: JSON objects
keyed by registry) default to none: a registry is reachable only once an agency has
configured both its address and the public key its answers are signed with.  A value
that is not such an object stops the function at start-up, naming the variable, rather
than leaving a registry silently unreachable.
"""

from __future__ import annotations

import os
from decimal import Decimal

import msgspec
from msgspec import Struct


class Settings(Struct, frozen=True):
    stage: str
    region: str
    table_name: str
    documents_bucket: str
    issued_bucket: str  # issued documents' PDFs, under object lock
    signing_key_id: str
    sealing_key_id: str
    exchange_key_id: str
    user_pool_id: str
    user_pool_client_id: str
    sms_topic_arn: str
    public_url_parameter: str
    bank_webhook_secret_arn: str
    cursor_secret_arn: str
    workflow_role_arn: str
    step_handler_arns: str
    endpoint_url: str | None = None
    # where the table's stream describes the batches it gave up on (``ops events-replay``)
    failed_events_queue_url: str | None = None
    legal_day_seconds: Decimal = Decimal(86400)
    sandbox_enabled: bool = False
    sms_quiet_hours: str = "21:00-08:00"
    # progress news followed in the same stream batch by other news of the application folds into it
    sms_fold_progress: bool = True
    sms_allowed_countries: str = "MX"
    sms_per_phone_per_hour: int = 20
    # e.firma: the PEM bundle of trusted authorities (a path; relative to the package) and the OCSP responder
    efirma_ca_bundle: str | None = None
    efirma_ocsp_url: str | None = None
    # other registries: registry -> base URL, and registry -> PEM public key that signs its answers
    registry_endpoints: dict[str, str] = {}
    registry_keys: dict[str, str] = {}

    @property
    def jwks_url(self) -> str:
        """Where Cognito publishes the pool's signing keys (the embedded endpoint locally)."""
        if self.endpoint_url:
            return f"{self.endpoint_url.rstrip('/')}/{self.user_pool_id}/.well-known/jwks.json"
        return f"{self.token_issuer}/.well-known/jwks.json"

    @property
    def token_issuer(self) -> str:
        """Cognito's issuer claim: always the AWS address, even on the embedded stack."""
        return f"https://cognito-idp.{self.region}.amazonaws.com/{self.user_pool_id}"


REGISTRY_SETTINGS = {"REGISTRY_ENDPOINTS": "base URL", "REGISTRY_KEYS": "PEM public key"}


def registry_map(name: str, text: str | None) -> dict[str, str]:
    """A registry setting (``REGISTRY_SETTINGS``): a JSON object of registry -> text; unset
    or empty means no registry."""
    try:
        return msgspec.json.decode(text or "{}", type=dict[str, str])
    except msgspec.DecodeError as error:
        raise ValueError(f"{name} must be a JSON object of registry -> {REGISTRY_SETTINGS[name]}: {error}") from None


def load_settings(environ: dict[str, str] | None = None) -> Settings:
    env = os.environ if environ is None else environ
    return Settings(
        stage=env["STAGE"],
        region=env.get("AWS_REGION") or env["AWS_DEFAULT_REGION"],
        table_name=env["TABLE_NAME"],
        documents_bucket=env["DOCUMENTS_BUCKET"],
        issued_bucket=env["ISSUED_BUCKET"],
        signing_key_id=env["SIGNING_KEY_ID"],
        sealing_key_id=env["SEALING_KEY_ID"],
        exchange_key_id=env["EXCHANGE_KEY_ID"],
        user_pool_id=env["USER_POOL_ID"],
        user_pool_client_id=env["USER_POOL_CLIENT_ID"],
        sms_topic_arn=env["SMS_TOPIC_ARN"],
        public_url_parameter=env["PUBLIC_URL_PARAMETER"],
        bank_webhook_secret_arn=env["BANK_WEBHOOK_SECRET_ARN"],
        cursor_secret_arn=env["CURSOR_SECRET_ARN"],
        workflow_role_arn=env["WORKFLOW_ROLE_ARN"],
        step_handler_arns=env["STEP_HANDLER_ARNS"],
        endpoint_url=env.get("AWS_ENDPOINT_URL") or None,
        failed_events_queue_url=env.get("FAILED_EVENTS_QUEUE_URL") or None,
        legal_day_seconds=Decimal(env.get("LEGAL_DAY_SECONDS", "86400")),
        sandbox_enabled=env.get("SANDBOX_ENABLED", "false").lower() == "true",
        sms_quiet_hours=env.get("SMS_QUIET_HOURS", "21:00-08:00"),
        sms_fold_progress=env.get("SMS_FOLD_PROGRESS", "on").lower() != "off",
        sms_allowed_countries=env.get("SMS_ALLOWED_COUNTRIES", "MX"),
        sms_per_phone_per_hour=int(env.get("SMS_PER_PHONE_PER_HOUR", "20")),
        efirma_ca_bundle=env.get("EFIRMA_CA_BUNDLE") or None,
        efirma_ocsp_url=env.get("EFIRMA_OCSP_URL") or None,
        registry_endpoints=registry_map("REGISTRY_ENDPOINTS", env.get("REGISTRY_ENDPOINTS")),
        registry_keys=registry_map("REGISTRY_KEYS", env.get("REGISTRY_KEYS")),
    )
