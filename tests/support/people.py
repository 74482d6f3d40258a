"""Valid, unique test identities (CURPs carry a check digit, so they are built, not typed),
and the Cognito accounts the tests, the browser scenarios and the benchmark give them."""

from __future__ import annotations

import itertools
import random
from contextlib import suppress
from datetime import date
from typing import Any

from chalicelib.identity.curp import curp_check_digit
from infra.local.demo import DEMO_PASSWORD

_counter = itertools.count()
_CONSONANTS = "BCDFGHJKLMNPQRSTVWXZ"
_LETTERS = "ABCDEFGHJKLMNPRSTUVWXYZ"


def new_curp(born: date = date(1985, 6, 15), sex: str = "M", state: str = "DF") -> str:
    """A valid CURP that no other call of this process returns."""
    n = next(_counter)
    rng = random.Random(n * 7919 + born.toordinal())
    first = (
        rng.choice(_LETTERS)
        + rng.choice("AEIOU")
        + _LETTERS[n % len(_LETTERS)]
        + _LETTERS[(n // len(_LETTERS)) % len(_LETTERS)]
    )
    century = str(n % 10) if born.year < 2000 else "ABCDEFGHIJ"[n % 10]
    consonants = _CONSONANTS[n % 20] + _CONSONANTS[(n // 20) % 20] + _CONSONANTS[(n // 400) % 20]
    body = f"{first}{born:%y%m%d}{sex}{state}{consonants}{century}"
    return body + curp_check_digit(body)


def new_phone() -> str:
    return f"+5255{next(_counter) + 10000000:08d}"


def register(
    idp: Any, pool: str, client_id: str, username: str, phone: str, name: str, groups: tuple[str, ...] = ()
) -> str:
    """Sign up an account with the demo password, confirmed by the pool's administrator (no
    SMS code to read back) and in its groups, each created if the pool lacks it; returns the
    account's ID token."""
    idp.sign_up(
        ClientId=client_id,
        Username=username,
        Password=DEMO_PASSWORD,
        UserAttributes=[{"Name": "phone_number", "Value": phone}, {"Name": "name", "Value": name}],
    )
    idp.admin_confirm_sign_up(UserPoolId=pool, Username=username)
    for group in groups:
        with suppress(idp.exceptions.GroupExistsException):
            idp.create_group(GroupName=group, UserPoolId=pool)
        idp.admin_add_user_to_group(UserPoolId=pool, Username=username, GroupName=group)
    return sign_in(idp, client_id, username)


def sign_in(idp: Any, client_id: str, username: str, password: str = DEMO_PASSWORD) -> str:
    """The account's ID token, through USER_PASSWORD_AUTH as the web pages sign in."""
    result = idp.initiate_auth(
        ClientId=client_id,
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": username, "PASSWORD": password},
    )
    return str(result["AuthenticationResult"]["IdToken"])
