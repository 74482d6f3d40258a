"""The embedded AWS's speed patches (``infra/moto_speed.py``): Step Functions reuses its
Lambda client, the server reads moto's module list once.  They wrap moto internals, so
a moto upgrade that moves one fails here.  (Cheap transaction rollback: test_moto_fidelity.)"""

from __future__ import annotations

from infra import moto_speed


def test_step_functions_reuse_one_lambda_client_per_region() -> None:
    import importlib

    moto_speed.one_lambda_client_per_region()
    tasks = importlib.import_module(moto_speed.LAMBDA_TASKS)
    assert tasks.boto_client_for("us-east-1", "lambda") is tasks.boto_client_for("us-east-1", "lambda")


def test_the_server_reads_the_module_list_once() -> None:
    from moto import backends

    moto_speed.list_moto_modules_once()
    assert {"dynamodb", "stepfunctions", "cognitoidp"} <= backends.list_of_moto_modules()
    assert backends.list_of_moto_modules() is backends.list_of_moto_modules()
