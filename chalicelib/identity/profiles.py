"""Citizen profiles: the head of each citizen record, synced from the sign-in directory."""

from __future__ import annotations

from chalicelib.adapters.ports import Directory
from chalicelib.core.clock import iso, utcnow
from chalicelib.core.errors import ValidationFailed
from chalicelib.notifications.phones import COUNTRIES, normalise
from chalicelib.store.models import Profile
from chalicelib.store.profiles import ProfileStore


class Profiles:
    def __init__(self, directory: Directory, store: ProfileStore) -> None:
        self._directory = directory
        self._store = store

    def get(self, curp: str) -> Profile | None:
        return self._store.get(curp)

    def ensure(self, curp: str) -> Profile:
        """The citizen's profile, created from their Cognito attributes on first use."""
        existing = self.get(curp)
        if existing is not None:
            return existing
        return self.create(curp)

    def find(self, holder: str) -> Profile | None:
        """The profile of a holder who may never have signed in here: created from the
        directory if they have an account there; None if they have none."""
        existing = self.get(holder)
        if existing is not None:
            return existing
        if not self._directory.user_attributes(holder):
            return None
        return self.create(holder)

    def create(self, curp: str) -> Profile:
        """Create the profile of a citizen known to have none yet (if a concurrent first
        request created it meanwhile, that one is returned)."""
        attributes = self._directory.user_attributes(curp)
        return self._store.create(
            curp,
            caller=calling_number(attributes.get("phone_number")),
            name=attributes.get("name"),
            phone=attributes.get("phone_number"),
            language="en" if attributes.get("locale", "").startswith("en") else "es",
            created_at=iso(utcnow()),
        )


def calling_number(phone: str | None) -> str | None:
    """The number a call from this phone shows (E.164), or None: the status line finds a
    profile by it.  Any country with a numbering plan: the directory checked it already."""
    if not phone:
        return None
    try:
        return normalise(phone, COUNTRIES)
    except ValidationFailed:
        return None
