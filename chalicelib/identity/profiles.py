"""Citizen profiles: the head of each citizen record, synced from the sign-in directory."""

from __future__ import annotations

from pynamodb.exceptions import PutError

from chalicelib.adapters.ports import Directory
from chalicelib.core.clock import iso, utcnow
from chalicelib.store import keys
from chalicelib.store.models import Profile


def profile_key(curp: str) -> tuple[str, str]:
    return keys.citizen(curp), keys.PROFILE_SK


class Profiles:
    def __init__(self, directory: Directory) -> None:
        self._directory = directory

    def get(self, curp: str) -> Profile | None:
        try:
            return Profile.get(*profile_key(curp))
        except Profile.DoesNotExist:
            return None

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
        """Create the profile of a citizen known to have none yet (a conditional put:
        if a concurrent first request created it meanwhile, that one is returned)."""
        attributes = self._directory.user_attributes(curp)
        profile = Profile(
            *profile_key(curp),
            holder=curp,
            name=attributes.get("name"),
            phone=attributes.get("phone_number"),
            language="en" if attributes.get("locale", "").startswith("en") else "es",
            created_at=iso(utcnow()),
            gsi1pk=keys.owner(curp),
            gsi1sk=keys.PROFILE_SK,
        )
        try:
            profile.save(condition=Profile.pk.does_not_exist())
        except PutError as error:
            if error.cause_response_code != "ConditionalCheckFailedException":
                raise
            return Profile.get(*profile_key(curp))  # a concurrent first request created it
        return profile
