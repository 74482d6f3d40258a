"""Every route × every role, generated from the OpenAPI file: the gate lets through
exactly the roles the authorisation matrix (chalicelib/api/policy.py) names, and
docs/authorisation.md shows that same matrix."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from chalicelib.api.policy import POLICY
from chalicelib.identity.principal import ROLES
from tests.support.inprocess import Aws, HttpUser

OPENAPI = json.loads(Path("chalicelib/api/openapi.json").read_text("utf-8"))
OPERATIONS = sorted(
    (method.upper(), path)
    for path, item in OPENAPI["paths"].items()
    for method in item
    if method in {"get", "post", "put", "patch", "delete"}
)
SAMPLE_PARAMETERS = {
    "id": "NOSUCHAPP0",
    "agency": "SEMOVI",
    "review_id": "0" * 16,
    "code": "licencia-conducir",
    "version": "1",
    "document_id": "x" * 22,
    "requirement": "identificacion",
}
GATE_DENIALS = {(401, "not_authenticated"), (403, "forbidden"), (403, "invalid_curp")}


@pytest.fixture(scope="module")
def people(aws: Aws) -> dict[str, HttpUser]:
    return {
        "anonymous": aws.anonymous(),
        "citizen": aws.user(),
        "official": aws.user(username="matriz.oficial", groups=("official-SEMOVI",)),
        "supervisor": aws.user(username="matriz.supervisora", groups=("supervisor-SEMOVI",)),
        "assistant": aws.user(username="matriz.asesor", groups=("assistant-CCD001",)),
        "admin": aws.user(username="matriz.admin", groups=("admin",)),
    }


def denied_at_the_gate(reply: Any) -> bool:
    body = reply.body if isinstance(reply.body, dict) else {}
    return (reply.status_code, body.get("error", {}).get("code")) in GATE_DENIALS


@pytest.mark.parametrize(("method", "path"), OPERATIONS)
def test_route_admits_exactly_its_roles(people: dict[str, HttpUser], method: str, path: str) -> None:
    assert (method, path) in POLICY, f"{method} {path} is documented but has no authorisation rule"
    concrete = re.sub(r"\{(\w+)\}", lambda match: SAMPLE_PARAMETERS[match.group(1)], path)
    for role in ROLES:
        reply = people[role].request(method, concrete, {} if method in {"POST", "PUT", "PATCH"} else None)
        assert reply.status_code < 500, (role, method, path, reply.body)
        allowed = role in POLICY[(method, path)]
        assert denied_at_the_gate(reply) is not allowed, (role, method, path, reply.status_code, reply.body)


def test_the_docs_show_the_enforced_matrix() -> None:
    guide = Path("docs/authorisation.md").read_text("utf-8")
    section = guide.split("## Authorisation matrix", 1)[1].split("\n## ", 1)[0]
    shown: dict[tuple[str, str], frozenset[str]] = {}
    for line in section.splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) == 2 + len(ROLES) and cells[0].startswith("`"):
            method, path = cells[0].strip("`").split(" ", 1)
            shown[(method, path)] = frozenset(
                role for role, cell in zip(ROLES, cells[1:-1], strict=True) if cell == "✓"
            )
    assert shown == dict(POLICY), (
        "docs/authorisation.md's matrix differs from chalicelib/api/policy.py:\n" + matrix_markdown()
    )


def matrix_markdown() -> str:
    rows = ["| route | " + " | ".join(ROLES) + " | notes |", "|---|" + "---|" * (len(ROLES) + 1)]
    for (method, path), roles in sorted(POLICY.items(), key=lambda item: (item[0][1], item[0][0])):
        rows.append(f"| `{method} {path}` | " + " | ".join("✓" if role in roles else "·" for role in ROLES) + " | |")
    return "\n".join(rows)
