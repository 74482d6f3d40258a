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
from chalicelib.identity.principal import ADMIN, ANONYMOUS, ASSISTANT, CITIZEN, OFFICIAL, SUPERVISOR

EVERYONE = frozenset({ANONYMOUS, CITIZEN, OFFICIAL, SUPERVISOR, ASSISTANT, ADMIN})
SIGNED_BY_BANK = frozenset({ANONYMOUS, CITIZEN, OFFICIAL, SUPERVISOR, ASSISTANT, ADMIN})
CITIZENS = frozenset({CITIZEN})
ASSISTANTS = frozenset({ASSISTANT})
# the holder, or an assistant acting under the holder's consent (object-level: Assistance.acting)
FOR_THE_HOLDER = frozenset({CITIZEN, ASSISTANT})
OWNER_OR_AGENCY = frozenset({CITIZEN, OFFICIAL, SUPERVISOR, ASSISTANT})
AGENCY = frozenset({OFFICIAL, SUPERVISOR})
ADMINS = frozenset({ADMIN})

LEGACY: dict[tuple[str, str], frozenset[str]] = {
    ("GET", "/procedures"): EVERYONE,
    ("GET", "/procedures/{code}"): EVERYONE,
    ("GET", "/procedures/{code}/versions/{version}"): EVERYONE,
    ("GET", "/procedure-schema"): EVERYONE,
    ("POST", "/procedures/validate"): ADMINS,
    ("PUT", "/procedures/{code}"): ADMINS,
    ("POST", "/applications"): FOR_THE_HOLDER,
    ("GET", "/applications/{id}"): OWNER_OR_AGENCY,
    ("PATCH", "/applications/{id}"): FOR_THE_HOLDER,
    ("POST", "/applications/{id}/documents"): FOR_THE_HOLDER,
    ("GET", "/applications/{id}/documents/{requirement}"): OWNER_OR_AGENCY,
    ("POST", "/applications/{id}/submit"): FOR_THE_HOLDER,
    ("GET", "/applications/{id}/audit"): OWNER_OR_AGENCY,
    ("GET", "/applications/{id}/audit/verify"): OWNER_OR_AGENCY,
    ("POST", "/applications/{id}/payment"): FOR_THE_HOLDER,
    ("POST", "/payments/webhook"): SIGNED_BY_BANK,
    ("GET", "/agencies/{agency}/reviews"): AGENCY,
    ("GET", "/agencies/{agency}/intermediaries"): AGENCY,
    ("POST", "/reviews/{review_id}/decision"): AGENCY,
    ("GET", "/me"): CITIZENS,
    ("GET", "/documents/{document_id}"): FOR_THE_HOLDER,
    ("GET", "/verify/{document_id}"): EVERYONE,
    ("GET", "/openapi.json"): EVERYONE,
    ("GET", "/stats/procedures"): EVERYONE,
    ("GET", "/stats/procedures.csv"): EVERYONE,
    ("GET", "/stats/agencies.csv"): EVERYONE,
    ("GET", "/stats/centres.csv"): EVERYONE,
    ("POST", "/applications/{id}/rating"): CITIZENS,
    ("GET", "/agencies/{agency}/ratings"): AGENCY,
    # local stack only (infra/local/sandbox.py); never registered on AWS
    ("POST", "/sandbox/bank/pay"): EVERYONE,
    ("GET", "/sandbox/sms"): EVERYONE,
    ("POST", "/sandbox/sms/inbound"): EVERYONE,
    ("POST", "/sandbox/sms/send-queued"): EVERYONE,
}


class _Policy(Mapping[tuple[str, str], frozenset[str]]):
    """Every route's roles, read from the declarations (and the routes not yet declared)."""

    def _rules(self) -> dict[tuple[str, str], frozenset[str]]:
        return {**LEGACY, **{key: route.roles for key, route in routes.ROUTES.items()}}

    def __getitem__(self, key: tuple[str, str]) -> frozenset[str]:
        return self._rules()[key]

    def __iter__(self) -> Iterator[tuple[str, str]]:
        return iter(self._rules())

    def __len__(self) -> int:
        return len(self._rules())


POLICY = _Policy()


def allowed(method: str, resource_path: str) -> frozenset[str] | None:
    key = (method.upper(), resource_path)
    route = routes.ROUTES.get(key)
    return route.roles if route is not None else LEGACY.get(key)
