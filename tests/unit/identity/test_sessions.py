"""Sign-ins a takeover ended, and the password policy a takeover checks first."""

from __future__ import annotations

import pytest

from chalicelib.core.errors import NotAuthenticated
from chalicelib.identity import passwords, sessions
from chalicelib.identity.principal import Principal

CURP = "GOMC800101MDFMRR00"


def test_a_citizens_sign_in_older_than_the_takeover_is_refused() -> None:
    sessions.check(Principal(CURP, signed_in_at=1_000), None)  # never taken over
    sessions.check(Principal(CURP, signed_in_at=1_000), 1_000)  # signed in the second the takeover ended
    for earlier in (Principal(CURP, signed_in_at=999), Principal(CURP)):
        with pytest.raises(NotAuthenticated) as ended:
            sessions.check(earlier, 1_000)
        assert ended.value.code == "session_ended"


def test_staff_sign_ins_are_not_the_records() -> None:
    sessions.check(Principal("oficial.semovi", frozenset({"official-SEMOVI"}), signed_in_at=1), 1_000)


@pytest.mark.parametrize(
    ("password", "missing"),
    [
        ("Corta-1", "at least 10 characters"),
        (" Con-Espacio-2026", "no spaces"),
        ("sin-mayusculas-2026", "no capital letter"),
        ("SIN-MINUSCULAS-2026", "no small letter"),
        ("Sin-Digitos-Nunca", "no digit"),
    ],
)
def test_a_password_the_pool_would_refuse_is_refused_with_the_reason(password: str, missing: str) -> None:
    problem = passwords.problem(password)
    assert problem is not None and missing in problem


def test_a_password_that_meets_the_policy_passes() -> None:
    assert passwords.problem("Soy-La-Titular-2026") is None
