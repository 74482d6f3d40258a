from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.support.client import Api
from tests.support.stack import running_stack


@pytest.fixture(scope="session")
def stack() -> Iterator[Api]:
    with running_stack(legal_day_seconds="60") as url:
        yield Api(url)
