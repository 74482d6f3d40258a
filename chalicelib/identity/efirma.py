"""Proving an account is one's own with an e.firma, and claiming a CURP's account with it.

A person asks for a challenge, signs it with their e.firma's key (on their own device: the key
never reaches the platform) and sends it back with the certificate.  The platform checks
the signature (``efirma.verification.Trust``: trusted authority, validity, key usage,
OCSP) and that the certificate names the account, spends the challenge (once: a
conditional write) and binds the account to the e.firma:

- a citizen's profile keeps a summary (``Binding``), and what proved it is kept beside it;
- a staff member's username gets a ``Signer`` item: the first link binds the
  certificate's CURP, a later one (a renewed certificate) must carry the same CURP.

Citizens sign up with their CURP as username and prove it only by an SMS code, so anyone
could open an account under someone else's CURP.  ``EfirmaAccounts.claim`` lets the
holder of that CURP's e.firma, signed out, open the account (none yet) or take it over
(one exists that no e.firma proved): a new password and phone, every earlier sign-in
ended (``identity.sessions``), and each application of the record marked with an audit
event ``account.taken_over``.  An account an e.firma proved cannot be taken over.

Nothing is written before the signature holds; a refusal of the OCSP responder (503)
writes nothing either.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from datetime import timedelta
from typing import Any, Literal

from msgspec import Struct, convert, to_builtins

from chalicelib.adapters.ports import Directory
from chalicelib.applications.transitions import Change, Transitions
from chalicelib.core.clock import iso, parse_iso, utcnow
from chalicelib.core.errors import Conflict, ValidationFailed
from chalicelib.efirma.certificates import Holder, refused
from chalicelib.efirma.verification import Signature, Trust
from chalicelib.identity import passwords, sessions
from chalicelib.identity.curp import is_company_rfc, is_curp
from chalicelib.identity.principal import Principal
from chalicelib.identity.profiles import Profiles
from chalicelib.identity.requests import EfirmaAccount, EfirmaProof
from chalicelib.notifications.phones import PhoneRules
from chalicelib.store.models import Application, EfirmaChallenge, Profile, Signer
from chalicelib.store.repositories import Repositories
from chalicelib.store.writes import Write

CHALLENGE_SECONDS = 300
# a spent or expired challenge is kept a day longer (DynamoDB's TTL then removes it), so a
# late replay is told "used" or "expired" rather than "unknown"
CHALLENGE_KEPT_SECONDS = 86400
Purpose = Literal["link", "account"]
LINK: Purpose = "link"  # a signed-in person proves their account
ACCOUNT: Purpose = "account"  # a signed-out person claims the account of their CURP
TAKEN_OVER = "account.taken_over"
MARK_ATTEMPTS = 3


class Challenge(Struct, frozen=True):
    challenge: str
    expires_at: str


class Binding(Struct, frozen=True, kw_only=True):
    """An account's e.firma, as the profile (or the staff member's signer item) keeps it."""

    serial: str
    curp: str | None  # the person's CURP; None for a company's e.firma
    rfc: str
    name: str
    valid_until: str
    verified_at: str  # the latest proof
    since: str  # the first proof: what the account did before was done without one
    taken_over_at: str | None = None  # the account existed, unproven, and its holder took it over


class Linked(Struct, frozen=True):
    account: str
    kind: Literal["citizen", "staff"]
    binding: Binding


class Claimed(Struct, frozen=True):
    account: str
    outcome: Literal["created", "taken_over"]
    binding: Binding
    marked: int  # applications of the record marked as filed before the takeover


def binding_of(profile: Profile) -> Binding | None:
    """The profile's e.firma, or None when none proved it."""
    return convert(profile.efirma, Binding) if profile.efirma else None


def conflict(field: str, message: str, code: str) -> Conflict:
    """A 409 that names the field at fault, as a validation error does."""
    return Conflict(f"{field}: {message}", details=[{"field": field, "message": message}], code=code)


def challenge_used() -> Conflict:
    return conflict("challenge", "was used already: ask for a new one", "challenge_used")


def curp_mismatch(message: str) -> ValidationFailed:
    return refused("certificate", "curp_mismatch", message)


def already_verified(account: str) -> Conflict:
    return conflict(
        "certificate",
        f"the account {account} was proven by its e.firma already: sign in with its password",
        "curp_already_verified",
    )


class Challenges(Struct, frozen=True):
    """Texts to sign, once each, for a short while."""

    store: Repositories

    def issue(self, purpose: Purpose, username: str | None) -> Challenge:
        now = utcnow()
        text = secrets.token_urlsafe(32)
        expires = now + timedelta(seconds=CHALLENGE_SECONDS)
        self.store.efirma.issue_challenge(
            text,
            purpose,
            username,
            created_at=iso(now),
            expires_at=iso(expires),
            expiration=int(expires.timestamp()) + CHALLENGE_KEPT_SECONDS,
        )
        return Challenge(text, iso(expires))

    def pending(self, text: str, purpose: Purpose, username: str | None) -> EfirmaChallenge:
        """The challenge, if it is this caller's, unspent and not expired; each other case
        refused with its own code.  Another caller's challenge is unknown to this one."""
        found = self.store.efirma.challenge(text)
        if found is None or found.purpose != purpose or found.username != username:
            raise refused("challenge", "challenge_unknown", "is not a challenge this service gave you: ask for one")
        if found.used_at:
            raise challenge_used()
        if parse_iso(found.expires_at) <= utcnow():
            raise conflict(
                "challenge",
                f"expired at {found.expires_at} (a challenge lasts {CHALLENGE_SECONDS // 60} minutes): ask again",
                "challenge_expired",
            )
        return found


def _person(holder: Holder) -> str:
    """The CURP of a person's e.firma; a company's is refused where a person must sign."""
    if holder.kind != "person" or not holder.curp:
        raise refused(
            "certificate",
            "certificate_not_personal",
            f"is the e.firma of the company {holder.rfc}: use your own (a person's) e.firma",
        )
    return holder.curp


def _binds(account: str, holder: Holder) -> None:
    """The certificate names this citizen account: a person's CURP, or a company's RFC."""
    if is_company_rfc(account):
        if holder.kind != "company" or holder.rfc != account:
            raise curp_mismatch(f"names RFC {holder.rfc}, not this account's ({account})")
        return
    if _person(holder) != account:
        raise curp_mismatch(f"names CURP {holder.curp}, not this account's ({account})")


def _binding(
    signature: Signature, now: str, earlier: Binding | None = None, taken_over_at: str | None = None
) -> Binding:
    holder = signature.holder
    return Binding(
        serial=signature.serial,
        curp=holder.curp,
        rfc=holder.rfc,
        name=holder.name,
        valid_until=signature.valid_until,
        verified_at=now,
        since=earlier.since if earlier else now,
        taken_over_at=earlier.taken_over_at if earlier else taken_over_at,
    )


def _proof(signature: Signature) -> dict[str, Any]:
    proof: dict[str, Any] = to_builtins(signature)
    return proof


class EfirmaLinks(Struct, frozen=True):
    """``POST /me/efirma``: a signed-in person proves their account with their e.firma."""

    trust: Callable[[], Trust]
    challenges: Challenges
    store: Repositories
    profiles: Profiles

    def link(self, principal: Principal, proof: EfirmaProof) -> Linked:
        challenge = self.challenges.pending(proof.challenge, LINK, principal.username)
        now = utcnow()
        signature = self.trust().verify(proof.certificate, proof.challenge, proof.signature, now)
        if principal.holder:
            return self._citizen(principal, principal.holder, challenge, signature, iso(now))
        return self._staff(principal.username, challenge, signature, iso(now))

    def _citizen(
        self, principal: Principal, account: str, challenge: EfirmaChallenge, signature: Signature, now: str
    ) -> Linked:
        """The citizen's profile bound to the e.firma (``since`` kept from the first proof)."""
        _binds(account, signature.holder)
        profile = self.profiles.ensure(account)
        sessions.check(principal, profile.signed_in_after)
        binding = _binding(signature, now, binding_of(profile))
        failed = self.store.efirma.link(
            [
                self.store.efirma.spending(challenge, now),
                self.store.efirma.binding(profile, to_builtins(binding), first=False),
                self.store.efirma.proof(account, now, _text(challenge), LINK, _proof(signature)),
            ]
        )
        _refuse(failed, Conflict("your record changed meanwhile; try again", code="concurrent_change"))
        return Linked(account, "citizen", binding)

    def _staff(self, username: str, challenge: EfirmaChallenge, signature: Signature, now: str) -> Linked:
        curp = _person(signature.holder)
        bound = self.store.efirma.signer(username)
        if bound is not None and bound.curp != curp:
            raise _other_signer(username, bound.curp, curp)
        binding = _binding(signature, now, _signer_binding(bound) if bound else None)
        failed = self.store.efirma.link(
            [
                self.store.efirma.spending(challenge, now),
                signing(self.store, username, curp, binding, signature),
            ]
        )
        _refuse(failed, _other_signer(username, None, curp))
        return Linked(username, "staff", binding)


def signing(store: Repositories, username: str, curp: str, binding: Binding, signature: Signature) -> Write:
    """The write that binds a staff member to the e.firma of ``curp`` (or renews it)."""
    return store.efirma.signing(
        username,
        curp,
        rfc=binding.rfc,
        name=binding.name,
        serial=binding.serial,
        valid_until=binding.valid_until,
        verified_at=binding.verified_at,
        since=binding.since,
        proof=_proof(signature),
    )


def _text(challenge: EfirmaChallenge) -> str:
    """The challenge's text, from its key."""
    return str(challenge.pk).split("#", 1)[1]


def _refuse(failed: int | None, otherwise: Exception) -> None:
    """Why a link did not commit: its challenge (the first write) was spent meanwhile, or
    the binding's condition no longer held."""
    if failed is None:
        return
    if failed == 0:
        raise challenge_used()
    raise otherwise


def _other_signer(username: str, bound: str | None, curp: str) -> ValidationFailed:
    held = f" (it signs with the e.firma of {bound})" if bound else ""
    return curp_mismatch(
        f"names CURP {curp}, not the one {username} is linked to{held}: a renewed certificate carries the same CURP"
    )


def _signer_binding(signer: Signer) -> Binding:
    return Binding(
        serial=signer.serial,
        curp=signer.curp,
        rfc=signer.rfc,
        name=signer.name,
        valid_until=signer.valid_until,
        verified_at=signer.verified_at,
        since=signer.since,
    )


class Signers(Struct, frozen=True):
    """Which e.firma each staff member signs with."""

    store: Repositories

    def bound(self, username: str) -> Binding | None:
        """The e.firma ``username`` linked (``POST /me/efirma``), or None."""
        signer = self.store.efirma.signer(username)
        return _signer_binding(signer) if signer else None

    def check(self, username: str, signature: Signature) -> Write | None:
        """Whether ``signature`` was made with an e.firma of ``username``'s (the linked one,
        or a renewal carrying the same CURP); refused otherwise.  A staff member who linked
        none is bound by this first signature, as linking would have bound them (both prove
        the key is theirs by signing with it): the write that binds them is returned, to be
        committed with what they signed (it fails if they were bound meanwhile)."""
        bound = self.bound(username)
        if bound is None:
            return signing(
                self.store, username, _person(signature.holder), _binding(signature, signature.signed_at), signature
            )
        if signature.holder.curp != bound.curp:
            raise _other_signer(username, bound.curp, signature.holder.curp or signature.holder.rfc)
        return None

    def bound_meanwhile(self, username: str, signature: Signature) -> None:
        """A first signature's binding failed: refuse it if another e.firma bound them."""
        bound = self.bound(username)
        if bound is not None and signature.holder.curp != bound.curp:
            raise _other_signer(username, bound.curp, _person(signature.holder))


class EfirmaAccounts(Struct, frozen=True):
    """``POST /efirma/account``: the holder of a CURP's e.firma opens its account, or takes
    over the one someone opened with it and no e.firma proved."""

    trust: Callable[[], Trust]
    challenges: Challenges
    store: Repositories
    directory: Directory
    transitions: Transitions
    phones: PhoneRules

    def claim(self, request: EfirmaAccount) -> Claimed:
        problem = passwords.problem(request.password)
        if problem:
            raise ValidationFailed.field("password", problem, code="invalid_password")
        phone = self.phones.normalise(request.phone)
        challenge = self.challenges.pending(request.challenge, ACCOUNT, None)
        now = utcnow()
        signature = self.trust().verify(request.certificate, request.challenge, request.signature, now)
        holder = signature.holder
        account = _account_for(holder)
        profile = self.store.profiles.get(account, consistent=True)
        if profile is not None and profile.efirma:
            raise already_verified(account)
        existing = self.directory.user_attributes(account)
        if not self.store.efirma.spend(challenge, iso(now)):
            raise challenge_used()

        attributes = {"phone_number": phone, "phone_number_verified": "true", "name": holder.name}
        attributes["locale"] = request.language
        created = not existing and self.directory.create_user(account, request.password, attributes)
        if not created:  # an account exists (or was opened meanwhile): its sign-ins end now
            self.directory.set_password(account, request.password)
            self.directory.update_attributes(account, attributes)
            self.directory.sign_out_everywhere(account)
        taken_over = not created or profile is not None
        signed_in_after = sessions.next_second() if taken_over else None
        verified_at = iso(now)
        binding = _binding(signature, verified_at, taken_over_at=iso(utcnow()) if taken_over else None)
        marked = self._mark_record(account, signature.serial, signed_in_after) if taken_over else 0
        self._bind(account, challenge, signature, binding, phone, request.language, signed_in_after)
        return Claimed(account, "taken_over" if taken_over else "created", binding, marked)

    def _mark_record(self, account: str, serial: str, signed_in_after: int | None) -> int:
        """Mark every application of the record: an audit event, and the sign-ins it refuses."""
        actor = {"kind": "citizen", "id": account, "efirma": serial}
        change = Change(
            TAKEN_OVER,
            reason=(
                "the holder of this CURP's e.firma took the account over: the earlier password and every earlier "
                "sign-in no longer work"
            ),
            details={"efirma_serial": serial},
        )
        marked = 0
        for item in self.store.applications.record_of(account):
            if isinstance(item, Application) and self._mark(item.id, actor, change, serial, signed_in_after):
                marked += 1
        return marked

    def _mark(self, application_id: str, actor: dict[str, Any], change: Change, serial: str, after: int | None) -> bool:
        for _ in range(MARK_ATTEMPTS):
            application = self.store.applications.find(application_id, consistent=True)
            if application is None:
                return False
            try:
                self.transitions.record(
                    application, actor, change, fields={"signed_in_after": after}, key=f"{TAKEN_OVER}:{serial}"
                )
                return True
            except Conflict as error:
                if error.code != "concurrent_change":
                    raise
        raise Conflict(
            "an application of the record kept changing while it was marked; claim the account again",
            code="concurrent_change",
        )

    def _bind(
        self,
        account: str,
        challenge: EfirmaChallenge,
        signature: Signature,
        binding: Binding,
        phone: str,
        language: str,
        signed_in_after: int | None,
    ) -> None:
        """The profile bound to the e.firma, created if there is none; the commit point: once
        it is written the account is proven and cannot be claimed again."""
        efirma = self.store.efirma
        proof = efirma.proof(account, binding.verified_at, _text(challenge), ACCOUNT, _proof(signature))
        fields = {"name": binding.name, "phone": phone, "language": language, "signed_in_after": signed_in_after}
        for _ in range(2):
            profile = self.store.profiles.get(account, consistent=True)
            if profile is None:
                bound = efirma.new_profile(account, to_builtins(binding), created_at=binding.verified_at, **fields)
            elif profile.efirma:
                raise already_verified(account)
            else:
                bound = efirma.binding(profile, to_builtins(binding), first=True, **fields)
            failed = efirma.link([bound, proof])
            if failed is None:
                return
            if failed != 0 or profile is not None:
                break
        raise already_verified(account)


def _account_for(holder: Holder) -> str:
    """The account an e.firma opens: a person's CURP, or a company's RFC."""
    account = holder.curp if holder.kind == "person" and holder.curp else holder.rfc
    if not (is_curp(account) or is_company_rfc(account)):
        raise refused("certificate", "certificate_not_efirma", f"names {account}, which is neither a CURP nor an RFC")
    return account
