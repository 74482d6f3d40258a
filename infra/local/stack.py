"""Start the embedded local stack in this process: moto's server, the resources, the
demo accounts and the HTTP front door (``python -m infra.local`` runs ``start``; the
benchmark calls it directly)."""

from __future__ import annotations

import gc
import logging
import os
import secrets
import signal
import socket
import threading
from collections.abc import MutableMapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from infra.local.streams import EventSourceMapping

REGION = "us-east-1"
STAGE = "local"
# What could point a client elsewhere than moto: a named profile, another endpoint, another moto.
DEFAULT_EFIRMA_DIRECTORY = Path(__file__).resolve().parents[2] / "build" / "efirma"
ELSEWHERE = ("AWS_ENDPOINT_URL", "AWS_PROFILE", "MOTO_PORT")


def use_moto(environ: MutableMapping[str, str], moto_port: int | None = None) -> None:
    """Point every AWS client this process makes at moto, with moto's fake credentials:
    whatever the shell had set (a profile, an endpoint) cannot reach a real account.
    ``moto_port``: moto's server on that loopback port; without it, moto runs in this
    process (``mock_aws``) and needs no endpoint."""
    for name in ELSEWHERE:
        environ.pop(name, None)
    environ.update(
        AWS_ACCESS_KEY_ID="testing",
        AWS_SECRET_ACCESS_KEY="testing",
        AWS_SESSION_TOKEN="testing",
        AWS_DEFAULT_REGION=REGION,
        AWS_REGION=REGION,
    )
    if moto_port:
        environ.update(AWS_ENDPOINT_URL=f"http://127.0.0.1:{moto_port}", MOTO_PORT=str(moto_port))


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Stack:
    url: str
    moto_url: str
    environment: dict[str, str]
    stop: Any


def start(
    port: int = 0,
    moto_port: int = 0,
    legal_day_seconds: str = "60",
    verbose: bool = False,
    efirma_directory: Path = DEFAULT_EFIRMA_DIRECTORY,
    stream_consumers: Sequence[EventSourceMapping] = (),
    schedules: bool = True,
) -> Stack:
    """Start moto, provision, seed and serve; returns once the URL answers.  Each of
    ``stream_consumers`` is fed the table's stream by a poller thread (none by default);
    with ``schedules``, the scheduled functions run on their cadence, scaled to
    ``legal_day_seconds`` (``infra.local.schedules``)."""
    port = port or free_port()
    moto_port = moto_port or free_port()
    moto_url = f"http://127.0.0.1:{moto_port}"
    url = f"http://127.0.0.1:{port}"
    use_moto(os.environ, moto_port)

    from moto.moto_api._internal.models import moto_api_backend

    from infra.local.moto.server import MotoServer

    if not verbose:
        logging.getLogger("werkzeug").setLevel(logging.ERROR)
        # moto's ASL interpreter logs an error for every path a Choice's IsPresent finds
        # missing (the Start router asks for $.resume_at on every execution); a failed
        # execution still shows in its history and in the application's audit.
        logging.getLogger("moto.stepfunctions.parser.asl.component.eval_component").setLevel(logging.CRITICAL)
    moto = MotoServer("127.0.0.1", moto_port)
    moto.start()
    moto_api_backend.set_config({"stepfunctions": {"execute_state_machine": True}})

    import app as application
    from chalicelib.store.models import connect as connect_models
    from infra.aws.deploy import KIOSK_IDLE_SECONDS
    from infra.local.demo import DEMO_EFIRMA_PASSWORD, DEMO_USERS
    from infra.local.efirma import issue_demo_files
    from infra.local.install import install
    from infra.local.schedules import Scheduler, scheduled
    from infra.local.seed import create_users
    from infra.local.server import LocalServer

    os.environ["SANDBOX_ENABLED"] = "true"  # read when install() rebuilds the composition root
    installed = install(
        application.app,
        STAGE,
        REGION,
        public_url=url,
        webhook_secret=secrets.token_hex(32),
        legal_day_seconds=str(legal_day_seconds),
        efirma_directory=efirma_directory,
        stream_consumers=stream_consumers,
    )
    env = installed.environment
    connect_models()
    create_users(installed.provisioner.client("cognito-idp"), env["USER_POOL_ID"], env["USER_POOL_CLIENT_ID"])
    issue_demo_files(installed.efirma.authority, [user.username for user in DEMO_USERS], DEMO_EFIRMA_PASSWORD)

    config = {
        "api": f"{url}/api",
        "aws": {"endpoint": moto_url, "region": REGION},
        "cognito": {"userPoolId": env["USER_POOL_ID"], "clientId": env["USER_POOL_CLIENT_ID"]},
        "stage": STAGE,
        "sandbox": True,
        "kiosk": {"enabled": False, "idleSeconds": KIOSK_IDLE_SECONDS},
    }
    server = LocalServer(("127.0.0.1", port), application.app, config, verbose=verbose)
    # What start-up built (modules, moto's service models, the seeded procedures) lives as
    # long as the process: frozen, the collector stops walking it, and full collections
    # come ten times less often.  Under the load test each full collection had paused
    # every thread for ~0.4 s; collections took a tenth of the stack's CPU, now half that.
    gc.freeze()
    gc.set_threshold(700, 10, 100)
    thread = threading.Thread(target=server.serve_forever, name="ventanilla-http", daemon=True)
    thread.start()
    for poller in installed.streams:
        poller.start()
    scheduler = Scheduler(scheduled(application.app, application, legal_day_seconds) if schedules else [])
    scheduler.start()

    def stop() -> None:
        scheduler.stop()
        for poller in installed.streams:
            poller.stop()
        server.shutdown()
        server.server_close()
        moto.stop()

    return Stack(url=url, moto_url=moto_url, environment=env, stop=stop)


def serve(stack: Stack) -> None:
    """Print where the running stack is (and ``READY <url>`` for scripts), and keep it up
    until Ctrl-C or SIGTERM."""
    print(f"Ventanilla is running at {stack.url}  (embedded AWS at {stack.moto_url}; Ctrl-C stops)", flush=True)
    print(f"READY {stack.url}", flush=True)
    done = threading.Event()
    signal.signal(signal.SIGINT, lambda *_: done.set())
    signal.signal(signal.SIGTERM, lambda *_: done.set())
    done.wait()
    print("Stopping Ventanilla…", flush=True)
    stack.stop()
