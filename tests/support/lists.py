"""Items of the paged lists that no route writes at will: entries of the delivery log, of
the data-exchange log and ratings, written through the stores as the app writes them."""

from __future__ import annotations

import secrets
from datetime import timedelta

from chalicelib import wiring as composition
from chalicelib.core.clock import iso, utcnow
from chalicelib.store.writes import commit


def log_sms(application_id: str, phone: str, count: int) -> list[str]:
    """``count`` delivery-log entries about the application to ``phone``, a day apart; their ids."""
    log = composition.container().notifier.log
    ids = []
    for n in range(count):
        message_id = secrets.token_hex(8)
        log.add(
            log.new(
                application_id,
                message_id,
                phone,
                f"2030-01-{n + 1:02d}T12:00:00.000Z",
                agency="SEMOVI",
                event="in_review",
                template="platform@1/in_review",
                language="es",
                text=f"Mensaje {n}",
                encoding="GSM-7",
                segments=1,
                status="sent",
            )
        )
        ids.append(message_id)
    return ids


def exchanged(holder: str, count: int) -> list[str]:
    """``count`` exchanges with the population registry about ``holder``, a day apart; their ids."""
    log = composition.container().store.exchanges
    ids = []
    for n in range(count):
        exchange_id = secrets.token_hex(8)
        at = f"2030-02-{n + 1:02d}T09:00:00.000Z"
        log.append(
            holder,
            at,
            exchange_id,
            {
                "exchange_id": exchange_id,
                "at": at,
                "holder": holder,
                "registry": "population",
                "registry_name": {"es": "Registro Nacional de Población", "en": "National Population Registry"},
                "operation": "curp",
                "purpose": {"es": "Verificar la identidad", "en": "Check the identity"},
                "legal_basis": {"es": "Ley General de Población", "en": "General Population Act"},
                "agency": "SEMOVI",
                "requester": {"kind": "workflow"},
                "outcome": "found",
                "attempts": 1,
                "request_sha256": "0" * 64,
            },
        )
        ids.append(exchange_id)
    return ids


def rated(agency: str, scores: tuple[int, ...]) -> list[str]:
    """Ratings of applications of ``agency`` with these scores, given a minute apart in this
    order over the last minutes; the applications' ids."""
    store = composition.container().store.ratings
    ids = []
    for n, score in enumerate(scores):
        application_id = secrets.token_hex(5).upper()
        at = iso(utcnow() - timedelta(minutes=len(scores) - n))
        commit(
            [store.rating(application_id, agency, at, procedure_code="licencia-conducir", score=score, comment=None)]
        )
        ids.append(application_id)
    return ids
