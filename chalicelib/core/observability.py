"""Observability declared once: a JSON logger that masks personal data, a tracer, and
the business metrics (CloudWatch EMF lines, which CloudWatch turns into metrics).

CURPs, RFCs, phone numbers and task tokens never reach a log line in clear: the
formatter masks them in the serialised record, whatever field they hide in.

Metrics go to the ``Ventanilla`` namespace with a ``stage`` dimension (set once by the
composition root) and, where it applies, a ``procedure`` dimension; the alarms and the
dashboard in ``infra/aws/stack/monitoring.py`` read exactly these names.
"""

from __future__ import annotations

import re
from typing import Any

from aws_lambda_powertools import Logger, Metrics, Tracer, single_metric
from aws_lambda_powertools.logging.formatter import LambdaPowertoolsFormatter
from aws_lambda_powertools.logging.types import PowertoolsLogRecord
from aws_lambda_powertools.metrics import MetricUnit

SERVICE = "ventanilla"
NAMESPACE = "Ventanilla"
_MASKS = (
    (re.compile(r"\b([A-Z][AEIOUX][A-Z]{2})\d{6}[HMX][A-Z]{5}[0-9A-Z]\d\b", re.IGNORECASE), r"\1**************"),
    (re.compile(r"\b([A-ZÑ&]{3,4})\d{6}[A-Z\d]{2}[A\d]\b", re.IGNORECASE), r"\1*********"),
    # Mexican numbers as people type them: +52, an old 1 after it, spaces or dashes; area
    # codes never start with 0 or 1 and one separator is used throughout, so Unix
    # timestamps, dates and references are left alone
    (
        re.compile(
            r"(?<![\d+])(?:\+?52[\s-]?(?:1[\s-]?)?)?(?P<area>[2-9]\d)(?P<sep>[\s-]?)\d{2}(?P=sep)?\d{2}(?P=sep)?\d{2}(?P=sep)?(?P<last>\d{2})(?!\d)"
        ),
        r"+52\g<area>******\g<last>",
    ),
    (
        re.compile(
            r"(?<![\d+])(?:\+?52[\s-]?)?(?P<area>[2-9]\d)\d(?P<sep>[\s-])\d{3}(?P=sep)\d{2}(?P<last>\d{2})(?!\d)"
        ),
        r"+52\g<area>******\g<last>",
    ),
    (
        re.compile(
            r"(\"(?:name|holder_name|full_name|nombre|given_name|family_name)\"\s*:\s*\")([^\"\\])[^\"]*", re.IGNORECASE
        ),
        r"\1\2***",
    ),
    (
        re.compile(r"(\"(?:task_?token|token|corrections_token|authorization)\"\s*:\s*\")[^\"]+", re.IGNORECASE),
        r"\1***",
    ),
)


def mask(text: str) -> str:
    for pattern, replacement in _MASKS:
        text = pattern.sub(replacement, text)
    return text


class MaskingFormatter(LambdaPowertoolsFormatter):
    def serialize(self, log: dict[str, Any] | PowertoolsLogRecord) -> str:
        return mask(super().serialize(log))


logger = Logger(service=SERVICE, logger_formatter=MaskingFormatter())
metrics = Metrics(namespace=NAMESPACE, service=SERVICE)
# Active on Lambda only (Powertools disables it elsewhere).  Only botocore is patched: the
# app's AWS calls are what a trace should show, and patching everything X-Ray knows would
# import requests, boto3 and s3transfer at cold start for nothing (~35 ms).
tracer = Tracer(service=SERVICE, patch_modules=("botocore",))

# Metric name per status an application reaches; the procedure is the dimension.
STATUS_METRICS = {
    "submitted": "ApplicationsSubmitted",
    "issued": "ApplicationsIssued",
    "deemed_approved": "DeemedApprovals",
    "rejected": "ApplicationsRejected",
    "error": "ApplicationsInError",
}
_dimensions = {"stage": "unknown"}
# Characters of the GSM 03.38 default alphabet (and its extension table, which costs two).
_GSM = set(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ "
    "!\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
_GSM_EXTENDED = set("^{}\\[~]|€")


def configure(stage: str) -> None:
    """Called once by the composition root: every metric carries the stage."""
    _dimensions["stage"] = stage


def emit(name: str, value: float = 1, unit: MetricUnit = MetricUnit.Count, **dimensions: str) -> None:
    """One metric, flushed now as an EMF line (each has its own dimensions)."""
    with single_metric(
        name=name, unit=unit, value=value, namespace=NAMESPACE, default_dimensions={**_dimensions, **dimensions}
    ):
        pass


def status_changed(procedure: str, from_status: str | None, to_status: str) -> None:
    """Hook of ``Transitions``: count the outcomes operators watch, per procedure."""
    name = STATUS_METRICS.get(to_status)
    if name == "ApplicationsSubmitted" and from_status != "draft":
        return  # a resubmission after corrections is not a new application
    if name:
        emit(name, procedure=procedure)


def review_decided(procedure: str, seconds: float) -> None:
    emit("ReviewTime", seconds, MetricUnit.Seconds, procedure=procedure)


def sms_segments(text: str) -> int:
    """How many SMS a carrier bills for ``text``: 160/153 GSM-7 characters, or 70/67 UCS-2."""
    if all(char in _GSM or char in _GSM_EXTENDED for char in text):
        length = len(text) + sum(char in _GSM_EXTENDED for char in text)
        return 1 if length <= 160 else -(-length // 153)
    units = len(text.encode("utf-16-le")) // 2
    return 1 if units <= 70 else -(-units // 67)


def sms_sent(text: str) -> None:
    emit("SmsSegmentsSent", sms_segments(text))


def sms_failed() -> None:
    emit("SmsFailed")
