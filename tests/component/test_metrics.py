"""The metric lines (CloudWatch Embedded Metric Format) the app prints when things happen
are the ones the alarms and the dashboard of ``infra/aws/stack/monitoring.py`` watch:
same namespace, metric name, dimension names and values.  Both sides are read, not
copied: the alarms from the template builder, the lines from stdout as Lambda would
ship them to CloudWatch, so a renamed metric or an added dimension fails here.

And the deadline watch counts, per agency, the open reviews overdue or due by the end of
the next business day, in the officials' and the supervisors' queues, and says so in the
alarm's metric."""

from __future__ import annotations

import json
import random
import re
import string
from datetime import timedelta
from typing import Any

import pytest

from chalicelib.adapters.aws import SnsSms
from chalicelib.adapters.ports import DeliveryFailed
from chalicelib.core import observability
from chalicelib.core.clock import iso, utcnow
from chalicelib.reviews.service import supervisors_queue
from chalicelib.wiring import container
from infra.aws.stack import monitoring
from tests.support.flows import decide, licence_without_payment, submitted_licence
from tests.support.inprocess import Aws

SUFFIX = "".join(random.choices(string.ascii_uppercase, k=5))
AGENCY = f"PLZ{SUFFIX}"
CODE = f"plazos-{SUFFIX.lower()}"

Watched = tuple[str, str, dict[str, str]]  # namespace, metric, dimensions (name: value)


def lines(out: str) -> list[dict[str, Any]]:
    """The EMF lines among what was printed."""
    found = []
    for line in out.splitlines():
        if line.startswith('{"_aws"'):
            found.append(json.loads(line))
    return found


def metrics_of(line: dict[str, Any]) -> list[tuple[Watched, float, str]]:
    """What CloudWatch makes of one EMF line: per metric, its (namespace, name,
    dimensions), value and unit."""
    out = []
    for directive in line["_aws"]["CloudWatchMetrics"]:
        for names in directive["Dimensions"]:
            dimensions = {name: line[name] for name in names}
            for metric in directive["Metrics"]:
                values = line[metric["Name"]]
                for value in values if isinstance(values, list) else [values]:
                    out.append(((directive["Namespace"], metric["Name"], dimensions), value, metric.get("Unit", "")))
    return out


def emitted(out: str, name: str) -> list[tuple[Watched, float, str]]:
    return [metric for line in lines(out) for metric in metrics_of(line) if metric[0][1] == name]


def stage() -> str:
    return container().settings.stage


def alarms() -> dict[str, Watched]:
    """The alarms on the app's own metrics, as the template builder describes them."""
    found = {}
    for resource in monitoring.resources(stage()).values():
        properties = resource["Properties"]
        if resource["Type"] == "AWS::CloudWatch::Alarm" and properties["Namespace"] == observability.NAMESPACE:
            dimensions = {item["Name"]: item["Value"] for item in properties["Dimensions"]}
            found[properties["AlarmName"]] = (properties["Namespace"], properties["MetricName"], dimensions)
    return found


def dashboard_dimensions() -> dict[str, set[str]]:
    """Per metric of the app's namespace, the dimension names the dashboard's graphs ask for."""
    found: dict[str, set[str]] = {}
    for widget in monitoring.dashboard(stage())["widgets"]:
        for row in widget["properties"]["metrics"]:
            expression = row[0].get("expression") if isinstance(row[0], dict) else None
            if expression:
                schema, metric = re.search(r"\{([^}]*)\} MetricName=\"([^\"]+)\"", expression).groups()  # type: ignore[union-attr]
                namespace, *names = schema.split(",")
                if namespace == observability.NAMESPACE:
                    found[metric] = set(names)
            elif row[0] == observability.NAMESPACE:
                found[row[1]] = set(row[2::2])
    return found


def publish(aws: Aws) -> None:
    definition = licence_without_payment(
        CODE,
        AGENCY,
        {"es": f"Trámite de plazos {SUFFIX}", "en": f"Deadline procedure {SUFFIX}"},
        {"es": f"Dependencia {SUFFIX}", "en": f"Agency {SUFFIX}"},
    )
    published = aws.user(groups=("admin",)).put(f"/procedures/{CODE}", definition)
    assert published.status_code in (200, 201), published.body


def open_review(queue: str, deadline: str, number: int) -> None:
    """An open review of the agency in ``queue`` with ``deadline`` (one the agency's
    supervisors decide, as an appeal is, needs no workflow waiting on it)."""
    review_id = f"plazo-{SUFFIX.lower()}-{number}"
    container().store.reviews.new_appeal(
        review_id,
        queue,
        application_id=f"APP{SUFFIX}{number}",
        procedure_code=CODE,
        step="revision",
        agency=AGENCY,
        opened_at=iso(utcnow() - timedelta(days=10)),
        deadline=deadline,
    ).save()


# --- the alarms' metrics ------------------------------------------------------------------


def test_the_alarms_watch_what_the_app_emits_when_an_sms_fails_and_when_reviews_near_their_deadline(
    aws: Aws, capsys: pytest.CaptureFixture[str]
) -> None:
    sms = SnsSms(container().settings)
    capsys.readouterr()
    with pytest.raises(DeliveryFailed):
        sms.send("not-a-phone", "Ventanilla: prueba")  # SNS refuses it
    container().deadline_watch.report()
    out = capsys.readouterr().out
    watched = alarms()
    assert {metric for _, metric, _ in watched.values()} == {"SmsFailed", "ReviewsNearDeadline"}, (
        "an alarm on a new metric of the app: make the event happen here and check its line"
    )
    for alarm, expected in watched.items():
        seen = [found for found, _, _ in emitted(out, expected[1])]
        assert expected in seen, (alarm, expected, seen)


def test_an_sms_sent_counts_its_segments_as_the_dashboard_graphs_them(
    aws: Aws, capsys: pytest.CaptureFixture[str]
) -> None:
    capsys.readouterr()
    SnsSms(container().settings).send(
        "+525512345678", "Ventanilla: su tramite avanzo. " * 6
    )  # 186 GSM-7 characters: two segments
    [(watched, value, unit)] = emitted(capsys.readouterr().out, "SmsSegmentsSent")
    assert watched == (observability.NAMESPACE, "SmsSegmentsSent", {"stage": stage()})
    assert (value, unit) == (2, "Count")
    assert set(watched[2]) == dashboard_dimensions()["SmsSegmentsSent"]


def test_a_submission_and_a_decision_emit_what_the_dashboard_graphs_per_procedure(
    aws: Aws, capsys: pytest.CaptureFixture[str]
) -> None:
    citizen, official = aws.user(), aws.official("oficial.metricas")
    capsys.readouterr()
    application_id = submitted_licence(citizen)
    submitted = emitted(capsys.readouterr().out, "ApplicationsSubmitted")
    assert (
        (observability.NAMESPACE, "ApplicationsSubmitted", {"stage": stage(), "procedure": "licencia-conducir"}),
        1,
        "Count",
    ) in submitted
    reply = decide(official, application_id, "approve")
    assert reply.status_code == 200, reply.body
    [(watched, seconds, unit)] = emitted(capsys.readouterr().out, "ReviewTime")
    assert watched == (observability.NAMESPACE, "ReviewTime", {"stage": stage(), "procedure": "licencia-conducir"})
    assert unit == "Seconds" and seconds >= 0
    graphed = dashboard_dimensions()
    assert set(watched[2]) == graphed["ReviewTime"] == graphed["ApplicationsSubmitted"]


# --- the deadline watch -------------------------------------------------------------------


def test_the_deadline_watch_counts_reviews_overdue_or_due_by_the_next_business_day_per_agency(
    aws: Aws, capsys: pytest.CaptureFixture[str]
) -> None:
    publish(aws)
    now = utcnow()
    open_review(AGENCY, iso(now - timedelta(days=2)), 1)  # overdue
    open_review(AGENCY, iso(now + timedelta(hours=1)), 2)  # due soon
    open_review(supervisors_queue(AGENCY), iso(now - timedelta(hours=3)), 3)  # escalated, overdue
    open_review(AGENCY, iso(now + timedelta(days=30)), 4)  # fine
    open_review(supervisors_queue(AGENCY), iso(now + timedelta(days=30)), 5)  # fine
    watch = container().deadline_watch
    capsys.readouterr()
    counts = watch.report(now)
    assert counts[AGENCY] == 3
    assert watch.near_deadline(now + timedelta(days=60))[AGENCY] == 5  # all of them, two months on
    out = capsys.readouterr().out
    per_agency = {
        found[2]["agency"]: value for found, value, _ in emitted(out, "ReviewsNearDeadline") if "agency" in found[2]
    }
    assert per_agency == counts  # one line per agency, each with its count
    [total] = [(found, value) for found, value, _ in emitted(out, "ReviewsNearDeadline") if "agency" not in found[2]]
    assert total == ((observability.NAMESPACE, "ReviewsNearDeadline", {"stage": stage()}), sum(counts.values()))
    assert total[0] in alarms().values()  # the alarm's metric is the total
