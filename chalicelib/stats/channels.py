"""Open data by channel: the applications started, and the status queries answered, by the
way people reached Ventanilla.

Applications (counted by the projector on ``application.created``, by its audit actor, on
the procedure's month row as ``started_<channel>``): ``web`` (the citizen, signed in),
``centre`` (an assistant of a community centre), ``phone`` (a call-centre agent).  No
application is started by SMS (the SMS commands only read), so ``sms`` is always 0: shown,
not left out, so that the column means "none" and not "unknown".

Status queries (``count_status_query``, called where a query is answered): ``sms`` (an
``ESTADO``/``STATUS`` answered), ``phone`` (a status call, from the voice line's handlers).
A web page view is not counted: it would turn every read of an application into a write,
and the web's traffic is in the edge's own logs.  These counts are written as they happen,
one atomic ``ADD`` on one of ``keys.STATS_SHARDS`` items of the month's row
(``M#<month>#Q#status#<shard>``, the shard drawn at random: a query names no
application), so a national peak of calls spreads like the procedures' rows.  A counter
that fails is logged and left: a status answer is never refused for its statistic, and a
redelivered SMS may be counted twice (there is no marker: a query is not a record).

Suppression is the open data's: a count from 1 to 4 is withheld (``null``, named in
``suppressed``); where exactly one cell of a row (the channels of a month, adding up to its
applications started) or of a column (a channel's months, adding up to its window total)
is withheld, the smallest other is withheld too.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any

from aws_lambda_powertools import Logger

from chalicelib.core import observability
from chalicelib.core.clock import iso, utcnow
from chalicelib.stats import figures
from chalicelib.store import keys
from chalicelib.store.errors import StoreFailure
from chalicelib.store.statistics import PROCEDURE, QUERIES, StatisticsStore

logger = Logger(child=True)

WEB, SMS, PHONE, CENTRE = "web", "sms", "phone", "centre"
APPLICATION_CHANNELS = (WEB, SMS, PHONE, CENTRE)
QUERY_CHANNELS = (SMS, PHONE)  # web views are not counted (see above)
STATUS = "status"  # the queries' row code
STARTED_BY = {"citizen": WEB, "assistant": CENTRE, "agent": PHONE}  # an audit actor's kind → channel
STARTED = "started_"  # + a channel: the procedure row's counter


def started_by(actor: Mapping[str, Any] | None) -> str | None:
    """The channel an application was started by, from its ``application.created`` actor."""
    return STARTED_BY.get(str((actor or {}).get("kind")))


def count_status_query(channel: str, at: datetime | None = None) -> bool:
    """Count one status query answered on ``channel`` (``sms`` or ``phone``) in its (Mexico
    City) month; False if it was not counted (logged: the answer goes out all the same)."""
    if channel not in QUERY_CHANNELS:
        raise ValueError(f"status queries are counted for {', '.join(QUERY_CHANNELS)}, not {channel!r}")
    month = figures.month_of(iso(at or utcnow()))
    try:
        StatisticsStore().count_query(STATUS, month, channel, random.randrange(keys.STATS_SHARDS))
    except StoreFailure:
        logger.exception("status query not counted in the statistics", extra={"channel": channel})
        observability.emit("StatsProjectionFailed")
        return False
    return True


def report(items: Iterable[Mapping[str, Any]], months: list[str]) -> dict[str, Any]:
    """The channels' figures of ``months`` from the statistics rows (summed over shards):
    per month and for the window, applications started and status queries by channel."""
    started = {month: Counter[str]() for month in months}
    queries = {month: Counter[str]() for month in months}
    for item in items:
        month = str(item.get("month"))
        if month not in started:
            continue
        if item.get("scope") == PROCEDURE:
            started[month].update({name: int(item.get(f"{STARTED}{name}", 0)) for name in APPLICATION_CHANNELS})
            started[month]["all"] += int(item.get("started", 0))
        elif item.get("scope") == QUERIES and item.get("code") == STATUS:
            queries[month].update({name: int(item.get(name, 0)) for name in QUERY_CHANNELS})
    return {
        "applications": _table([started[month] for month in months], months, APPLICATION_CHANNELS, "all"),
        "status_queries": _table([queries[month] for month in months], months, QUERY_CHANNELS, None),
    }


def _table(
    raw: Sequence[Counter[str]], months: list[str], channels: Sequence[str], whole: str | None
) -> dict[str, Any]:
    """Rows per month and a ``total`` row, each channel's count published or withheld.
    ``whole``: the counter the channels of a month add up to, if it is published elsewhere
    (the applications started, in the procedures' figures)."""
    total: Counter[str] = sum(raw, Counter())
    rows = [*raw, total]
    shown: list[dict[str, int | None]] = [{name: figures.count(row[name]) for name in channels} for row in rows]
    parents = [figures.count(row[whole]) if whole else None for row in rows]
    changed = True
    while changed:  # each protection may call for another: repeat until none does
        changed = False
        for index, row in enumerate(rows):
            # a month's channels add up to its applications started; the window's too
            cells = [shown[index][name] for name in channels]
            for extra in figures.complementary(parents[index], cells, [row[name] for name in channels]):
                shown[index][channels[extra]] = None
                changed = True
        for name in channels:
            # a channel's months add up to its window total
            cells = [shown[index][name] for index in range(len(raw))]
            for extra in figures.complementary(shown[-1][name], cells, [row[name] for row in raw]):
                shown[extra][name] = None
                changed = True
    return {
        "months": [_row(month, cells) for month, cells in zip(months, shown[:-1], strict=True)],
        "totals": _row("total", shown[-1]),
    }


def _row(month: str, cells: Mapping[str, int | None]) -> dict[str, Any]:
    return {"month": month, **cells, "suppressed": sorted(name for name, value in cells.items() if value is None)}
