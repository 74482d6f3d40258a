"""The embedded local stack (``make run``): moto as AWS, our state machines and handlers
for real, the API and the web pages on one port of 127.0.0.1.

    python -m infra.local [--port 8000] [--moto-port 4566] [--legal-day-seconds 60]

Prints the URL (and ``READY <url>`` for scripts) and runs until Ctrl-C.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from infra.local.stack import serve, start


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Ventanilla's embedded local stack")
    parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
    parser.add_argument("--moto-port", type=int, default=int(os.environ.get("MOTO_PORT", "0") or 0))
    parser.add_argument(
        "--legal-day-seconds",
        default=os.environ.get("LEGAL_DAY_SECONDS", "60"),
        help="wall-clock seconds a legal day lasts for deadline timers (86400 = real time)",
    )
    parser.add_argument(
        "--efirma-dir",
        type=Path,
        default=Path(os.environ.get("EFIRMA_DIR", "build/efirma")),
        help="where the sandbox certificate authority keeps its key, what it issued and the demo e.firma files",
    )
    parser.add_argument("--verbose", action="store_true")
    args = parser.parse_args(argv)
    stack = start(args.port, args.moto_port, args.legal_day_seconds, args.verbose, efirma_directory=args.efirma_dir)
    serve(stack)
    return 0


if __name__ == "__main__":
    sys.exit(main())
