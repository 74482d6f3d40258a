"""The password policy of the accounts: the user pool enforces it (``infra/aws/stack``
reads it from here), and the routes that set a password check it first, so that a
password the pool would refuse is refused before anything else happens."""

from __future__ import annotations

from typing import Any

MINIMUM_LENGTH = 10
MAXIMUM_LENGTH = 256  # Cognito's own limit
POLICY: dict[str, Any] = {
    "MinimumLength": MINIMUM_LENGTH,
    "RequireLowercase": True,
    "RequireNumbers": True,
    "RequireUppercase": True,
    "RequireSymbols": False,
}
RULE = f"at least {MINIMUM_LENGTH} characters, with a capital letter, a small letter and a digit"


def problem(password: str) -> str | None:
    """What the policy refuses in ``password``, or None."""
    if not MINIMUM_LENGTH <= len(password) <= MAXIMUM_LENGTH or password != password.strip():
        return f"must have {RULE}, and no spaces at either end"
    if not any(char.isupper() for char in password):
        return f"must have {RULE}: it has no capital letter"
    if not any(char.islower() for char in password):
        return f"must have {RULE}: it has no small letter"
    if not any(char.isdigit() for char in password):
        return f"must have {RULE}: it has no digit"
    return None
