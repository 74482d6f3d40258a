"""Citizen profiles: the head of each citizen record."""

from __future__ import annotations

from typing import Any

from pynamodb.exceptions import PutError

from chalicelib.store import keys
from chalicelib.store.models import Profile


class ProfileStore:
    def get(self, holder: str) -> Profile | None:
        try:
            return Profile.get(keys.citizen(holder), keys.PROFILE_SK)
        except Profile.DoesNotExist:
            return None

    def create(self, holder: str, **fields: Any) -> Profile:
        """Save a new profile; if a concurrent first request created it meanwhile, that
        one is returned (a conditional put)."""
        profile = Profile(
            keys.citizen(holder),
            keys.PROFILE_SK,
            holder=holder,
            gsi1pk=keys.owner(holder),
            gsi1sk=keys.PROFILE_SK,
            **fields,
        )
        try:
            profile.save(condition=Profile.pk.does_not_exist())
        except PutError as error:
            if error.cause_response_code != "ConditionalCheckFailedException":
                raise
            return Profile.get(keys.citizen(holder), keys.PROFILE_SK)
        return profile
