from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest

from infra.local import registries

# moto's Step Functions interpreter logs whole state-machine dumps on every caught error.
logging.getLogger("moto").setLevel(logging.CRITICAL)


@pytest.fixture
def registries_answering() -> Iterator[None]:
    """Every sandbox registry answering normally before and after (a test switches one off,
    or makes it slow)."""
    registries.current().reset()
    yield
    registries.current().reset()
