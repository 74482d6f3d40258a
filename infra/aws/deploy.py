"""The steps of ``make deploy`` that need Python, run after CloudFormation has deployed.

    python -m infra.aws.deploy config --stage prod > build/prod/config.json   # web/'s settings
    python -m infra.aws.deploy seed --stage prod                              # publish workflows/

Both read the stack's outputs with the operator's credentials.  ``seed`` publishes the
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


def publish_procedures() -> list[str]:
    """Publish ``workflows/`` through the app's catalogue, configured by this process's
    environment (the local stack publishes the same way, into the embedded AWS)."""
    from chalicelib.wiring import container  # after the caller has set the environment
    from infra.aws.stack import shipped_definitions

    published = []
    for definition in shipped_definitions():
        version, _ = container().catalogue.publish(definition, "seed")
        published.append(f"{version.code} v{version.version}")
    return published


def seed(stage: str) -> list[str]:
    function = outputs(stage)["ApiFunctionName"]
    variables = boto3.client("lambda").get_function_configuration(FunctionName=function)["Environment"]["Variables"]
    os.environ.update(variables)
    return publish_procedures()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Post-deploy steps of make deploy")
    parser.add_argument("step", choices=("config", "seed", "outputs"))
    parser.add_argument("--stage", required=True)
    args = parser.parse_args(argv)
    if args.step == "config":
        json.dump(web_config(args.stage), sys.stdout, indent=2)
    elif args.step == "outputs":
        json.dump(outputs(args.stage), sys.stdout, indent=2)
    else:
        for published in seed(args.stage):
            print(f"published {published}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
