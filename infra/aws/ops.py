"""Operator commands, run with the deployment's credentials and environment.

    python -m infra.aws.ops retry <application_id> [--from STEP] [--operator NAME]
    python -m infra.aws.ops repair [--older-than-seconds 120]
    python -m infra.aws.ops reconcile
    python -m infra.aws.ops stats-replay <application_id> [<application_id> ...]
    python -m infra.aws.ops events-replay [--limit 100] [--application <application_id> ...]
    python -m infra.aws.ops voice-file <holder> [<holder> ...]   (or - : one holder a line on stdin)

``reconcile`` marks ``error`` the applications whose execution failed without the fail
handler recording it.  ``retry`` restarts an application that is in ``error`` from the step that failed (or
``--from`` another top-level step), on the version it started with; ``repair`` starts
the executions of submissions that never got one.  Both leave audit events.
``stats-replay`` counts in the statistics whatever audit event of those applications is
not counted yet; events already counted are skipped, so replaying is always safe.
``events-replay`` delivers again the batches of the table's stream that ran out of
retries (the failed-events queue; its alarm names them), or with ``--application`` every
audit event of those applications (past the stream's 24 hours): the SMS not sent and the
statistics not counted follow, and nothing is sent or counted twice.
``voice-file`` files holders' profiles and subscriptions written before the telephone status
line under their phones, so that the line finds them (docs/telephone.md); run it once after the
first deployment with the line, over the user pool's usernames.
"""

from __future__ import annotations

import argparse
import getpass
import json
import sys
from dataclasses import asdict
from datetime import timedelta
from typing import Any

from chalicelib.core.errors import DomainError
from chalicelib.events.replay import of as replay_of
from chalicelib.wiring import container


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m infra.aws.ops", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    commands = parser.add_subparsers(dest="command", required=True)
    retry = commands.add_parser("retry", help="restart an application in error")
    retry.add_argument("application_id")
    retry.add_argument("--from", dest="from_step")
    retry.add_argument("--operator", default=getpass.getuser())
    repair = commands.add_parser("repair", help="start executions that never started")
    repair.add_argument("--older-than-seconds", type=int, default=120)
    commands.add_parser("reconcile", help="mark error the applications whose execution failed silently")
    replay = commands.add_parser("stats-replay", help="count the applications' events the statistics missed")
    replay.add_argument("application_ids", nargs="+")
    events = commands.add_parser("events-replay", help="deliver again what the table's stream gave up on")
    events.add_argument("--limit", type=int, default=100, help="batches read from the failed-events queue")
    events.add_argument("--application", dest="applications", action="append", default=[])
    voice = commands.add_parser("voice-file", help="file older profiles and subscriptions for the phone line")
    voice.add_argument("holders", nargs="+", help="CURPs or RFCs; - reads them from stdin, one a line")
    args = parser.parse_args(argv)
    services = container()
    recovery = services.recovery
    result: dict[str, Any]
    try:
        if args.command == "events-replay" and args.applications:
            result = {
                application_id: {
                    "events": replay_of(application_id, services.store.applications, services.table_events)
                }
                for application_id in args.applications
            }
        elif args.command == "events-replay":
            result = asdict(services.replay.failed(args.limit))
        elif args.command == "stats-replay":
            result = {
                application_id: services.stats_projector.catch_up(services.applications.load(application_id))
                for application_id in args.application_ids
            }
        elif args.command == "voice-file":
            holders = [line.strip() for line in sys.stdin] if args.holders == ["-"] else args.holders
            result = {holder: services.voice.file_holder(holder) for holder in holders if holder}
        elif args.command == "retry":
            result = recovery.retry(args.application_id, args.operator, args.from_step)
        elif args.command == "repair":
            result = {"repaired": recovery.repair(timedelta(seconds=args.older_than_seconds))}
        else:
            result = {"reconciled": recovery.reconcile()}
    except DomainError as error:
        print(json.dumps({"error": {"code": error.code, "message": error.message}}), file=sys.stderr)
        return 1
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
