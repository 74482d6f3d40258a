"""The registrations of an issue step: each registry asked in order, each number found.

An issue step may register the applicant with other authorities (``registrations`` in the
procedure definition): the tax registry assigns an RFC, social security an employer
registration, and a registration with no registry gets Ventanilla's own folio.  Each one
becomes a credential of its own (``Credentials.issue`` signs them with the step's
document, in one transition).

A step may run more than once for one application: the state machine retries a Task,
and an operator retries an application in ``error`` from the step that failed (a new
execution).  So the exchange id of a registration depends only on the application, the
step and the document type: asked again, a registry answers its first answer (it
registers once), and the folio is derived from the application, never drawn at random.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from typing import Any

from msgspec import Struct

from chalicelib.core.clock import parse_iso
from chalicelib.core.errors import DomainError
from chalicelib.legal.calendar import legal_date
from chalicelib.procedures import rules
from chalicelib.procedures.validator import FOLIO
from chalicelib.registries.catalogue import REGISTRIES
from chalicelib.registries.facts import fact, facts_of
from chalicelib.registries.port import PLATFORM, Context, Registries
from chalicelib.store.models import Application

REQUESTER = {"kind": "workflow"}


class RegistrationRefused(DomainError):
    """A registry answered a registration without registering (or without the number the
    definition names): nothing is issued, and the application goes to ``error`` with this
    reason; its class name is the error the state machine reports."""

    code = "registration_refused"


class Registered(Struct, frozen=True, kw_only=True):
    """One registration made: the credential's document, its number and who assigned it."""

    document: Mapping[str, Any]
    number: str
    registry: str  # a registry of the catalogue, or "ventanilla" for a folio
    exchange_id: str | None = None


def exchange_id(application_id: str, step_id: str, document_type: str) -> str:
    """The same for every run of the step (so a registry registers once), distinct across
    applications, steps and documents."""
    return hashlib.sha256(f"{application_id}/{step_id}/{document_type}".encode()).hexdigest()[:24]


def folio(application: Application, document_type: str) -> str:
    """Ventanilla's number for a registration no registry assigns: the initials of the
    document type, the year the application was filed and the application's id, e.g.
    ``LF-2026-7K3M9Q2XBD``.  Unique because the application id is, and the same on every
    run of the step."""
    prefix = "".join(word[0] for word in document_type.split("-") if word).upper()
    filed = parse_iso(application.submitted_at or application.created_at)
    return f"{prefix}-{legal_date(filed).year}-{application.id}"


def purpose(definition: Mapping[str, Any], document: Mapping[str, Any]) -> dict[str, str]:
    """Why the registry is asked, as the request and the citizen's data-use record say it."""
    name, title = definition["name"], document["title"]
    return {
        "es": f"Registro que solicita el trámite «{name['es']}»: {title['es']}",
        "en": f"Registration the procedure “{name['en']}” asks for: {title['en']}",
    }


def register(
    registries: Registries,
    application: Application,
    definition: Mapping[str, Any],
    step_id: str,
    step: Mapping[str, Any],
    facts: Mapping[str, Mapping[str, Any]],
) -> list[Registered]:
    """Make the step's registrations in order, skipping those whose ``when`` is false on
    ``facts`` (the application's, as the rules read them).

    ``RegistryUnavailable`` propagates: nothing is issued, and the step is tried again
    (the registries answer the registrations already made with the same numbers)."""
    numbers: dict[str, str] = {}
    made: list[Registered] = []
    for registration in step.get("registrations") or ():
        if "when" in registration and not rules.evaluate(registration["when"], facts):
            continue
        document = registration["document"]
        if "registry" not in registration:
            assert registration["number"] == FOLIO  # the validator allows nothing else
            done = Registered(document=document, number=folio(application, document["type"]), registry=PLATFORM)
        else:
            done = _ask(registries, application, definition, step_id, registration, numbers)
        numbers[document["type"]] = done.number
        made.append(done)
    return made


def _ask(
    registries: Registries,
    application: Application,
    definition: Mapping[str, Any],
    step_id: str,
    registration: Mapping[str, Any],
    numbers: Mapping[str, str],
) -> Registered:
    document = registration["document"]
    registry, operation = registration["registry"], registration["operation"]
    facts = facts_of(application, numbers)
    query = {param: fact(facts, path) for param, path in registration["query"].items()}
    context = Context(
        holder=application.owner,
        purpose=registration.get("purpose") or purpose(definition, document),
        legal_basis=registration.get("legal_basis") or definition["legal_basis"],
        agency=definition["agency"],
        agency_name=definition["agencies"][definition["agency"]],
        requester=REQUESTER,
        application_id=application.id,
        procedure=application.procedure_code,
        exchange_id=exchange_id(application.id, step_id, document["type"]),
    )
    answer = registries.exchange(registry, operation, query, context)
    number = answer.result.get(registration["number"])
    if answer.status != "registered" or not isinstance(number, str) or not number:
        raise RegistrationRefused(
            f"the {REGISTRIES[registry].name['en']} answered {operation} with {answer.status!r} and no "
            f"{registration['number']!r} (exchange {answer.exchange_id})"
        )
    return Registered(document=document, number=number, registry=registry, exchange_id=answer.exchange_id)
