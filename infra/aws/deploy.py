"""The steps of ``make deploy`` that need Python, run after CloudFormation has deployed.

    python -m infra.aws.deploy config --stage prod > build/prod/config.json   # web/'s settings
    python -m infra.aws.deploy seed --stage prod                              # publish workflows/
    python -m infra.aws.deploy registries --stage prod                        # check REGISTRY_* first

The first two read the stack's outputs with the operator's credentials.  ``registries``
runs before anything is built: it checks the registry settings the operator gives
(``REGISTRY_ENDPOINTS`` and ``REGISTRY_KEYS`` in the environment, both or neither) so that
a mistake stops the deployment instead of every function at its start.  ``seed`` publishes the
shipped procedures through the app's own catalogue (run with the API function's
environment), which reuses the state machines the template created: same name, same
definition, same role.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from typing import Any

import boto3

KIOSK_IDLE_SECONDS = 120  # kiosk mode (web/js/kiosk.js): sign-out after this long without use


def outputs(stage: str) -> dict[str, str]:
    described = boto3.client("cloudformation").describe_stacks(StackName=f"ventanilla-{stage}")["Stacks"][0]
    return {output["OutputKey"]: output["OutputValue"] for output in described.get("Outputs", [])}


def web_config(stage: str) -> dict[str, Any]:
    """``GET /config.json`` for the pages, as the local stack serves it (no endpoint: real AWS)."""
    found = outputs(stage)
    return {
        "api": found["ApiUrl"],
        "aws": {"endpoint": None, "region": boto3.session.Session().region_name},
        "cognito": {"userPoolId": found["UserPoolId"], "clientId": found["UserPoolClientId"]},
        "stage": stage,
        "sandbox": False,
        "kiosk": {"enabled": False, "idleSeconds": KIOSK_IDLE_SECONDS},
    }


def publish_procedures(definitions: list[dict[str, Any]] | None = None) -> list[str]:
    """Publish ``workflows/`` (or ``definitions``) through the app's catalogue, configured
    by this process's environment (the local stack publishes the same way, into the
    embedded AWS); a procedure whose life is now the application's is kept as it is
    (``Catalogue.seed``).  Returns a line per procedure."""
    from chalicelib.wiring import container  # after the caller has set the environment
    from infra.aws.stack import shipped_definitions

    lines = []
    for definition in shipped_definitions() if definitions is None else definitions:
        version, kept = container().catalogue.seed(definition)
        shown = f"{version.code} v{int(version.version)}"
        lines.append(f"kept {shown}: {kept}" if kept else f"published {shown}")
    lines.extend(f"summarised {code} for the catalogue's index" for code in container().catalogue.backfill())
    return lines


def seed(stage: str) -> list[str]:
    function = outputs(stage)["ApiFunctionName"]
    variables = boto3.client("lambda").get_function_configuration(FunctionName=function)["Environment"]["Variables"]
    os.environ.update(variables)
    return publish_procedures()


def registry_problems(environ: dict[str, str]) -> list[str]:
    """What is wrong with the registry settings given for a deployment (none given: nothing)."""
    from infra.aws.stack import registries

    endpoints, keys = environ.get("REGISTRY_ENDPOINTS", ""), environ.get("REGISTRY_KEYS", "")
    if not endpoints and not keys:
        return []
    if not endpoints or not keys:
        return [
            "REGISTRY_ENDPOINTS and REGISTRY_KEYS go together: give both (they replace the stack's) "
            "or neither (the stack keeps its own)"
        ]
    return registries.problems(endpoints, keys)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Post-deploy steps of make deploy")
    parser.add_argument("step", choices=("config", "seed", "outputs", "registries"))
    parser.add_argument("--stage", required=True)
    args = parser.parse_args(argv)
    if args.step == "config":
        json.dump(web_config(args.stage), sys.stdout, indent=2)
    elif args.step == "outputs":
        json.dump(outputs(args.stage), sys.stdout, indent=2)
    elif args.step == "registries":
        problems = registry_problems(dict(os.environ))
        for problem in problems:
            print(problem, file=sys.stderr)
        return 2 if problems else 0
    else:
        for line in seed(args.stage):
            print(line, file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
