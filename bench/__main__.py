"""``make bench``: start the embedded stack on 127.0.0.1, measure, print one table.

    python -m bench [--quick] [--json build/bench.json] [--write-docs]

Phases (all loopback, each bounded in time):
1. counts — one application of every procedure walked through the API, alone, with
   every AWS call counted by botocore events (bench/calls.py): calls per route, state
   transitions, and the usage that prices an application (bench/cost.py);
2. API overhead — GET /applications/{id}, GET /me, POST /applications against the bare
   DynamoDB calls each needs, from a client process (bench/load.py); then the production
   path: the read routes invoked in-process with API Gateway proxy events, as Lambda runs
   them, against the same DynamoDB requests replayed bare (bench/inprocess.py);
3. end to end — driver's licences with automatic approval, 1, 4 and 16 clients;
4. where the time goes — a CPU profile of every thread during a 4-client run;
   then the catalogue at 5,000 synthetic procedures: the first view's weight and a search's
   time on a phone, for both designs weighed (bench/catalogue.py);
5. cold start — ``import app`` in a fresh interpreter, the Lambda package's and the
   e.firma layer's sizes, and the first e.firma verification of a cold start.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import time
from collections import Counter
from dataclasses import asdict
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PERFORMANCE_GUIDE = ROOT / "docs" / "performance.md"
START, END = "<!-- bench:start -->", "<!-- bench:end -->"
LEAN_ROUTES = ("POST /applications/{id}/submit", "POST /reviews/{review_id}/decision", "POST /payments/webhook")
BUDGETS = {
    "inprocess_read_ratio": 1.25,
    "read_calls": 2,
    # the routes a filing, a decision and a payment go through: their change, nothing that follows it
    "lean_calls": 5,
    "import_ms": 300.0,
    "package_bytes": 5_000_000,
    "layer_bytes": 6_000_000,
    "transitions": 25,
    "cost": 0.002,
}


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


# --- the instrumented stack --------------------------------------------------------------


def instrument(calls: Any) -> None:
    """Tally each API request (labelled with its route) and each step handler run."""
    from chalice.local import LocalGateway
    from moto.awslambda.models import LambdaFunction

    import app as application

    handle_request = LocalGateway.handle_request

    def tallied_request(self: Any, method: str, path: str, headers: Any, body: Any) -> Any:
        with calls.tally(f"{method} {path}"):
            return handle_request(self, method, path, headers, body)

    def label(event: Any, get_response: Any) -> Any:
        calls.relabel(f"{event.method} {event.context.get('resourcePath')}")
        return get_response(event)

    invoke = LambdaFunction._invoke_lambda

    def tallied_invoke(self: Any, event: Any = None) -> Any:
        with calls.tally(f"step {self.function_name.rsplit('-', 1)[-1]}"):
            return invoke(self, event)

    LocalGateway.handle_request = tallied_request
    application.app.register_middleware(label, "http")
    LambdaFunction._invoke_lambda = tallied_invoke


class Reader:
    """The benchmark's own look at the table and the executions (never counted)."""

    def __init__(self, stack: Any, calls: Any) -> None:
        import boto3

        self.calls = calls
        self.table = stack.environment["TABLE_NAME"]
        options = {"region_name": "us-east-1", "endpoint_url": stack.moto_url}
        with calls.paused():
            self.ddb = boto3.client("dynamodb", **options)
            self.sfn = boto3.client("stepfunctions", **options)

    def item(self, pk: str, sk: str) -> dict[str, Any]:
        with self.calls.paused():
            return dict(
                self.ddb.get_item(
                    TableName=self.table, Key={"pk": {"S": pk}, "sk": {"S": sk}}, ConsistentRead=True
                ).get("Item")
                or {}
            )

    def size_of(self, table: str, key: dict[str, Any]) -> int:
        from bench.calls import item_size

        with self.calls.paused():
            return item_size(self.ddb.get_item(TableName=table, Key=key, ConsistentRead=True).get("Item") or {})

    def execution(self, application: dict[str, Any]) -> tuple[str, list[dict[str, Any]]]:
        arn = (
            application["state_machine_arn"]["S"].replace(":stateMachine:", ":execution:")
            + f":{application['execution_name']['S']}"
        )
        with self.calls.paused():
            deadline = time.monotonic() + 30
            while self.sfn.describe_execution(executionArn=arn)["status"] == "RUNNING" and time.monotonic() < deadline:
                time.sleep(0.05)
            return self.sfn.describe_execution(executionArn=arn)["status"], self.sfn.get_execution_history(
                executionArn=arn, maxResults=1000
            )["events"]


# --- phase 1: counts and usage --------------------------------------------------------------


def sms_log() -> dict[str, tuple[str, str]]:
    from moto.core import DEFAULT_ACCOUNT_ID
    from moto.sns.models import sns_backends

    return dict(sns_backends[DEFAULT_ACCOUNT_ID]["us-east-1"].sms_messages)


def walk(api: Any, calls: Any, reader: Reader, procedure: str, seed: int, officials: dict[str, Any]) -> dict[str, Any]:
    """One application, alone, from the citizen's first visit to the verified document.

    The benchmark waits by reading the table, not through the API, so the usage is what
    the citizen, the officials and the bank did: each page seen once."""
    from bench import cost, flows
    from bench.calls import request_units

    user = flows.citizen(api, seed)
    calls.clear()
    sms_before = set(sms_log())
    user.get("/me")
    application_id, s3_puts = flows.draft_and_submit(user, procedure)
    user.get(f"/applications/{application_id}")
    paid, decided = False, set()
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        item = reader.item(f"APP#{application_id}", "APPLICATION")
        state = item["status"]["S"]
        if state in flows.FINAL:
            break
        if state == "evidence_review":
            s3_puts += flows.confirm_evidence(user, application_id)
            time.sleep(0.02)
            continue
        if state == "awaiting_payment" and not paid:
            flows.pay(api, user, application_id)
            paid = True
        for step, entry in json.loads(item.get("reviews", {}).get("S") or "{}").items():
            review_id = entry["review_id"]
            review = reader.item(f"REVIEW#{review_id}", "REVIEW")
            if review_id not in decided and review.get("status", {}).get("S") == "open":
                agency = entry["agency"]
                officials[agency].get(f"/agencies/{agency}/reviews")
                flows.approve(officials[agency], review_id, f"Aprobado (benchmark, {step})")
                decided.add(review_id)
        time.sleep(0.02)
    final = user.get(f"/applications/{application_id}").json()
    assert final["status"] == "issued", (procedure, final["status"])
    api.anonymous().get(f"/verify/{final['issued'][0]['id']}")
    status, history = reader.execution(reader.item(f"APP#{application_id}", "APPLICATION"))
    entered = [event for event in history if event["type"].endswith("StateEntered")]

    usage = cost.Usage(transitions=len(entered), s3_puts=s3_puts)
    for tally in calls.tallies:
        if tally.label.startswith("POST /sandbox"):
            continue  # the sandbox (the bank, the e.firma authority) is not ours
        usage.lambda_requests += 1
        usage.lambda_ms.append(tally.seconds * 1000)
        if not tally.label.startswith("step "):
            usage.api_requests += 1
        for call in tally.calls:
            if call.service == "dynamodb":
                reads, writes = request_units(call, reader.size_of)
                usage.read_units += reads
                usage.write_units += writes
            elif call.service == "s3":
                usage.s3_puts += call.operation in ("PutObject", "CopyObject")
                usage.s3_gets += call.operation in ("GetObject", "HeadObject")
            elif call.service == "kms":
                usage.kms_requests += 1
    usage.sms = [text for message_id, (_, text) in sms_log().items() if message_id not in sms_before]
    steps = Counter(tally.label for tally in calls.tallies if tally.label.startswith("step "))
    return {
        "procedure": procedure,
        "application_id": application_id,
        "execution": status,
        "usage": usage,
        "steps": dict(steps),
        "states": [e["stateEnteredEventDetails"]["name"] for e in entered],
    }


def tour(api: Any, officials: dict[str, Any], seed: int) -> None:
    """Every other route once, so the per-route table covers the whole API."""
    from bench import flows

    anyone = api.anonymous()
    user = flows.citizen(api, seed)
    anyone.get("/procedures")
    anyone.get("/procedures/licencia-conducir")
    anyone.get("/procedures/licencia-conducir/versions/1")
    anyone.get("/procedure-schema")
    anyone.get("/openapi.json")
    api.sign_in("admin").post("/procedures/validate", flows.auto_licence_definition())
    application_id, _ = flows.draft_and_submit(user, flows.AUTO_LICENCE)
    done = flows.until_final(api, user, application_id)
    user.get("/me")
    user.get(f"/applications/{application_id}/audit")
    user.get(f"/applications/{application_id}/audit/verify")
    user.get(f"/applications/{application_id}/documents/identificacion")
    user.get(f"/documents/{done['issued'][0]['id']}")
    anyone.get(f"/verify/{done['issued'][0]['id']}")
    draft = user.post("/applications", {"procedure": "licencia-conducir", "data": {"codigo_postal": "03100"}}).json()[
        "id"
    ]
    user.request("PATCH", f"/applications/{draft}", json={"data": {"tipo_sangre": "O+"}})
    officials["SEMOVI"].get("/agencies/SEMOVI/reviews")
    user.post(f"/applications/{application_id}/rating", {"score": 4, "comment": "Rápido"})
    user.get(f"/applications/{application_id}/messages")
    officials["SEMOVI"].get("/agencies/SEMOVI/ratings")
    officials["SEMOVI"].get("/agencies/SEMOVI/intermediaries")
    api.sign_in("admin").get(f"/messages?application_id={application_id}")
    anyone.get("/stats/procedures")
    anyone.get("/stats/procedures.csv")
    anyone.get("/stats/agencies.csv")
    anyone.get("/stats/centres.csv")
    anyone.get("/sandbox/sms")


def route_counts(tallies: list[Any]) -> dict[str, dict[str, Any]]:
    from chalicelib.api import policy

    seen: dict[str, list[list[str]]] = {}
    for tally in tallies:
        if not tally.label.startswith("step "):
            seen.setdefault(tally.label, []).append(tally.dynamodb())
    table = {}
    for method, route in sorted(policy.POLICY, key=lambda key: (key[1], key[0])):
        label = f"{method} {route}"
        requests = seen.get(label, [])
        common = Counter(" + ".join(ops) or "none" for ops in requests).most_common(1)
        table[label] = {
            "requests": len(requests),
            "max_calls": max((len(ops) for ops in requests), default=None),
            "typical": common[0][0] if common else "(not exercised)",
            "scan": any("Scan" in ops for ops in requests),
            "read_route": method == "GET",
        }
    return table


# --- phases 2-4 in a client process ------------------------------------------------------------


def client(command: str, options: dict[str, Any], timeout: float) -> dict[str, Any]:
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    for name in ("AWS_ENDPOINT_URL", "MOTO_PORT"):
        env.pop(name, None)
    done = subprocess.run(
        [sys.executable, "-m", "bench.load", command, json.dumps(options)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if done.returncode != 0:
        raise RuntimeError(f"bench.load {command} failed:\n{done.stderr[-3000:]}")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


# --- the machine ----------------------------------------------------------------------------


def machine() -> dict[str, str]:
    model = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    from importlib.metadata import version

    return {
        "cpus": str(os.cpu_count()),
        "cpu": model,
        "python": platform.python_version(),
        "os": f"{platform.system()} {platform.release()}",
        "moto": version("moto"),
        "date": time.strftime("%Y-%m-%d"),
    }


# --- the run ----------------------------------------------------------------------------------


def run(quick: bool) -> dict[str, Any]:
    from bench import coldstart, flows
    from bench.calls import AwsCalls
    from bench.profile import profiled

    started = time.monotonic()
    calls = AwsCalls(keep_payloads=True).install()
    log("starting the embedded stack")
    from infra.local.stack import start

    os.environ["SMS_QUIET_HOURS"] = "off"  # the SMS are sent, and so counted in the cost, whatever the hour
    # no scheduled functions: their calls, every few seconds, would count as the requests'
    stack = start(legal_day_seconds="60", schedules=False)
    results: dict[str, Any] = {"machine": machine()}
    try:
        instrument(calls)
        from tests.support.client import Api

        api = Api(stack.url)
        reader = Reader(stack, calls)
        flows.publish_auto_licence(api)
        officials = {
            agency: flows.official(api, agency, f"oficial.bench.{agency.lower()}")
            for agency in ("SEMOVI", "DUMUN", "PCMUN", "SE", "SAT", "IMSS", "MUNICIPIO")
        }
        from bench.hotkeys import StreamTap, Writes

        tap, writes = StreamTap(stack.moto_url, stack.environment["TABLE_NAME"]), Writes()
        log("phase 1: one application of each procedure, every call counted")
        walks = []
        all_tallies: list[Any] = []
        for seed, procedure in enumerate(
            (flows.AUTO_LICENCE, "licencia-conducir", "licencia-construccion", "apertura-empresa"), start=1
        ):
            walks.append(walk(api, calls, reader, procedure, seed, officials))
            all_tallies += calls.tallies
        tap.count(writes)  # the walks' writes count; the tour's and the latency phases' do not
        calls.clear()
        tour(api, officials, seed=9)
        all_tallies += calls.tallies
        results["routes"] = route_counts(all_tallies)
        results["walks"] = walks
        calls.keep_payloads = False
        calls.clear()

        log("phase 2: API overhead against the bare DynamoDB calls")
        results["latency"] = client(
            "latency",
            {"url": stack.url, "table": stack.environment["TABLE_NAME"], "seed": 20, "rounds": 100 if quick else 200},
            timeout=180,
        )
        calls.clear()

        log("phase 2b: the production path (the app invoked in-process with API Gateway events)")
        results["inprocess"] = client(
            "inprocess",
            {
                "url": stack.url,
                "moto_url": stack.moto_url,
                "environment": stack.environment,
                "seed": 21,
                "rounds": 100 if quick else 200,
            },
            timeout=240,
        )
        calls.clear()

        tap.read()
        results["throughput"] = []
        for n, clients in enumerate((1, 4, 16), start=3):
            seconds = (6 if quick else 10) + (clients > 1) * 2
            log(f"phase 3: end to end, {clients} client(s), {seconds} s")
            results["throughput"].append(
                client(
                    "throughput",
                    {"url": stack.url, "clients": clients, "seconds": seconds, "seed": n},
                    timeout=seconds + 120,
                )
            )
            calls.clear()

        log("phase 4: where the time goes (CPU profile of every thread, 4 clients)")
        with profiled() as profile:
            profiled_run = client(
                "throughput", {"url": stack.url, "clients": 4, "seconds": 6 if quick else 8, "seed": 7}, timeout=150
            )
        results["profile"] = {**asdict(profile[0]), "completed": profiled_run["completed"]}
        calls.clear()
        results["writes_per_key"] = tap.count(writes).table()

        log("phase 4b: the catalogue at 5,000 synthetic procedures, on a phone (bench/catalogue.py)")
        from bench import catalogue

        results["catalogue"] = {"filled": catalogue.fill(), **catalogue.measure(stack.url)}
        calls.clear()
    finally:
        stack.stop()
        calls.uninstall()

    log("phase 5: cold start (import time, first e.firma verification), the Lambda package and layer")
    package = coldstart.build_package()
    results["package"] = asdict(package)
    results["import"] = asdict(coldstart.import_time(coldstart.PACKAGE)) if not package.error else None
    results["efirma"] = asdict(coldstart.efirma_verification()) if not package.error else None
    results["seconds"] = time.monotonic() - started
    return results


# --- the table ----------------------------------------------------------------------------------


def render(results: dict[str, Any]) -> str:
    from bench import cost

    out: list[str] = []
    m = results["machine"]
    out.append(
        f"Machine: {m['cpus']} CPUs ({m['cpu']}), Python {m['python']}, {m['os']}, moto {m['moto']}; "
        f"run {m['date']}, {results['seconds']:.0f} s in all."
    )
    out.append("")
    out.append(
        "API overhead (HTTP on 127.0.0.1, one client, requests interleaved with their bare DynamoDB calls "
        "made with boto3 against the same embedded server). The local HTTP server, which production does not "
        "run, is most of it: the budget is the production path's, in the next table"
    )
    out.append("")
    out.append("| request | API median | API p95 | bare DynamoDB calls | bare median | ratio | budget |")
    out.append("|---|---|---|---|---|---|---|")
    for route, row in results["latency"].items():
        verdict = "— (the in-process row is the read budget's)" if route.startswith("GET") else "— (write)"
        out.append(
            f"| `{route}` | {row['api']['median_ms']:.1f} ms | {row['api']['p95_ms']:.1f} ms | {row['bare_calls']} "
            f"| {row['bare']['median_ms']:.1f} ms | {row['ratio']:.2f}× | {verdict} |"
        )
    out.append("")
    out.append(
        "The production path (the Chalice app object invoked in-process with API Gateway REST proxy events and a "
        "real Cognito token, as Lambda runs it; its bare side replays with boto3 the very DynamoDB requests the "
        "route made, against the same embedded server; interleaved)"
    )
    out.append("")
    out.append(
        "| request | in-process median | p95 | bare DynamoDB calls | bare median | ratio | HTTP ratio | budget |"
    )
    out.append("|---|---|---|---|---|---|---|---|")
    budget = BUDGETS["inprocess_read_ratio"]
    for route, row in results["inprocess"].items():
        verdict = ("met" if row["ratio"] <= budget else "**missed**") + f" (≤ {budget}×)"
        http = results["latency"].get(route)
        http_ratio = f"{http['ratio']:.2f}×" if http else "—"
        out.append(
            f"| `{route}` | {row['api']['median_ms']:.2f} ms | {row['api']['p95_ms']:.2f} ms | {row['bare_calls']} "
            f"| {row['bare']['median_ms']:.2f} ms | {row['ratio']:.2f}× | "
            f"{http_ratio} | {verdict} |"
        )
    out.append("")
    out.append(
        "DynamoDB calls per request, every route (botocore `before-call` events; the most common sequence; "
        "read routes ≤ 2 calls; submit, decision and bank webhook ≤ 5; no Scan anywhere)"
    )
    out.append("")
    out.append("| route | requests seen | max calls | calls | budget |")
    out.append("|---|---|---|---|---|")
    for label, row in results["routes"].items():
        if row["requests"] == 0:
            verdict = "not exercised"
        elif row["scan"]:
            verdict = "**Scan**"
        elif row["read_route"] and label == "GET /verify/{document_id}":
            # document, counter, application; the hour's first check adds the audit append
            verdict = "≤ 3 calls, 4 on the hour's first" if row["max_calls"] <= 4 else "**missed**"
        elif row["read_route"]:
            verdict = "met" if row["max_calls"] <= BUDGETS["read_calls"] else "**missed**"
        elif label in LEAN_ROUTES:
            verdict = f"≤ {BUDGETS['lean_calls']}: " + (
                "met" if row["max_calls"] <= BUDGETS["lean_calls"] else "**missed**"
            )
        else:
            verdict = "no Scan"
        out.append(
            f"| `{label}` | {row['requests']} | {row['max_calls'] if row['max_calls'] is not None else '—'} "
            f"| {row['typical']} | {verdict} |"
        )
    out.append("")
    out.append(
        "End to end: driver's licence with automatic approval (check → payment → issue; "
        "the bank pays through the sandbox), draft to issued per client loop"
    )
    out.append("")
    out.append("| clients | applications | applications/s | submit→issued median | p95 | errors |")
    out.append("|---|---|---|---|---|---|")
    for row in results["throughput"]:
        latency = row["submit_to_issued"] or {"median_ms": float("nan"), "p95_ms": float("nan")}
        out.append(
            f"| {row['clients']} | {row['completed']} | {row['per_second']:.2f} | {latency['median_ms'] / 1000:.2f} s "
            f"| {latency['p95_ms'] / 1000:.2f} s | {row['error_count']} |"
        )
    profile = results["profile"]
    out.append("")
    out.append(
        "Where the time goes (CPU of every thread of the stack during a 4-client run, "
        f"{profile['completed']} applications; yappi)"
    )
    out.append("")
    out.append("| part | CPU s | share |")
    out.append("|---|---|---|")
    for name, seconds in profile["shares"]:
        out.append(f"| {name} | {seconds:.1f} | {seconds / profile['total_cpu_s'] * 100:.0f}% |")
    out.append(f"| **total** | {profile['total_cpu_s']:.1f} | 100% |")
    out.append("")
    out.append(
        "Hottest functions (own CPU time): "
        + "; ".join(f"`{name}` {seconds:.1f} s" for name, seconds in profile["top"][:5])
    )
    out += render_writes(results["writes_per_key"])
    imports, package, efirma = results["import"], results["package"], results.get("efirma")
    out.append("")
    out.append("Cold start proxies")
    out.append("")
    out.append("| measure | value | budget |")
    out.append("|---|---|---|")
    if imports:
        verdict = "met" if imports["total_ms"] <= BUDGETS["import_ms"] else "**missed**"
        out.append(
            "| `python -X importtime -c 'import app'` in the unpacked package, "
            f"fastest of {len(imports['runs_ms'])} fresh processes (median; load average then) "
            f"| {imports['total_ms']:.0f} ms ({imports['median_ms']:.0f} ms; {imports['load_average']:.1f}) "
            f"| {verdict} (≤ {BUDGETS['import_ms']:.0f} ms) |"
        )
        out.append(
            "| import time by package | " + ", ".join(f"{name} {ms:.0f} ms" for name, ms in imports["top"][:6]) + " | |"
        )
        out.append(
            "| loaded by `import app` though only e.firma or tests need it | "
            + (", ".join(imports["leaked"]) or "nothing (cryptography loads on the first e.firma verification)")
            + " | none |"
        )
    if efirma:
        out.append(
            "| first e.firma verification of a cold start, after `import app`: trust built from the CA bundle, "
            "cryptography imported from the layer, chain, signature and OCSP (sandbox responder on 127.0.0.1), "
            f"fastest of {len(efirma['runs_ms'])} fresh processes (median; the next verification) "
            f"| {efirma['first_ms']:.0f} ms ({efirma['median_ms']:.0f} ms; {efirma['second_ms']:.1f} ms) | — |"
        )
    if package["error"]:
        out.append(f"| Lambda package (zip) | not built: {package['error']} | |")
    else:
        verdict = "met" if package["zipped_bytes"] <= BUDGETS["package_bytes"] else "**missed**"
        out.append(
            f"| Lambda package (zip), with the bytecode of the {package['compiled']} modules a cold start imports "
            f"| {package['zipped_bytes'] / 1e6:.2f} MB ({package['unzipped_bytes'] / 1e6:.1f} MB unzipped) "
            f"| {verdict} (≤ 5 MB) |"
        )
        out.append(
            "| biggest parts (zipped) | "
            + ", ".join(f"{name} {size / 1e6:.2f} MB" for name, size in package["biggest"][:5])
            + " | |"
        )
        verdict = "met" if package["layer_zipped_bytes"] <= BUDGETS["layer_bytes"] else "**missed**"
        shipped = ", ".join(" ".join(wheel.split("-")[:2]) for wheel in package["layer_wheels"])
        out.append(
            f"| e.firma layer (zip): {shipped}, "
            f"with the bytecode of its {package['layer_compiled']} cryptography modules "
            f"| {package['layer_zipped_bytes'] / 1e6:.2f} MB ({package['layer_unzipped_bytes'] / 1e6:.1f} MB unzipped) "
            f"| {verdict} (≤ {BUDGETS['layer_bytes'] / 1e6:.0f} MB) |"
        )
    out.append("")
    out.append(f"Cost per application, counted in the run ({cost.PRICES_AS_OF})")
    out.append("")
    walks = results["walks"]
    out.append("| item | unit price | " + " | ".join(f"`{w['procedure']}`" for w in walks) + " |")
    out.append("|---|---|" + "---|" * len(walks))
    units = [
        "$0.025 / 1k",
        "$0.20 / 1M",
        "$0.0000166667 / GB-s",
        "$3.50 / 1M",
        "$0.625 / 1M",
        "$0.125 / 1M",
        "$0.005 / 1k",
        "$0.0004 / 1k",
        "$0.15 / 10k",
        "$0.0200 (assumed)",
    ]
    per_walk = [cost.lines(w["usage"]) for w in walks]
    for index, unit in enumerate(units):
        name = per_walk[0][index][0]
        out.append(
            f"| {name} | {unit} | "
            + " | ".join(f"{lines[index][1]} = ${lines[index][2]:.6f}" for lines in per_walk)
            + " |"
        )
    totals = [cost.total(w["usage"]) for w in walks]
    out.append(
        "| **total without SMS** | budget ≤ $0.002 | "
        + " | ".join(f"**${t:.5f}** ({'met' if t <= BUDGETS['cost'] else 'missed'})" for t in totals)
        + " |"
    )
    out.append(
        "| total with SMS | | " + " | ".join(f"${cost.total(w['usage'], with_sms=True):.5f}" for w in walks) + " |"
    )
    out.append(
        f"| status call (one call, {cost.STATUS_CALL_SECONDS} s, Mexican DID; per call, not per application) "
        "| $0.038 / Connect voice min + $0.0100 / inbound min (assumed) + $0.10 / DID day (assumed) over "
        f"{cost.STATUS_CALLS_PER_DAY:,} calls | " + " | ".join(f"${cost.status_call():.5f}" for _ in walks) + " |"
    )
    out.append(
        "| state transitions (budget ≤ 25 for the licence) | | "
        + " | ".join(
            f"{w['usage'].transitions}"
            + (
                f" ({'met' if w['usage'].transitions <= BUDGETS['transitions'] else '**missed**'})"
                if w["procedure"].startswith("licencia-conducir")
                else ""
            )
            for w in walks
        )
        + " |"
    )
    if results.get("catalogue"):
        from bench import catalogue

        out += ["", *catalogue.render(results["catalogue"])]
    return "\n".join(out)


def render_writes(found: dict[str, Any]) -> list[str]:
    from bench import hotkeys

    out = [
        "",
        f"Writes per partition key ({found['records']} items written by {found['submitted']} submitted applications: "
        "the four walks of phase 1 and the end-to-end runs of phases 3 and 4, read from the table's stream; "
        "keys of one application, citizen or phone grouped as `KIND#*`). Projected at the capacity model's peak, "
        f"{hotkeys.PEAK_SUBMITS_PER_SECOND} submitted applications/s, against DynamoDB's "
        f"{hotkeys.PARTITION_WRITE_UNITS:,} write units/s per partition (table or index; a write costs a unit per KB "
        "of the item, and the whole item in an index that projects it); a key's share is "
        f"≤ {hotkeys.SHARE:.0%} of it",
        "",
        "| index | key | values seen | writes | per application | write units per application "
        "| most on one value | at the peak | verdict |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for row in found["rows"]:
        if row["peak_per_second"] is None:
            peak, verdict = "its own application's only", "spread"
        else:
            peak = (
                f"{row['peak_per_second']:.0f} writes/s, {row['peak_units_per_second']:.0f} units/s "
                f"({row['share_of_limit']:.0%})"
            )
            verdict = "**hot**" if row["hot"] else "within share"
        out.append(
            f"| {row['index']} | `{row['key']}` | {row['values']} | {row['writes']} | {row['per_application']:.2f} "
            f"| {row['units_per_application']:.2f} | {row['most_on_one_value']} | {peak} | {verdict} |"
        )
    out.append("")
    out.append(
        "Items written by many applications (shared partitions), at the peak, against "
        f"{hotkeys.ITEM_WRITES_PER_SECOND:.0f} writes/s on one item (a transaction holds its items for ~10-25 ms: "
        "above that, concurrent counts conflict and retry)"
    )
    out.append("")
    out.append("| pk | sk | writes | per application | at the peak | verdict |")
    out.append("|---|---|---|---|---|---|")
    if not found["items"]:
        out.append("| — | — | — | — | — | none: no item was written by half the applications or more |")
    for item in found["items"]:
        out.append(
            f"| `{item['pk']}` | `{item['sk']}` | {item['writes']} | {item['per_application']:.2f} "
            f"| {item['peak_per_second']:.1f}/s | {'**hot**' if item['hot'] else 'within'} |"
        )
    out.append("")
    out.append(
        "Top individual keys: "
        + "; ".join(f"{row['index']} `{row['key']}` {row['per_application']:.2f}/application" for row in found["top"])
    )
    return out


def jsonable(results: dict[str, Any]) -> dict[str, Any]:
    return json.loads(
        json.dumps(
            results, default=lambda value: asdict(value) if hasattr(value, "__dataclass_fields__") else str(value)
        )
    )


def write_docs(table: str) -> None:
    """Replace the table between the markers of docs/performance.md, leaving the guide's text as it is."""
    text = PERFORMANCE_GUIDE.read_text("utf-8")
    if START not in text or END not in text:
        raise SystemExit(f"docs/performance.md has no {START} … {END} section to fill")
    head, rest = text.split(START, 1)
    _, tail = rest.split(END, 1)
    PERFORMANCE_GUIDE.write_text(f"{head}{START}\n{table}\n{END}{tail}", "utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n", 1)[0])
    parser.add_argument("--quick", action="store_true", help="shorter phases (a smoke run)")
    parser.add_argument("--json", type=Path, default=ROOT / "build" / "bench.json", help="where to keep every figure")
    parser.add_argument(
        "--write-docs", action="store_true", help="put the table into docs/performance.md, between its bench markers"
    )
    args = parser.parse_args(argv)
    os.chdir(ROOT)
    results = run(args.quick)
    table = render(results)
    print(table, flush=True)
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(jsonable({**results, "table": table}), indent=1), "utf-8")
    if args.write_docs:
        write_docs(table)
    return 0


if __name__ == "__main__":
    sys.exit(main())
