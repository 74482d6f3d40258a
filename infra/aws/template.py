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
dependencies) are left out, and ``cryptography`` goes into its own Lambda layer, built by
the same dependency builder (``infra/aws/layer.py``).  The result is ``<out>/sam.json``
plus ``<out>/deployment.zip`` and ``<out>/efirma-layer.zip``, ready for
``aws cloudformation package`` and ``deploy``.  An offline build copies this machine's
binaries (the virtualenv's wheels may need a newer glibc than Lambda's Python 3.11
runtime has): it is for checking the template and the sizes, never for deploying.

With ``--efirma-ca-bundle`` and ``--efirma-ocsp-url`` (``make template`` and
``make deploy`` take ``EFIRMA_CA_BUNDLE=`` and ``EFIRMA_OCSP_URL=``) the bundle is copied
into the package as ``efirma/ca-bundle.pem`` and both settings reach the functions that
verify signatures; without them those functions answer 503 ``efirma_unavailable``.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import sys
import tempfile
import zipfile
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any, Protocol, cast
from urllib.parse import urlsplit

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
from infra.aws import bytecode, layer, stack
from infra.aws.stack import edge

ROOT = stack.ROOT
TEMPLATE = "sam.json"
# Installed in every Lambda Python runtime: shipping them again only adds weight.
RUNTIME_PROVIDED = frozenset(
    canonicalize_name(name)
    for name in ("boto3", "botocore", "s3transfer", "jmespath", "python-dateutil", "six", "urllib3")
)
ROLE_PLACEHOLDER = "set-by-infra-stack"
LAYER_LOGICAL_ID = "EfirmaLayer"
CA_BUNDLE = "efirma/ca-bundle.pem"  # inside the package; chalicelib/wiring.py reads it relative to the package root


# --- the Lambda package's dependencies -------------------------------------------------
def runtime_closure(requirements: Path) -> dict[str, metadata.Distribution]:
    """The installed distributions ``requirements`` pulls in, minus what the runtime provides."""
    found: dict[str, metadata.Distribution] = {}
    pending = [Requirement(line) for line in layer.requirement_lines(requirements)]
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


class WithoutLayer:
    """A dependency builder for the function package: the requirements less the layer's."""

    def __init__(self, inner: SitePackagesBuilder) -> None:
        self._inner = inner

    def build_site_packages(self, abi: str, requirements_filepath: str, target_directory: str) -> None:
        with tempfile.TemporaryDirectory(prefix="requirements-") as scratch:
            function_requirements, _ = layer.split(Path(requirements_filepath), Path(scratch))
            self._inner.build_site_packages(abi, str(function_requirements), target_directory)
        shipped = {
            canonicalize_name(distribution.metadata["Name"])
            for distribution in metadata.distributions(path=[target_directory])
        }
        if shipped & layer.LAYER_REQUIREMENTS:
            raise RuntimeError(
                f"the function package's requirements pull in {sorted(shipped & layer.LAYER_REQUIREMENTS)}, "
                "which ship in the layer"
            )


class FunctionPackager(LambdaDeploymentPackager):
    """Chalice's packager, caching its zip under a name of its own: the dependencies
    differ from a plain Chalice build (no layer requirements) and between pip and offline."""

    def __init__(self, *args: Any, offline: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._prefix = "offline-without-layer-" if offline else "without-layer-"

    def deployment_package_filename(self, project_dir: str, python_version: str) -> str:
        return self._deployment_package_filename(project_dir, python_version, prefix=self._prefix)


def build_layer(builder: SitePackagesBuilder, abi: str, requirements: Path, out: Path) -> int:
    """The layer's zip at ``out``, its requirements built by ``builder``; returns the modules compiled."""
    with tempfile.TemporaryDirectory(prefix="efirma-layer-") as scratch:
        _, layer_requirements = layer.split(requirements, Path(scratch) / "requirements")
        site_packages = Path(scratch) / "site-packages"
        site_packages.mkdir()
        builder.build_site_packages(abi, str(layer_requirements), str(site_packages))
        built = {
            canonicalize_name(distribution.metadata["Name"])
            for distribution in metadata.distributions(path=[str(site_packages)])
        }
        missing = layer.LAYER_REQUIREMENTS - built
        if missing:
            raise RuntimeError(f"the layer misses {sorted(missing)}")
        return layer.zip_layer(site_packages, out)


# --- e.firma settings --------------------------------------------------------------------
@dataclass(frozen=True)
class Efirma:
    """What a deployment needs to accept e.firma: the authorities it trusts, and their OCSP responder."""

    ca_bundle: Path
    ocsp_url: str


def efirma_settings(ca_bundle: str | None, ocsp_url: str | None) -> Efirma | None:
    """Both settings checked, or None when neither is given (the deployment accepts no e.firma)."""
    if not ca_bundle and not ocsp_url:
        return None
    if not ca_bundle or not ocsp_url:
        raise ValueError(
            "EFIRMA_CA_BUNDLE and EFIRMA_OCSP_URL go together: give both (e.firma accepted) or neither (refused)"
        )
    from cryptography import x509

    path = Path(ca_bundle)
    if not path.is_file():
        raise ValueError(f"EFIRMA_CA_BUNDLE: {path} is not a file")
    try:
        authorities = x509.load_pem_x509_certificates(path.read_bytes())
    except ValueError:
        raise ValueError(f"EFIRMA_CA_BUNDLE: {path} holds no PEM certificate") from None
    for authority in authorities:
        try:
            is_authority = authority.extensions.get_extension_for_class(x509.BasicConstraints).value.ca
        except x509.ExtensionNotFound:
            is_authority = False
        if not is_authority:
            raise ValueError(
                f"EFIRMA_CA_BUNDLE: {authority.subject.rfc4514_string()} is not a certificate authority "
                "(no BasicConstraints CA:TRUE): the bundle holds the SAT's A.C. certificates, not a person's"
            )
    address = urlsplit(ocsp_url)
    if address.scheme not in ("http", "https") or not address.hostname:
        raise ValueError(f"EFIRMA_OCSP_URL: {ocsp_url!r} is not an http(s) URL")
    return Efirma(path, ocsp_url)


def add_ca_bundle(package: Path, efirma: Efirma) -> None:
    with zipfile.ZipFile(package, "a", compression=zipfile.ZIP_DEFLATED) as archive:
        if CA_BUNDLE in archive.namelist():
            raise RuntimeError(f"{package.name} already holds {CA_BUNDLE}")
        archive.write(efirma.ca_bundle, CA_BUNDLE)


# --- the template ----------------------------------------------------------------------
def efirma_layer(stage: str) -> dict[str, Any]:
    """The layer resource; ``aws cloudformation package`` uploads its zip from beside the template."""
    pinned = {
        canonicalize_name(Requirement(line).name): line
        for line in layer.requirement_lines(ROOT / "requirements.txt")
        if layer.in_layer(line)
    }
    return {
        "Type": "AWS::Serverless::LayerVersion",
        "Properties": {
            "LayerName": resource_name(stage, "efirma"),
            "Description": "e.firma: " + ", ".join(pinned[name] for name in sorted(pinned)),
            "ContentUri": f"./{layer.ZIP_NAME}",
            "CompatibleRuntimes": [f"python{bytecode.RUNTIME[0]}.{bytecode.RUNTIME[1]}"],
            "CompatibleArchitectures": ["x86_64"],
            # a replaced version is deleted once the functions use the new one: nothing else refers to it
            "RetentionPolicy": "Delete",
        },
    }


def extras(stage: str, efirma: Efirma | None = None) -> dict[str, Any]:
    """What we merge into Chalice's template: every resource of ``infra/aws/stack`` and, for
    each Chalice function, its fixed name, its own role, its log group and environment; the
    cryptography layer for the functions that load it (``LAYER_FUNCTIONS``: e.firma, the
    registries' signed answers), and the e.firma settings (when given) for the functions
    that verify e.firma signatures."""
    env = stack.environment(stage, stack.aws_refs(stage))
    efirma_env = {"EFIRMA_CA_BUNDLE": CA_BUNDLE, "EFIRMA_OCSP_URL": efirma.ocsp_url} if efirma else {}
    resources: dict[str, Any] = stack.resources(stage)
    resources[LAYER_LOGICAL_ID] = efirma_layer(stage)
    for name in stack.FUNCTIONS:
        verifies = name in stack.EFIRMA_FUNCTIONS
        properties: dict[str, Any] = {
            "FunctionName": function_name(stage, name),
            "Role": {"Fn::GetAtt": [stack.role_logical_id(name), "Arn"]},
            "Environment": {"Variables": {**env, **efirma_env} if verifies else env},
        }
        if name in stack.LAYER_FUNCTIONS:
            properties["Layers"] = [{"Ref": LAYER_LOGICAL_ID}]
        resources[stack.function_logical_id(name)] = {
            "DependsOn": [f"{stack.function_logical_id(name)}Logs"],
            "Properties": properties,
        }
    resources["RestAPI"] = {"Properties": {"Name": resource_name(stage), "MethodSettings": edge.method_settings()}}
    return {
        "Description": f"Ventanilla ({stage}): single window for government procedures",
        "Parameters": stack.parameters(),
        "Conditions": stack.conditions(),
        "Resources": resources,
        "Outputs": stack.outputs(stage),
    }


class EveryMethodReachesTheApp(CFNSwaggerGenerator):
    """Chalice's Swagger with an ``ANY`` method on every path, to the same function: API
    Gateway answers a method a path lacks as if the path did not exist (403 "Missing
    Authentication Token"); through ``ANY`` the app answers it, 405 ``method_not_allowed``
    with ``Allow``, as it does locally (``infra/gateway.py``)."""

    def _add_route_paths(self, api: dict[str, Any], app: Any) -> None:
        super()._add_route_paths(api, app)
        for swagger_for_path in api["paths"].values():
            declared = next(iter(swagger_for_path.values()))
            method = {key: value for key, value in declared.items() if key not in ("summary", "description")}
            swagger_for_path["x-amazon-apigateway-any-method"] = {**method, "consumes": [], "produces": []}


def dependency_builder(config: Config, offline: bool) -> SitePackagesBuilder:
    """Where third-party code comes from: pip for the Lambda platform, or this virtualenv."""
    if offline:
        return InstalledDistributions()
    osutils = OSUtils()
    pip = PipDependencyBuilder(
        osutils=osutils,
        pip_runner=PipRunner(pip=SubprocessPip(osutils=osutils), osutils=osutils),
        architecture=config.lambda_architecture,
    )
    return PipWithoutRuntimeProvided(pip)


def _packager(config: Config, merge_template: Path, offline: bool) -> AppPackager:
    """``chalice.package.create_app_packager`` for SAM, with our choice of dependency builder."""
    osutils, ui = OSUtils(), UI()
    lambda_packager = FunctionPackager(
        osutils=osutils,
        dependency_builder=cast(PipDependencyBuilder, WithoutLayer(dependency_builder(config, offline))),
        ui=ui,
        architecture=config.lambda_architecture,
        offline=offline,
    )
    # The steps of chalice.deploy.deployer.create_build_stage; IAM policies are ours (manage_iam_role: false).
    build_stage = BuildStage(
        steps=[
            InjectDefaults(),
            DeploymentPackager(packager=lambda_packager),
            SwaggerBuilder(swagger_generator=EveryMethodReachesTheApp()),
            LambdaEventSourcePolicyInjector(),
            WebsocketPolicyInjector(),
        ]
    )
    serializer = JSONTemplateSerializer()
    # the merge comes after SAMCodeLocationPostProcessor, which would take our layer for Chalice's own
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


def build(stage: str, out: Path, offline: bool = False, efirma: Efirma | None = None) -> dict[str, Any]:
    """Write ``sam.json``, ``deployment.zip`` and the layer's zip into ``out``; returns the template."""
    if not re.fullmatch(r"[a-z][a-z0-9]{1,11}", stage):
        raise ValueError(
            "STAGE: 2 to 12 lowercase letters and digits, starting with a letter (it names buckets and functions)"
        )
    out.mkdir(parents=True, exist_ok=True)
    merge_template = out / "extras.json"
    merge_template.write_text(json.dumps(extras(stage, efirma), indent=1, sort_keys=True), "utf-8")
    config = CLIFactory(str(ROOT)).create_config_obj(chalice_stage_name=stage)
    _packager(config, merge_template, offline).package_app(config, str(out), stage)
    if efirma:
        add_ca_bundle(out / "deployment.zip", efirma)
    bytecode.add_cold_start_bytecode(out / "deployment.zip")
    abi = LambdaDeploymentPackager._RUNTIME_TO_ABI[config.lambda_python_version]
    build_layer(dependency_builder(config, offline), abi, ROOT / "requirements.txt", out / layer.ZIP_NAME)
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
    parser.add_argument("--efirma-ca-bundle", help="PEM file of the authorities whose e.firma are accepted (the SAT's)")
    parser.add_argument("--efirma-ocsp-url", help="their OCSP responder")
    args = parser.parse_args(argv)
    try:
        efirma = efirma_settings(args.efirma_ca_bundle, args.efirma_ocsp_url)
    except ValueError as error:
        parser.error(str(error))
    template = build(args.stage, args.out, args.offline, efirma)
    zipped = (args.out / "deployment.zip").stat().st_size
    layer_zipped = (args.out / layer.ZIP_NAME).stat().st_size
    print(
        f"{args.out / TEMPLATE}: {len(template['Resources'])} resources; deployment.zip {zipped / 1e6:.2f} MB, "
        f"{layer.ZIP_NAME} {layer_zipped / 1e6:.2f} MB; "
        + (f"e.firma accepted (OCSP {efirma.ocsp_url})" if efirma else "no e.firma (no CA bundle nor OCSP URL)"),
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
