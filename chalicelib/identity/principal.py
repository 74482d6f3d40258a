"""Who is calling: the verified identity and the roles its groups grant.

Group names follow DESIGN.md: ``official-<agency>``, ``supervisor-<agency>``,
``assistant-<centre>``, ``callcentre-<centre>`` (a call-centre agent: an assistant who
helps by phone), ``admin`` and ``admin-<jurisdiction>`` (the publisher role: the
procedures of one state or municipality), and ``privacy-officer`` (the data-protection
officer: the queue of ARCO requests).  A user with none of them whose username is a valid
CURP (a person) or a company's RFC (a business) holds a record: the citizen role.
"""

from __future__ import annotations

from msgspec import Struct, field

from chalicelib.identity import groups as group_names
from chalicelib.identity.curp import is_company_rfc, is_curp

ANONYMOUS = "anonymous"
CITIZEN = "citizen"
OFFICIAL = "official"
SUPERVISOR = "supervisor"
ASSISTANT = "assistant"
AGENT = "agent"  # a call-centre agent: files for a caller by phone (``callcentre-<centre>``)
ADMIN = "admin"
PUBLISHER = "publisher"
PRIVACY_OFFICER = "privacy_officer"
ROLES = (ANONYMOUS, CITIZEN, OFFICIAL, SUPERVISOR, ASSISTANT, ADMIN, PUBLISHER, PRIVACY_OFFICER, AGENT)
PHONE, CENTRE = "phone", "centre"  # the channel an assistant helps by


class Principal(Struct, frozen=True):
    username: str
    groups: frozenset[str] = field(default_factory=frozenset)
    name: str | None = None  # the ID token's ``name``: how the audit trail names an assistant
    # when the person signed in (the ID token's ``auth_time``, seconds since the epoch): a
    # record taken over by the holder of its e.firma refuses sign-ins older than the takeover
    signed_in_at: int | None = None

    @property
    def official_of(self) -> frozenset[str]:
        return self._suffixes(group_names.OFFICIAL) | self.supervisor_of

    @property
    def supervisor_of(self) -> frozenset[str]:
        return self._suffixes(group_names.SUPERVISOR)

    @property
    def assistant_at(self) -> frozenset[str]:
        """The centres from which this person files for someone else: community centres (in
        person) and call centres (by phone) alike — consent, scope and revocation are the
        same; only the channel differs (``channel_at``)."""
        return self._suffixes(group_names.ASSISTANT) | self.call_centre_at

    @property
    def call_centre_at(self) -> frozenset[str]:
        return self._suffixes(group_names.CALL_CENTRE)

    def channel_at(self, centre: str) -> str:
        """How this person helps from ``centre``: ``phone`` at a call centre, else ``centre``
        (a centre named in both kinds of group counts as a community centre)."""
        in_person = self._suffixes(group_names.ASSISTANT)
        return PHONE if centre in self.call_centre_at and centre not in in_person else CENTRE

    @property
    def is_admin(self) -> bool:
        return group_names.ADMIN in self.groups

    @property
    def publisher_for(self) -> frozenset[str]:
        """The jurisdictions (INEGI codes) whose procedures this person publishes."""
        return self._suffixes(group_names.PUBLISHER)

    @property
    def is_privacy_officer(self) -> bool:
        return group_names.PRIVACY_OFFICER in self.groups

    @property
    def is_staff(self) -> bool:
        return bool(
            self.official_of or self.assistant_at or self.is_admin or self.publisher_for or self.is_privacy_officer
        )

    @property
    def holder(self) -> str | None:
        """Whose record the caller acts on: a person's CURP, or a company's RFC (12
        characters); None for staff and for usernames that are neither."""
        if self.is_staff:
            return None
        return self.username if is_curp(self.username) or is_company_rfc(self.username) else None

    @property
    def roles(self) -> frozenset[str]:
        roles = set()
        if self.holder:
            roles.add(CITIZEN)
        if self._suffixes(group_names.OFFICIAL):
            roles.add(OFFICIAL)
        if self.supervisor_of:
            roles.add(SUPERVISOR)
        if self._suffixes(group_names.ASSISTANT):
            roles.add(ASSISTANT)
        if self.call_centre_at:
            roles.add(AGENT)
        if self.is_admin:
            roles.add(ADMIN)
        if self.publisher_for:
            roles.add(PUBLISHER)
        if self.is_privacy_officer:
            roles.add(PRIVACY_OFFICER)
        return frozenset(roles)

    def _suffixes(self, prefix: str) -> frozenset[str]:
        return group_names.suffixes(self.groups, prefix)

    def describe(self) -> dict[str, str]:
        """The actor as recorded in the audit trail."""
        if self.holder:
            return {"kind": CITIZEN, "id": self.username}
        kind = (
            ADMIN
            if self.is_admin
            else SUPERVISOR
            if self.supervisor_of
            else OFFICIAL
            if self.official_of
            else ASSISTANT
            if self._suffixes(group_names.ASSISTANT)
            else AGENT
            if self.call_centre_at
            else PUBLISHER
            if self.publisher_for
            else PRIVACY_OFFICER
        )
        actor = {"kind": kind, "id": self.username}
        agencies = sorted(self.official_of)
        if agencies:
            actor["agency"] = ",".join(agencies)
        if kind == ASSISTANT:
            actor["name"] = self.name or self.username
            actor["centre"] = ",".join(sorted(self._suffixes(group_names.ASSISTANT)))
        if kind == AGENT:
            actor["name"] = self.name or self.username
            actor["centre"] = ",".join(sorted(self.call_centre_at))
            actor["channel"] = PHONE
        if kind == PUBLISHER:
            actor["jurisdiction"] = ",".join(sorted(self.publisher_for))
        return actor
