"""Checks on the generated template, as functions that list problems.

The tests run them on the real template (no problem allowed) and on copies with one
resource, permission, placeholder or variable removed (a problem must be found), so a
check that stopped looking would fail too.
"""

from __future__ import annotations

import ast
import fnmatch
import re
from pathlib import Path
from typing import Any

from chalicelib.procedures.compiler import placeholders_in
from infra.aws.stack import EFIRMA_FUNCTIONS, REGISTRY_FUNCTIONS, WILDCARD_REASONS, function_logical_id, registries
from infra.aws.template import CA_BUNDLE

SETTINGS = Path(__file__).resolve().parents[2] / "chalicelib" / "core" / "settings.py"
# Set by the Lambda runtime itself on every function.
RUNTIME_VARIABLES = frozenset({"AWS_REGION", "AWS_DEFAULT_REGION"})
PSEUDO = {
    "${AWS::Partition}": "aws",
    "${AWS::Region}": "us-east-1",
    "${AWS::AccountId}": "123456789012",
    "${AWS::URLSuffix}": "amazonaws.com",
}


def functions(template: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {
        logical_id: resource
        for logical_id, resource in template["Resources"].items()
        if resource["Type"] in ("AWS::Serverless::Function", "AWS::Lambda::Function")
    }


def settings_variables() -> tuple[set[str], set[str]]:
    """(required, optional) variables ``load_settings`` reads: ``env["X"]`` and ``env.get("X")``."""
    tree = ast.parse(SETTINGS.read_text("utf-8"))
    loader = next(node for node in ast.walk(tree) if isinstance(node, ast.FunctionDef) and node.name == "load_settings")
    required, optional = set(), set()
    for node in ast.walk(loader):
        if (
            isinstance(node, ast.Subscript)
            and isinstance(node.slice, ast.Constant)
            and isinstance(node.slice.value, str)
        ):
            required.add(node.slice.value)
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "get"
            and node.args
            and isinstance(node.args[0], ast.Constant)
        ):
            optional.add(str(node.args[0].value))
    return required, optional


def environment_problems(template: dict[str, Any]) -> list[str]:
    required, _ = settings_variables()
    problems = []
    for logical_id, resource in functions(template).items():
        variables = resource["Properties"].get("Environment", {}).get("Variables", {})
        problems += [
            f"{logical_id} does not set {name}" for name in sorted(required - RUNTIME_VARIABLES - set(variables))
        ]
        problems += [
            f"{logical_id} sets the local-only {name}"
            for name in ("AWS_ENDPOINT_URL", "SANDBOX_ENABLED")
            if name in variables
        ]
    return problems


def has_layer(template: dict[str, Any], function_logical_id: str) -> bool:
    layers = {
        logical_id
        for logical_id, resource in template["Resources"].items()
        if resource["Type"] in ("AWS::Serverless::LayerVersion", "AWS::Lambda::LayerVersion")
    }
    attached = functions(template)[function_logical_id]["Properties"].get("Layers", [])
    return any(isinstance(item, dict) and item.get("Ref") in layers for item in attached)


def efirma_problems(template: dict[str, Any]) -> list[str]:
    """The functions that verify e.firma signatures carry the cryptography layer; a function
    with e.firma settings has both, the layer, and the bundle path the package ships."""
    problems = []
    for logical_id, resource in functions(template).items():
        variables = resource["Properties"].get("Environment", {}).get("Variables", {})
        settings = {name for name in ("EFIRMA_CA_BUNDLE", "EFIRMA_OCSP_URL") if name in variables}
        layered = has_layer(template, logical_id)
        if logical_id in {function_logical_id(name) for name in EFIRMA_FUNCTIONS} and not layered:
            problems.append(f"{logical_id} verifies e.firma signatures without the cryptography layer")
        if settings and len(settings) < 2:
            problems.append(f"{logical_id} sets {sorted(settings)} alone: e.firma needs both settings")
        if settings and not layered:
            problems.append(f"{logical_id} has e.firma settings but not the cryptography layer")
        if "EFIRMA_CA_BUNDLE" in variables and variables["EFIRMA_CA_BUNDLE"] != CA_BUNDLE:
            problems.append(f"{logical_id}: EFIRMA_CA_BUNDLE is not {CA_BUNDLE}, where the package holds the bundle")
    return problems


def registry_problems(template: dict[str, Any]) -> list[str]:
    """The functions that ask other registries carry the cryptography layer (they check the
    registries' signed answers) and the registry settings, taken from the stack's parameters,
    which name no registry until an operator configures one."""
    problems = []
    for parameter in registries.PARAMETERS:
        default = template.get("Parameters", {}).get(parameter, {}).get("Default")
        if default != registries.NONE:
            problems.append(f"parameter {parameter} defaults to {default!r}, not {registries.NONE} (no registry)")
    for logical_id in sorted(function_logical_id(name) for name in REGISTRY_FUNCTIONS):
        variables = functions(template)[logical_id]["Properties"].get("Environment", {}).get("Variables", {})
        if not has_layer(template, logical_id):
            problems.append(f"{logical_id} asks registries without the cryptography layer")
        for parameter, variable in registries.PARAMETERS.items():
            if variables.get(variable) != {"Ref": parameter}:
                problems.append(f"{logical_id}: {variable} is not the stack parameter {parameter}")
    return problems


def placeholder_problems(template: dict[str, Any]) -> list[str]:
    problems = []
    lambdas = functions(template)
    names = {resource["Properties"].get("FunctionName") for resource in lambdas.values()}
    for logical_id, resource in template["Resources"].items():
        if resource["Type"] != "AWS::StepFunctions::StateMachine":
            continue
        properties = resource["Properties"]
        substitutions = properties.get("DefinitionSubstitutions", {})
        for placeholder in sorted(placeholders_in(properties["DefinitionString"]) - set(substitutions)):
            problems.append(f"{logical_id}: ${{{placeholder}}} has no substitution")
        for placeholder, value in substitutions.items():
            target = value.get("Fn::GetAtt", [None])[0] if isinstance(value, dict) else None
            if target not in lambdas:
                problems.append(f"{logical_id}: {placeholder} is not the ARN of a function in the template ({value})")
    for logical_id, resource in lambdas.items():
        arns = resource["Properties"].get("Environment", {}).get("Variables", {}).get("STEP_HANDLER_ARNS", {})
        for name in re.findall(r":function:([A-Za-z0-9_-]+)", str(arns)):
            if name not in names:
                problems.append(f"{logical_id}: STEP_HANDLER_ARNS names {name}, which the template does not create")
    return problems


def statements(template: dict[str, Any], role_logical_id: str) -> list[dict[str, Any]]:
    role = template["Resources"].get(role_logical_id, {"Properties": {}})
    return [
        statement
        for policy in role["Properties"].get("Policies", [])
        for statement in policy["PolicyDocument"]["Statement"]
    ]


def role_of(template: dict[str, Any], function_logical_id: str) -> str:
    role = functions(template)[function_logical_id]["Properties"]["Role"]
    return str(role["Fn::GetAtt"][0])


def wildcard_problems(template: dict[str, Any]) -> list[str]:
    """``Resource: "*"`` only in statements named in WILDCARD_REASONS (IAM roles and key policies)."""
    problems = []
    for logical_id, resource in template["Resources"].items():
        documents = []
        if resource["Type"] == "AWS::IAM::Role":
            documents = [policy["PolicyDocument"] for policy in resource["Properties"].get("Policies", [])]
        if resource["Type"] == "AWS::KMS::Key":
            documents = [resource["Properties"]["KeyPolicy"]]
        for document in documents:
            for statement in document["Statement"]:
                resources = (
                    statement["Resource"] if isinstance(statement["Resource"], list) else [statement["Resource"]]
                )
                if "*" in resources and statement.get("Sid") not in WILDCARD_REASONS:
                    problems.append(
                        f"{logical_id}: statement {statement.get('Sid')} has Resource '*' "
                        "without a reason in WILDCARD_REASONS"
                    )
    return problems


def _pattern(resource: Any) -> str:
    """A statement's resource as a pattern over logical names: GetAtt X.Arn / Ref X -> "X"."""
    if resource == "*":
        return "*"
    if "Fn::GetAtt" in resource:
        return str(resource["Fn::GetAtt"][0])
    if "Ref" in resource:
        return str(resource["Ref"])
    text = str(resource["Fn::Sub"])
    for name, value in PSEUDO.items():
        text = text.replace(name, value)
    return re.sub(r"\$\{([A-Za-z0-9]+)(?:\.Arn)?\}", r"\1", text)


def allows(template: dict[str, Any], function_logical_id: str, action: str, resource: str) -> bool:
    """Whether the function's role allows ``action`` on ``resource`` (a logical name like
    ``Table/index/by_queue`` or a concrete ARN)."""
    for statement in statements(template, role_of(template, function_logical_id)):
        actions = statement["Action"] if isinstance(statement["Action"], list) else [statement["Action"]]
        resources = statement["Resource"] if isinstance(statement["Resource"], list) else [statement["Resource"]]
        if (
            statement["Effect"] == "Allow"
            and action in actions
            and any(fnmatch.fnmatchcase(resource, _pattern(item)) for item in resources)
        ):
            return True
    return False
