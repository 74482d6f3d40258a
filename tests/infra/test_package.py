"""The Lambda package: only the app and its runtime dependencies, within its size budget.

Built by Chalice's packager exactly as ``make deploy`` builds it, except that the pinned
dependencies are copied from this virtualenv instead of downloaded (same versions; the
test needs no network).
"""

from __future__ import annotations

import zipfile
from collections import Counter

from tests.infra.conftest import Built

BUDGET = 5_000_000
NEVER_SHIPPED = (
    "tests/",
    "infra/",
    "web/",
    "bench/",
    "docs/",
    "workflows/",
    "moto/",
    "pytest/",
    "_pytest/",
    "cfnlint/",
    "samtranslator/",
    "boto3/",
    "botocore/",
    "s3transfer/",
    "playwright/",
    "hypothesis/",
)


def top_level_sizes(built: Built) -> Counter[str]:
    sizes: Counter[str] = Counter()
    with zipfile.ZipFile(built.package) as archive:
        for info in archive.infolist():
            sizes[info.filename.split("/", 1)[0]] += info.compress_size
    return sizes


def test_the_package_holds_the_app_and_no_test_or_dev_code(built: Built) -> None:
    with zipfile.ZipFile(built.package) as archive:
        names = archive.namelist()
    assert (
        "app.py" in names
        and "chalicelib/core/settings.py" in names
        and "chalicelib/procedures/procedure.schema.json" in names
    )
    assert any(name.startswith("aws_xray_sdk/") for name in names) and any(
        name.startswith("pynamodb/") for name in names
    )
    shipped = sorted({prefix for name in names for prefix in NEVER_SHIPPED if name.startswith(prefix)})
    assert shipped == []
    assert {name for name in names if name.startswith("chalice/") and "__pycache__" not in name} == {
        "chalice/app.py",
        "chalice/__init__.py",
    }


def test_the_package_is_under_5_mb_zipped(built: Built) -> None:
    size = built.package.stat().st_size
    assert size < BUDGET, f"deployment.zip is {size / 1e6:.2f} MB; biggest: {top_level_sizes(built).most_common(5)}"
    names = top_level_sizes(built)
    assert "cryptography" not in names, "RS256 is verified by the pure-Python rsa package; cryptography must not ship"


def test_what_a_cold_start_imports_ships_as_checked_bytecode(built: Built) -> None:
    """/var/task is read-only: what the package does not ship compiled, every cold start compiles."""
    with zipfile.ZipFile(built.package) as archive:
        names = set(archive.namelist())
        compiled = {name for name in names if name.endswith(".cpython-311.pyc")}
        header = archive.read("chalicelib/core/__pycache__/settings.cpython-311.pyc")[:16]
    assert {
        "__pycache__/app.cpython-311.pyc",
        "chalice/__pycache__/app.cpython-311.pyc",
        "pynamodb/__pycache__/models.cpython-311.pyc",
    } <= compiled
    assert (
        "chalicelib/procedures/__pycache__/cli.cpython-311.pyc" not in compiled
    )  # never imported by a function: compiled on use
    assert all(
        name.replace("__pycache__/", "").replace(".cpython-311.pyc", ".py") in names for name in compiled
    )  # sources ship too
    assert int.from_bytes(header[4:8], "little") == 0b11  # hash-based and checked: used while the source is unchanged
