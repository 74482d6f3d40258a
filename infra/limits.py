"""How much traffic the API takes, in one place: read by the AWS template (API Gateway's
stage and method throttles, the WAF's rate-based rules, ``infra/aws/stack/edge.py``) and
by the local stack's HTTP server (``infra/local/server.py``), which enforces the same
per-client limits.

Two kinds of limit, as on AWS:

- **Per client address** (the WAF's rate-based rules): requests counted in fixed
  five-minute windows per address; over the limit, 429 until the window ends. One rule
  for the whole API and a tighter one for the public check of documents, the anonymous
  route a scraper or a flood would aim at.
- **For everyone together** (API Gateway's throttles, a token bucket of a steady rate and
  a burst): the stage as a whole, and tighter for the anonymous routes that write.

The numbers are sized for production (docs/scale.md: peaks of 500 reads/s and 50
submits/s nationwide), not for the local machine; the load generator and the test
clients give each simulated person an address of their own (``client_address``), as
real people have, so a crowd from one machine is not mistaken for one abusive client.
"""

from __future__ import annotations

import ipaddress
import itertools
import json
from dataclasses import dataclass

WINDOW_SECONDS = 300  # the WAF's evaluation window for rate-based rules (60, 120, 300 or 600)
ERROR_CODE = "too_many_requests"
ERROR_MESSAGE = "too many requests from this address; wait a few minutes and try again"
# The forwarded address a proxy in front of us sets (CloudFront on AWS; the load generator
# and the test clients locally). Its first address is the client's, as the WAF reads it.
FORWARDED_HEADER = "X-Forwarded-For"


@dataclass(frozen=True)
class RateRule:
    """At most ``limit`` requests per client address in each ``WINDOW_SECONDS`` window, to
    the routes whose path (after the ``/api`` prefix) starts with ``prefix`` (all if None)."""

    name: str
    limit: int
    prefix: str | None = None

    def applies(self, route_path: str) -> bool:
        return self.prefix is None or route_path.startswith(self.prefix)


# A person using the web pages sends ~10-30 API requests a page; an assistant at a community
# centre, or a family behind one home router, a few hundred in five minutes. 2,000 is ~7/s
# kept up for five minutes: far above people, far below a flood (the stage takes 1,000/s).
WHOLE_API = RateRule("api", 2_000)
# Checking a document is one request. 300 in five minutes (one a second) is a checkpoint
# scanning non-stop; mobile carriers put many phones behind one address (CGNAT), which is
# why it is not lower. A scraper of document ids gets 300 guesses per address per window.
VERIFY = RateRule("verify", 300, "/verify/")
PER_CLIENT: tuple[RateRule, ...] = (WHOLE_API, VERIFY)


@dataclass(frozen=True)
class Throttle:
    """API Gateway's token bucket: ``rate`` requests a second kept up, ``burst`` at once."""

    rate: int
    burst: int


# Twice the capacity model's peak (500 reads/s + 50 submits/s), under the account's 10,000/s.
STAGE = Throttle(rate=1_000, burst=2_000)
# The anonymous routes that write: a check of a document (its counter, an audit event an
# hour), and the e.firma challenges and account claims (an item each, until its TTL).
METHODS: dict[tuple[str, str], Throttle] = {
    ("GET", "/verify/{document_id}"): Throttle(rate=100, burst=200),
    ("POST", "/efirma/challenge"): Throttle(rate=20, burst=40),
    ("POST", "/efirma/account"): Throttle(rate=20, burst=40),
}


def error_body() -> bytes:
    """What a limited request answers: the API's error shape (``chalicelib/api/errors.py``)."""
    return json.dumps({"error": {"code": ERROR_CODE, "message": ERROR_MESSAGE, "details": None}}).encode()


# RFC 2544's benchmarking range: addresses that can never be a real client's.
_SIMULATED = ipaddress.ip_network("198.18.0.0/15")


def client_address(index: int) -> str:
    """The ``index``-th simulated client's address (load generator, test clients)."""
    return str(_SIMULATED[1 + index % (_SIMULATED.num_addresses - 2)])


_simulated = itertools.count()


def simulated_client() -> str:
    """A new simulated person's address (one each for the load generator's and the tests' people)."""
    return client_address(next(_simulated))
