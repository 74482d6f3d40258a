"""Sandbox registries for the local stack: population (RENAPO), tax (SAT), social
security (IMSS) and a municipal cadastre, each answering Ventanilla's signed requests
with signed answers on a loopback port, as a real registry would over the network.

They check the request's signature with the platform's exchange key, refuse a replay
past its ``exp``, answer a repeated request id with the same answer (so a retried
registration registers once), and can be made slow or failing (``Mode``) so that tests
and demos show the retries and the fallback.  What they know: the demo people and
properties, whoever a test or demo adds through the sandbox routes, and — for any other
valid CURP — a person derived from the CURP itself (birth date, state and sex are in it;
the names are made up from it), so every sign-up has a population record.

Registered by ``infra.local.install``; never deployed (on AWS the endpoints and keys are
settings).
"""

from __future__ import annotations

import hashlib
import json
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from chalicelib.core import jws
from chalicelib.identity.curp import is_curp, parse_curp, rfc_check_digit
from chalicelib.registries.catalogue import REGISTRIES
from chalicelib.registries.port import ANSWER_TYPE, PLATFORM, REQUEST_TYPE
from infra.local.demo import DEMO_USERS

MODES = ("normal", "slow", "failing")
GIVEN = ("María", "José", "Guadalupe", "Luis", "Ana", "Miguel", "Rosa", "Jorge", "Leticia", "Pedro")
SURNAMES = ("García", "Hernández", "López", "Martínez", "González", "Pérez", "Sánchez", "Ramírez", "Torres", "Flores")
# the demo citizens' properties (the construction permit's tour files one of them)
DEMO_PROPERTIES = (
    ("012-345-67-890-1", "GOMC800101MDFMRR00", "Calle Reforma 120, Col. Centro, Oaxaca de Juárez", 240, "habitacional"),
    ("012-345-67-891-8", "HERJ751120HOCRMN07", "Av. Juárez 45, Col. Jalatlaco, Oaxaca de Juárez", 600, "comercial"),
)


class _Signer:
    """A registry's own key (``core.jws.SigningKey``), held in memory."""

    def __init__(self, registry: str) -> None:
        self.key_id = f"sandbox-{registry}"
        self._key = ec.generate_private_key(ec.SECP256R1())

    def sign(self, message: bytes) -> bytes:
        from cryptography.hazmat.primitives import hashes

        return self._key.sign(message, ec.ECDSA(hashes.SHA256()))

    @property
    def public_pem(self) -> str:
        return (
            self._key.public_key()
            .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
            .decode()
        )


@dataclass
class Mode:
    mode: str = "normal"
    delay_seconds: float = 5.0  # how long a slow registry takes (more than the platform's timeout by default)


@dataclass
class Registry:
    name: str
    signer: _Signer
    mode: Mode = field(default_factory=Mode)
    received: list[dict[str, Any]] = field(default_factory=list)  # every request's claims, in order
    answers: dict[str, str] = field(default_factory=dict)  # request id -> the answer given


def _split(name: str) -> tuple[str, str, str]:
    words = name.split()
    return " ".join(words[:-2]) or words[0], words[-2] if len(words) > 1 else "", words[-1] if len(words) > 2 else ""


def _digest(text: str) -> bytes:
    return hashlib.sha256(text.encode()).digest()


class Records:
    """What the sandbox registries know (thread-safe: the HTTP server is threaded)."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.people: dict[str, dict[str, Any]] = {}
        self.properties: dict[str, dict[str, Any]] = {}
        self.companies: dict[str, dict[str, Any]] = {}  # RFC -> company
        self.employers: dict[str, dict[str, Any]] = {}  # RFC -> employer registration
        for user in DEMO_USERS:
            if is_curp(user.username):
                given, first, second = _split(user.name)
                self.add_person(user.username, given, first, second)
        for account, owner, address, area, use in DEMO_PROPERTIES:
            self.add_property(account, owner, address, area, use)

    def add_person(self, curp: str, given: str, first: str, second: str, deceased: bool = False) -> dict[str, Any]:
        facts = parse_curp(curp)
        person = {
            "curp": facts.curp,
            "given_names": given,
            "first_surname": first,
            "second_surname": second,
            "full_name": " ".join(part for part in (given, first, second) if part),
            "birth_date": facts.birth_date.isoformat(),
            "birth_state": facts.birth_state,
            "sex": facts.sex,
            "deceased": deceased,
        }
        with self.lock:
            self.people[facts.curp] = person
        return person

    def person(self, curp: str) -> dict[str, Any] | None:
        if not isinstance(curp, str) or not is_curp(curp):
            return None
        with self.lock:
            known = self.people.get(curp)
        if known is not None:
            return known
        digest = _digest(curp)
        return self.add_person(
            curp,
            GIVEN[digest[0] % len(GIVEN)],
            SURNAMES[digest[1] % len(SURNAMES)],
            SURNAMES[digest[2] % len(SURNAMES)],
        )

    def add_property(
        self, account: str, owner_curp: str, address: str, area_m2: float, land_use: str
    ) -> dict[str, Any]:
        owner = self.person(owner_curp)
        record = {
            "account": account,
            "owner_curp": owner_curp,
            "owner_name": owner["full_name"] if owner else "",
            "address": address,
            "area_m2": area_m2,
            "land_use": land_use,
        }
        with self.lock:
            self.properties[account] = record
        return record

    def register_company(self, query: Mapping[str, Any], today: datetime) -> dict[str, Any]:
        name = str(query.get("name") or "").strip()
        with self.lock:
            for company in self.companies.values():
                if company["name"] == name and company["representative_rfc"] == query.get("representative_rfc"):
                    return company
            words = [word for word in name.upper().split() if word.isalpha()] + ["X", "X", "X"]
            letters = "".join(word[0] for word in words[:3])
            digest = _digest(f"{name}|{query.get('representative_rfc')}|{len(self.companies)}").hex().upper()
            body = f"{letters}{today:%y%m%d}{digest[0]}{digest[1]}"
            rfc = body + rfc_check_digit(body)
            company = {
                "rfc": rfc,
                "name": name,
                "company_type": query.get("company_type"),
                "representative_rfc": query.get("representative_rfc"),
                "registered_at": today.isoformat(timespec="seconds"),
            }
            self.companies[rfc] = company
            return company

    def register_employer(self, query: Mapping[str, Any], today: datetime) -> dict[str, Any]:
        rfc = str(query.get("rfc") or "")
        with self.lock:
            if rfc in self.employers:
                return self.employers[rfc]
            digits = str(int.from_bytes(_digest(rfc)[:6], "big"))[-9:].rjust(9, "0")
            body = f"Y{digits}"
            check = sum(int(char) * (2 - index % 2) for index, char in enumerate(digits)) % 10
            employer = {
                "registration": f"{body}{check}",
                "rfc": rfc,
                "name": query.get("name"),
                "registered_at": today.isoformat(timespec="seconds"),
            }
            self.employers[rfc] = employer
            return employer

    def answer(self, registry: str, operation: str, query: Mapping[str, Any]) -> tuple[str, dict[str, Any]]:
        """The status and result of one operation."""
        now = datetime.now(UTC)
        if (registry, operation) == ("population", "person"):
            person = self.person(query.get("curp", ""))
            return ("found", person) if person else ("not_found", {})
        if (registry, operation) == ("cadastre", "property"):
            with self.lock:
                found = self.properties.get(str(query.get("account")))
            return ("found", found) if found else ("not_found", {})
        if (registry, operation) == ("tax", "taxpayer"):
            with self.lock:
                company = self.companies.get(str(query.get("rfc")))
            if company is None:
                return "not_found", {}
            return "found", {
                "rfc": company["rfc"],
                "name": company["name"],
                "status": "activo",
                "compliance_opinion": "positiva",
            }
        if (registry, operation) == ("tax", "register_company"):
            company = self.register_company(query, now)
            return "registered", {key: company[key] for key in ("rfc", "name", "registered_at")}
        if (registry, operation) == ("social_security", "register_employer"):
            return "registered", self.register_employer(query, now)
        raise LookupError(f"{registry} does not do {operation}")


class Sandbox:
    """The four registries on one loopback port: ``<url>/<registry>/<operation>``."""

    def __init__(self) -> None:
        self.records = Records()
        self.registries = {name: Registry(name, _Signer(name)) for name in REGISTRIES}
        self.platform_key: str | None = None  # the exchange key's public PEM, set once the platform has it
        sandbox = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                status, body = sandbox.handle(self.path, self.rfile.read(length).decode("utf-8", "replace"))
                encoded = body.encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/jose" if status == 200 else "application/json")
                self.send_header("Content-Length", str(len(encoded)))
                self.end_headers()
                self.wfile.write(encoded)

            def log_message(self, format: str, *args: Any) -> None:
                return

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        threading.Thread(target=self._server.serve_forever, name="sandbox-registries", daemon=True).start()

    def trust(self, platform_key_der: bytes) -> None:
        """Accept requests signed by the platform's exchange key (its public half, DER)."""
        key = serialization.load_der_public_key(platform_key_der)
        self.platform_key = key.public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        ).decode()

    def endpoints(self) -> dict[str, str]:
        return {name: f"{self.url}/{name}" for name in self.registries}

    def public_keys(self) -> dict[str, str]:
        return {name: registry.signer.public_pem for name, registry in self.registries.items()}

    def set_mode(self, name: str, mode: str, delay_seconds: float | None = None) -> Registry:
        registry = self.registries[name]
        registry.mode = Mode(mode, registry.mode.delay_seconds if delay_seconds is None else delay_seconds)
        return registry

    def reset(self) -> None:
        for registry in self.registries.values():
            registry.mode = Mode()

    def handle(self, path: str, body: str) -> tuple[int, str]:
        name, _, operation = path.strip("/").partition("/")
        registry = self.registries.get(name)
        if registry is None or operation not in REGISTRIES[name].operations:
            return 404, json.dumps({"error": f"no such registry operation: {path}"})
        if registry.mode.mode == "failing":
            return 503, json.dumps({"error": f"the {name} registry is down (sandbox)"})
        if registry.mode.mode == "slow":
            time.sleep(registry.mode.delay_seconds)
        if self.platform_key is None:
            return 503, json.dumps({"error": "the sandbox does not know the platform's key yet"})
        try:
            header, claims = jws.verify(body, self.platform_key)
        except (jws.InvalidJws, ValueError) as error:
            return 401, json.dumps({"error": f"the request's signature does not check: {error}"})
        if (
            header.get("typ") != REQUEST_TYPE
            or claims.get("iss") != PLATFORM
            or claims.get("aud") != name
            or claims.get("operation") != operation
        ):
            return 400, json.dumps({"error": "the request is for another registry or operation"})
        if int(claims.get("exp") or 0) < time.time():
            return 401, json.dumps({"error": "the request expired"})
        if not claims.get("purpose") or not claims.get("legal_basis"):
            return 400, json.dumps({"error": "a request must state its purpose and legal basis"})
        request_id = str(claims.get("jti"))
        registry.received.append(claims)
        if request_id in registry.answers:
            return 200, registry.answers[request_id]
        status, result = self.records.answer(name, operation, claims.get("query") or {})
        answer = jws.sign(
            {
                "iss": name,
                "aud": PLATFORM,
                "in_reply_to": request_id,
                "iat": int(time.time()),
                "status": status,
                "result": result,
            },
            registry.signer,
            ANSWER_TYPE,
        )
        registry.answers[request_id] = answer
        return 200, answer

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()


_current: list[Sandbox] = []


def start() -> Sandbox:
    """The sandbox registries on a new loopback port (replacing any earlier ones)."""
    for earlier in _current:
        earlier.stop()
    _current[:] = [Sandbox()]
    return _current[0]


def current() -> Sandbox:
    if not _current:
        raise LookupError("the sandbox registries are not running (infra.local.install starts them)")
    return _current[0]
