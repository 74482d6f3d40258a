"""Citizen profiles: the head of each citizen record."""

from __future__ import annotations

from typing import Any

from pynamodb.exceptions import PutError

from chalicelib.store import keys
from chalicelib.store.models import Profile
from chalicelib.store.reads import find


class ProfileStore:
    def get(self, holder: str, *, consistent: bool = False) -> Profile | None:
        return find(Profile, keys.citizen(holder), keys.PROFILE_SK, consistent=consistent)

    def create(self, holder: str, *, caller: str | None = None, **fields: Any) -> Profile:
        """Save a new profile; if a concurrent first request created it meanwhile, that
        one is returned (a conditional put).  ``caller``: its phone in E.164, which files it
        under that number for the status line."""
        profile = Profile(
            keys.citizen(holder),
            keys.PROFILE_SK,
            **keys.by_owner(holder, keys.PROFILE_SK),
            **keys.by_caller(caller, holder),
            holder=holder,
            **fields,
        )
        try:
            profile.save(condition=Profile.pk.does_not_exist())
        except PutError as error:
            if error.cause_response_code != "ConditionalCheckFailedException":
                raise
            return Profile.get(keys.citizen(holder), keys.PROFILE_SK)
        return profile
