"""The cadena original of an official's decision (a resolution), for their e.firma (docs/efirma.md)::

    ||1.0|RESOLUCION|<procedure code>|<procedure version>|<application id>|<review id>|<step>|<agency>|
      <decision>|<reason digest>|<official>|<time>||      (one line)

``reason digest`` is the SHA-256 of the reason's UTF-8 bytes, as given (after trimming);
``official`` is the official's username.
"""

from __future__ import annotations

from datetime import datetime

from chalicelib.efirma import cadena as cadenas
from chalicelib.store.models import Application, Review

KIND = "RESOLUCION"
FIELDS = 9
FIELD = "efirma.cadena_original"
EFIRMA = "efirma"  # a review step's `signature` when its decisions need the official's e.firma (the default)
SEAL = "seal"  # ...when the platform's seal alone will do
POSITIONS = {
    False: {"es": "Servidor(a) público(a) dictaminador(a)", "en": "Reviewing official"},
    True: {"es": "Supervisor(a)", "en": "Supervisor"},
}


def cadena(application: Application, review: Review, decision: str, reason: str, official: str, at: str) -> str:
    fields = (
        application.procedure_code,
        str(int(application.procedure_version)),
        application.id,
        review.id,
        review.step,
        review.agency,
        decision,
        cadenas.digest(reason),
        official,
    )
    return cadenas.compose(KIND, fields, at)


def prepared_at(text: str, now: datetime) -> str:
    return cadenas.prepared_at(text, KIND, FIELDS, now, FIELD)
