"""How the unit tests read a request type's refusal."""

from __future__ import annotations

from typing import Any

import pytest

from chalicelib.api.routes import parse
from chalicelib.core.errors import ValidationFailed


def refusal(kind: Any, value: Any, where: str = "body") -> tuple[str, str, str]:
    """The code, field and message of the one problem ``parse`` finds in ``value``."""
    with pytest.raises(ValidationFailed) as refused:
        parse(kind, value, where)
    [detail] = refused.value.details
    return refused.value.code, detail["field"], detail["message"]
