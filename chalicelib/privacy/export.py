"""Everything Ventanilla holds about a holder, as one JSON document (the access right) and as
the rows of a readable PDF.

Each entry names where it is kept (``key``: the item's table key), so a rectification or a
complaint can point at it.  Left out, because they are not the holder's data but secrets
that would let someone act on the holder's behalf: task tokens, hashes of one-time codes,
the index attributes and item versions.  Another person's data is left out too: a staff
member who acted appears in the trails by role and agency (or centre), never by username
or name; a phone the holder subscribed that is not their own is masked as the SMS panel shows it (area code and last two
digits).  A signed resolution stays whole: it is the act notified to the holder, and its
signer signed it as a public servant in office, and the holder reads it as signed on the
application already (the signature covers the signer's identity, so nothing of it can go).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from typing import Any

from chalicelib.notifications.phones import mask
from chalicelib.privacy import notice
from chalicelib.store.models import (
    Application,
    AuditEvent,
    CallbackRequest,
    Credential,
    DataExchange,
    Delegation,
    DelegationCode,
    EfirmaProof,
    Entity,
    OptOut,
    Payment,
    PrivacyLog,
    PrivacyRequest,
    Profile,
    Rating,
    SmsMessage,
    Subscription,
    VerificationCounter,
)

# section of the export -> the kinds of item it holds
SECTIONS: dict[str, tuple[type[Entity], ...]] = {
    "profile": (Profile,),
    "applications": (Application,),
    "timeline": (AuditEvent,),
    "payments": (Payment,),
    "issued_documents": (Credential, VerificationCounter),
    "subscriptions": (Subscription,),
    "sms_log": (SmsMessage,),
    "phone_opt_outs": (OptOut,),
    "delegations": (Delegation, DelegationCode),
    "efirma": (EfirmaProof,),
    "data_use": (DataExchange,),
    "ratings": (Rating,),
    "privacy_requests": (PrivacyRequest,),
    "privacy_log": (PrivacyLog,),
    "callbacks": (CallbackRequest,),
}
# never exported: secrets that act for the holder, and the table's own bookkeeping
HIDDEN = frozenset(
    {
        "pk",
        "sk",
        "kind",
        "gsi1pk",
        "gsi1sk",
        "gsi2pk",
        "gsi2sk",
        "version",
        "task_token",
        "corrections_token",
        "evidence_token",
        "code_hash",
        "applied_keys",
        "audit_hash",
        "state_machine_arn",
        "execution_name",
        "signed_in_after",
        "expiration",
    }
)
# what an audit event's details say of the staff member behind it (their account, their name)
STAFF_DETAILS = frozenset({"assistant", "assistant_name", "username"})


def build(holder: str, items: Iterable[Entity], generated_at: str) -> dict[str, Any]:
    """The export of ``holder``'s ``items`` (``PrivacyStore.holdings``), section by section."""
    sections: dict[str, list[dict[str, Any]]] = {name: [] for name in SECTIONS}
    own_phones: set[str] = set()
    listed = list(items)
    for item in listed:
        if isinstance(item, Profile) and item.phone:
            own_phones.add(str(item.phone))
    for item in listed:
        section = section_of(item)
        if section is not None:
            sections[section].append(_entry(item, holder, own_phones))
    document = {
        "holder": holder,
        "generated_at": generated_at,
        "privacy_notice": {"version": notice.VERSION, "url": "/privacy-notice"},
        **sections,
    }
    document["sha256"] = digest(document)
    return document


def section_of(item: Entity) -> str | None:
    for name, kinds in SECTIONS.items():
        if isinstance(item, kinds):
            return name
    return None


def digest(document: Mapping[str, Any]) -> str:
    """The SHA-256 of the export without its own digest: recorded when an access request is answered."""
    body = {name: value for name, value in document.items() if name != "sha256"}
    return hashlib.sha256(json.dumps(body, sort_keys=True, ensure_ascii=False, default=str).encode()).hexdigest()


def _entry(item: Entity, holder: str, own_phones: set[str]) -> dict[str, Any]:
    values = {
        name: _plain(value) for name, value in item.attribute_values.items() if name not in HIDDEN and value is not None
    }
    for name in ("actor", "requester"):
        if isinstance(values.get(name), dict):
            values[name] = person_or_role(values[name], holder)
    if isinstance(item, AuditEvent) and isinstance(values.get("details"), dict):
        values["details"] = {name: value for name, value in values["details"].items() if name not in STAFF_DETAILS}
    if isinstance(item, Application):
        if isinstance(values.get("assisted_by"), dict):
            values["assisted_by"] = {"centre": values["assisted_by"].get("centre")}
        values.pop("centre", None)
        values["reviews"] = {
            step: {name: value for name, value in review.items() if name in ("status", "agency", "deadline")}
            for step, review in (values.get("reviews") or {}).items()
            if isinstance(review, dict)
        }
    if isinstance(item, Delegation):
        values.pop("assistant", None)
        values.pop("assistant_name", None)
        values.pop("revoked_by", None)
    if isinstance(item, PrivacyRequest):
        values["events"] = [{**event, "actor": person_or_role(event["actor"], holder)} for event in values["events"]]
    key = f"{item.pk}/{item.sk}"
    phone = str(values.get("phone", ""))
    if isinstance(item, (Subscription, SmsMessage, OptOut)) and phone not in own_phones:
        values["phone"] = mask(phone)
        key = key.replace(phone, mask(phone)) if phone else key
    values["key"] = key
    return values


def person_or_role(actor: Mapping[str, Any], holder: str) -> dict[str, Any]:
    """The holder as they are; anyone else by role and agency or centre only."""
    if actor.get("kind") == "citizen" and actor.get("id", actor.get("username")) == holder:
        return dict(actor)
    return {name: actor[name] for name in ("kind", "agency", "centre") if name in actor}


def _plain(value: Any) -> Any:
    if isinstance(value, (set, frozenset)):
        return sorted(value)
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def rows(document: Mapping[str, Any]) -> list[tuple[str, list[tuple[str, str]]]]:
    """The export as the PDF prints it: one heading per section, one row per entry."""
    titles = {
        "profile": "Perfil",
        "applications": "Solicitudes y respuestas de formularios",
        "timeline": "Bitácora de cada solicitud",
        "payments": "Pagos",
        "issued_documents": "Documentos emitidos",
        "subscriptions": "Teléfonos suscritos",
        "sms_log": "Mensajes SMS enviados",
        "phone_opt_outs": "Bajas de SMS de su teléfono",
        "delegations": "Asesores autorizados",
        "efirma": "e.firma",
        "data_use": "Consultas a registros públicos",
        "ratings": "Calificaciones",
        "privacy_requests": "Solicitudes de derechos ARCO",
        "privacy_log": "Aviso de privacidad",
    }
    printed: list[tuple[str, list[tuple[str, str]]]] = [
        ("Titular", [("CURP / RFC", str(document["holder"])), ("Generado", str(document["generated_at"]))]),
    ]
    for name, title in titles.items():
        entries = document.get(name) or []
        if not entries:
            printed.append((title, [("", "Ninguno")]))
        for index, entry in enumerate(entries, start=1):
            heading = f"{title} ({index} de {len(entries)})" if len(entries) > 1 else title
            printed.append((heading, _flat(entry)))
    printed.append(("Huella del contenido", [("SHA-256", str(document["sha256"]))]))
    return printed


def _flat(value: Any, path: str = "") -> list[tuple[str, str]]:
    """Rows of ``value``: a nested field by its dotted path, a list of plain values on one row."""
    if isinstance(value, dict):
        if not value:
            return [(path, "—")] if path else []
        return [row for name, item in value.items() for row in _flat(item, f"{path}.{name}" if path else str(name))]
    if isinstance(value, list):
        if all(not isinstance(item, (dict, list)) for item in value):
            return [(path, ", ".join(str(item) for item in value) or "—")]
        return [row for index, item in enumerate(value, start=1) for row in _flat(item, f"{path}[{index}]")]
    if isinstance(value, bool):
        return [(path, "sí" if value else "no")]
    return [(path, "—" if value is None else str(value))]
