"""Open data: the statistics of every procedure and agency, with small counts withheld.

One Query reads every statistics item of the months asked for (partition ``STATS``, sort
keys ``M#<month>#...``), one more the catalogue (names); nothing personal is stored in
those items, so nothing personal can leave: no CURP, name, phone or application id.

Published figures, per procedure and month and over the whole window:

- counts: ``started``, ``submitted``, ``issued``, ``rejected``, ``withdrawn``,
  ``deemed_approved`` (of the issued), ``deemed_denied`` (of the rejected), ``resolved``
  (issued + rejected), ``decisions``, ``out_of_order``, ``ratings``, ``low_ratings``,
  ``sms_sent``, ``sms_segments``, ``assisted`` (submitted by an assistant of a community
  centre);
- derived: ``resolution_days_median``, ``resolution_days_p90`` (business days, submission
  to issue or rejection), ``within_deadline_share``, ``corrections_share`` (of the
  resolved), ``out_of_order_share`` (of the decisions), ``rating_average``, and
  ``step_days`` (mean business days per step), ``assisted_share`` (of the submitted);
- ``centres``: per community centre that filed any, its code, the applications it
  submitted and their ``share`` of all the procedure's submitted (no assistant is named).

Per agency (its reviews, whatever the procedure): ``decisions``, ``out_of_order``,
``out_of_order_share``, ``reviews_on_time``, ``reviews_late``, ``within_deadline_share``,
and the ratings of the procedures it owns.

Suppression: a count from 1 to 4 is withheld (``null``; its name is listed in the row's
``suppressed``), and so is any figure derived from fewer than 5 applications (decisions,
ratings, messages); a zero is shown.  Where exactly one cell of a column is withheld and
the total it adds up to is shown, the smallest other cell is withheld too, so that no
withheld value can be recovered by subtraction (months within a procedure; procedures
within an agency's ratings).  The centres' cells add up twice (to the row's ``assisted``,
and over the months to the centre's total), and ``figures.protect_sums`` keeps both
sums from giving a withheld centre back; a withheld centre is named in ``suppressed`` as
``centres.<code>``.  A share of assisted filing is withheld whenever its count or its
base is: ``share × submitted`` would otherwise return the withheld count exactly.

By channel (``channels``, its own route): the applications started on the web, by SMS, by
phone and at community centres, and the status queries answered by SMS and by phone, per
month and over the window, withheld by the same rules.
"""

from __future__ import annotations

import csv
import io
import re
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any

from chalicelib.core.clock import iso, utcnow
from chalicelib.core.errors import ValidationFailed
from chalicelib.legal.calendar import legal_date
from chalicelib.procedures.catalogue import Catalogue
from chalicelib.stats import channels, figures
from chalicelib.stats.projector import ASSISTED_AT
from chalicelib.stats.requests import (
    DEFAULT_MONTHS,
    MAX_MONTHS,
    MONTH_ERROR,
    PROCEDURE_ERROR,
    StatisticsQuery,
    WindowQuery,
)
from chalicelib.store.statistics import AGENCY, PROCEDURE, StatisticsStore

# Checked whole again here: the query's patterns end in ``$``, which in Python also matches
# before a trailing newline, so "2026-01\n" passes them
_MONTH = re.compile(r"20[0-9]{2}-(0[1-9]|1[0-2])")
_CODE = re.compile(r"[a-z0-9][a-z0-9-]{0,63}")

PROCEDURE_COUNTS = (
    "started",
    "submitted",
    "issued",
    "rejected",
    "withdrawn",
    "deemed_approved",
    "deemed_denied",
    "resolved",
    "decisions",
    "out_of_order",
    "ratings",
    "low_ratings",
    "sms_sent",
    "sms_segments",
    "assisted",
)
PROCEDURE_DERIVED = (
    "resolution_days_median",
    "resolution_days_p90",
    "within_deadline_share",
    "corrections_share",
    "out_of_order_share",
    "rating_average",
    "assisted_share",
)
CENTRE_COLUMNS = ("procedure", "month", "centre", "submitted", "share")
CHANNEL_COLUMNS = ("figure", "month", "channel", "count")
AGENCY_COUNTS = (
    "decisions",
    "out_of_order",
    "reviews_on_time",
    "reviews_late",
    "ratings",
    "low_ratings",
    # appeals of its rejections, and how its supervisors resolved them
    "appeals_filed",
    "appeals_confirmed",
    "appeals_revoked",
    "appeals_new_review",
)
AGENCY_DERIVED = ("within_deadline_share", "out_of_order_share", "rating_average")
# Published name → counter in the items (where they differ).
STORED = {"low_ratings": "rating_low", "reviews_on_time": "on_time", "reviews_late": "late"}


class OpenData:
    def __init__(self, catalogue: Catalogue, statistics: StatisticsStore) -> None:
        self._catalogue = catalogue
        self._statistics = statistics

    def report(self, query: StatisticsQuery) -> dict[str, Any]:
        first, last = window(query)
        procedure = query.procedure or None
        if procedure is not None and not _CODE.fullmatch(procedure):
            raise ValidationFailed.field("procedure", PROCEDURE_ERROR["message"], code=PROCEDURE_ERROR["code"])
        items = self._statistics.rows(first, last)
        return build(items, catalogue_info(self._catalogue.latest()), first, last, procedure)

    def procedures_csv(self, query: StatisticsQuery) -> tuple[str, str]:
        report = self.report(query)
        return to_csv(procedure_lines(report)), f"ventanilla-tramites-{report['from']}_{report['to']}.csv"

    def agencies_csv(self, query: StatisticsQuery) -> tuple[str, str]:
        report = self.report(query)
        return to_csv(agency_lines(report)), f"ventanilla-dependencias-{report['from']}_{report['to']}.csv"

    def channels(self, query: WindowQuery) -> dict[str, Any]:
        """Applications started and status queries answered, by channel (one Query)."""
        first, last = window(query)
        months = figures.months_between(first, last)
        return {
            "from": first,
            "to": last,
            "months": months,
            "generated_at": iso(utcnow()),
            "threshold": figures.THRESHOLD,
            **channels.report(self._statistics.rows(first, last), months),
        }

    def channels_csv(self, query: WindowQuery) -> tuple[str, str]:
        report = self.channels(query)
        return (
            to_csv(channel_lines(report), CHANNEL_COLUMNS),
            f"ventanilla-canales-{report['from']}_{report['to']}.csv",
        )

    def centres_csv(self, query: StatisticsQuery) -> tuple[str, str]:
        report = self.report(query)
        return to_csv(centre_lines(report), CENTRE_COLUMNS), f"ventanilla-centros-{report['from']}_{report['to']}.csv"


def window(query: WindowQuery, today: str | None = None) -> tuple[str, str]:
    """``from``/``to`` months (``YYYY-MM``); by default the last 12 months to this one."""
    current = today or legal_date(utcnow()).strftime("%Y-%m")
    last = query.to or current
    for name, value in (("to", last), ("from", query.from_ or None)):
        if value is not None and not _MONTH.fullmatch(value):
            raise ValidationFailed.field(name, MONTH_ERROR["message"], code=MONTH_ERROR["code"])
    first = query.from_ or figures.shift_month(last, -(DEFAULT_MONTHS - 1))
    if first > last:
        raise ValidationFailed.field("from", "must not be after to", code="invalid_window")
    if len(figures.months_between(first, last)) > MAX_MONTHS:
        raise ValidationFailed.field("from", f"the window is at most {MAX_MONTHS} months", code="invalid_window")
    return first, last


def catalogue_info(versions: Iterable[Any]) -> dict[str, Any]:
    """Names of procedures, agencies and steps, from the latest published versions."""
    procedures: dict[str, Any] = {}
    agencies: dict[str, Any] = {}
    for version in versions:
        definition = version.definition
        procedures[version.code] = {
            "name": definition["name"],
            "agency": definition["agency"],
            "steps": _step_names(definition["steps"]),
        }
        agencies.update(definition.get("agencies", {}))
    return {"procedures": procedures, "agencies": agencies}


def _step_names(steps: Mapping[str, Any]) -> dict[str, Any]:
    names: dict[str, Any] = {}
    for step_id, step in steps.items():
        if step.get("type") in ("review", "payment"):
            names[step_id] = step.get("name") or {"es": step_id, "en": step_id}
        for branch in step.get("branches", []):
            names.update(_step_names(branch["steps"]))
    return names


# --- building the report (pure) -----------------------------------------------------------
def build(
    items: Iterable[Mapping[str, Any]], info: Mapping[str, Any], first: str, last: str, only: str | None = None
) -> dict[str, Any]:
    months = figures.months_between(first, last)
    by_procedure: dict[str, dict[str, Counter[str]]] = {code: {} for code in info["procedures"]}
    by_agency: dict[str, dict[str, Counter[str]]] = {}
    owners = {code: procedure["agency"] for code, procedure in info["procedures"].items()}
    for item in items:
        counters = Counter({name: value for name, value in item.items() if isinstance(value, int)})
        if item.get("scope") == PROCEDURE:
            by_procedure.setdefault(item["code"], {})[item["month"]] = counters
            owners.setdefault(item["code"], item.get("agency") or "")
        elif item.get("scope") == AGENCY:
            by_agency.setdefault(item["code"], {})[item["month"]] = counters
    for owner in set(owners.values()) - {""}:
        by_agency.setdefault(owner, {})
    procedures = {code: _procedure(code, by_procedure[code], months, info) for code in sorted(by_procedure)}
    agencies = []
    for code in sorted(by_agency):
        owned = [procedures[procedure] for procedure, owner in sorted(owners.items()) if owner == code]
        agency = _agency(code, by_agency[code], months, info, owned)
        # an agency's ratings add up its procedures' ratings: protect that sum too
        for name in ("ratings", "low_ratings"):
            extra = figures.complementary(
                agency["totals"][name],
                [procedure["totals"][name] for procedure in owned],
                [procedure["_raw_totals"][name] for procedure in owned],
            )
            for index in extra:
                owned[index]["totals"].withhold(name)
        agencies.append(agency)
    agencies.sort(
        key=lambda agency: (
            agency["totals"]["within_deadline_share"] is None,
            -(agency["totals"]["within_deadline_share"] or 0),
            agency["code"],
        )
    )
    return {
        "from": first,
        "to": last,
        "months": months,
        "generated_at": iso(utcnow()),
        "threshold": figures.THRESHOLD,
        "procedures": [_finish(procedure) for code, procedure in procedures.items() if only is None or code == only],
        "agencies": [_finish(agency) for agency in agencies],
    }


def _stored(counter: Mapping[str, int], name: str) -> int:
    return int(counter.get(STORED.get(name, name), 0))


class _Row(dict[str, Any]):
    """Published figures, and the names of those withheld (not those without data)."""

    def __init__(self, **fixed: Any) -> None:
        super().__init__(fixed)
        self.withheld: set[str] = set()

    def count(self, name: str, value: int) -> None:
        self[name] = figures.count(value)
        if self[name] is None:
            self.withheld.add(name)

    def derived(self, name: str, n: int, value: float | None) -> None:
        """A figure computed from ``n`` applications: none without any, withheld below the threshold."""
        self[name] = None if n == 0 else figures.from_enough(n, value)
        if 0 < n < figures.THRESHOLD:
            self.withheld.add(name)

    def withhold(self, name: str) -> None:
        self[name] = None
        self.withheld.add(name)


def procedure_figures(counter: Mapping[str, int], **fixed: Any) -> _Row:
    row = _Row(**fixed)
    for name in PROCEDURE_COUNTS:
        row.count(name, _stored(counter, name))
    histogram = figures.day_histogram(counter)
    timed = sum(histogram.values())
    resolved, decisions, ratings = (
        _stored(counter, "resolved"),
        _stored(counter, "decisions"),
        _stored(counter, "ratings"),
    )
    row.derived("resolution_days_median", timed, figures.median(histogram))
    row.derived("resolution_days_p90", timed, figures.percentile(histogram, 90))
    row.derived("within_deadline_share", resolved, figures.share(_stored(counter, "within_deadline"), resolved))
    row.derived("corrections_share", resolved, figures.share(_stored(counter, "corrections"), resolved))
    row.derived("out_of_order_share", decisions, figures.share(_stored(counter, "out_of_order"), decisions))
    row.derived("rating_average", ratings, figures.mean(_stored(counter, "rating_sum"), ratings))
    if row["sms_sent"] is None:
        row.withhold("sms_segments")  # the segments of fewer than 5 messages
    steps = sorted({name[len("step_n_") :] for name in counter if name.startswith("step_n_")})
    row["step_days"] = {}
    for step in steps:
        n = _stored(counter, f"step_n_{step}")
        row["step_days"][step] = figures.mean(_stored(counter, f"step_days_{step}"), n)
        if row["step_days"][step] is None:
            row.withheld.add(f"step_days.{step}")
    return row


def agency_figures(counter: Mapping[str, int], ratings: Mapping[str, int], **fixed: Any) -> _Row:
    row = _Row(**fixed)
    on_time, late, decisions = (
        _stored(counter, "reviews_on_time"),
        _stored(counter, "reviews_late"),
        _stored(counter, "decisions"),
    )
    for name in ("decisions", "out_of_order", "reviews_on_time", "reviews_late"):
        row.count(name, _stored(counter, name))
    for name in ("appeals_filed", "appeals_confirmed", "appeals_revoked", "appeals_new_review"):
        row.count(name, _stored(counter, name))
    row.count("ratings", ratings["ratings"])
    row.count("low_ratings", ratings["rating_low"])
    row.derived("within_deadline_share", on_time + late, figures.share(on_time, on_time + late))
    row.derived("out_of_order_share", decisions, figures.share(_stored(counter, "out_of_order"), decisions))
    row.derived("rating_average", ratings["ratings"], figures.mean(ratings["rating_sum"], ratings["ratings"]))
    return row


def _procedure(
    code: str, by_month: Mapping[str, Counter[str]], months: list[str], info: Mapping[str, Any]
) -> dict[str, Any]:
    raw = [by_month.get(month, Counter()) for month in months]
    total: Counter[str] = sum(raw, Counter())
    rows = [procedure_figures(counter, month=month) for month, counter in zip(months, raw, strict=True)]
    totals = procedure_figures(total)
    _protect(
        totals, rows, [{name: _stored(counter, name) for name in PROCEDURE_COUNTS} for counter in raw], PROCEDURE_COUNTS
    )
    _assistance([*rows, totals], [*raw, total])
    known = info["procedures"].get(code, {})
    step_names = known.get("steps", {})
    return {
        "code": code,
        "name": known.get("name", {"es": code, "en": code}),
        "agency": known.get("agency") or None,
        "steps": {step: step_names.get(step, {"es": step, "en": step}) for step in totals["step_days"]},
        "totals": totals,
        "months": rows,
        "_raw_months": [{name: int(counter.get(name, 0)) for name in RATING_COUNTERS} for counter in raw],
        "_raw_totals": {name: _stored(total, name) for name in PROCEDURE_COUNTS},
    }


RATING_COUNTERS = ("ratings", "rating_sum", "rating_low")


def _agency(
    code: str,
    by_month: Mapping[str, Counter[str]],
    months: list[str],
    info: Mapping[str, Any],
    owned: list[dict[str, Any]],
) -> dict[str, Any]:
    raw = [by_month.get(month, Counter()) for month in months]
    total: Counter[str] = sum(raw, Counter())
    # Ratings are kept per procedure: an agency's are those of the procedures it owns.
    month_ratings: list[Counter[str]] = [Counter() for _ in months]
    for procedure in owned:
        for index, counts in enumerate(procedure["_raw_months"]):
            month_ratings[index].update(counts)
    rows = [
        agency_figures(counter, ratings, month=month)
        for month, counter, ratings in zip(months, raw, month_ratings, strict=True)
    ]
    totals = agency_figures(total, sum(month_ratings, Counter()))
    raw_counts = [
        {name: _stored(counter, name) for name in AGENCY_COUNTS}
        | {"ratings": ratings["ratings"], "low_ratings": ratings["rating_low"]}
        for counter, ratings in zip(raw, month_ratings, strict=True)
    ]
    _protect(totals, rows, raw_counts, AGENCY_COUNTS)
    return {
        "code": code,
        "name": info["agencies"].get(code, {"es": code, "en": code}),
        "totals": totals,
        "months": rows,
    }


def _protect(totals: _Row, rows: list[_Row], raw: Sequence[Mapping[str, int]], names: Iterable[str]) -> None:
    """Withhold, column by column, what subtraction from the total would reveal."""
    for name in names:
        for index in figures.complementary(totals[name], [row[name] for row in rows], [counts[name] for counts in raw]):
            rows[index].withhold(name)


def _assistance(rows: list[_Row], raw: Sequence[Mapping[str, int]]) -> None:
    """Assisted filing in each row (the months, then the totals): ``assisted_share`` and
    ``centres``, suppressed so that no withheld centre (nor ``assisted``) comes back from
    the sums the table holds: each row's centres add up to its ``assisted``, and each
    centre's months (and the ``assisted`` months) to its total."""
    last = len(rows) - 1  # the totals row
    codes = sorted(
        name[len(ASSISTED_AT) :] for name, value in raw[last].items() if name.startswith(ASSISTED_AT) and value
    )
    cells: dict[tuple[int, str | None], int] = {}
    for index, counter in enumerate(raw):
        cells[(index, None)] = _stored(counter, "assisted")
        cells.update({(index, code): int(counter.get(f"{ASSISTED_AT}{code}", 0)) for code in codes})
    withheld = {cell for cell, value in cells.items() if figures.count(value) is None} | {
        (index, None) for index, row in enumerate(rows) if row["assisted"] is None
    }
    Cell = tuple[int, str | None]
    sums: list[tuple[Cell, list[Cell]]] = [
        ((index, None), [(index, code) for code in codes]) for index in range(len(rows))
    ]
    sums += [((last, column), [(index, column) for index in range(last)]) for column in (None, *codes)]
    hidden = figures.protect_sums(cells, withheld, sums)
    for index, row in enumerate(rows):
        if (index, None) in hidden and row["assisted"] is not None:
            row.withhold("assisted")
        submitted = row["submitted"]
        row["assisted_share"] = _share_of(row["assisted"], submitted)
        if row["assisted_share"] is None and _stored(raw[index], "submitted"):
            row.withheld.add("assisted_share")
        row["centres"] = []
        for code in codes:
            if not cells[(index, code)]:
                continue
            count = None if (index, code) in hidden else cells[(index, code)]
            row["centres"].append({"centre": code, "submitted": count, "share": _share_of(count, submitted)})
            if count is None:
                row.withheld.add(f"centres.{code}")
            elif row["centres"][-1]["share"] is None:
                row.withheld.add(f"centres.{code}.share")


def _share_of(part: int | None, whole: int | None) -> float | None:
    """A share of two published counts; withheld with either."""
    return None if part is None or whole is None else figures.share(part, whole)


def _finish(entry: dict[str, Any]) -> dict[str, Any]:
    """Drop the working figures and list the withheld ones of each row in ``suppressed``."""
    done = {name: value for name, value in entry.items() if not name.startswith("_")}
    done["totals"] = _mark(entry["totals"])
    done["months"] = [_mark(row) for row in entry["months"]]
    return done


def _mark(row: _Row) -> dict[str, Any]:
    return {**row, "suppressed": sorted(row.withheld)}


# --- CSV ------------------------------------------------------------------------------------
def _rows(entries: Iterable[Mapping[str, Any]]) -> Iterator[tuple[Mapping[str, Any], Mapping[str, Any]]]:
    """Each entry (procedure or agency) with each of its rows: its months, then its totals
    as the month ``total``."""
    for entry in entries:
        for row in [*entry["months"], {**entry["totals"], "month": "total"}]:
            yield entry, row


def procedure_lines(report: Mapping[str, Any]) -> list[dict[str, Any]]:
    lines = []
    for procedure, row in _rows(report["procedures"]):
        line = {"procedure": procedure["code"], "agency": procedure["agency"] or "", "month": row["month"]}
        line.update({name: row[name] for name in (*PROCEDURE_COUNTS, *PROCEDURE_DERIVED)})
        line["step_days"] = "; ".join(
            f"{step}={'' if value is None else value}" for step, value in sorted(row["step_days"].items())
        )
        line["suppressed"] = " ".join(row["suppressed"])
        lines.append(line)
    return lines


def agency_lines(report: Mapping[str, Any]) -> list[dict[str, Any]]:
    return [
        {
            "agency": agency["code"],
            "month": row["month"],
            **{name: row[name] for name in (*AGENCY_COUNTS, *AGENCY_DERIVED)},
            "suppressed": " ".join(row["suppressed"]),
        }
        for agency, row in _rows(report["agencies"])
    ]


def centre_lines(report: Mapping[str, Any]) -> list[dict[str, Any]]:
    return [
        {"procedure": procedure["code"], "month": row["month"], **centre}
        for procedure, row in _rows(report["procedures"])
        for centre in row["centres"]
    ]


def channel_lines(report: Mapping[str, Any]) -> list[dict[str, Any]]:
    """One line per figure (``applications``, ``status_queries``), month (``total`` for the
    window) and channel; a withheld count is an empty cell."""
    lines = []
    for figure, names in (("applications", channels.APPLICATION_CHANNELS), ("status_queries", channels.QUERY_CHANNELS)):
        for row in [*report[figure]["months"], report[figure]["totals"]]:
            lines += [{"figure": figure, "month": row["month"], "channel": name, "count": row[name]} for name in names]
    return lines


def to_csv(lines: list[dict[str, Any]], columns: Iterable[str] | None = None) -> str:
    """RFC 4180 CSV, a header line first; a withheld figure is an empty cell.  Without
    lines, the header alone when the columns are known, else nothing."""
    fields = list(columns) if columns is not None else list(lines[0]) if lines else []
    if not fields:
        return ""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=fields, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows({name: "" if value is None else value for name, value in line.items()} for line in lines)
    return out.getvalue()
