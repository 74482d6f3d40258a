"""Sign in to a running stack and print the Cognito ID token (for curl and scripts).

    python -m infra.local.token <username> [--password Ventanilla-2026] [--url http://127.0.0.1:8000]

Uses only what ``/config.json`` publishes: the Cognito endpoint, region and app client.
"""

from __future__ import annotations

import argparse
import sys

import boto3
import requests

from infra.local.demo import DEMO_PASSWORD


def id_token(url: str, username: str, password: str) -> str:
    config = requests.get(f"{url.rstrip('/')}/config.json", timeout=10).json()
    aws = config["aws"]
    idp = boto3.client(
        "cognito-idp",
        region_name=aws["region"],
        endpoint_url=aws["endpoint"],
        aws_access_key_id="local",
        aws_secret_access_key="local",
    )
    result = idp.initiate_auth(
        ClientId=config["cognito"]["clientId"],
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": username, "PASSWORD": password},
    )
    return str(result["AuthenticationResult"]["IdToken"])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m infra.local.token", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("username")
    parser.add_argument("--password", default=DEMO_PASSWORD)
    parser.add_argument("--url", default="http://127.0.0.1:8000")
    args = parser.parse_args(argv)
    print(id_token(args.url, args.username, args.password))
    return 0


if __name__ == "__main__":
    sys.exit(main())
