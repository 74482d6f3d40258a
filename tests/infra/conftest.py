from __future__ import annotations

import copy
import json
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from unittest.mock import patch

import pytest

from infra.aws import layer
from infra.aws import template as packaging
from infra.local.efirma import Authority, Responder
from infra.local.stack import use_moto

STAGE = "prod"


@dataclass(frozen=True)
class Sandbox:
    """A certificate authority standing in for the SAT's, with its OCSP responder on loopback."""

    authority: Authority
    responder: Responder


@dataclass(frozen=True)
class Registries:
    """A configuration of every registry Ventanilla knows, as an operator gives it:
    ``REGISTRY_ENDPOINTS`` and ``REGISTRY_KEYS`` (each registry's own P-256 key)."""

    endpoints: str
    keys: str


@dataclass(frozen=True)
class Built:
    """The output of ``python -m infra.aws.template --offline`` with e.firma settings: what
    ``make deploy EFIRMA_CA_BUNDLE=… EFIRMA_OCSP_URL=…`` ships, with the dependencies copied
    from this virtualenv instead of downloaded."""

    directory: Path
    template: dict[str, Any]
    efirma: packaging.Efirma

    @property
    def path(self) -> Path:
        return self.directory / packaging.TEMPLATE

    @property
    def package(self) -> Path:
        return self.directory / "deployment.zip"

    @property
    def layer(self) -> Path:
        return self.directory / layer.ZIP_NAME

    def copy(self) -> dict[str, Any]:
        return copy.deepcopy(self.template)


@pytest.fixture(scope="session")
def sandbox(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Sandbox]:
    authority = Authority(tmp_path_factory.mktemp("efirma"))
    responder = Responder(authority)
    yield Sandbox(authority, responder)
    responder.stop()


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory, sandbox: Sandbox) -> Built:
    directory = tmp_path_factory.mktemp("template")
    efirma = packaging.efirma_settings(str(sandbox.authority.bundle), sandbox.responder.url)
    assert efirma is not None
    template = packaging.build(STAGE, directory, offline=True, efirma=efirma)
    return Built(directory, template, efirma)


@pytest.fixture(scope="session")
def every_registry() -> Registries:
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

    from chalicelib.registries.catalogue import REGISTRIES

    def public_pem() -> str:
        key = ec.generate_private_key(ec.SECP256R1()).public_key()
        return key.public_bytes(Encoding.PEM, PublicFormat.SubjectPublicKeyInfo).decode()

    names = sorted(REGISTRIES)
    endpoints = {
        name: f"https://interoperabilidad.{name.replace('_', '-')}.example.gob.mx/ventanilla" for name in names
    }
    return Registries(json.dumps(endpoints), json.dumps({name: public_pem() for name in names}))


Mutation = Callable[[dict[str, Any]], None]


def mutated(built: Built, mutation: Mutation) -> dict[str, Any]:
    template = built.copy()
    mutation(template)
    return json.loads(json.dumps(template))


@pytest.fixture(scope="session")
def aws_credentials() -> None:
    """moto's recommended fake credentials (and no endpoint: requests must stay in the mock)."""
    use_moto(os.environ)


@pytest.fixture
def moto_environment() -> Iterator[None]:
    """As ``aws_credentials``, for one test: the environment is restored after it."""
    with patch.dict(os.environ):
        use_moto(os.environ)
        yield
