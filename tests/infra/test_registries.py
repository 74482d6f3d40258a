"""An operator's registry settings are checked before a deployment: a mistake stops
``make deploy`` with a message instead of every function at its start, or a registry
staying silently unreachable."""

from __future__ import annotations

import json
import os
import subprocess

import pytest
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from infra.aws.deploy import registry_problems
from infra.aws.stack import ROOT, registries
from tests.infra.conftest import Registries

TAX = "https://interoperabilidad.sat.example.gob.mx/ventanilla"


def _pem(key: ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey) -> str:
    return key.public_key().public_bytes(Encoding.PEM, PublicFormat.SubjectPublicKeyInfo).decode()


P256 = _pem(ec.generate_private_key(ec.SECP256R1()))


def test_a_configuration_of_every_registry_passes(every_registry: Registries) -> None:
    assert registries.problems(every_registry.endpoints, every_registry.keys) == []
    assert registries.problems("{}", "{}") == []


@pytest.mark.parametrize(
    ("endpoints", "keys", "expected"),
    [
        ('{"tax": ', "{}", "REGISTRY_ENDPOINTS must be a JSON object of registry -> base URL: Input data was trunc"),
        ("{}", json.dumps([P256]), "REGISTRY_KEYS must be a JSON object of registry -> PEM public key: Expected `obj"),
        (json.dumps({"sat": TAX}), json.dumps({"sat": P256}), "sat: not a registry Ventanilla knows (cadastre, "),
        ("{}", json.dumps({"tax": P256}), "tax: REGISTRY_KEYS has its key but REGISTRY_ENDPOINTS no address"),
        (json.dumps({"tax": TAX}), "{}", "tax: REGISTRY_ENDPOINTS has its address but REGISTRY_KEYS no key"),
        (json.dumps({"tax": "http://sat.example.gob.mx"}), json.dumps({"tax": P256}), "is not an https base URL"),
        (json.dumps({"tax": TAX + "?a=1"}), json.dumps({"tax": P256}), "is not an https base URL"),
        (json.dumps({"tax": TAX}), json.dumps({"tax": "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE"}), "not a PEM public key"),
        (
            json.dumps({"tax": TAX}),
            json.dumps({"tax": _pem(ec.generate_private_key(ec.SECP384R1()))}),
            "tax: its key is not a PEM public key on P-256 (ES256)",
        ),
        (
            json.dumps({"tax": TAX}),
            json.dumps({"tax": _pem(rsa.generate_private_key(public_exponent=65537, key_size=2048))}),
            "tax: its key is not a PEM public key on P-256 (ES256)",
        ),
        (
            json.dumps({"tax": TAX + "/" + "x" * 2000}),
            json.dumps({"tax": P256}),
            "at most 2048 fit in a function's environment",
        ),
    ],
)
def test_a_mistake_is_named(endpoints: str, keys: str, expected: str) -> None:
    assert any(expected in problem for problem in registries.problems(endpoints, keys)), registries.problems(
        endpoints, keys
    )


def test_both_settings_or_neither() -> None:
    assert registry_problems({}) == []
    assert registry_problems({"REGISTRY_ENDPOINTS": "", "REGISTRY_KEYS": ""}) == []
    (alone,) = registry_problems({"REGISTRY_ENDPOINTS": json.dumps({"tax": TAX})})
    assert alone.startswith("REGISTRY_ENDPOINTS and REGISTRY_KEYS go together")
    assert registry_problems({"REGISTRY_ENDPOINTS": json.dumps({"tax": TAX}), "REGISTRY_KEYS": "[]"}) == [
        "REGISTRY_KEYS must be a JSON object of registry -> PEM public key: Expected `object`, got `array`"
    ]


def test_make_deploy_stops_on_a_mistake_before_building_anything() -> None:
    environment = {
        **os.environ,
        "DRY_RUN": "1",
        "REGISTRY_ENDPOINTS": json.dumps({"tax": "http://sat.example.gob.mx"}),
        "REGISTRY_KEYS": json.dumps({"tax": P256}),
    }
    done = subprocess.run(
        ["infra/aws/deploy.sh", "deploy", "regcheck"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 2
    assert "tax: 'http://sat.example.gob.mx' is not an https base URL" in done.stderr
    assert not (ROOT / "build" / "regcheck").exists()
