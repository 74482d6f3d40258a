"""What the SMS routes take: a phone to subscribe, the code that confirms it, and the
operators' filter of the delivery log.

Parsed once at the edge (``chalicelib/api/routes.py``): a field missing or of the wrong
type is refused there with the code and message it declares, the ones the domain gave
before the types existed.  What a type cannot say — whether a phone is a number this
deployment texts, whether a code is the one sent — the domain still checks.
"""

from __future__ import annotations

from typing import Annotated

from msgspec import Meta

from chalicelib.core.fields import UNSET, Language, Struct, UnsetType
from chalicelib.notifications import phones, templates
from chalicelib.notifications.codes import Code

LANGUAGE_CHOICES = f"must be one of {', '.join(templates.LANGUAGES)}"
# No phone anyone types is longer; documented only, since the domain reads any text (and
# says what is wrong with it in its own words)
AT_MOST_40 = {"maxLength": 40}


class CreateSubscription(Struct, kw_only=True):
    application_id: Annotated[
        str,
        Meta(
            min_length=1,
            description="One of the citizen's applications.",
            extra={
                "code": "validation_failed",
                "message": "is required: the application whose messages the phone gets",
            },
        ),
    ]
    phone: Annotated[
        str,
        Meta(
            description=(
                "As people type it: `55 1234 5678`, `+52 55-1234-5678`, `044 55 1234 5678`, `01 55 1234 5678`; "
                "normalised to E.164 (+52 and 10 digits). Other countries only where the deployment allows them "
                "(`SMS_ALLOWED_COUNTRIES`), with their + prefix."
            ),
            extra_json_schema=AT_MOST_40,
            extra={"code": "invalid_phone", "message": phones.REQUIRED},
        ),
    ]
    language: Annotated[
        Language | UnsetType,
        Meta(
            description="Language of the messages to this phone; the citizen's by default.",
            extra={"code": "invalid_language", "message": LANGUAGE_CHOICES},
        ),
    ] = UNSET


class ConfirmSubscription(Struct, kw_only=True):
    code: Annotated[
        Code,
        Meta(
            description="The six digits sent to the phone.",
            extra={"code": "invalid_code", "message": "is required: the six digits sent to the phone"},
        ),
    ]


# Operators look a delivery log up by phone (which wins when both are given) or by
# application; the route's query type (which also pages) is the API's.
PhoneFilter = Annotated[
    str | UnsetType,
    Meta(description="A phone, in any form `POST /subscriptions` accepts.", extra_json_schema=AT_MOST_40),
]
ApplicationFilter = Annotated[str | UnsetType, Meta(description="An application id.", extra_json_schema=AT_MOST_40)]


class SmsEventsChoice(Struct, kw_only=True):
    events: Annotated[
        list[str],
        Meta(
            max_length=len(templates.ON_REQUEST),
            description=(
                "The events to be texted about besides the default ones, each of "
                + ", ".join(sorted(templates.ON_REQUEST))
                + "; an empty list: the default ones only."
            ),
            extra={"code": "invalid_sms_events", "message": "must be a list of events"},
        ),
    ]


class SmsEvents(Struct, kw_only=True):
    """What an application's subscribers are texted about."""

    default: list[str]
    required: list[str]
    chosen: list[str]
    on_request: list[str]
