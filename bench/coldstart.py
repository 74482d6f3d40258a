"""Cold-start proxies: how long ``import app`` takes in a fresh interpreter, and how big
the Lambda package is, built the way Chalice builds it for Lambda (self-contained: the
deployment templates live elsewhere).

The package holds the manylinux x86_64 / CPython 3.11 wheels of ``requirements.txt``
and what they need, less what the Lambda Python runtime already provides, plus
``app.py`` and ``chalicelib/``, and the bytecode of the modules a cold start imports
(``infra/aws/bytecode.py``, as ``make deploy`` ships it).  Wheels are downloaded once into
``build/lambda-wheels`` (git-ignored) and reused while ``requirements.txt`` is unchanged:
the first run needs the package registry, later runs do not.  The import is timed in
that package, unpacked.
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

from infra.aws import bytecode

ROOT = Path(__file__).resolve().parent.parent
BUILD = ROOT / "build"
WHEELS = BUILD / "lambda-wheels"
PACKAGE = BUILD / "lambda-package.zip"
TASK = BUILD / "lambda-task"  # the package unpacked, as in /var/task
# What the Lambda Python 3.11 runtime already has (Chalice leaves them out too).
RUNTIME_PROVIDED = {"boto3", "botocore", "s3transfer", "jmespath", "python-dateutil", "six", "urllib3"}
_IMPORT_LINE = re.compile(r"^import time:\s+(\d+)\s+\|\s+(\d+)\s+\|(\s*)(\S+)")


@dataclass
class ImportTime:
    total_ms: float  # the fastest run: the figure judged against the budget
    top: list[tuple[str, float]]
    runs_ms: list[float] = field(default_factory=list)
    leaked: list[str] = field(default_factory=list)
    median_ms: float = 0.0
    load_average: float = 0.0


def import_time(package: Path, runs: int = 5) -> ImportTime:
    """``python -X importtime -c "import app"`` in fresh processes, run in the package
    unpacked as Lambda unpacks it (read-only as ``/var/task`` is: nothing is compiled
    ahead but what the package ships), with the runtime's own packages from this
    virtualenv: the fastest run's total (the sum of every module's own time) split by
    top-level package, and the median.

    The fastest run is the figure, as ``timeit`` advises: slower runs measure what else
    the machine was doing (other processes' load), not the import.  The load average at
    the time is recorded beside it."""
    task_root = bytecode.unpack(package, TASK)
    env = bytecode.lambda_environment(task_root)
    measured = []
    for _ in range(runs):
        done = subprocess.run(
            [sys.executable, "-X", "importtime", "-c", "import app, sys; print(' '.join(sorted(sys.modules)))"],
            cwd=task_root,
            env=env,
            capture_output=True,
            text=True,
            check=True,
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
    total, top, modules = measured[0]
    leaked = sorted(
        {name.split(".")[0] for name in modules} & {"moto", "infra", "tests", "bench", "pytest", "flask", "werkzeug"}
    )
    runs_ms = [run[0] for run in measured]
    return ImportTime(
        total_ms=total,
        top=top[:10],
        runs_ms=runs_ms,
        leaked=leaked,
        median_ms=runs_ms[len(runs_ms) // 2],
        load_average=os.getloadavg()[0],
    )


@dataclass
class Package:
    zipped_bytes: int
    unzipped_bytes: int
    biggest: list[tuple[str, int]]
    wheels: list[str]
    error: str | None = None
    compiled: int = 0  # cold-start modules shipped as bytecode (infra/aws/bytecode.py)


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
        return Package(
            0,
            0,
            [],
            [],
            error=f"pip download failed (the first run needs the package registry): {error.stderr.strip()[-300:]}",
        )
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
    compiled = bytecode.add_cold_start_bytecode(PACKAGE)
    with zipfile.ZipFile(PACKAGE) as package:
        unzipped = sum(entry.file_size for entry in package.infolist())
        for entry in package.infolist():
            top = entry.filename.split("/")[0]
            sizes[top] = sizes.get(top, 0) + entry.compress_size
    biggest = sorted(
        ((name, size) for name, size in sizes.items() if not name.endswith(".dist-info")), key=lambda row: -row[1]
    )[:6]
    return Package(PACKAGE.stat().st_size, unzipped, biggest, [wheel.name for wheel in shipped], compiled=compiled)


def median(values: list[float]) -> float:
    return statistics.median(values)
