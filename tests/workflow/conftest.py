from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.support.inprocess import Aws, embedded_aws


@pytest.fixture(scope="package")
def aws() -> Iterator[Aws]:
    with embedded_aws() as stack:
        yield stack
