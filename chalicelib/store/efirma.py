"""e.firma items: the challenges people sign, what proved a citizen's e.firma, and the
e.firma each staff member signs with.

A challenge is spent by a conditional update (``used_at`` set only if unset), so of two
requests carrying it at once exactly one spends it.  A link commits the spending, the
binding and its proof in one transaction (``link``): a refused condition leaves nothing
written.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from pynamodb.exceptions import PutError, UpdateError

from chalicelib.core.errors import Conflict, TransientFailure
from chalicelib.store import keys
from chalicelib.store.models import EfirmaChallenge, EfirmaProof, Profile, Signer
from chalicelib.store.reads import find
from chalicelib.store.writes import Cancelled, Write, change, commit, create

MAX_CHALLENGE_LENGTH = 128


class EfirmaStore:
    # --- challenges ------------------------------------------------------------------
    def issue_challenge(
        self, challenge: str, purpose: str, username: str | None, created_at: str, expires_at: str, expiration: int
    ) -> EfirmaChallenge:
        """Save a new challenge (its text is random: an existing one is never overwritten)."""
        item = EfirmaChallenge(
            keys.efirma_challenge(challenge),
            keys.EFIRMA_CHALLENGE_SK,
            purpose=purpose,
            username=username,
            created_at=created_at,
            expires_at=expires_at,
            expiration=expiration,
        )
        try:
            item.save(condition=EfirmaChallenge.pk.does_not_exist())
        except PutError as error:
            if error.cause_response_code == "ConditionalCheckFailedException":
                raise TransientFailure("a challenge of that text exists; ask again") from None
            raise
        return item

    def challenge(self, challenge: str) -> EfirmaChallenge | None:
        """The challenge, read strongly consistent (a spent one is never read as fresh)."""
        if not 0 < len(challenge) <= MAX_CHALLENGE_LENGTH:
            return None
        return find(EfirmaChallenge, keys.efirma_challenge(challenge), keys.EFIRMA_CHALLENGE_SK, consistent=True)

    @staticmethod
    def spending(challenge: EfirmaChallenge, used_at: str) -> Write:
        """The challenge spent at ``used_at``, on condition that it was not spent before."""
        return change(
            challenge,
            [EfirmaChallenge.used_at.set(used_at)],
            EfirmaChallenge.pk.exists() & EfirmaChallenge.used_at.does_not_exist(),
        )

    def spend(self, challenge: EfirmaChallenge, used_at: str) -> bool:
        """Spend the challenge now, alone; False when it was spent before (by a replay)."""
        try:
            challenge.update(
                actions=[EfirmaChallenge.used_at.set(used_at)],
                condition=EfirmaChallenge.pk.exists() & EfirmaChallenge.used_at.does_not_exist(),
            )
        except UpdateError as error:
            if error.cause_response_code == "ConditionalCheckFailedException":
                return False
            raise
        return True

    # --- a citizen's e.firma ---------------------------------------------------------
    @staticmethod
    def proof(holder: str, verified_at: str, challenge: str, purpose: str, proof: Mapping[str, Any]) -> Write:
        """What proved the holder's e.firma at ``verified_at``, kept beside the profile."""
        serial = str(proof["serial"])
        return create(
            EfirmaProof(
                keys.citizen(holder),
                keys.efirma_proof(verified_at, serial),
                holder=holder,
                serial=serial,
                verified_at=verified_at,
                challenge=challenge,
                purpose=purpose,
                proof=dict(proof),
            )
        )

    @staticmethod
    def binding(profile: Profile, binding: Mapping[str, Any], *, first: bool, **fields: Any) -> Write:
        """The profile bound to an e.firma (and ``fields`` set).  ``first``: on condition that
        no e.firma proved it meanwhile (a takeover); otherwise that it still exists."""
        actions = [Profile.efirma.set(dict(binding))]
        actions += [getattr(Profile, name).set(value) for name, value in fields.items() if value is not None]
        # a new phone (a takeover) moves the profile to that number for the status line
        actions += [
            getattr(Profile, name).set(value)
            for name, value in keys.by_caller(fields.get("phone"), str(profile.holder)).items()
        ]
        condition = Profile.pk.exists()
        if first:
            condition &= Profile.efirma.does_not_exist()
        return change(profile, actions, condition)

    @staticmethod
    def new_profile(holder: str, binding: Mapping[str, Any], **fields: Any) -> Write:
        """A profile born bound to an e.firma, on condition that there is none yet."""
        return create(
            Profile(
                keys.citizen(holder),
                keys.PROFILE_SK,
                **keys.by_owner(holder, keys.PROFILE_SK),
                **keys.by_caller(fields.get("phone"), holder),
                holder=holder,
                efirma=dict(binding),
                **fields,
            )
        )

    # --- a staff member's e.firma ----------------------------------------------------
    def signer(self, username: str) -> Signer | None:
        return find(Signer, keys.signer(username), keys.SIGNER_SK, consistent=True)

    @staticmethod
    def signing(username: str, curp: str, **fields: Any) -> Write:
        """The staff member's e.firma, on condition that none is bound yet or the one bound
        carries the same CURP (a renewed certificate)."""
        item = Signer(keys.signer(username), keys.SIGNER_SK, username=username, curp=curp, **fields)
        return Write(item, None, Signer.pk.does_not_exist() | (Signer.curp == curp))

    # --- committing ------------------------------------------------------------------
    @staticmethod
    def link(writes: Sequence[Write]) -> int | None:
        """Commit ``writes`` together: None when they committed, else the index of the first
        write whose condition failed (nothing was written)."""
        try:
            commit(writes)
        except Cancelled as cancelled:
            if cancelled.conflicted:
                raise Conflict(
                    "the account changed meanwhile; ask for a new challenge and sign it again",
                    code="concurrent_change",
                ) from None
            failed = [index for index in range(len(writes)) if cancelled.failed(index)]
            if not failed:
                raise TransientFailure("the table did not accept the change; retry") from None
            return failed[0]
        return None
