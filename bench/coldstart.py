"""Cold-start proxies: how long ``import app`` takes in a fresh interpreter, and how big
the Lambda package is, built the way Chalice builds it for Lambda (self-contained: the
deployment templates live elsewhere).

The package holds the manylinux x86_64 / CPython 3.11 wheels of ``requirements.txt``
and what they need, less what the Lambda Python runtime already provides, plus
``app.py`` and ``chalicelib/``.  Wheels are downloaded once into ``build/lambda-wheels``
(git-ignored) and reused while ``requirements.txt`` is unchanged: the first run needs
the package registry, later runs do not.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import statistics
import subprocess
import sys
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BUILD = ROOT / "build"
WHEELS = BUILD / "lambda-wheels"
PACKAGE = BUILD / "lambda-package.zip"
# What the Lambda Python 3.11 runtime already has (Chalice leaves them out too).
RUNTIME_PROVIDED = {"boto3", "botocore", "s3transfer", "jmespath", "python-dateutil", "six", "urllib3"}
LAMBDA_ENVIRONMENT = {
    "AWS_LAMBDA_FUNCTION_NAME": "ventanilla-dev",
    # Lambda sets it; without it the X-Ray SDK believes it is not on Lambda and builds its
    # sampler's X-Ray client at import (~150 ms that a real cold start does not pay).
    "LAMBDA_TASK_ROOT": str(ROOT),
    "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": "512",
    "AWS_EXECUTION_ENV": "AWS_Lambda_python3.11",
    "AWS_REGION": "us-east-1",
    "AWS_DEFAULT_REGION": "us-east-1",
    "STAGE": "dev",
    "TABLE_NAME": "ventanilla-dev",
    "DOCUMENTS_BUCKET": "ventanilla-dev-documents",
    "SIGNING_KEY_ID": "00000000-0000-0000-0000-000000000000",
    "USER_POOL_ID": "us-east-1_example",
    "USER_POOL_CLIENT_ID": "example",
    "SMS_TOPIC_ARN": "arn:aws:sns:us-east-1:123456789012:ventanilla-dev-sms-inbound",
    "PUBLIC_API_URL": "https://example.execute-api.us-east-1.amazonaws.com/api",
    "PUBLIC_WEB_URL": "https://example.cloudfront.net",
    "BANK_WEBHOOK_SECRET": "x" * 64,
    "WORKFLOW_ROLE_ARN": "arn:aws:iam::123456789012:role/ventanilla-dev-workflows",
    "STEP_HANDLER_ARNS": "{}",
}
_IMPORT_LINE = re.compile(r"^import time:\s+(\d+)\s+\|\s+(\d+)\s+\|(\s*)(\S+)")


@dataclass
class ImportTime:
    total_ms: float
    top: list[tuple[str, float]]
    runs_ms: list[float] = field(default_factory=list)
    leaked: list[str] = field(default_factory=list)


def _lambda_env() -> dict[str, str]:
    env = {name: value for name, value in os.environ.items() if not name.startswith(("AWS_", "MOTO_"))}
    env.update(LAMBDA_ENVIRONMENT)
    return env


def import_time(runs: int = 5) -> ImportTime:
    """``python -X importtime -c "import app"`` in fresh processes: the median run's
    total (the sum of every module's own time), and that total split by top-level package."""
    subprocess.run([sys.executable, "-c", "import app"], cwd=ROOT, env=_lambda_env(), check=True)  # byte-compile once
    measured = []
    for _ in range(runs):
        done = subprocess.run(
            [sys.executable, "-X", "importtime", "-c", "import app, sys; print(' '.join(sorted(sys.modules)))"], cwd=ROOT, env=_lambda_env(), capture_output=True, text=True, check=True
        )
        rows = [match.groups() for match in map(_IMPORT_LINE.match, done.stderr.splitlines()) if match]
        total = sum(int(own) for own, _, _, _ in rows) / 1000
        by_package: dict[str, float] = {}
        for own, _, _, name in rows:
            root = name.split(".")[0]
            by_package[root] = by_package.get(root, 0.0) + int(own) / 1000
        modules = done.stdout.split()
        measured.append((total, sorted(by_package.items(), key=lambda row: -row[1]), modules))
    measured.sort(key=lambda run: run[0])
    total, top, modules = measured[len(measured) // 2]
    leaked = sorted({name.split(".")[0] for name in modules} & {"moto", "infra", "tests", "bench", "pytest", "flask", "werkzeug"})
    return ImportTime(total_ms=total, top=top[:10], runs_ms=[run[0] for run in measured], leaked=leaked)


@dataclass
class Package:
    zipped_bytes: int
    unzipped_bytes: int
    biggest: list[tuple[str, int]]
    wheels: list[str]
    error: str | None = None


def _requirements_digest() -> str:
    return hashlib.sha256((ROOT / "requirements.txt").read_bytes()).hexdigest()[:16]


def download_wheels() -> list[Path]:
    stamp = WHEELS / f".requirements-{_requirements_digest()}"
    if not stamp.exists():
        shutil.rmtree(WHEELS, ignore_errors=True)
        WHEELS.mkdir(parents=True)
        subprocess.run(
            [
                sys.executable,
                "-m",
                "pip",
                "download",
                "--quiet",
                "--disable-pip-version-check",
                "--only-binary=:all:",
                "--platform",
                "manylinux2014_x86_64",
                "--python-version",
                "3.11",
                "--implementation",
                "cp",
                "-r",
                str(ROOT / "requirements.txt"),
                "-d",
                str(WHEELS),
            ],
            check=True,
            capture_output=True,
            text=True,
        )
        stamp.touch()
    return sorted(WHEELS.glob("*.whl"))


def _distribution(wheel: Path) -> str:
    return wheel.name.split("-")[0].lower().replace("_", "-")


def build_package() -> Package:
    try:
        wheels = download_wheels()
    except subprocess.CalledProcessError as error:
        return Package(0, 0, [], [], error=f"pip download failed (the first run needs the package registry): {error.stderr.strip()[-300:]}")
    shipped = [wheel for wheel in wheels if _distribution(wheel) not in RUNTIME_PROVIDED]
    sizes: dict[str, int] = {}
    PACKAGE.unlink(missing_ok=True)
    with zipfile.ZipFile(PACKAGE, "w", compression=zipfile.ZIP_DEFLATED) as package:
        for wheel in shipped:
            with zipfile.ZipFile(wheel) as source:
                for entry in source.infolist():
                    if entry.is_dir():
                        continue
                    package.writestr(entry.filename, source.read(entry), compress_type=zipfile.ZIP_DEFLATED)
        for path in [ROOT / "app.py", *sorted((ROOT / "chalicelib").rglob("*"))]:
            if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc":
                package.write(path, path.relative_to(ROOT).as_posix())
    with zipfile.ZipFile(PACKAGE) as package:
        unzipped = sum(entry.file_size for entry in package.infolist())
        for entry in package.infolist():
            top = entry.filename.split("/")[0]
            sizes[top] = sizes.get(top, 0) + entry.compress_size
    biggest = sorted(((name, size) for name, size in sizes.items() if not name.endswith(".dist-info")), key=lambda row: -row[1])[:6]
    return Package(PACKAGE.stat().st_size, unzipped, biggest, [wheel.name for wheel in shipped])


def median(values: list[float]) -> float:
    return statistics.median(values)
