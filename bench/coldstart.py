"""Cold-start proxies: how long ``import app`` takes in a fresh interpreter, how big the
Lambda package and the e.firma layer are, built the way Chalice builds them for Lambda
(self-contained: the deployment templates live elsewhere), and how long the first e.firma
verification of a cold start takes.

The package holds the manylinux x86_64 / CPython 3.11 wheels of ``requirements.txt``
and what they need, less what the Lambda Python runtime already provides and less the
layer's requirements, plus ``app.py`` and ``chalicelib/``, and the bytecode of the
modules a cold start imports (``infra/aws/bytecode.py``, as ``make deploy`` ships it).
The layer holds the wheels of the layer's requirements (``infra/aws/layer.py``).  Wheels
are downloaded once into ``build/lambda-wheels`` (git-ignored) and reused while
``requirements.txt`` is unchanged: the first run needs the package registry, later runs
do not.  Both are timed unpacked, the package as ``/var/task`` and the layer as ``/opt``.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from infra.aws import bytecode, layer

ROOT = Path(__file__).resolve().parent.parent
BUILD = ROOT / "build"
WHEELS = BUILD / "lambda-wheels"
PACKAGE = BUILD / "lambda-package.zip"
TASK = BUILD / "lambda-task"  # the package unpacked, as in /var/task
LAYER = BUILD / "lambda-layer.zip"
OPT = BUILD / "lambda-opt"  # the layer unpacked, as in /opt
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
        {name.split(".")[0] for name in modules}
        & {"moto", "infra", "tests", "bench", "pytest", "flask", "werkzeug", "cryptography", "_cffi_backend"}
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
    layer_zipped_bytes: int = 0
    layer_unzipped_bytes: int = 0
    layer_wheels: list[str] = field(default_factory=list)
    layer_compiled: int = 0


def _requirements_digest() -> str:
    return hashlib.sha256((ROOT / "requirements.txt").read_bytes()).hexdigest()[:16]


def download_wheels() -> tuple[list[Path], list[Path]]:
    """(the function package's wheels, the layer's), each resolved from its own requirements."""
    stamp = WHEELS / f".requirements-{_requirements_digest()}-with-layer"
    if not stamp.exists():
        shutil.rmtree(WHEELS, ignore_errors=True)
        WHEELS.mkdir(parents=True)
        function_requirements, layer_requirements = layer.split(ROOT / "requirements.txt", WHEELS)
        for requirements, directory in ((function_requirements, "function"), (layer_requirements, "layer")):
            _download(requirements, WHEELS / directory)
        stamp.touch()
    return sorted((WHEELS / "function").glob("*.whl")), sorted((WHEELS / "layer").glob("*.whl"))


def _download(requirements: Path, directory: Path) -> None:
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
            str(requirements),
            "-d",
            str(directory),
        ],
        check=True,
        capture_output=True,
        text=True,
    )


def _distribution(wheel: Path) -> str:
    return wheel.name.split("-")[0].lower().replace("_", "-")


def build_package() -> Package:
    try:
        wheels, layer_wheels = download_wheels()
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
    with tempfile.TemporaryDirectory(prefix="bench-layer-") as scratch:
        for wheel in layer_wheels:
            with zipfile.ZipFile(wheel) as source:
                source.extractall(scratch)
        layer_compiled = layer.zip_layer(Path(scratch), LAYER)
    with zipfile.ZipFile(LAYER) as archive:
        layer_unzipped = sum(entry.file_size for entry in archive.infolist())
    return Package(
        PACKAGE.stat().st_size,
        unzipped,
        biggest,
        [wheel.name for wheel in shipped],
        compiled=compiled,
        layer_zipped_bytes=LAYER.stat().st_size,
        layer_unzipped_bytes=layer_unzipped,
        layer_wheels=[wheel.name for wheel in layer_wheels],
        layer_compiled=layer_compiled,
    )


# --- the first e.firma verification of a cold start ----------------------------------------
TEXT = "||1|ventanilla|cadena original de prueba||"
PASSWORD = "12345678a"
_VERIFY = """
import json, sys, time
from datetime import UTC, datetime
import app  # the cold start itself, timed apart
from chalicelib.wiring import container
evidence = json.loads(sys.stdin.read())
arguments = (evidence["certificate"], evidence["text"], evidence["signature"])
container()  # settings and clients: what any first request builds
times = []
for _ in range(2):
    started = time.perf_counter()
    held = container().efirma.verify(*arguments, datetime.now(UTC))  # the first builds the trust from the bundle
    times.append((time.perf_counter() - started) * 1000)
import cryptography
print(json.dumps({"ms": times, "serial": held.serial, "cryptography": cryptography.__file__}))
"""


def sandbox_evidence(authority: Any) -> dict[str, str]:
    """A certificate issued by ``authority`` (``infra.local.efirma.Authority``) and its signature of ``TEXT``."""
    import base64

    from chalicelib.efirma.keys import sign_with_files

    issued = authority.issue("GOMC800101MDFMRR00", PASSWORD)
    return {
        "certificate": base64.b64encode(issued.certificate).decode(),
        "signature": sign_with_files(issued.certificate, issued.key, PASSWORD, TEXT),
        "text": TEXT,
        "serial": issued.serial,
    }


def first_verification(
    task_root: Path, opt: Path, settings: dict[str, str], evidence: dict[str, str]
) -> dict[str, Any]:
    """One fresh process in the unpacked package with the unpacked layer as ``/opt``: after
    ``import app``, the first e.firma verification (building the trust from the settings,
    importing cryptography from the layer, checking the chain, the signature and OCSP), then a
    second one.  Returns both times in ms, the serial verified and where cryptography came from."""
    env = bytecode.lambda_environment(task_root)
    # Lambda's order: the function's own code, then the layer, then the runtime's packages
    env.update(settings, PYTHONPATH=os.pathsep.join((str(task_root), str(opt / layer.LAYER_ROOT))))
    done = subprocess.run(
        [sys.executable, "-c", _VERIFY],
        cwd=task_root,
        env=env,
        input=json.dumps(evidence),
        capture_output=True,
        text=True,
        check=True,
    )
    answer: dict[str, Any] = json.loads(done.stdout.splitlines()[-1])
    return answer


@dataclass
class Verification:
    first_ms: float  # the fastest run's first verification: the figure
    second_ms: float  # the same run's next verification: what a warm function pays
    runs_ms: list[float] = field(default_factory=list)
    median_ms: float = 0.0
    ocsp: str = "the sandbox OCSP responder on 127.0.0.1"


def efirma_verification(runs: int = 5) -> Verification:
    """``first_verification`` in ``runs`` fresh processes on the bench's package and layer,
    against the sandbox certificate authority (its bundle as ``EFIRMA_CA_BUNDLE``, its OCSP
    responder on loopback, so the network's share on AWS is not in the figure)."""
    from infra.local.efirma import Authority, Responder

    task_root = bytecode.unpack(PACKAGE, TASK)
    opt = bytecode.unpack(LAYER, OPT)
    with tempfile.TemporaryDirectory(prefix="bench-efirma-") as scratch:
        authority = Authority(Path(scratch))
        responder = Responder(authority)
        try:
            evidence = sandbox_evidence(authority)
            settings = {"EFIRMA_CA_BUNDLE": str(authority.bundle), "EFIRMA_OCSP_URL": responder.url}
            measured = []
            for _ in range(runs):
                answer = first_verification(task_root, opt, settings, evidence)
                if answer["serial"] != evidence["serial"] or not answer["cryptography"].startswith(str(opt)):
                    raise RuntimeError(f"the verification did not run on the layer: {answer}")
                measured.append((answer["ms"][0], answer["ms"][1]))
        finally:
            responder.stop()
    measured.sort()
    firsts = [first for first, _ in measured]
    return Verification(
        first_ms=measured[0][0], second_ms=measured[0][1], runs_ms=firsts, median_ms=firsts[len(firsts) // 2]
    )


def median(values: list[float]) -> float:
    return statistics.median(values)
