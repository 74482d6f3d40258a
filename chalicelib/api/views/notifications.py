"""SMS as the API shows it: a subscription (its phone masked) and the delivery log, for
the citizen and, with what the platform knows of each message, for operators."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Annotated

from msgspec import Meta

from chalicelib.api.views.common import LanguageCode, NextCursor, NullableInstant, choices, shown
from chalicelib.core.fields import UNSET, Instant, MaskedPhone, Struct, UnsetType
from chalicelib.notifications.phones import mask
from chalicelib.notifications.states import CANCELLED, CONFIRMED, DELIVERY_STATUSES, PENDING
from chalicelib.store import models


class Subscription(Struct, kw_only=True):
    id: Annotated[str, Meta(description="`<application id>-<6 characters>`.")]
    application_id: str
    phone: MaskedPhone
    language: LanguageCode
    status: Annotated[
        str,
        choices(PENDING, CONFIRMED, CANCELLED, description="`pending` until the code sent to the phone is confirmed."),
    ]
    origin: Annotated[
        str,
        choices(
            "profile",
            "code",
            description=(
                "`profile`: the phone on the citizen's record (verified at sign-up); `code`: confirmed with a code "
                "sent to it."
            ),
        ),
    ]
    confirmed_at: NullableInstant
    code_expires_at: NullableInstant
    created_at: Instant


class SmsMessage(Struct, kw_only=True):
    id: str
    application_id: str
    event: Annotated[
        str,
        Meta(
            description=(
                "The application event (`submitted`, `in_review`, …) or `subscription_code`, `opted_out`, "
                "`opted_out_all`."
            )
        ),
    ]
    template: Annotated[
        str,
        Meta(
            description=(
                "Which text and version went out: `platform@<version>/<event>` or `<procedure code>@<procedure "
                "version>/<event>`."
            ),
            examples=["platform@2/submitted"],
        ),
    ]
    language: LanguageCode
    phone: MaskedPhone
    subscription_id: Annotated[
        str | None,
        Meta(
            description=("The subscription (phone) the message went to: tells apart two phones whose masks look alike.")
        ),
    ]
    text: Annotated[str, Meta(description="As sent (GSM-7); confirmation codes are masked.")]
    encoding: Annotated[str, choices("GSM-7", "UCS-2")]
    segments: Annotated[int, Meta(ge=0, description="Billed SMS segments (160/153 GSM-7 characters, 70/67 UCS-2).")]
    status: Annotated[str, choices(*DELIVERY_STATUSES, description="`queued`: held by quiet hours until `send_after`.")]
    detail: Annotated[str | None, Meta(description="Why a message was skipped, limited or failed.")]
    send_after: NullableInstant
    sent_at: NullableInstant
    created_at: Instant
    agency: Annotated[str | UnsetType, Meta(description="Operators only: the agency whose consent applies.")] = UNSET
    provider_id: Annotated[str | UnsetType | None, Meta(description="Operators only: the SNS message id.")] = UNSET
    updated_at: Annotated[
        str | UnsetType,
        Meta(
            description="Operators only. UTC, ISO-8601 with milliseconds and `Z`.",
            extra_json_schema={"format": "date-time"},
        ),
    ] = UNSET


class ApplicationMessages(Struct, kw_only=True):
    application_id: str
    messages: Annotated[
        list[SmsMessage], Meta(description="A page of the messages about the application, oldest first.")
    ]
    next_cursor: NextCursor


class PhoneMessages(Struct, kw_only=True):
    messages: Annotated[
        list[SmsMessage],
        Meta(description="A page of a phone's messages, newest first; or of an application's, oldest first."),
    ]
    next_cursor: NextCursor


class ApplicationSubscriptions(Struct, kw_only=True):
    application_id: str
    subscriptions: list[Subscription]
    next_cursor: NextCursor


def application_subscriptions(
    application_id: str, subscriptions: list[Subscription], next_cursor: str | None
) -> ApplicationSubscriptions:
    return ApplicationSubscriptions(application_id=application_id, subscriptions=subscriptions, next_cursor=next_cursor)


def subscription(item: models.Subscription) -> Subscription:
    """A subscription as its owner sees it: the phone masked, the code's expiry while one is awaited."""
    return shown(
        Subscription,
        item,
        phone=mask(item.phone),
        code_expires_at=item.code_expires_at if item.status == PENDING else None,
    )


def message(item: models.SmsMessage, operator: bool = False) -> SmsMessage:
    """An entry of the delivery log; operators also see the agency, the provider's id and the last change."""
    hidden = {} if operator else dict.fromkeys(("agency", "provider_id", "updated_at"), UNSET)
    return shown(SmsMessage, item, phone=mask(item.phone), segments=int(item.segments), **hidden)


def application_messages(
    application_id: str, items: Iterable[models.SmsMessage], next_cursor: str | None
) -> ApplicationMessages:
    return ApplicationMessages(
        application_id=application_id, messages=[message(item) for item in items], next_cursor=next_cursor
    )


def phone_messages(items: Iterable[models.SmsMessage], next_cursor: str | None) -> PhoneMessages:
    return PhoneMessages(messages=[message(item, operator=True) for item in items], next_cursor=next_cursor)
