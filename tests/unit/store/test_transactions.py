"""Write transactions share one connection: a new one per transaction built a botocore
session and client each time (~100 ms of CPU per write)."""

from __future__ import annotations

from chalicelib.store.models import bind_models, transaction


def test_transactions_share_a_connection_until_the_models_are_rebound() -> None:
    bind_models("tabla-de-prueba", "us-east-1", None)
    first = transaction()._connection
    assert transaction()._connection is first
    bind_models("tabla-de-prueba", "us-east-1", None)
    assert transaction()._connection is not first
