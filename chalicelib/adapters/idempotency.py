"""Idempotent commands with Powertools Idempotency over the single table.

A client that retries a command with the same ``Idempotency-Key`` (or a bank that
re-sends the same event id) gets the first response back, and the command runs once.
Records live in the table under ``pk = IDEMPOTENCY`` and expire after a day (TTL on
``expiration``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from aws_lambda_powertools.utilities.idempotency import DynamoDBPersistenceLayer, IdempotencyConfig, idempotent_function
from aws_lambda_powertools.utilities.idempotency.exceptions import IdempotencyAlreadyInProgressError, IdempotencyValidationError

from chalicelib.adapters.aws import client
from chalicelib.core.errors import Conflict
from chalicelib.core.settings import Settings

EXPIRES_AFTER_SECONDS = 24 * 3600


class Idempotency:
    def __init__(self, settings: Settings) -> None:
        self._persistence = DynamoDBPersistenceLayer(
            table_name=settings.table_name,
            key_attr="pk",
            sort_key_attr="sk",
            static_pk_value="IDEMPOTENCY",
            boto3_client=client("dynamodb", settings),
        )
        self._config = IdempotencyConfig(event_key_jmespath="key", payload_validation_jmespath="request", expires_after_seconds=EXPIRES_AFTER_SECONDS)

    def run(self, scope: str, key: str, request: Any, command: Callable[[], Any]) -> Any:
        """Run ``command`` once per (scope, key); repeats get the stored result.

        ``request`` describes the call: the same key with a different request is refused.
        """

        @idempotent_function(data_keyword_argument="call", persistence_store=self._persistence, config=self._config, key_prefix=scope)
        def once(call: dict[str, Any]) -> Any:
            return command()

        try:
            return once(call={"key": key, "request": request})
        except IdempotencyAlreadyInProgressError:
            raise Conflict("the same request is still being processed; retry in a moment", code="request_in_progress") from None
        except IdempotencyValidationError:
            raise Conflict("this Idempotency-Key was already used for a different request", code="idempotency_key_reused") from None
