"""Cognito groups, by prefix: ``official-<agency>``, ``supervisor-<agency>``,
``assistant-<centre>``, ``callcentre-<centre>`` (an agent of a call centre: files for a
caller by phone), ``admin`` (national) and ``admin-<jurisdiction>`` (a state's or a
municipality's INEGI code: its publishers; DESIGN.md); and ``privacy-officer``, the
data-protection officer who answers the holders' ARCO requests.  Who is in which group is decided
in the user pool; what a group allows is decided by ``principal`` and the routes."""

from __future__ import annotations

from collections.abc import Iterable

OFFICIAL = "official-"
SUPERVISOR = "supervisor-"
ASSISTANT = "assistant-"
CALL_CENTRE = "callcentre-"
ADMIN = "admin"
PUBLISHER = "admin-"
PRIVACY_OFFICER = "privacy-officer"


def official(agency: str) -> str:
    return f"{OFFICIAL}{agency}"


def supervisor(agency: str) -> str:
    return f"{SUPERVISOR}{agency}"


def assistant(centre: str) -> str:
    return f"{ASSISTANT}{centre}"


def call_centre(centre: str) -> str:
    return f"{CALL_CENTRE}{centre}"


def publisher(jurisdiction: str) -> str:
    return f"{PUBLISHER}{jurisdiction}"


def suffixes(groups: Iterable[str], prefix: str) -> frozenset[str]:
    """The agencies (or centres) named by the groups that start with ``prefix``."""
    return frozenset(group[len(prefix) :] for group in groups if group.startswith(prefix))
