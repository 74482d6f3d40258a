"""The authorisation matrix: which roles may call each route.

Each route declares its roles where it is defined (``ApiBlueprint.operation``); this
module names the usual sets of roles and answers the gate's question.  The HTTP
middleware enforces it before any view runs; a route without a rule is refused.
Object-level checks (whose application, which agency) are the domain's.  ``bank``
routes are open at this gate and authenticated by their HMAC signature.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from chalicelib.api import routes
from chalicelib.identity.principal import (
    ADMIN,
    AGENT,
    ANONYMOUS,
    ASSISTANT,
    CITIZEN,
    OFFICIAL,
    PRIVACY_OFFICER,
    PUBLISHER,
    SUPERVISOR,
)

EVERYONE = frozenset({ANONYMOUS, CITIZEN, OFFICIAL, SUPERVISOR, ASSISTANT, AGENT, ADMIN, PUBLISHER, PRIVACY_OFFICER})
SIGNED_BY_BANK = EVERYONE
CITIZENS = frozenset({CITIZEN})
SIGNED_IN = frozenset({CITIZEN, OFFICIAL, SUPERVISOR, ASSISTANT, AGENT, ADMIN, PUBLISHER, PRIVACY_OFFICER})
# who files for someone else with consent: at a community centre, or as a call-centre agent by phone
ASSISTANTS = frozenset({ASSISTANT, AGENT})
# the holder, or an assistant acting under the holder's consent (object-level: Assistance.acting)
FOR_THE_HOLDER = frozenset({CITIZEN, ASSISTANT, AGENT})
OWNER_OR_AGENCY = frozenset({CITIZEN, OFFICIAL, SUPERVISOR, ASSISTANT, AGENT})
AGENCY = frozenset({OFFICIAL, SUPERVISOR})
ADMINS = frozenset({ADMIN})
# the national administrators, and a jurisdiction's publishers (object-level: the procedure's
# jurisdiction must be theirs, chalicelib/procedures/jurisdictions.py)
PUBLISHERS = frozenset({ADMIN, PUBLISHER})
PRIVACY_OFFICERS = frozenset({PRIVACY_OFFICER})
# a privacy request: its holder, or a privacy officer (object-level: Privacy.get)
HOLDER_OR_PRIVACY_OFFICER = frozenset({CITIZEN, PRIVACY_OFFICER})


class _Policy(Mapping[tuple[str, str], frozenset[str]]):
    """Every declared route's roles (the app's, and the sandbox's when it is loaded)."""

    def __getitem__(self, key: tuple[str, str]) -> frozenset[str]:
        return routes.ROUTES[key].roles

    def __iter__(self) -> Iterator[tuple[str, str]]:
        return iter(routes.ROUTES)

    def __len__(self) -> int:
        return len(routes.ROUTES)


POLICY = _Policy()


def allowed(method: str, resource_path: str) -> frozenset[str] | None:
    route = routes.ROUTES.get((method.upper(), resource_path))
    return route.roles if route is not None else None
