"""SMS routes: subscriptions of phones to an application, and the delivery log."""

from __future__ import annotations

from chalice import Response

from chalicelib.api import problems
from chalicelib.api.errors import error_body, field_error_body
from chalicelib.api.http import principal_of
from chalicelib.api.paging import Paging, next_cursor, page_of
from chalicelib.api.params import APPLICATION_ID, path
from chalicelib.api.policy import ADMINS, CITIZENS
from chalicelib.api.routes import Answer, ApiBlueprint, Problem, answer
from chalicelib.api.views import notifications as views
from chalicelib.core.errors import ValidationFailed
from chalicelib.core.fields import UNSET
from chalicelib.identity.principal import CITIZEN, OFFICIAL, SUPERVISOR
from chalicelib.notifications.phones import any_e164
from chalicelib.notifications.requests import (
    ApplicationFilter,
    ConfirmSubscription,
    CreateSubscription,
    PhoneFilter,
    SmsEvents,
    SmsEventsChoice,
)
from chalicelib.wiring import container

notifications = ApiBlueprint(__name__, tag="notifications")
# the owner and the officials of its agencies; not assistants: the log shows the phones
OWNER_OR_ITS_AGENCY = frozenset({CITIZEN, OFFICIAL, SUPERVISOR})
MISSING_FILTER = "give ?phone=+52… or ?application_id=…"
SUBSCRIPTION_ID = path("id", "Subscription id (`<application id>-<6 characters>`).", "8Q9FQ5PXS4-K3M9QZ", maxLength=60)
UNKNOWN_SUBSCRIPTION = problems.no_such("subscription", description="No such subscription, or not the caller's.")


class MessagesQuery(Paging, kw_only=True):
    """Operators look a delivery log up by phone (which wins when both are given) or by application."""

    phone: PhoneFilter = UNSET
    application_id: ApplicationFilter = UNSET


@notifications.operation(
    "POST",
    "/subscriptions",
    operation_id="subscribePhone",
    summary="Subscribe a phone to an application's SMS (a code confirms any phone but the citizen's own)",
    description=(
        "The phone on the citizen's record is confirmed at once (it was verified at sign-up) unless it opted out of "
        "the agency before; any other phone (one more per application, e.g. a relative's) gets a six-digit code, "
        "valid 15 minutes, to confirm with `POST /subscriptions/{id}/confirm`. Subscribing a phone that is already "
        "confirmed changes only its language (200)."
    ),
    roles=CITIZENS,
    note="owner of the application; another phone must confirm a code sent to it",
    tags=("citizens",),
    body=CreateSubscription,
    body_example={"application_id": "8Q9FQ5PXS4", "phone": "044 55 8765 4321", "language": "es"},
    answers=(
        Answer(200, "Already subscribed and confirmed.", views.Subscription),
        Answer(201, "Subscribed: `confirmed`, or `pending` with a code sent to the phone.", views.Subscription),
    ),
    problems=(
        problems.APPLICATION_NOT_FOUND,
        Problem(
            409,
            "The application is closed, or already has two phones.",
            ("application_closed", "too_many_phones"),
            error_body("too_many_phones", "an application sends messages to at most 2 phones; cancel one first"),
        ),
        problems.invalid(
            "The body is not JSON or breaks its schema, or a bad phone or language.",
            ("invalid_phone", "phone_country_not_allowed", "invalid_language"),
            field_error_body(
                "invalid_phone",
                "phone",
                "a Mexican number has 10 digits (area code and number); got 8. Use 10 digits, such as 55 1234 5678 "
                "or +52 55 1234 5678",
            ),
        ),
        problems.TOO_MANY_REQUESTS,
    ),
)
def subscribe(body: CreateSubscription) -> Response:
    principal = principal_of(notifications.current_request)
    subscription, created = container().subscriptions.subscribe(principal, body)
    return answer(views.subscription(subscription), status=201 if created else 200)


@notifications.operation(
    "POST",
    "/subscriptions/{id}/confirm",
    operation_id="confirmSubscription",
    summary="Confirm a pending subscription with the code sent to the phone",
    roles=CITIZENS,
    note="owner; the code sent to that phone",
    tags=("citizens",),
    params=SUBSCRIPTION_ID,
    body=ConfirmSubscription,
    body_example={"code": "402913"},
    answers=Answer(200, "Confirmed: the phone gets the application's messages.", views.Subscription),
    problems=(
        UNKNOWN_SUBSCRIPTION,
        *problems.code_refused(
            "No code is pending, it expired, it was replaced, or five wrong codes were tried: subscribe again.",
            expired="the code has expired; subscribe the phone again for a new one",
            wrong="does not match the code sent to the phone (4 attempts left)",
        ),
    ),
)
def confirm_subscription(id: str, body: ConfirmSubscription) -> Response:
    principal = principal_of(notifications.current_request)
    return answer(views.subscription(container().subscriptions.confirm(principal, id, body)))


@notifications.operation(
    "DELETE",
    "/subscriptions/{id}",
    operation_id="cancelSubscription",
    summary="Stop a phone's SMS for an application",
    roles=CITIZENS,
    note="owner",
    tags=("citizens",),
    params=SUBSCRIPTION_ID,
    answers=Answer(200, "Cancelled (also when it already was).", views.Subscription),
    problems=(UNKNOWN_SUBSCRIPTION,),
)
def cancel_subscription(id: str) -> Response:
    principal = principal_of(notifications.current_request)
    return answer(views.subscription(container().subscriptions.cancel(principal, id)))


@notifications.operation(
    "GET",
    "/applications/{id}/subscriptions",
    operation_id="getApplicationSubscriptions",
    summary="The phones subscribed to one's own application's SMS: pending, confirmed or cancelled",
    roles=CITIZENS,
    note="owner of the application",
    tags=("citizens",),
    params=APPLICATION_ID,
    query=Paging,
    answers=Answer(200, "A page of the application's subscriptions, by phone.", views.ApplicationSubscriptions),
    problems=(problems.APPLICATION_NOT_FOUND, problems.PAGING),
)
def application_subscriptions(id: str, query: Paging) -> Response:
    request = notifications.current_request
    page = container().subscriptions.of_application(principal_of(request), id, page_of(request, query))
    return answer(
        views.application_subscriptions(
            id, [views.subscription(item) for item in page.items], next_cursor(request, page.after)
        )
    )


@notifications.operation(
    "GET",
    "/applications/{id}/messages",
    operation_id="getApplicationMessages",
    summary="Get the SMS delivery log of an application: every message, its status, segments and template",
    description="Readable by the owner and officials of the agencies involved.",
    roles=OWNER_OR_ITS_AGENCY,
    note="owner and its agency (not assistants): its SMS delivery log",
    tags=("citizens",),
    params=APPLICATION_ID,
    query=Paging,
    answers=Answer(200, "A page of the delivery log, oldest first.", views.ApplicationMessages),
    problems=(problems.APPLICATION_NOT_FOUND, problems.PAGING),
)
def application_messages(id: str, query: Paging) -> Response:
    services = container()
    request = notifications.current_request
    asked = page_of(request, query)
    application = services.applications.readable(principal_of(request), id)
    page = services.notifier.log.page_for_application(application.id, asked)
    return answer(views.application_messages(application.id, page.items, next_cursor(request, page.after)))


@notifications.operation(
    "GET",
    "/messages",
    operation_id="listMessages",
    summary="Operators: the SMS delivery log of a phone (newest first) or of an application, a page at a time",
    roles=ADMINS,
    note="operators (`admin`): delivery log by phone or application",
    query=MessagesQuery,
    answers=Answer(200, "A page of the messages.", views.PhoneMessages),
    problems=(
        problems.APPLICATION_NOT_FOUND,
        problems.invalid(
            "Neither filter given, a bad phone, or a bad `limit` or `cursor`.",
            ("missing_filter", "invalid_phone", "invalid_limit", "invalid_cursor"),
            field_error_body("missing_filter", "phone", MISSING_FILTER),
        ),
    ),
)
def operator_messages(query: MessagesQuery) -> Response:
    """Operators: the delivery log of one phone (newest first) or of one application."""
    services = container()
    request = notifications.current_request
    asked = page_of(request, query)
    if isinstance(query.phone, str) and query.phone:
        page = services.notifier.log.page_to_phone(any_e164(query.phone), asked)
    elif isinstance(query.application_id, str) and query.application_id:
        application = services.applications.load(query.application_id)
        page = services.notifier.log.page_for_application(application.id, asked)
    else:
        raise ValidationFailed.field("phone", MISSING_FILTER, code="missing_filter")
    return answer(views.phone_messages(page.items, next_cursor(request, page.after)))


@notifications.operation(
    "GET",
    "/applications/{id}/sms-events",
    operation_id="getSmsEvents",
    summary="What the application's phones are texted about: the default events, the legally due, the chosen",
    description=(
        "Every application texts what needs its holder to act or changes their rights (`default`: the registries' "
        "data to confirm, corrections, the payment reference, the resolution, an appeal's outcome, an error), what "
        "its procedure makes legally due (`required`), and what the holder chose besides (`chosen`, from "
        "`on_request`)."
    ),
    roles=CITIZENS,
    note="owner of the application",
    tags=("citizens",),
    params=APPLICATION_ID,
    answers=Answer(200, "The events.", SmsEvents),
    problems=(problems.APPLICATION_NOT_FOUND,),
)
def get_sms_events(id: str) -> Response:
    return answer(container().subscriptions.events(principal_of(notifications.current_request), id))


@notifications.operation(
    "PUT",
    "/applications/{id}/sms-events",
    operation_id="chooseSmsEvents",
    summary="Choose events to be texted about besides the default ones (audited)",
    description=(
        "Replaces the choice: an empty list leaves the default and the legally due events only. Each event must be "
        "one of `on_request` (the others are sent anyway)."
    ),
    roles=CITIZENS,
    note="owner of the application",
    tags=("citizens",),
    params=APPLICATION_ID,
    body=SmsEventsChoice,
    body_example={"events": ["in_review", "payment_received"]},
    answers=Answer(200, "The events, with the new choice.", SmsEvents),
    problems=(
        problems.APPLICATION_NOT_FOUND,
        problems.CONFLICT,
        problems.invalid(
            "`events` is not a list, or names an event that is not one of `on_request` (the field names it).",
            ("invalid_sms_events", "unknown_sms_event"),
            field_error_body("unknown_sms_event", "events[0]", "must be one of appeal_filed, approved, in_review, …"),
        ),
    ),
)
def choose_sms_events(id: str, body: SmsEventsChoice) -> Response:
    principal = principal_of(notifications.current_request)
    return answer(container().subscriptions.choose_events(principal, id, body))
