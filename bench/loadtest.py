"""Load test: N citizens at once against the embedded stack, with flaky clients.

    python -m bench.loadtest [--citizens 200] [--retry-share 0.1] [--url http://127.0.0.1:8000]

Without ``--url`` it starts the local stack (as ``make run`` does, on free loopback
ports, timers in real time so no deadline fires mid-run) and stops it at the end.

An admin publishes a small procedure (one document, one review, a fee, an issued
permit). Then every citizen, each on its own thread, signs up, drafts, declares and
uploads the document, submits, waits for the review, takes the payment slip, has the
sandbox bank pay it and waits for the permit; officials approve every review as it
reaches their queue. A share of the client's requests is sent twice, as a flaky client
would (a re-declared document, a re-POSTed submit, a second decision, a second bank
payment); creating the draft is not repeated, since it is not idempotent by contract.

Then it checks, against the API and the embedded AWS, that nothing was lost or doubled:
N applications, N executions (all succeeded), every audit chain intact with each
milestone recorded once, one paid payment per application, the expected SMS per
application, and no 5xx.  It prints the counts and timings and exits 1 on any mismatch.
"""

from __future__ import annotations

import argparse
import random
import secrets
import statistics
import sys
import threading
import time
import uuid
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import requests

from infra import limits
from tests.support import documents
from tests.support.client import Api, declaration
from tests.support.people import new_curp

AGENCY = "CARGA"
DOCUMENT = documents.pdf("comprobante de prueba de carga")
FEE = "250.00"
MAX_POLL_SECONDS = 8.0
# the status SMS of one application on the happy path: by default only what needs the
# citizen (the payment reference) and the resolution (chalicelib.notifications.templates.BY_DEFAULT)
EXPECTED_SMS = ("awaiting_payment", "issued")
# audit milestones that must appear exactly once per application
ONCE = (
    "application.created",
    "application.submitted",
    "review.opened",
    "review.approved",
    "payment.requested",
    "payment.received",
    "document.issued",
)


def definition(code: str) -> dict[str, Any]:
    text = {"es": "Permiso de prueba de carga", "en": "Load test permit"}
    return {
        "code": code,
        "version": 1,
        "name": text,
        "homoclave": f"{AGENCY}-01-001",
        "agency": AGENCY,
        "agencies": {AGENCY: {"es": "Oficina de Pruebas de Carga", "en": "Load Test Office"}},
        "jurisdiction": {"level": "federal", "name": {"es": "Gobierno de México", "en": "Government of Mexico"}},
        "legal_basis": {"es": "Ninguno: trámite de prueba.", "en": "None: a test procedure."},
        "description": text,
        "expected_days": 1,
        "form": {
            "type": "object",
            "required": ["motivo"],
            "properties": {
                "motivo": {
                    "type": "string",
                    "minLength": 3,
                    "maxLength": 80,
                    "title": "Motivo",
                    "x-i18n": {"en": {"title": "Reason"}},
                }
            },
        },
        "requirements": [
            {
                "code": "comprobante",
                "name": {"es": "Comprobante", "en": "Proof"},
                "content_types": ["application/pdf"],
                "max_bytes": 1048576,
            }
        ],
        "fee": {"amount": FEE},
        "start": "revision",
        "steps": {
            "revision": {
                "type": "review",
                "agency": AGENCY,
                "deadline_days": 30,
                "on_deadline": "afirmativa_ficta",
                # the load test measures the platform under many citizens, not the OCSP responder
                "signature": "seal",
                "next": "pago",
            },
            "pago": {"type": "payment", "expires_days": 5, "next": "emision"},
            "emision": {"type": "issue", "document": {"type": code, "title": text, "valid_days": 30}, "end": True},
        },
    }


# --- recording every request ---------------------------------------------------------------


@dataclass
class Call:
    route: str
    status: int
    seconds: float
    retry: bool


@dataclass
class Recorder:
    calls: list[Call] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, call: Call) -> None:
        with self.lock:
            self.calls.append(call)


class Flaky:
    """A client that sends a share of its (retry-safe) requests twice and goes on with
    the second answer, as a client on a bad connection would."""

    def __init__(self, api: str, token: str | None, recorder: Recorder, rng: random.Random, retry_share: float) -> None:
        self.api = api
        self.session = requests.Session()
        # a simulated person has an address of their own, as the stack's per-address limits expect
        self.session.headers[limits.FORWARDED_HEADER] = limits.simulated_client()
        self.token = token
        self.recorder = recorder
        self.rng = rng
        self.retry_share = retry_share

    def call(
        self,
        method: str,
        path: str,
        route: str,
        body: Any = None,
        *,
        retry: bool = True,
        headers: dict[str, str] | None = None,
        url: str | None = None,
        data: bytes | None = None,
    ) -> requests.Response:
        sent = dict(headers or {})
        if self.token and url is None:
            sent["Authorization"] = f"Bearer {self.token}"
        times = 2 if retry and self.rng.random() < self.retry_share else 1
        for attempt in range(times):
            started = time.perf_counter()
            reply = self.session.request(
                method,
                url or f"{self.api}{path}",
                json=body if data is None else None,
                data=data,
                headers=sent,
                timeout=60,
            )
            self.recorder.add(Call(route, reply.status_code, time.perf_counter() - started, attempt > 0))
        return reply


def expect(reply: requests.Response, *statuses: int) -> Any:
    if reply.status_code not in statuses:
        raise RuntimeError(f"{reply.request.method} {reply.url} answered {reply.status_code}: {reply.text[:300]}")
    return reply.json() if reply.content and "json" in reply.headers.get("Content-Type", "") else None


def poll(
    client: Flaky, application_id: str, statuses: tuple[str, ...], deadline: float, interval: float
) -> dict[str, Any]:
    """Read the application until it reaches a status, backing off as a considerate client does."""
    wait = interval
    while True:
        body: dict[str, Any] = expect(
            client.call("GET", f"/applications/{application_id}", "GET /applications/{id}"), 200
        )
        if body["status"] in statuses:
            return body
        if body["status"] in ("error", "rejected", "withdrawn"):
            raise RuntimeError(f"{application_id} ended {body['status']}")
        if time.monotonic() > deadline:
            raise RuntimeError(f"{application_id} still {body['status']} at the deadline")
        time.sleep(wait * (0.75 + client.rng.random() / 2))
        wait = min(wait * 1.5, MAX_POLL_SECONDS)


# --- the people ------------------------------------------------------------------------------


def signed_up(stack: Api, username: str, phone: str, groups: tuple[str, ...] = ()) -> str:
    """A new account's ID token (the load test's clients carry their own sessions)."""
    return str(stack.sign_up(username, phone, "Persona de Carga", groups).token)


@dataclass
class Journey:
    index: int
    curp: str
    phone: str
    token: str = ""
    application_id: str = ""
    reference: str = ""
    error: str = ""
    seconds: float = 0.0


def citizen(
    stack: Api,
    code: str,
    journey: Journey,
    recorder: Recorder,
    retry_share: float,
    seed: int,
    deadline: float,
    interval: float,
    arrives_after: float,
) -> Journey:
    time.sleep(arrives_after)
    started = time.monotonic()
    rng = random.Random(seed * 100_003 + journey.index)
    try:
        journey.token = signed_up(stack, journey.curp, journey.phone)
        client = Flaky(stack.api, journey.token, recorder, rng, retry_share)
        draft = expect(
            client.call(
                "POST",
                "/applications",
                "POST /applications",
                {"procedure": code, "data": {"motivo": f"prueba {journey.index}"}},
                retry=False,
            ),
            201,
        )
        journey.application_id = draft["id"]
        upload = expect(
            client.call(
                "POST",
                f"/applications/{journey.application_id}/documents",
                "POST /applications/{id}/documents",
                declaration("comprobante", DOCUMENT, "comprobante.pdf"),
            ),
            201,
        )["upload"]
        expect(
            client.call(
                upload["method"],
                "",
                "PUT <presigned S3 URL>",
                url=upload["url"],
                data=DOCUMENT,
                headers=upload["headers"],
            ),
            200,
            412,  # the link writes once: a flaky client's second send is told so, its first having landed
        )
        key = str(uuid.uuid4())
        for _ in range(3):  # "changed meanwhile; reload and retry", as the answer says
            submitted = client.call(
                "POST",
                f"/applications/{journey.application_id}/submit",
                "POST /applications/{id}/submit",
                headers={"Idempotency-Key": key},
            )
            code = submitted.json()["error"]["code"] if submitted.status_code == 409 else None
            if code != "concurrent_change":
                break
            time.sleep(1)
        if not (submitted.status_code == 202 or code == "not_editable"):
            expect(submitted, 202)
        poll(client, journey.application_id, ("awaiting_payment",), deadline, interval)
        slip = expect(
            client.call("POST", f"/applications/{journey.application_id}/payment", "POST /applications/{id}/payment"),
            200,
        )
        journey.reference = slip["reference"]
        paid = expect(
            client.call("POST", "/sandbox/bank/pay", "POST /sandbox/bank/pay", {"reference": slip["reference"]}), 200
        )
        if paid["webhook_status"] != 200 or paid["webhook_response"]["status"] not in ("recorded", "already_recorded"):
            raise RuntimeError(f"the bank's webhook answered {paid['webhook_status']}: {paid['webhook_response']}")
        poll(client, journey.application_id, ("issued",), deadline, interval)
    except Exception as error:  # a journey that fails is reported, not raised: the counts tell the rest
        journey.error = f"{type(error).__name__}: {error}"
    journey.seconds = time.monotonic() - started
    return journey


def officials(
    stack: Api,
    wanted: Callable[[str], bool],
    expected: int,
    recorder: Recorder,
    retry_share: float,
    seed: int,
    deadline: float,
    done: threading.Event,
    workers: int = 4,
) -> int:
    """Officials approve every review of this run as it reaches the queue; returns how many."""
    decided: set[str] = set()
    lock = threading.Lock()
    run = secrets.token_hex(3)

    def work(index: int) -> None:
        token = signed_up(
            stack, f"oficial.carga.{run}.{index}", f"+52550{seed % 1000:03d}{index:04d}", (f"official-{AGENCY}",)
        )
        client = Flaky(stack.api, token, recorder, random.Random(seed + index), retry_share)
        while time.monotonic() < deadline and not done.is_set():
            with lock:
                if len(decided) >= expected:
                    return
            queue = expect(client.call("GET", f"/agencies/{AGENCY}/reviews", "GET /agencies/{agency}/reviews"), 200)[
                "reviews"
            ]
            mine = [
                review
                for review in queue
                if wanted(review["application_id"]) and hash(review["review_id"]) % workers == index
            ]
            for review in mine:
                reply = client.call(
                    "POST",
                    f"/reviews/{review['review_id']}/decision",
                    "POST /reviews/{review_id}/decision",
                    {"decision": "approve", "reason": "Carga: expediente completo"},
                    headers={"Idempotency-Key": str(uuid.uuid4())},
                )
                if reply.status_code == 200 or (
                    reply.status_code == 409 and reply.json()["error"]["code"] == "review_closed"
                ):
                    with lock:
                        decided.add(review["review_id"])
                else:
                    expect(reply, 200)
            if not mine:
                time.sleep(0.5)

    with ThreadPoolExecutor(workers) as pool:
        list(pool.map(work, range(workers)))
    return len(decided)


# --- after the run: nothing lost, nothing doubled ---------------------------------------------


@dataclass
class Check:
    name: str
    expected: Any
    actual: Any

    @property
    def ok(self) -> bool:
        return bool(self.expected == self.actual)


def verify(stack: Api, code: str, journeys: list[Journey], recorder: Recorder) -> list[Check]:
    n = len(journeys)
    ids = {journey.application_id for journey in journeys if journey.application_id}
    checks = [Check("journeys finished without error", n, sum(1 for journey in journeys if not journey.error))]
    # what follows each change comes from the table's stream: deliver what is still in it
    assert requests.post(f"{stack.api}/sandbox/events/deliver", timeout=120).status_code == 200

    dynamodb = stack.aws("dynamodb")
    [table] = [name for name in dynamodb.list_tables()["TableNames"] if "ventanilla" in name]
    items = [item for page in dynamodb.get_paginator("scan").paginate(TableName=table) for item in page["Items"]]
    applications = [
        item
        for item in items
        if item["pk"]["S"].startswith("APP#")
        and item["sk"]["S"] == "APPLICATION"
        and item.get("procedure_code", {}).get("S") == code
    ]
    checks.append(Check("applications created", n, len(applications)))
    # the statistics, counted from the stream (every shard of the procedure's rows), against a recount of the audit
    counted: Counter[str] = Counter()
    for item in items:
        row = (item.get("scope", {}).get("S"), item.get("code", {}).get("S"))
        if item["pk"]["S"] == "STATS" and row == ("procedure", code):
            counted.update({name: int(value["N"]) for name, value in item.items() if "N" in value})
    audit = Counter(
        item["action"]["S"]
        for item in items
        if item["pk"]["S"].startswith("APP#")
        and item["sk"]["S"].startswith("EV#")
        and item.get("application_id", {}).get("S") in ids
    )
    decisions = sum(audit[action] for action in ("review.approved", "review.rejected", "review.changes_requested"))
    for name, recount in (
        ("started", audit["application.created"]),
        ("submitted", audit["application.submitted"]),
        ("issued", sum(1 for item in applications if item["status"]["S"] == "issued")),
        ("decisions", decisions),
    ):
        checks.append(Check(f"statistics: {name} equals the audit's recount", recount, counted[name]))
    checks.append(Check("applications issued", n, sum(1 for item in applications if item["status"]["S"] == "issued")))
    payments = [
        item for item in items if item["pk"]["S"].startswith("PAY#") and item.get("application_id", {}).get("S") in ids
    ]
    checks.append(Check("payments (one per application)", n, len(payments)))
    checks.append(Check("payments paid", n, sum(1 for item in payments if item["status"]["S"] == "paid")))
    checks.append(
        Check(
            "applications with more than one payment",
            0,
            sum(1 for count in Counter(item["application_id"]["S"] for item in payments).values() if count > 1),
        )
    )

    sfn = stack.aws("stepfunctions")
    machines = [
        machine["stateMachineArn"]
        for page in sfn.get_paginator("list_state_machines").paginate()
        for machine in page["stateMachines"]
        if machine["name"].endswith(f"-{code}-v1")
    ]
    executions = [
        execution
        for arn in machines
        for page in sfn.get_paginator("list_executions").paginate(stateMachineArn=arn)
        for execution in page["executions"]
    ]
    checks.append(Check("executions", n, len(executions)))
    checks.append(
        Check("executions succeeded", n, sum(1 for execution in executions if execution["status"] == "SUCCEEDED"))
    )

    def audit(journey: Journey) -> tuple[bool, bool]:
        client = Flaky(stack.api, journey.token, recorder, random.Random(), 0.0)
        verified = client.call(
            "GET", f"/applications/{journey.application_id}/audit/verify", "GET /applications/{id}/audit/verify"
        )
        events = client.call("GET", f"/applications/{journey.application_id}/audit", "GET /applications/{id}/audit")
        actions = (
            Counter(event["action"] for event in events.json()["events"]) if events.status_code == 200 else Counter()
        )
        return bool(verified.status_code == 200 and verified.json().get("intact")), all(
            actions[action] == 1 for action in ONCE
        )

    with ThreadPoolExecutor(16) as pool:
        audits = list(pool.map(audit, [journey for journey in journeys if journey.application_id]))
    checks.append(Check("audit chains intact", n, sum(intact for intact, _ in audits)))
    checks.append(Check("audit milestones recorded exactly once", n, sum(once for _, once in audits)))

    sms = requests.get(f"{stack.api}/sandbox/sms", timeout=60).json()["messages"]
    by_phone: dict[str, list[str]] = defaultdict(list)
    for message in sms:
        by_phone[message["phone"]].append(message["text"])
    per_application = Counter(len(by_phone.get(journey.phone, [])) for journey in journeys)
    checks.append(Check(f"applications with {len(EXPECTED_SMS)} SMS", n, per_application.get(len(EXPECTED_SMS), 0)))
    phones = {journey.phone for journey in journeys}
    duplicates = [
        (phone, text, count)
        for phone, texts in by_phone.items()
        if phone in phones
        for text, count in Counter(texts).items()
        if count > 1
    ]
    checks.append(Check("duplicate SMS", 0, sum(count - 1 for _, _, count in duplicates)))
    for journey in [journey for journey in journeys if len(by_phone.get(journey.phone, [])) != len(EXPECTED_SMS)][:5]:
        print(
            f"application {journey.application_id}: {len(by_phone.get(journey.phone, []))} SMS: "
            f"{by_phone.get(journey.phone, [])}",
            file=sys.stderr,
        )
    for phone, text, count in duplicates[:5]:
        print(f"duplicate SMS to {phone[:6]}…: {count}× {text!r}", file=sys.stderr)
    checks.append(Check("5xx answers", 0, sum(1 for call in recorder.calls if call.status >= 500)))
    return checks


# --- running it ----------------------------------------------------------------------------------


@dataclass
class Report:
    citizens: int
    checks: list[Check]
    calls: list[Call]
    timings: dict[str, float]
    journeys: list[Journey]
    ramp_up: float = 0.0

    @property
    def ok(self) -> bool:
        return all(check.ok for check in self.checks)

    def lines(self) -> Iterator[str]:
        requests_total = len(self.calls)
        retried = sum(1 for call in self.calls if call.retry)
        wall = self.timings["total"]
        yield (
            f"Load test: {self.citizens} citizens (arriving over {self.ramp_up:.0f} s), {requests_total} requests "
            f"({retried} of them repeats by a flaky client), {wall:.1f} s wall"
        )
        yield ""
        yield "| phase | seconds |"
        yield "|---|---:|"
        for name, seconds in self.timings.items():
            yield f"| {name} | {seconds:.1f} |"
        finished = sorted(journey.seconds for journey in self.journeys if not journey.error)
        if finished:
            yield (
                "| one citizen, sign-up to issued permit (median / p95 / max) "
                f"| {statistics.median(finished):.1f} / {finished[int(0.95 * (len(finished) - 1))]:.1f} "
                f"/ {finished[-1]:.1f} |"
            )
        yield ""
        yield "| route | requests | repeats | statuses | p50 ms | p95 ms |"
        yield "|---|---:|---:|---|---:|---:|"
        by_route: dict[str, list[Call]] = defaultdict(list)
        for call in self.calls:
            by_route[call.route].append(call)
        for route, calls in sorted(by_route.items()):
            statuses = ", ".join(
                f"{status}×{count}" for status, count in sorted(Counter(call.status for call in calls).items())
            )
            seconds = sorted(call.seconds for call in calls if call.seconds)
            p50 = f"{1000 * statistics.median(seconds):.0f}" if seconds else "-"
            p95 = f"{1000 * seconds[int(0.95 * (len(seconds) - 1))]:.0f}" if seconds else "-"
            yield f"| {route} | {len(calls)} | {sum(1 for call in calls if call.retry)} | {statuses} | {p50} | {p95} |"
        yield ""
        yield "| check | expected | actual | |"
        yield "|---|---:|---:|---|"
        for check in self.checks:
            yield f"| {check.name} | {check.expected} | {check.actual} | {'ok' if check.ok else 'MISMATCH'} |"
        errors = [journey for journey in self.journeys if journey.error]
        for journey in errors[:10]:
            yield f"citizen {journey.index} ({journey.application_id or 'no application'}): {journey.error}"
        yield ""
        yield "PASS: nothing lost, nothing doubled" if self.ok else "FAIL: see MISMATCH above"


def run(
    url: str,
    citizens: int = 200,
    retry_share: float = 0.1,
    seed: int = 2026,
    timeout: float = 240.0,
    interval: float = 2.0,
    ramp_up: float = 20.0,
) -> Report:
    """``ramp_up``: the citizens arrive evenly over that many seconds (then all are in
    flight at once), rather than in one instant's crowd."""
    started = time.monotonic()
    deadline = started + timeout
    stack = Api(url)
    recorder = Recorder()
    run_id = secrets.token_hex(3)
    code = f"carga-{run_id}"
    admin = Flaky(stack.api, stack.sign_in("admin").token, recorder, random.Random(seed), 0.0)
    expect(admin.call("PUT", f"/procedures/{code}", "PUT /procedures/{code}", definition(code), retry=False), 201)
    timings = {"publish the procedure": time.monotonic() - started}

    born = date(1950, 1, 1) + timedelta(days=int(run_id, 16) % 18000)  # CURPs of this run, unlike any earlier run's
    journeys = [
        Journey(index, new_curp(born=born), f"+5256{int(run_id, 16) % 1000:03d}{index:05d}")
        for index in range(citizens)
    ]
    ids = lambda: {journey.application_id for journey in journeys}  # noqa: E731 - filled in as citizens draft
    done = threading.Event()
    phase = time.monotonic()
    with ThreadPoolExecutor(citizens + 1) as pool:
        approving = pool.submit(
            officials,
            stack,
            lambda application_id: application_id in ids(),
            citizens,
            recorder,
            retry_share,
            seed,
            deadline,
            done,
        )
        finished = list(
            pool.map(
                lambda journey: citizen(
                    stack,
                    code,
                    journey,
                    recorder,
                    retry_share,
                    seed,
                    deadline,
                    interval,
                    ramp_up * journey.index / citizens,
                ),
                journeys,
            )
        )
        done.set()
        approving.result()
    timings["citizens, officials and bank, all at once"] = time.monotonic() - phase
    phase = time.monotonic()
    checks = verify(stack, code, finished, recorder)
    timings["verification"] = time.monotonic() - phase
    timings["total"] = time.monotonic() - started
    return Report(citizens, checks, recorder.calls, timings, finished, ramp_up)


@contextmanager
def local_stack() -> Iterator[str]:
    from tests.support.stack import running_stack

    with running_stack(legal_day_seconds="86400") as url:
        yield url


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--citizens", type=int, default=200)
    parser.add_argument(
        "--retry-share", type=float, default=0.1, help="share of retry-safe requests a flaky client sends twice"
    )
    parser.add_argument("--url", help="a running stack (default: start one)")
    parser.add_argument("--timeout", type=float, default=270.0, help="seconds before the run gives up waiting")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--ramp-up", type=float, default=20.0, help="seconds over which the citizens arrive")
    args = parser.parse_args(argv)
    started = time.monotonic()
    if args.url:
        report = run(
            args.url.rstrip("/"), args.citizens, args.retry_share, args.seed, args.timeout, ramp_up=args.ramp_up
        )
        boot = 0.0
    else:
        with local_stack() as url:
            boot = time.monotonic() - started
            report = run(url, args.citizens, args.retry_share, args.seed, args.timeout, ramp_up=args.ramp_up)
    if boot:
        report.timings = {"start the local stack": boot, **report.timings, "total": time.monotonic() - started}
    print("\n".join(report.lines()), flush=True)
    return 0 if report.ok else 1


if __name__ == "__main__":
    sys.exit(main())
