"""The cadena original of a filing, for its acuse de recibo (docs/efirma.md)::

    ||1.0|ACUSE|<procedure code>|<procedure version>|<application id>|<holder>|<form digest>|<documents>|<time>||

``form digest`` is the SHA-256 of the form data as canonical JSON; ``documents`` lists
``<requirement>:<sha256>`` of every uploaded document, sorted by requirement and joined
by ``;``.
"""

from __future__ import annotations

from datetime import datetime

from chalicelib.efirma import cadena as cadenas
from chalicelib.store.models import Application

KIND = "ACUSE"
FIELDS = 6
FIELD = "efirma.cadena_original"


def cadena(application: Application, at: str) -> str:
    documents = ";".join(f"{code}:{record['sha256']}" for code, record in sorted((application.documents or {}).items()))
    fields = (
        application.procedure_code,
        str(int(application.procedure_version)),
        application.id,
        application.owner,
        cadenas.digest(application.data or {}),
        documents,
    )
    return cadenas.compose(KIND, fields, at)


def prepared_at(text: str, now: datetime) -> str:
    return cadenas.prepared_at(text, KIND, FIELDS, now, FIELD)
