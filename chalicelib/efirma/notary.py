"""Seals and signatures on legal texts: the platform's seal (KMS) and people's e.firma.

A *cadena original* is the canonical text a filing or a resolution stands for (fields in
a fixed order between ``|``, starting and ending with ``||``).  The person signs it with
their e.firma in the browser; the ``Notary`` checks that signature (``Trust``) and adds
the platform's seal over the same text, so both can be checked by hand later.
"""

from __future__ import annotations

import base64
from collections.abc import Callable
from datetime import datetime

from msgspec import Struct

from chalicelib.adapters.ports import Signer
from chalicelib.core.clock import iso
from chalicelib.efirma.verification import Signature, Trust


class Seal(Struct, frozen=True, kw_only=True):
    """The platform's seal over a cadena original."""

    sealed_at: str
    key_id: str
    algorithm: str
    seal: str  # base64


class Sealed(Struct, frozen=True, kw_only=True):
    """A cadena original with the signature of whoever it binds (if any) and the platform's seal."""

    cadena_original: str
    firma: Signature | None
    sello: Seal


class Notary(Struct, frozen=True):
    sealer: Signer
    trust: Callable[[], Trust]  # built on first use: a deployment without e.firma still seals

    def signed(self, certificate: str, cadena: str, signature: str, at: datetime) -> Signature:
        return self.trust().verify(certificate, cadena, signature, at)

    def seal(self, cadena: str, firma: Signature | None, at: datetime) -> Sealed:
        sello = Seal(
            sealed_at=iso(at),
            key_id=self.sealer.key_id,
            algorithm=self.sealer.algorithm,
            seal=base64.b64encode(self.sealer.sign(cadena.encode())).decode(),
        )
        return Sealed(cadena_original=cadena, firma=firma, sello=sello)
