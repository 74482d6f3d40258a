"""Logs never carry a CURP, an RFC, a phone number or a task token in clear."""

from __future__ import annotations

import io
import json
import logging

import pytest

from chalicelib.core.observability import MaskingFormatter, logger, mask

CURP = "HEGG560427MVZRRL04"
PHONE = "5512345678"
TOKEN = "AQCEAAAAKgAAAAMAAAAAAAAAAcz3ZEQk9TsGbcR8GpLyqBJ7uoqKCn5kVI2F=="


@pytest.mark.parametrize(
    "text",
    [
        f"citizen {CURP} signed in",
        f"pk=CITIZEN#{CURP}",
        f'{{"curp":"{CURP}"}}',
        f"lowercase {CURP.lower()} too",
    ],
)
def test_mask_hides_curps_but_keeps_the_initials_for_support(text: str) -> None:
    masked = mask(text)
    assert CURP not in masked.upper()
    assert "560427" not in masked
    assert "HEGG" in masked.upper()


@pytest.mark.parametrize("rfc", ["GODE561231GR8", "SAT970701NN3"])
def test_mask_hides_rfcs(rfc: str) -> None:
    masked = mask(f'{{"rfc":"{rfc}"}}')
    assert rfc not in masked
    assert rfc[4:10] not in masked


@pytest.mark.parametrize("phone", [f"+52{PHONE}", PHONE, f"52{PHONE}"])
def test_mask_hides_mexican_phone_numbers_with_and_without_the_country_code(phone: str) -> None:
    masked = mask(f'{{"phone":"{phone}","message":"SMS to {phone} sent"}}')
    assert PHONE not in masked
    assert "123456" not in masked
    assert masked.count("+5255******78") == 2


@pytest.mark.parametrize(
    "key",
    [
        "token",
        "task_token",
        "tasktoken",
        "taskToken",
        "TaskToken",
        "corrections_token",
        "authorization",
        "Authorization",
    ],
)
def test_mask_hides_tokens_in_json(key: str) -> None:
    masked = mask(json.dumps({"application_id": "01JAPPLICATION", key: TOKEN}))
    assert TOKEN not in masked
    assert json.loads(masked) == {"application_id": "01JAPPLICATION", key: "***"}


def test_mask_leaves_ordinary_text_alone() -> None:
    text = '{"application_id":"01JAPPLICATION","status":"in_review","fee":"1016.00","reference":"26013040721593866123"}'
    assert mask(text) == text


def test_a_log_line_carries_no_curp_phone_or_token_in_clear() -> None:
    # The lines are caught through the logger's own formatter on a handler of this test's:
    # the registered handler's stream and the logger's level depend on what imported the app
    # first (Chalice configures its own logger of the same name, at ERROR, when that handler's
    # stream is not the sys.stdout of the moment, as under pytest's capture).
    formatter = logger.registered_formatter
    assert isinstance(formatter, MaskingFormatter)
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(formatter)
    underlying = logging.getLogger(logger.name)
    level = underlying.level
    underlying.addHandler(handler)
    underlying.setLevel(logging.INFO)
    try:
        logger.info(
            f"application of {CURP} moved to in_review",
            extra={"curp": CURP.lower(), "phone": f"+52{PHONE}", "event": {"token": TOKEN, "to": PHONE}},
        )
        try:
            raise ValueError(f"no profile for {CURP}")
        except ValueError:
            logger.exception("lookup failed")
    finally:
        underlying.removeHandler(handler)
        underlying.setLevel(level)

    lines = stream.getvalue().splitlines()
    assert len(lines) == 2
    records = [json.loads(line) for line in lines]
    assert records[0]["message"] == "application of HEGG************** moved to in_review"
    assert records[0]["event"]["token"] == "***"
    assert records[1]["level"] == "ERROR"
    for line in lines:
        assert CURP not in line.upper()
        assert PHONE not in line
        assert TOKEN not in line


@pytest.mark.parametrize(
    "typed", ["55 1234 5678", "55-1234-5678", "+52 55 1234 5678", "442 123 4567", "442-123-4567", "+52 442 123 4567"]
)
def test_phone_numbers_as_people_type_them_are_masked(typed: str) -> None:
    masked = mask(f"llamar al {typed} hoy")
    assert "1234" not in masked and "123 4" not in masked and "123-4" not in masked, masked


@pytest.mark.parametrize(
    "harmless",
    ["2026-11-28 05:59:59,123+0000", "2026-11-28T05:59:59.000Z", "1795831893", "26112812345678901234", "1016.00"],
)
def test_dates_timestamps_references_and_amounts_are_left_alone(harmless: str) -> None:
    assert mask(harmless) == harmless


def test_names_are_masked_by_key() -> None:
    assert (
        mask('{"name": "Carla Gómez", "holder_name": "Ana Ruiz", "procedure": "licencia"}')
        == '{"name": "C***", "holder_name": "A***", "procedure": "licencia"}'
    )
