"""Observability declared once: a JSON logger that masks personal data, and metrics.

CURPs, RFCs, phone numbers and task tokens never reach a log line in clear: the
formatter masks them in the serialised record, whatever field they hide in.
"""

from __future__ import annotations

import re
from typing import Any

from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.logging.formatter import LambdaPowertoolsFormatter

SERVICE = "ventanilla"
_MASKS = (
    (re.compile(r"\b([A-Z][AEIOUX][A-Z]{2})\d{6}[HMX][A-Z]{5}[0-9A-Z]\d\b", re.IGNORECASE), r"\1**************"),
    (re.compile(r"\b([A-ZÑ&]{3,4})\d{6}[A-Z\d]{2}[A\d]\b", re.IGNORECASE), r"\1*********"),
    (re.compile(r"\+?\b(?:52)?(\d{2})\d{6}(\d{2})\b"), r"+52\1******\2"),
    (re.compile(r"(\"(?:task_?token|token|corrections_token|authorization)\"\s*:\s*\")[^\"]+", re.IGNORECASE), r"\1***"),
)


def mask(text: str) -> str:
    for pattern, replacement in _MASKS:
        text = pattern.sub(replacement, text)
    return text


class MaskingFormatter(LambdaPowertoolsFormatter):
    def serialize(self, log: dict[str, Any]) -> str:
        return mask(super().serialize(log))


logger = Logger(service=SERVICE, logger_formatter=MaskingFormatter())
metrics = Metrics(namespace="Ventanilla", service=SERVICE)
