"""The e.firma Lambda layer: ``cryptography``, and ``cffi`` whose ``_cffi_backend`` its
Rust bindings load, for the functions that verify signatures: e.firma's, and the
registries' signed answers (``LAYER_FUNCTIONS`` in ``infra/aws/stack/naming.py``).  It also
carries ``pypdf`` (0.4 MB zipped), which only the API loads, when submit looks inside an
uploaded PDF: the API is one of those functions, and in the package it would break the budget.

The function package has a 5 MB budget (zipped) and cryptography's manylinux wheel alone
is ~4.7 MB, so it ships as a layer: Lambda unpacks a layer into ``/opt`` and its Python
runtime puts ``/opt/python`` on ``sys.path`` after ``/var/task``.  Nothing imports
cryptography during ``import app`` (``chalicelib.efirma`` imports it inside its
functions), so a function pays for it on its first e.firma verification, not at every
cold start.

``requirements.txt`` stays the one list of what the functions run: the lines naming
``LAYER_REQUIREMENTS`` build the layer, the others the function package, each with the
same dependency builder (pip for the Lambda platform, or this virtualenv offline).
``/opt`` is read-only like ``/var/task``, so the layer ships checked-hash bytecode for the
whole ``cryptography`` package (0.23 MB zipped; without it the first verification of
every cold start compiles what it imports: 78 ms instead of 38 ms, measured by the bench).
"""

from __future__ import annotations

import importlib.util
import py_compile
import sys
import tempfile
import zipfile
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from infra.aws.bytecode import RUNTIME

LAYER_REQUIREMENTS = frozenset({"cryptography", "cffi", "pycparser", "pypdf"})  # pycparser: cffi's dependency
COMPILED = ("cryptography",)  # what the layer ships as bytecode: what e.firma imports from it
LAYER_ROOT = "python"  # inside the zip; Lambda's Python runtime reads /opt/python
OPT = "/opt"
ZIP_NAME = "efirma-layer.zip"


def requirement_lines(path: Path) -> list[str]:
    """The requirements of a requirements file, without comments, blank lines or options."""
    lines = (line.split("#", 1)[0].strip() for line in path.read_text("utf-8").splitlines())
    return [line for line in lines if line and not line.startswith("-")]


def in_layer(line: str) -> bool:
    return canonicalize_name(Requirement(line).name) in LAYER_REQUIREMENTS


def split(requirements: Path, directory: Path) -> tuple[Path, Path]:
    """``requirements`` written as two files in ``directory``: (the function package's, the layer's)."""
    lines = requirement_lines(requirements)
    layer = [line for line in lines if in_layer(line)]
    if {canonicalize_name(Requirement(line).name) for line in layer} != LAYER_REQUIREMENTS:
        raise RuntimeError(f"{requirements} must pin every layer requirement: {sorted(LAYER_REQUIREMENTS)}")
    directory.mkdir(parents=True, exist_ok=True)
    function_file, layer_file = directory / "function-requirements.txt", directory / "layer-requirements.txt"
    function_file.write_text("".join(f"{line}\n" for line in lines if not in_layer(line)), "utf-8")
    layer_file.write_text("".join(f"{line}\n" for line in layer), "utf-8")
    return function_file, layer_file


def zip_layer(site_packages: Path, out: Path) -> int:
    """Zip a built site-packages as the layer (under ``python/``), with the bytecode of
    ``COMPILED``; returns how many modules were compiled (none unless this is the runtime's Python)."""
    compiled: list[tuple[Path, str]] = []
    with tempfile.TemporaryDirectory(prefix="layer-bytecode-") as scratch:
        if sys.version_info[:2] == RUNTIME:
            for package in COMPILED:
                for source in sorted((site_packages / package).rglob("*.py")):
                    relative = source.relative_to(site_packages).as_posix()
                    cache = Path(importlib.util.cache_from_source(relative))
                    written = py_compile.compile(
                        str(source),
                        cfile=str(Path(scratch) / cache),
                        dfile=f"{OPT}/{LAYER_ROOT}/{relative}",
                        doraise=True,
                        invalidation_mode=py_compile.PycInvalidationMode.CHECKED_HASH,
                    )
                    if written is None:  # py_compile answers None only for an error it did not raise
                        raise RuntimeError(f"{relative} did not compile")
                    compiled.append((Path(written), f"{LAYER_ROOT}/{cache.as_posix()}"))
        else:
            print(
                f"not adding bytecode to {out.name}: this is Python {sys.version_info[0]}.{sys.version_info[1]}, "
                f"the functions run {RUNTIME[0]}.{RUNTIME[1]}",
                file=sys.stderr,
            )
        out.unlink(missing_ok=True)
        with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            for path in sorted(site_packages.rglob("*")):
                if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc":
                    archive.write(path, f"{LAYER_ROOT}/{path.relative_to(site_packages).as_posix()}")
            for pyc, name in compiled:
                archive.write(pyc, name)
    return len(compiled)
