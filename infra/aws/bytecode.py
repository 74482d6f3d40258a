"""Compiled bytecode in the Lambda package, for what a cold start imports.

``/var/task`` is read-only on Lambda, so Python cannot cache what it compiles, and
wheels carry no bytecode: without ``.pyc`` files in the package every cold start
compiles every module ``import app`` loads (measured here: ~2 s of a 2.3 s import).
Compiling the whole package would cost ~2.8 MB zipped and break the 5 MB budget, so the
package ships bytecode for exactly the modules a fresh ``import app`` loads from it
(about 220 files, ~0.9 MB zipped); the rest compile on first use, as now.

The files are ``__pycache__/<name>.cpython-311.pyc`` with *checked-hash* invalidation:
Python uses one while the hash of its source matches (zip archives keep modification
times only to two seconds, so the default timestamp check would reject them) and
recompiles a source file someone changed in place.  Bytecode is specific to a Python
minor version, so it is only added when the build runs the Lambda runtime's Python.
"""

from __future__ import annotations

import json
import os
import py_compile
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

from chalicelib.core.names import PRODUCT, public_url_parameter, resource_name, workflow_role_name

RUNTIME = (3, 11)  # the functions' runtime: Chalice takes the building Python's (python3.11 here and in CI)
TASK_ROOT = "/var/task"
# A stage, region and account for the settings an import reads: nothing is called.
STAGE = "dev"
REGION = "us-east-1"
ACCOUNT_ID = "123456789012"
# What Lambda sets in the environment (plus the app's settings) for an import that
# takes the same paths as a cold start: without LAMBDA_TASK_ROOT the X-Ray SDK believes
# it is not on Lambda and builds an X-Ray client at import.
LAMBDA_ENVIRONMENT = {
    "AWS_LAMBDA_FUNCTION_NAME": resource_name(STAGE),
    "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": "512",
    "AWS_EXECUTION_ENV": "AWS_Lambda_python3.11",
    "AWS_REGION": REGION,
    "AWS_DEFAULT_REGION": REGION,
    "STAGE": STAGE,
    "TABLE_NAME": resource_name(STAGE),
    "DOCUMENTS_BUCKET": resource_name(STAGE, "documents"),
    "ISSUED_BUCKET": resource_name(STAGE, "issued"),
    "SIGNING_KEY_ID": "00000000-0000-0000-0000-000000000000",
    "SEALING_KEY_ID": "00000000-0000-0000-0000-000000000001",
    "EXCHANGE_KEY_ID": "00000000-0000-0000-0000-000000000002",
    "USER_POOL_ID": f"{REGION}_example",
    "USER_POOL_CLIENT_ID": "example",
    "SMS_TOPIC_ARN": f"arn:aws:sns:{REGION}:{ACCOUNT_ID}:{resource_name(STAGE, 'sms-inbound')}",
    "PUBLIC_URL_PARAMETER": public_url_parameter(STAGE),
    "BANK_WEBHOOK_SECRET_ARN": (
        f"arn:aws:secretsmanager:{REGION}:{ACCOUNT_ID}:secret:{PRODUCT}/{STAGE}/bank-webhook-AbCdEf"
    ),
    "CURSOR_SECRET_ARN": f"arn:aws:secretsmanager:{REGION}:{ACCOUNT_ID}:secret:{PRODUCT}/{STAGE}/cursors-AbCdEf",
    "WORKFLOW_ROLE_ARN": f"arn:aws:iam::{ACCOUNT_ID}:role/{workflow_role_name(STAGE)}",
    "STEP_HANDLER_ARNS": "{}",
}


def lambda_environment(task_root: Path) -> dict[str, str]:
    """This process's environment as a Lambda function's: no AWS settings of ours, the
    unpacked package first on the path, nothing written next to it."""
    env = {name: value for name, value in os.environ.items() if not name.startswith(("AWS_", "MOTO_", "PYTHON"))}
    env.update(
        LAMBDA_ENVIRONMENT, LAMBDA_TASK_ROOT=str(task_root), PYTHONPATH=str(task_root), PYTHONDONTWRITEBYTECODE="1"
    )
    return env


def cold_start_modules(task_root: Path) -> dict[str, str]:
    """What a fresh ``import app`` in the unpacked package loads: module name -> its file ('' if none)."""
    listing = (
        "import app, json, sys; "
        "print(json.dumps({name: getattr(module, '__file__', None) or '' "
        "for name, module in list(sys.modules.items())}))"
    )
    done = subprocess.run(
        [sys.executable, "-c", listing],
        cwd=task_root,
        env=lambda_environment(task_root),
        capture_output=True,
        text=True,
        check=True,
    )
    modules: dict[str, str] = json.loads(done.stdout.splitlines()[-1])  # the last line: the app may log before it
    return modules


def cold_start_sources(task_root: Path) -> list[Path]:
    """The package's Python files that a fresh ``import app`` loads."""
    root = task_root.resolve()
    found = {Path(file).resolve() for file in cold_start_modules(task_root).values() if file.endswith(".py")}
    return sorted(path for path in found if path.is_relative_to(root))


def add_cold_start_bytecode(package: Path) -> int:
    """Put checked-hash bytecode for the cold-start modules in the zip; returns how many.

    Whatever bytecode the archive already holds goes first: Chalice's packager copies
    ``chalicelib/`` as it is on disk, ``__pycache__`` included, and a checkout's caches
    are timestamp-checked (useless once zipped) and for whatever happened to be imported.
    """
    if sys.version_info[:2] != RUNTIME:
        print(
            f"not adding bytecode to {package.name}: this is Python {sys.version_info[0]}.{sys.version_info[1]}, "
            f"the functions run {RUNTIME[0]}.{RUNTIME[1]}",
            file=sys.stderr,
        )
        return 0
    with tempfile.TemporaryDirectory(prefix="lambda-task-") as scratch:
        task_root = Path(scratch)
        with zipfile.ZipFile(package) as archive:
            kept = [
                (info, archive.read(info))
                for info in archive.infolist()
                if "__pycache__/" not in info.filename and not info.filename.endswith(".pyc")
            ]
        for info, data in kept:
            if not info.is_dir():
                target = task_root / info.filename
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(data)
        compiled = []
        for source in cold_start_sources(task_root):
            relative = source.relative_to(task_root.resolve())
            written = py_compile.compile(
                str(source),
                dfile=f"{TASK_ROOT}/{relative.as_posix()}",
                doraise=True,
                invalidation_mode=py_compile.PycInvalidationMode.CHECKED_HASH,
            )
            if written is None:  # py_compile answers None only for an error it did not raise
                raise RuntimeError(f"{relative} did not compile")
            pyc = Path(written)
            compiled.append((pyc, pyc.relative_to(task_root.resolve()).as_posix()))
        with zipfile.ZipFile(package, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            for info, data in kept:
                archive.writestr(info, data)
            for pyc, name in compiled:
                archive.write(pyc, name)
    return len(compiled)


def unpack(package: Path, task_root: Path) -> Path:
    """The package unpacked as Lambda unpacks it into ``/var/task``."""
    shutil.rmtree(task_root, ignore_errors=True)
    task_root.mkdir(parents=True)
    with zipfile.ZipFile(package) as archive:
        archive.extractall(task_root)
    return task_root
