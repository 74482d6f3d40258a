"""The deployable AWS template: Chalice's package with ``infra/aws/stack`` merged in.

    python -m infra.aws.template --stage prod --out build/prod            # what make deploy ships
    python -m infra.aws.template --stage prod --out build/check --offline  # same template, no network

Both run Chalice's own packager (``chalice package --merge-template`` as a library, so
the one pipeline serves both): the application graph, the Swagger for API Gateway, the
SAM template, Chalice's deep merge of our resources.  They differ only in where the
Lambda package's third-party code comes from:

- default: Chalice's pip builder downloads the pinned wheels for the Lambda platform;
- ``--offline``: the same pinned distributions are copied from this virtualenv (no pip,
  no network: the tests build the template and the package this way).

Either way the packages the Python runtime already provides (boto3 and its own
dependencies) are left out.  The result is ``<out>/sam.json`` plus
``<out>/deployment.zip``, ready for ``aws cloudformation package`` and ``deploy``.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import sys
from importlib import metadata
from pathlib import Path
from typing import Any, Protocol, cast

from chalice.awsclient import TypedAWSClient
from chalice.cli.factory import CLIFactory
from chalice.config import Config
from chalice.deploy.appgraph import ApplicationGraphBuilder, DependencyBuilder
from chalice.deploy.deployer import (
    BuildStage,
    DeploymentPackager,
    InjectDefaults,
    LambdaEventSourcePolicyInjector,
    SwaggerBuilder,
    WebsocketPolicyInjector,
)
from chalice.deploy.packager import DependencyBuilder as PipDependencyBuilder
from chalice.deploy.packager import LambdaDeploymentPackager, PipRunner, SubprocessPip
from chalice.deploy.swagger import CFNSwaggerGenerator
from chalice.package import (
    AppPackager,
    CompositePostProcessor,
    JSONTemplateSerializer,
    PackageOptions,
    ResourceBuilder,
    SAMCodeLocationPostProcessor,
    SAMTemplateGenerator,
    TemplateDeepMerger,
    TemplateMergePostProcessor,
)
from chalice.utils import UI, OSUtils
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from chalicelib.core.names import function_name, resource_name
from infra.aws import bytecode, stack

ROOT = stack.ROOT
TEMPLATE = "sam.json"
# Installed in every Lambda Python runtime: shipping them again only adds weight.
RUNTIME_PROVIDED = frozenset(
    canonicalize_name(name)
    for name in ("boto3", "botocore", "s3transfer", "jmespath", "python-dateutil", "six", "urllib3")
)
ROLE_PLACEHOLDER = "set-by-infra-stack"


# --- the Lambda package's dependencies -------------------------------------------------
def runtime_closure(requirements: Path) -> dict[str, metadata.Distribution]:
    """The installed distributions ``requirements`` pulls in, minus what the runtime provides."""
    found: dict[str, metadata.Distribution] = {}
    pending = [Requirement(line) for line in _requirement_lines(requirements)]
    while pending:
        requirement = pending.pop()
        name = canonicalize_name(requirement.name)
        if name in RUNTIME_PROVIDED or name in found:
            continue
        distribution = metadata.distribution(requirement.name)
        found[name] = distribution
        for text in distribution.requires or []:
            child = Requirement(text)
            if child.marker is None or any(
                child.marker.evaluate({"extra": extra}) for extra in (requirement.extras or {""})
            ):
                pending.append(child)
    return found


def _requirement_lines(path: Path) -> list[str]:
    lines = (line.split("#", 1)[0].strip() for line in path.read_text("utf-8").splitlines())
    return [line for line in lines if line and not line.startswith("-")]


def drop_runtime_provided(site_packages: Path) -> None:
    """Delete every file of the runtime-provided distributions from a built site-packages."""
    for distribution in metadata.distributions(path=[str(site_packages)]):
        if canonicalize_name(distribution.metadata["Name"]) in RUNTIME_PROVIDED:
            for file in distribution.files or []:
                Path(str(distribution.locate_file(file))).unlink(missing_ok=True)
    for path in sorted(site_packages.rglob("*"), reverse=True):
        if path.is_dir() and not any(path.iterdir()):
            path.rmdir()


class SitePackagesBuilder(Protocol):
    """What Chalice's ``LambdaDeploymentPackager`` asks of its dependency builder."""

    def build_site_packages(self, abi: str, requirements_filepath: str, target_directory: str) -> None: ...


class PipWithoutRuntimeProvided:
    """Chalice's pip builder (wheels for the Lambda platform), then the runtime's own packages removed."""

    def __init__(self, inner: PipDependencyBuilder) -> None:
        self._inner = inner

    def build_site_packages(self, abi: str, requirements_filepath: str, target_directory: str) -> None:
        self._inner.build_site_packages(abi, requirements_filepath, target_directory)
        drop_runtime_provided(Path(target_directory))


class InstalledDistributions:
    """The same pinned distributions copied from this virtualenv: no pip, no network."""

    def build_site_packages(self, abi: str, requirements_filepath: str, target_directory: str) -> None:
        target = Path(target_directory)
        for distribution in runtime_closure(Path(requirements_filepath)).values():
            for file in distribution.files or []:
                source = Path(str(distribution.locate_file(file)))
                if file.parts[0] == ".." or "__pycache__" in file.parts or not source.is_file():
                    continue
                destination = target / file
                destination.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(source, destination)


class OfflinePackager(LambdaDeploymentPackager):
    """Chalice's packager, caching its zip under another name than the pip-built one."""

    def deployment_package_filename(self, project_dir: str, python_version: str) -> str:
        return self._deployment_package_filename(project_dir, python_version, prefix="offline-")


# --- the template ----------------------------------------------------------------------
def extras(stage: str) -> dict[str, Any]:
    """What we merge into Chalice's template: every resource of ``infra/aws/stack`` and, for
    each Chalice function, its fixed name, its own role, its log group and environment."""
    env = stack.environment(stage, stack.aws_refs(stage))
    resources: dict[str, Any] = stack.resources(stage)
    for name in stack.FUNCTIONS:
        resources[stack.function_logical_id(name)] = {
            "DependsOn": [f"{stack.function_logical_id(name)}Logs"],
            "Properties": {
                "FunctionName": function_name(stage, name),
                "Role": {"Fn::GetAtt": [stack.role_logical_id(name), "Arn"]},
                "Environment": {"Variables": env},
            },
        }
    resources["RestAPI"] = {"Properties": {"Name": resource_name(stage)}}
    return {
        "Description": f"Ventanilla ({stage}): single window for government procedures",
        "Parameters": stack.parameters(),
        "Conditions": stack.conditions(),
        "Resources": resources,
        "Outputs": stack.outputs(stage),
    }


def _packager(config: Config, merge_template: Path, offline: bool) -> AppPackager:
    """``chalice.package.create_app_packager`` for SAM, with our choice of dependency builder."""
    osutils, ui = OSUtils(), UI()
    pip = PipDependencyBuilder(
        osutils=osutils,
        pip_runner=PipRunner(pip=SubprocessPip(osutils=osutils), osutils=osutils),
        architecture=config.lambda_architecture,
    )
    builder: SitePackagesBuilder = InstalledDistributions() if offline else PipWithoutRuntimeProvided(pip)
    packager_class = OfflinePackager if offline else LambdaDeploymentPackager
    lambda_packager = packager_class(
        osutils=osutils,
        dependency_builder=cast(PipDependencyBuilder, builder),
        ui=ui,
        architecture=config.lambda_architecture,
    )
    # The steps of chalice.deploy.deployer.create_build_stage; IAM policies are ours (manage_iam_role: false).
    build_stage = BuildStage(
        steps=[
            InjectDefaults(),
            DeploymentPackager(packager=lambda_packager),
            SwaggerBuilder(swagger_generator=CFNSwaggerGenerator()),
            LambdaEventSourcePolicyInjector(),
            WebsocketPolicyInjector(),
        ]
    )
    serializer = JSONTemplateSerializer()
    merge = TemplateMergePostProcessor(
        osutils=osutils, merger=TemplateDeepMerger(), template_serializer=serializer, merge_template=str(merge_template)
    )
    session = CLIFactory(str(ROOT)).create_botocore_session()
    if not session.get_config_variable("region"):
        session.set_config_variable(
            "region", "us-east-1"
        )  # only names service principals (partition aws); no call is made
    options = PackageOptions(TypedAWSClient(session))
    return AppPackager(
        SAMTemplateGenerator(config, options),
        ResourceBuilder(ApplicationGraphBuilder(), DependencyBuilder(), build_stage),
        CompositePostProcessor([SAMCodeLocationPostProcessor(osutils=osutils), merge]),
        serializer,
        osutils,
    )


def build(stage: str, out: Path, offline: bool = False) -> dict[str, Any]:
    """Write ``sam.json`` and ``deployment.zip`` into ``out``; returns the template."""
    if not re.fullmatch(r"[a-z][a-z0-9]{1,11}", stage):
        raise ValueError(
            "STAGE: 2 to 12 lowercase letters and digits, starting with a letter (it names buckets and functions)"
        )
    out.mkdir(parents=True, exist_ok=True)
    merge_template = out / "extras.json"
    merge_template.write_text(json.dumps(extras(stage), indent=1, sort_keys=True), "utf-8")
    config = CLIFactory(str(ROOT)).create_config_obj(chalice_stage_name=stage)
    _packager(config, merge_template, offline).package_app(config, str(out), stage)
    bytecode.add_cold_start_bytecode(out / "deployment.zip")
    template: dict[str, Any] = json.loads((out / TEMPLATE).read_text("utf-8"))
    check(template)
    return template


def check(template: dict[str, Any]) -> None:
    """Fail the build if Chalice and ``infra/aws/stack`` disagree about the functions."""
    functions = {
        logical_id
        for logical_id, resource in template["Resources"].items()
        if resource["Type"] == "AWS::Serverless::Function"
    }
    described = {stack.function_logical_id(name) for name in stack.FUNCTIONS}
    if functions != described:
        raise RuntimeError(
            f"app.py's functions {sorted(functions)} differ from infra/aws/stack FUNCTIONS {sorted(described)}: "
            "give each a role there"
        )
    if ROLE_PLACEHOLDER in json.dumps(template):
        raise RuntimeError("a function kept .chalice/config.json's placeholder role")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Build Ventanilla's AWS template and Lambda package")
    parser.add_argument("--stage", required=True)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument(
        "--offline", action="store_true", help="take dependencies from this virtualenv instead of downloading them"
    )
    args = parser.parse_args(argv)
    template = build(args.stage, args.out, args.offline)
    zipped = (args.out / "deployment.zip").stat().st_size
    print(
        f"{args.out / TEMPLATE}: {len(template['Resources'])} resources; deployment.zip {zipped / 1e6:.2f} MB",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
