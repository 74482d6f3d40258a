"""Amazon Connect's side of the status line: the event it sends a Lambda function, the flat
map of strings it accepts back, and the deadline that answers before Connect gives up.

Connect invokes a function with ``{"Name": "ContactFlowEvent", "Details": {"ContactData":
{"CustomerEndpoint": {"Address": "+52…"}, "Attributes": {…}, …}, "Parameters": {…}}}`` and
waits at most 8 seconds; it takes back only a flat map of strings (``$.External.<key>`` in the
flow).  A slow or failing store must not leave a caller in silence or drop them into the
flow's error branch, so every answer is worked out within ``ANSWER_WITHIN_SECONDS`` and
replaced by a polite fallback otherwise.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as Late
from functools import cache
from typing import Any

from aws_lambda_powertools import Logger

from chalicelib.core.errors import Conflict, NotFound, TransientFailure, ValidationFailed
from chalicelib.notifications.phones import any_e164
from chalicelib.store.errors import StoreFailure
from chalicelib.voice import speech

logger = Logger(child=True)

# Connect waits 8 s for a function; 3 s leaves room for a cold start and for Connect's own hops
ANSWER_WITHIN_SECONDS = 3.0
# what a store or a dependency raises when it is down or slow (or a request met another one
# mid-write): answered with the fallback
_UNAVAILABLE = (StoreFailure, TransientFailure, NotFound, Conflict, OSError)

Answer = dict[str, str]


def contact(event: Mapping[str, Any]) -> Mapping[str, Any]:
    details = event.get("Details")
    data = details.get("ContactData") if isinstance(details, Mapping) else None
    return data if isinstance(data, Mapping) else {}


def parameters(event: Mapping[str, Any]) -> Mapping[str, Any]:
    details = event.get("Details")
    found = details.get("Parameters") if isinstance(details, Mapping) else None
    return found if isinstance(found, Mapping) else {}


def caller(event: Mapping[str, Any]) -> str | None:
    """The calling number in E.164, or None (withheld, anonymous, not a phone)."""
    endpoint = contact(event).get("CustomerEndpoint")
    address = endpoint.get("Address") if isinstance(endpoint, Mapping) else None
    try:
        return any_e164(address, field="caller")
    except ValidationFailed:
        return None


def language(event: Mapping[str, Any]) -> str:
    """The language the caller chose (the flow's ``language`` attribute, or a parameter)."""
    attributes = contact(event).get("Attributes")
    chosen = parameters(event).get("language") or (
        attributes.get("language") if isinstance(attributes, Mapping) else None
    )
    return speech.language_of(chosen)


def flat(answer: Mapping[str, object]) -> Answer:
    """What Connect accepts back: one level of string values."""
    return {str(key): "" if value is None else str(value) for key, value in answer.items()}


@cache
def _workers() -> ThreadPoolExecutor:
    return ThreadPoolExecutor(max_workers=4, thread_name_prefix="voice")


def within_deadline(work: Callable[[], Answer], lang: str, seconds: float = ANSWER_WITHIN_SECONDS) -> Answer:
    """``work``'s answer if it comes within ``seconds``, else the polite fallback (the work
    is abandoned, not cancelled: a read finishes or fails on its own)."""
    pending = _workers().submit(work)
    try:
        return flat(pending.result(timeout=seconds))
    except Late:
        logger.warning("status line: no answer within the deadline; the fallback was said")
    except _UNAVAILABLE as error:
        logger.warning("status line: a dependency failed; the fallback was said", extra={"error": type(error).__name__})
    return flat({"result": "fallback", "say": speech.said("fallback", lang)})
