"""Start the embedded stack exactly as `make run` does, in a child process."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


@contextmanager
def running_stack(legal_day_seconds: str = "60", module: str = "infra.local", *options: str) -> Iterator[str]:
    """The stack ``module`` starts (``infra.local``: as ``make run``; ``infra.local.scale``: as
    ``make seed-scale``, with ``options``), until the block ends."""
    # SMS go out at once whatever the hour (quiet hours have their own tests in-process).
    env = {
        **os.environ,
        "PYTHONUNBUFFERED": "1",
        "SMS_QUIET_HOURS": "off",
        "SMS_FOLD_PROGRESS": "off",
        "EFIRMA_DIR": tempfile.mkdtemp(prefix="ventanilla-efirma-"),
    }
    for name in ("AWS_ENDPOINT_URL", "MOTO_PORT", "PORT"):
        env.pop(name, None)
    process = subprocess.Popen(
        [sys.executable, "-m", module, "--port", "0", "--legal-day-seconds", legal_day_seconds, *options],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    lines: list[str] = []
    url = None
    assert process.stdout is not None
    for line in process.stdout:
        lines.append(line)
        if line.startswith("READY "):
            url = line.split()[1]
            break
    if url is None:
        process.kill()
        raise RuntimeError("the local stack did not start:\n" + "".join(lines[-40:]))
    drain = threading.Thread(target=lambda: [lines.append(line) for line in process.stdout or []], daemon=True)
    drain.start()
    try:
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
