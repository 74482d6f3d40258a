"""The benchmark's client side, run in its own process (its own interpreter lock, as a
browser or a load generator would be):

    python -m bench.load latency    '{"url": ..., "table": ..., "seed": ...}'
    python -m bench.load throughput '{"url": ..., "clients": 4, "seconds": 15, "seed": ...}'
    python -m bench.load inprocess  '{"url": ..., "moto_url": ..., "environment": {...}, "seed": ...}'

prints one JSON object on stdout.
"""

from __future__ import annotations

import json
import statistics
import sys
import threading
import time
from collections.abc import Callable
from typing import Any

from bench import flows
from tests.support.client import Api


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def summary(values: list[float]) -> dict[str, float]:
    return {"median_ms": statistics.median(values) * 1000, "p95_ms": percentile(values, 0.95) * 1000, "n": len(values)}


def timed(action: Callable[[], Any]) -> float:
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


def interleaved(
    api_call: Callable[[], Any], bare_call: Callable[[], Any], rounds: int, warmup: int = 10
) -> dict[str, Any]:
    """API request and its bare DynamoDB calls, alternately, so any drift hits both alike."""
    for _ in range(warmup):
        api_call()
        bare_call()
    api_times, bare_times = [], []
    for _ in range(rounds):
        api_times.append(timed(api_call))
        bare_times.append(timed(bare_call))
    api, bare = summary(api_times), summary(bare_times)
    return {"api": api, "bare": bare, "ratio": api["median_ms"] / bare["median_ms"]}


def latency(options: dict[str, Any]) -> dict[str, Any]:
    api = Api(options["url"])
    ddb = api.aws("dynamodb")
    table = options["table"]
    user = flows.citizen(api, options["seed"])
    curp = user.username
    procedure = flows.AUTO_LICENCE
    # a realistic record: a few applications, one of them issued
    application_id, _ = flows.draft_and_submit(user, procedure)
    flows.until_final(api, user, application_id)
    for _ in range(2):
        user.post("/applications", {"procedure": procedure, "data": flows.FORMS[procedure]})
    template = ddb.get_item(TableName=table, Key={"pk": {"S": f"APP#{application_id}"}, "sk": {"S": "APPLICATION"}})[
        "Item"
    ]
    event = ddb.query(
        TableName=table,
        KeyConditionExpression="pk = :p AND begins_with(sk, :e)",
        ExpressionAttributeValues={":p": {"S": f"APP#{application_id}"}, ":e": {"S": "EV#"}},
        Limit=1,
    )["Items"][0]
    counter = iter(range(10**9))

    def bare_get() -> None:
        ddb.get_item(TableName=table, Key={"pk": {"S": f"APP#{application_id}"}, "sk": {"S": "APPLICATION"}})

    def bare_record() -> None:
        ddb.query(
            TableName=table,
            IndexName="by_owner",
            KeyConditionExpression="gsi1pk = :o",
            ExpressionAttributeValues={":o": {"S": f"OWNER#{curp}"}},
        )

    def bare_create() -> None:
        """What POST /applications needs: the procedure, the profile, one transaction."""
        ddb.get_item(TableName=table, Key={"pk": {"S": "CATALOG"}, "sk": {"S": f"PROC#{procedure}"}})
        ddb.get_item(TableName=table, Key={"pk": {"S": f"CITIZEN#{curp}"}, "sk": {"S": "PROFILE"}})
        key = f"APP#BARE{next(counter):010d}"
        application = {**template, "pk": {"S": key}, "gsi1pk": {"S": f"OWNER#BENCH-BARE-{options['seed']}"}}
        audit = {**event, "pk": {"S": key}}
        ddb.transact_write_items(
            TransactItems=[
                {"Put": {"TableName": table, "Item": application, "ConditionExpression": "attribute_not_exists(pk)"}},
                {"Put": {"TableName": table, "Item": audit, "ConditionExpression": "attribute_not_exists(pk)"}},
            ]
        )

    rounds = options.get("rounds", 200)
    return {
        "GET /applications/{id}": {
            **interleaved(lambda: user.get(f"/applications/{application_id}"), bare_get, rounds),
            "bare_calls": "GetItem",
        },
        "GET /me": {**interleaved(lambda: user.get("/me"), bare_record, rounds), "bare_calls": "Query (by_owner)"},
        "POST /applications": {
            **interleaved(
                lambda: user.post("/applications", {"procedure": procedure, "data": flows.FORMS[procedure]}),
                bare_create,
                max(20, rounds // 4),
                warmup=3,
            ),
            "bare_calls": "GetItem + GetItem + TransactWriteItems",
        },
    }


def throughput(options: dict[str, Any]) -> dict[str, Any]:
    """``clients`` citizens, each applying again and again until ``seconds`` pass."""
    clients, seconds, seed = options["clients"], options["seconds"], options["seed"]
    apis = [Api(options["url"]) for _ in range(clients)]
    users = [flows.citizen(api, seed * 100 + n) for n, api in enumerate(apis)]
    done: list[float] = []
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    started = time.perf_counter()
    stop_at = started + seconds

    def client(api: Api, user: Any) -> None:
        while time.perf_counter() < stop_at:
            try:
                application_id, _ = flows.draft_and_submit(user, flows.AUTO_LICENCE)
                submitted = time.perf_counter()
                body = flows.until_final(api, user, application_id, poll=0.1)
                assert body["status"] == "issued", body["status"]
            except Exception as error:  # a failed application is reported, not hidden
                with lock:
                    errors.append(f"{type(error).__name__}: {error}"[:300])
                continue
            with lock:
                finished = time.perf_counter()
                done.append(finished)
                latencies.append(finished - submitted)

    threads = [
        threading.Thread(target=client, args=(api, user), daemon=True) for api, user in zip(apis, users, strict=True)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=seconds + 90)
    elapsed = (max(done) if done else time.perf_counter()) - started
    return {
        "clients": clients,
        "completed": len(done),
        "elapsed_s": elapsed,
        "per_second": len(done) / elapsed if elapsed else 0.0,
        "submit_to_issued": summary(latencies) if latencies else None,
        "errors": errors[:5],
        "error_count": len(errors),
    }


def main(argv: list[str]) -> int:
    command, options = argv[0], json.loads(argv[1])
    from bench import inprocess

    result = {"latency": latency, "throughput": throughput, "inprocess": inprocess.measure}[command](options)
    sys.stdout.write(json.dumps(result) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
