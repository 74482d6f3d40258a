"""SMS routes: subscriptions of phones to an application, and the delivery log."""

from __future__ import annotations

from collections.abc import Mapping

from chalice import Response

from chalicelib.api.http import ApiBlueprint, json_body, json_response, principal_of
from chalicelib.core.errors import ValidationFailed
from chalicelib.notifications import log
from chalicelib.notifications.phones import any_e164
from chalicelib.wiring import container

notifications = ApiBlueprint(__name__)


@notifications.route("/subscriptions", methods=["POST"])
def subscribe() -> Response:
    request = notifications.current_request
    subscription, created = container().subscriptions.subscribe(principal_of(request), json_body(request))
    return json_response(subscription, status=201 if created else 200)


@notifications.route("/subscriptions/{id}/confirm", methods=["POST"])
def confirm_subscription(id: str) -> Response:
    request = notifications.current_request
    return json_response(container().subscriptions.confirm(principal_of(request), id, json_body(request)))


@notifications.route("/subscriptions/{id}", methods=["DELETE"])
def cancel_subscription(id: str) -> Response:
    return json_response(container().subscriptions.cancel(principal_of(notifications.current_request), id))


@notifications.route("/applications/{id}/messages", methods=["GET"])
def application_messages(id: str) -> Response:
    services = container()
    application = services.applications.readable(principal_of(notifications.current_request), id)
    messages = [log.view(message) for message in services.notifier.log.for_application(application.id)]
    return json_response({"application_id": application.id, "messages": messages})


@notifications.route("/messages", methods=["GET"])
def operator_messages() -> Response:
    """Operators: the delivery log of one phone (newest first) or of one application."""
    params: Mapping[str, str] = notifications.current_request.query_params or {}
    services = container()
    if params.get("phone"):
        phone = any_e164(params["phone"])
        messages = services.notifier.log.to_phone(phone)
    elif params.get("application_id"):
        messages = services.notifier.log.for_application(services.applications.load(params["application_id"]).id)
    else:
        raise ValidationFailed.field("phone", "give ?phone=+52… or ?application_id=…", code="missing_filter")
    return json_response({"messages": [log.view(message, operator=True) for message in messages]})
