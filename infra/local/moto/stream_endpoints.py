"""Make the embedded DynamoDB Streams API answer in-process as it does over the server,
and never show a stream record of a write that did not happen (local stack and tests only).

botocore resolves a DynamoDB Streams request that names a stream (``DescribeStream``,
``GetShardIterator``) to the account-based endpoint
``https://<account>.streams-ddb.<region>.amazonaws.com``; only ``ListStreams`` goes to
``streams.dynamodb.<region>.amazonaws.com``.  Under ``mock_aws`` moto finds the service
of a request by matching its URL against each service's ``url_bases``, and moto 5.2.5's
``dynamodbstreams`` knows only the second form, so every request naming a stream fell
through to moto's catch-all ``404 Not yet implemented``.  Over the server the client is
pointed at moto's port (``AWS_ENDPOINT_URL``) and the host plays no part, which is why
the streams API worked there.  ``account_endpoints_reach_streams`` adds the account-based
form to the service's URL bases and to moto's index of URL patterns, the two places the
in-process dispatcher looks, so the same boto3 calls work in both modes.  (A client built
with ``account_id_endpoint_mode="disabled"`` would avoid the account endpoint, but every
client that reads the stream, ours and Powertools', would have to be built that way.)

moto writes a transaction's stream records as it applies each item and removes them if a
later condition cancels the transaction (``fidelity.cheap_transaction_backups`` trims
them).  A ``GetRecords`` arriving between the two would hand a consumer a change that
never committed; ``stream_reads_wait_for_writes`` answers every streams request under
the lock that ``fidelity`` holds around DynamoDB's writes, so a reader sees a
transaction whole or not at all, as on DynamoDB.

Like the other patches this touches moto internals; moto is pinned and
``tests/infra/test_moto_stream_endpoints.py`` fails if a hook point moves.
"""

from __future__ import annotations

import functools
import re
from typing import Any

from infra.local.moto import fidelity

SERVICE = "dynamodbstreams"
# the account-based endpoint botocore's rules give a request naming a stream (the FIPS one is not used locally)
ACCOUNT_ENDPOINT = r"https?://(.+)\.streams-ddb\.(.+)\.amazonaws\.com"


def install() -> None:
    account_endpoints_reach_streams()
    stream_reads_wait_for_writes()


def account_endpoints_reach_streams() -> None:
    from moto import backend_index
    from moto.dynamodbstreams import urls

    if ACCOUNT_ENDPOINT not in urls.url_bases:
        urls.url_bases.append(ACCOUNT_ENDPOINT)
    patterns = backend_index.backend_url_patterns
    if not any(service == SERVICE and pattern.pattern == ACCOUNT_ENDPOINT for service, pattern in patterns):
        patterns.append((SERVICE, re.compile(ACCOUNT_ENDPOINT)))


def stream_reads_wait_for_writes() -> None:
    from moto.dynamodbstreams.responses import DynamoDBStreamsHandler

    answer = DynamoDBStreamsHandler.call_action
    if getattr(answer, "_serialized", False):
        return

    @functools.wraps(answer)
    def answered_between_writes(self: Any) -> Any:
        with fidelity._lock:
            return answer(self)

    answered_between_writes._serialized = True  # type: ignore[attr-defined]
    DynamoDBStreamsHandler.call_action = answered_between_writes  # type: ignore[method-assign]
