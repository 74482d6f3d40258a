from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from chalicelib.adapters.ocsp import HttpOcsp
from chalicelib.efirma.verification import Trust
from infra.local.efirma import Authority, Responder


@pytest.fixture(scope="module")
def authority(tmp_path_factory: pytest.TempPathFactory) -> Authority:
    return Authority(tmp_path_factory.mktemp("efirma"))


@pytest.fixture(scope="module")
def responder(authority: Authority) -> Iterator[Responder]:
    responder = Responder(authority)
    yield responder
    responder.stop()


@pytest.fixture
def trust(authority: Authority, responder: Responder) -> Iterator[Trust]:
    responder.available = True
    yield Trust.from_pem(authority.bundle.read_bytes(), HttpOcsp(responder.url, timeout=2))
    responder.available = True


@pytest.fixture
def other_authority(tmp_path: Path) -> Authority:
    return Authority(tmp_path / "other")
