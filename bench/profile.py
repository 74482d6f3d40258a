"""Where the time goes in the embedded stack: a CPU profile of every thread (yappi),
split by what each thread was doing.

Roots that do not nest across threads: the API server's request handler (Chalice,
our routes and the client side of their AWS calls), the step handlers (run by moto's
Lambda inside a moto request thread), moto's DynamoDB request handling, moto's Step
Functions interpreter threads and its API, and the rest of moto's request handling
(S3, KMS, SNS, Cognito, Lambda plumbing).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

SFN_API = ("StepFunctionResponse._dispatch",)  # the Step Functions API inside moto's request threads
CATEGORIES = (
    (
        "API (Chalice, routes, domain)",
        lambda s: s.name == "Handler._api" and s.module.endswith("infra/local/server.py"),
    ),
    (
        "step handlers (our Lambda code)",
        lambda s: s.name == "invoke_in_process" and s.module.endswith("infra/local/moto/lambda_adapter.py"),
    ),
    ("DynamoDB (moto)", lambda s: s.name == "DynamoHandler._dispatch"),
    ("workflow interpreter (moto)", lambda s: s.name == "ExecutionWorker._execution_logic" or s.name in SFN_API),
)
MOTO_REQUESTS = "MotoRequestHandler.handle"


@dataclass
class Profile:
    total_cpu_s: float
    shares: list[tuple[str, float]] = field(default_factory=list)
    top: list[tuple[str, float]] = field(default_factory=list)


@contextmanager
def profiled() -> Iterator[list[Profile]]:
    import yappi

    out: list[Profile] = []
    yappi.clear_stats()
    yappi.set_clock_type("cpu")
    yappi.start(builtins=False, profile_threads=True)
    try:
        yield out
    finally:
        yappi.stop()
        out.append(summarise(yappi.get_func_stats(), yappi.get_thread_stats()))
        yappi.clear_stats()


def summarise(functions: Any, threads: Any) -> Profile:
    total = sum(thread.ttot for thread in threads)
    found: dict[str, float] = {}
    moto_requests = sfn_api = 0.0
    for stat in functions:
        for name, matches in CATEGORIES:
            if matches(stat):
                found[name] = found.get(name, 0.0) + stat.ttot
        if stat.name == MOTO_REQUESTS and stat.module.endswith("werkzeug/serving.py"):  # not its http.server base too
            moto_requests += stat.ttot
        if stat.name in SFN_API:
            sfn_api += stat.ttot
    nested = sum(found.get(name, 0.0) for name, _ in CATEGORIES[1:3]) + sfn_api
    other_moto = max(0.0, moto_requests - nested)  # what moto's request threads did besides
    shares = [(name, found.get(name, 0.0)) for name, _ in CATEGORIES]
    shares.append(("other moto services (S3, KMS, SNS, Cognito, Lambda) and HTTP", other_moto))
    shares.append(("everything else (threads, polling, GC)", max(0.0, total - sum(seconds for _, seconds in shares))))
    own = sorted(functions, key=lambda stat: -stat.tsub)[:8]
    top = [(f"{stat.module.split('site-packages/')[-1].split('wt-bench/')[-1]}:{stat.name}", stat.tsub) for stat in own]
    return Profile(total, shares, top)
