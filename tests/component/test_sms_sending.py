"""Sending an SMS is not idempotent: a publish that was sent is never sent again (an
unanswered one is a ``DeliveryFailed``, logged as not sent, rather than a retry that
texts the citizen twice or an exception after the change it announces was committed);
one that never left, for want of a connection, is tried again."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ConnectTimeoutError, ReadTimeoutError

from chalicelib.adapters.aws import SnsSms
from chalicelib.adapters.ports import DeliveryFailed
from chalicelib.wiring import container
from tests.support.inprocess import Aws


def test_an_sms_is_published_once_without_botocore_retries(aws: Aws) -> None:
    sms = SnsSms(container().settings)
    assert sms._sns.meta.config.retries["total_max_attempts"] == 1


def test_an_unanswered_publish_is_a_delivery_failure(aws: Aws, monkeypatch: pytest.MonkeyPatch) -> None:
    sms = SnsSms(container().settings)
    calls: list[Any] = []

    def slow(**kwargs: Any) -> None:
        calls.append(kwargs)
        raise ReadTimeoutError(endpoint_url="http://sns")

    monkeypatch.setattr(sms._sns, "publish", slow)
    with pytest.raises(DeliveryFailed):
        sms.send("+525512345678", "Ventanilla: prueba")
    assert len(calls) == 1


def test_a_publish_that_never_left_is_tried_again(aws: Aws, monkeypatch: pytest.MonkeyPatch) -> None:
    sms = SnsSms(container().settings)
    calls: list[Any] = []
    publish = sms._sns.publish

    def refused_once(**kwargs: Any) -> Any:
        calls.append(kwargs)
        if len(calls) == 1:
            raise ConnectTimeoutError(endpoint_url="http://sns")
        return publish(**kwargs)

    monkeypatch.setattr(sms._sns, "publish", refused_once)
    assert sms.send("+525512345678", "Ventanilla: prueba")
    assert len(calls) == 2
