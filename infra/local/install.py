"""The one sequence that turns a running embedded AWS into Ventanilla's.

``make run`` (``infra.local.stack.start``: moto as a server on a port) and the component
and workflow tests (``tests/support/inprocess.py``: moto in-process under ``mock_aws``)
both call ``install`` once moto answers, so that the tests exercise the stack people
run: the moto patches, the resources of ``infra/aws/stack`` built by the provisioner,
the environment they imply, a composition root rebuilt on it, the sandbox routes and
the shipped procedures, the sandbox certificate authority with its OCSP responder, and
the sandbox registries.

What differs stays with the callers: credentials and endpoint, how moto runs, quiet
logging, ``SANDBOX_ENABLED`` and the demo accounts (``make run`` only), per-thread
requests for the tests' client.
"""

from __future__ import annotations

import importlib
import json
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from chalice.app import Chalice

from chalicelib import wiring
from infra.aws.deploy import publish_procedures
from infra.aws.stack.naming import function_logical_id
from infra.local import efirma, registries
from infra.local.moto import cognito, fidelity, lambda_adapter, speed, stream_endpoints
from infra.local.provision import Provisioner
from infra.local.sandbox import register_sandbox
from infra.local.streams import EventSourceMapping, StreamPoller, stream_arn


@dataclass(frozen=True)
class Installed:
    environment: dict[str, str]  # what the app and its functions run with (also set in os.environ)
    provisioner: Provisioner  # clients on the embedded AWS, for what the caller adds (the demo accounts)
    efirma: efirma.Sandbox  # the sandbox certificate authority and its OCSP responder
    registries: registries.Sandbox  # the sandbox population, tax, social-security and cadastre registries
    # one poller per event source mapping on the table's stream (the stack's, then any asked for), not started:
    # the caller starts them (make run, tests) and tests drain them
    streams: list[StreamPoller] = field(default_factory=list)


def patch_moto() -> None:
    """Run Lambda handlers in this process, make DynamoDB atomic, make KMS sign digests as
    KMS does, end an execution's waits when it is stopped, answer the DynamoDB Streams API
    in-process as over the server, let Cognito revoke a refresh token, make moto fast.

    Each patch is idempotent and replaces what moto looks up when it handles a request,
    so patching a moto server that is already listening (before any request) is enough.
    """
    lambda_adapter.install()
    fidelity.serialize_dynamodb_writes()
    fidelity.kms_signs_digests()
    fidelity.stopping_ends_waits()
    cognito.revoke_token()
    stream_endpoints.install()
    speed.install()


def install(
    app: Chalice,
    stage: str,
    region: str,
    *,
    public_url: str,
    webhook_secret: str,
    legal_day_seconds: str,
    efirma_directory: Path,
    stream_consumers: Sequence[EventSourceMapping] = (),
) -> Installed:
    """Make the embedded AWS that is answering now Ventanilla's, and point the app at it.

    ``public_url`` is where people reach the stack (the stack's SSM parameter),
    ``webhook_secret`` the bank's HMAC key (its secret) and ``legal_day_seconds`` how many
    wall-clock seconds a legal day lasts for the deadline timers.  The sandbox certificate
    authority keeps its files in ``efirma_directory`` and answers OCSP on a loopback port.
    """
    patch_moto()
    provisioner = Provisioner(stage, region)
    registry_sandbox = registries.start()
    environment = provisioner.provision(
        app,
        {
            "PublicUrl": public_url,
            "BankWebhookSecretValue": webhook_secret,
            "LegalDaySeconds": legal_day_seconds,
            # the template's registry parameters, connecting the sandbox registries
            "RegistryEndpoints": json.dumps(registry_sandbox.endpoints()),
            "RegistryKeys": json.dumps(registry_sandbox.public_keys()),
        },
    )
    sandbox = efirma.start(efirma_directory)
    environment.update(EFIRMA_CA_BUNDLE=str(sandbox.authority.bundle), EFIRMA_OCSP_URL=sandbox.responder.url)
    os.environ.update(environment)
    wiring.reset()
    registry_sandbox.trust(wiring.container().exchange_key.public_key_der())
    register_sandbox(app)
    publish_procedures()
    mappings = [*stack_mappings(app, provisioner), *stream_consumers]
    table_stream = stream_arn(environment["TABLE_NAME"], provisioner.session, region)
    pollers = [StreamPoller(table_stream, mapping, session=provisioner.session) for mapping in mappings]
    return Installed(environment, provisioner, sandbox, registry_sandbox, pollers)


def handler_of(handler_string: str) -> Callable[[Any, Any], Any]:
    """The function Lambda would run for ``module.attribute`` (the app's, with its middleware)."""
    module, _, attribute = handler_string.rpartition(".")
    handler: Callable[[Any, Any], Any] = getattr(importlib.import_module(module), attribute)
    return handler


def stack_mappings(app: Chalice, provisioner: Provisioner) -> list[EventSourceMapping]:
    """The stack's event source mappings on the table's stream, with the settings it gives
    them on AWS, each calling its function of ``app`` in this process."""
    functions = {function_logical_id(function.name): function for function in app.pure_lambda_functions}
    mappings = []
    for properties in provisioner.mappings.values():
        function = functions[properties["FunctionName"]["Ref"]]
        destination = properties.get("DestinationConfig", {}).get("OnFailure", {}).get("Destination")
        mappings.append(
            EventSourceMapping(
                function.name,
                handler_of(function.handler_string),
                batch_size=properties["BatchSize"],
                maximum_batching_window_seconds=properties["MaximumBatchingWindowInSeconds"],
                maximum_retry_attempts=properties["MaximumRetryAttempts"],
                report_batch_item_failures="ReportBatchItemFailures" in properties["FunctionResponseTypes"],
                starting_position=properties["StartingPosition"],
                on_failure=provisioner.resolve(destination) if destination else None,
            )
        )
    return mappings
