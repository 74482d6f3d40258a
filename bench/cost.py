"""Cost per application on AWS list prices, from what the run counted.

Prices: us-east-1 on-demand list prices as known when this file was written (2026-11),
not re-checked online from the benchmark machine (it reaches package registries only):
the issue's figures, except DynamoDB on demand, which AWS halved on 1 November 2024,
and KMS, whose asymmetric-key requests cost more than symmetric ones.  The SMS price
to Mexico is an assumption (it varies by carrier and changes often).  Prices change:
every figure is printed beside the unit price it used.  Free tiers are ignored.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

PRICES_AS_OF = "us-east-1 list prices as of 2026-11, not re-checked online; they change"
PRICE = {
    "transition": 0.025 / 1_000,  # Step Functions Standard, per state transition
    "express_request": 1.00 / 1_000_000,  # Step Functions Express, per execution
    "express_gb_second": 0.00001667,  # Express duration (first 1,000 GB-hours), 64 MB steps, 100 ms steps
    "lambda_request": 0.20 / 1_000_000,
    "lambda_gb_second": 0.0000166667,  # x86
    "api_request": 3.50 / 1_000_000,  # API Gateway REST API (Chalice's default), first 333 M
    "write_unit": 0.625 / 1_000_000,  # DynamoDB on demand (was 1.25 before 2024-11-01)
    "read_unit": 0.125 / 1_000_000,  # DynamoDB on demand (was 0.25 before 2024-11-01)
    "s3_put": 0.005 / 1_000,
    "s3_get": 0.0004 / 1_000,  # GET and HEAD
    "kms_request": 0.15 / 10_000,  # asymmetric (ECC P-256) Sign/Verify; symmetric is 0.03 / 10,000
    "sms_segment": 0.0200,  # assumed: one outbound SMS segment to a Mexican mobile, carrier fees included
    # the telephone status line (docs/telephone.md): Amazon Connect's voice minute (Polly included),
    # and, assumed until checked against the Mexico row of Connect's telephony table, a Mexican DID
    "connect_voice_minute": 0.038,
    "did_inbound_minute": 0.0100,  # assumed: inbound minute to a Mexican DID
    "did_day": 0.10,  # assumed: a claimed Mexican DID, per day
}
# A status call as the local interpreter plays it (menu, one application, goodbye: ~80 words
# at Polly's ~2.5 words a second, plus pressing 1) is ~35 s; a minute leaves room for a
# caller who listens twice.  The DID's day is shared by the calls of that day.
STATUS_CALL_SECONDS = 60
STATUS_CALLS_PER_DAY = 1_000
LAMBDA_MEMORY_GB = 512 / 1024  # .chalice/config.json: lambda_memory_size
GSM_BASIC = set(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM_EXTENDED = set("^{}\\[~]|€\f")


def sms_segments(text: str) -> int:
    """Segments an SMS takes: GSM-7 (160, or 153 per part) unless a character needs
    UCS-2 (70, or 67 per part) — Spanish á, í, ó, ú do."""
    if all(char in GSM_BASIC or char in GSM_EXTENDED for char in text):
        length = sum(2 if char in GSM_EXTENDED else 1 for char in text)
        return 1 if length <= 160 else math.ceil(length / 153)
    length = sum(2 if ord(char) > 0xFFFF else 1 for char in text)
    return 1 if length <= 70 else math.ceil(length / 67)


@dataclass
class Usage:
    """What one application used, as counted in the run."""

    transitions: int = 0
    lambda_requests: int = 0
    lambda_ms: list[float] = field(default_factory=list)
    api_requests: int = 0
    read_units: float = 0.0
    write_units: float = 0.0
    s3_puts: int = 0
    s3_gets: int = 0
    kms_requests: int = 0
    sms: list[str] = field(default_factory=list)

    @property
    def gb_seconds(self) -> float:
        return sum(math.ceil(ms) for ms in self.lambda_ms) / 1000 * LAMBDA_MEMORY_GB

    @property
    def sms_segments(self) -> int:
        return sum(sms_segments(text) for text in self.sms)


def lines(usage: Usage) -> list[tuple[str, str, float]]:
    """(item, quantity, US$) per priced item."""
    return [
        ("Step Functions Standard transitions", f"{usage.transitions}", usage.transitions * PRICE["transition"]),
        ("Lambda requests", f"{usage.lambda_requests}", usage.lambda_requests * PRICE["lambda_request"]),
        ("Lambda GB-seconds", f"{usage.gb_seconds:.3f}", usage.gb_seconds * PRICE["lambda_gb_second"]),
        ("API Gateway requests", f"{usage.api_requests}", usage.api_requests * PRICE["api_request"]),
        ("DynamoDB write request units", f"{usage.write_units:g}", usage.write_units * PRICE["write_unit"]),
        ("DynamoDB read request units", f"{usage.read_units:g}", usage.read_units * PRICE["read_unit"]),
        ("S3 PUT", f"{usage.s3_puts}", usage.s3_puts * PRICE["s3_put"]),
        ("S3 GET/HEAD", f"{usage.s3_gets}", usage.s3_gets * PRICE["s3_get"]),
        ("KMS requests (sign, verify)", f"{usage.kms_requests}", usage.kms_requests * PRICE["kms_request"]),
        (
            "SMS segments",
            f"{usage.sms_segments} ({len(usage.sms)} messages)",
            usage.sms_segments * PRICE["sms_segment"],
        ),
    ]


def status_call() -> float:
    """One call to the status line: Connect's voice and inbound minutes, the DID's share of its
    day (the two Lambda invocations and their few reads cost less than $0.00001)."""
    minutes = STATUS_CALL_SECONDS / 60
    return (
        minutes * (PRICE["connect_voice_minute"] + PRICE["did_inbound_minute"])
        + PRICE["did_day"] / STATUS_CALLS_PER_DAY
    )


def total(usage: Usage, with_sms: bool = False) -> float:
    return sum(price for item, _, price in lines(usage) if with_sms or not item.startswith("SMS"))


def express_equivalent(seconds: float, memory_mb: int = 64) -> float:
    """What one Express execution lasting ``seconds`` would cost (if Express could wait)."""
    billed = math.ceil(seconds * 10) / 10
    return PRICE["express_request"] + billed * (memory_mb / 1024) * PRICE["express_gb_second"]
