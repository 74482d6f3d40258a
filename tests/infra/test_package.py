"""The Lambda package: only the app and its runtime dependencies, within its size budget;
the e.firma layer: cryptography, within its own.

Built by Chalice's packager exactly as ``make deploy`` builds it, except that the pinned
dependencies are copied from this virtualenv instead of downloaded (same versions; the
test needs no network).
"""

from __future__ import annotations

import zipfile
from collections import Counter
from pathlib import Path

from bench.coldstart import first_verification, sandbox_evidence
from infra.aws import bytecode, stack
from tests.infra.conftest import Built, Sandbox

BUDGET = 5_000_000
# cryptography's wheel with cffi and its bytecode is 5.2 MB, pypdf 0.4 MB: the margin is for their growth
# across upgrades; more means something else moved into the layer, which needs deciding
LAYER_BUDGET = 6_000_000
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
    assert not {"cryptography", "cffi", "pycparser", "pypdf"} & set(names), (
        "cryptography and pypdf ship in the layer only"
    )
    assert not any(name.startswith("_cffi_backend") for name in names)


def test_the_efirma_layer_holds_cryptography_with_its_bytecode_under_6_mb(built: Built) -> None:
    with zipfile.ZipFile(built.layer) as archive:
        names = set(archive.namelist())
        header = archive.read("python/cryptography/x509/__pycache__/base.cpython-311.pyc")[:16]
    assert all(name.startswith("python/") for name in names)  # Lambda's Python runtime reads /opt/python
    tops = {name.split("/")[1] for name in names}
    assert {"cryptography", "cffi", "pypdf"} <= tops and any(top.startswith("_cffi_backend.") for top in tops)
    assert not tops & {"app.py", "chalicelib", "pynamodb", "aws_lambda_powertools", "botocore", "boto3"}
    assert int.from_bytes(header[4:8], "little") == 0b11  # checked-hash bytecode: /opt is read-only
    size = built.layer.stat().st_size
    assert size < LAYER_BUDGET, f"{built.layer.name} is {size / 1e6:.2f} MB"


def test_a_cold_start_loads_the_efirma_code_but_not_cryptography(built: Built, tmp_path: Path) -> None:
    modules = bytecode.cold_start_modules(bytecode.unpack(built.package, tmp_path / "task"))
    assert "chalicelib.efirma.verification" in modules and "chalicelib.wiring" in modules
    assert not {name.split(".")[0] for name in modules} & {"cryptography", "cffi", "_cffi_backend"}


def test_the_api_verifies_an_efirma_with_the_bundle_it_ships_and_the_layer(
    built: Built, sandbox: Sandbox, tmp_path: Path
) -> None:
    """The package unpacked as /var/task, the layer as /opt, the API function's own settings."""
    task_root = bytecode.unpack(built.package, tmp_path / "task")
    opt = bytecode.unpack(built.layer, tmp_path / "opt")
    variables = built.template["Resources"][stack.function_logical_id(stack.API_HANDLER)]["Properties"]["Environment"][
        "Variables"
    ]
    settings = {name: value for name, value in variables.items() if name.startswith("EFIRMA_")}
    evidence = sandbox_evidence(sandbox.authority)
    answer = first_verification(task_root, opt, settings, evidence)
    assert answer["serial"] == evidence["serial"]
    assert Path(answer["cryptography"]).is_relative_to(opt / "python")


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
