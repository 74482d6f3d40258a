"""Idempotent commands with Powertools Idempotency over the single table.

A client that retries a command with the same ``Idempotency-Key`` (or a bank that
re-sends the same event id) gets the first response back, and the command runs once;
the SMS of one event go out once however often the step that sent them is retried.
Records live in the table under ``pk = IDEMPOTENCY#<command>`` and expire (TTL on
``expiration``).  Each command has its own persistence layer: Powertools configures a
layer for the function it wraps, so two commands must not share one across threads.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from aws_lambda_powertools.utilities.idempotency import DynamoDBPersistenceLayer, IdempotencyConfig, idempotent_function
from aws_lambda_powertools.utilities.idempotency.exceptions import (
    IdempotencyAlreadyInProgressError,
    IdempotencyValidationError,
)

from chalicelib.adapters.aws import client
from chalicelib.core.errors import Conflict
from chalicelib.core.settings import Settings
from chalicelib.store import keys

EXPIRES_AFTER_SECONDS = 24 * 3600
Wrapper = Callable[[Callable[..., Any]], Callable[..., Any]]


class Idempotency:
    def __init__(self, settings: Settings) -> None:
        self._settings = settings
        self._layers: dict[str, DynamoDBPersistenceLayer] = {}
        self._lock = threading.Lock()
        self._configs: list[IdempotencyConfig] = []

    def _layer(self, command: str) -> DynamoDBPersistenceLayer:
        with self._lock:
            if command not in self._layers:
                self._layers[command] = DynamoDBPersistenceLayer(
                    table_name=self._settings.table_name,
                    key_attr="pk",
                    sort_key_attr="sk",
                    static_pk_value=keys.idempotency(command),
                    boto3_client=client("dynamodb", self._settings),
                )
            return self._layers[command]

    def run(self, command: str, key: str, request: Any, action: Callable[[], Any]) -> Any:
        """Run ``action`` once per (command, key); repeats get the stored result.

        ``request`` describes the call: the same key with a different request is refused.
        """
        config = IdempotencyConfig(
            event_key_jmespath="key", payload_validation_jmespath="request", expires_after_seconds=EXPIRES_AFTER_SECONDS
        )

        @idempotent_function(  # type: ignore[untyped-decorator]  # Powertools does not annotate its decorator
            data_keyword_argument="call", persistence_store=self._layer(command), config=config, key_prefix=command
        )
        def once(call: dict[str, Any]) -> Any:
            return action()

        try:
            return once(call={"key": key, "request": request})
        except IdempotencyAlreadyInProgressError:
            raise Conflict(
                "the same request is still being processed; retry in a moment", code="request_in_progress"
            ) from None
        except IdempotencyValidationError:
            raise Conflict(
                "this Idempotency-Key was already used for a different request", code="idempotency_key_reused"
            ) from None

    def decorator(self, command: str, expires_after_seconds: int) -> Wrapper:
        """Wrap a function whose keyword argument ``delivery`` carries a ``key``: it runs
        once per key.  The key prefix does not depend on the Lambda function's name, so
        the API and the workflow's step functions share the records."""
        config = IdempotencyConfig(
            event_key_jmespath="key", raise_on_no_idempotency_key=True, expires_after_seconds=expires_after_seconds
        )
        self._configs.append(config)
        wrapper: Wrapper = idempotent_function(
            data_keyword_argument="delivery", persistence_store=self._layer(command), config=config, key_prefix=command
        )
        return wrapper

    def register_lambda_context(self, context: Any) -> None:
        """Bound the claims of this invocation's wrapped functions by its remaining time: a
        claim left by an invocation that died (in progress, never completed) lapses when
        that invocation's time would have run out, instead of blocking its key until the
        record expires."""
        for config in self._configs:
            config.register_lambda_context(context)
