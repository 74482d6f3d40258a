"""Call me back: the holder asks the agency to phone them; its officials list and answer the requests."""

from __future__ import annotations

from chalice import Response

from chalicelib.api import problems
from chalicelib.api.errors import error_body, field_error_body
from chalicelib.api.http import principal_of
from chalicelib.api.paging import Paging, next_cursor, page_of
from chalicelib.api.params import AGENCY, APPLICATION_ID, path
from chalicelib.api.policy import AGENCY as OFFICIALS
from chalicelib.api.policy import FOR_THE_HOLDER
from chalicelib.api.routes import Answer, ApiBlueprint, Problem, answer
from chalicelib.api.views import callbacks as views
from chalicelib.callbacks.requests import OUTCOMES, CallbackAsk, CallbackOutcome
from chalicelib.callbacks.service import CALLBACK_BUSINESS_DAYS
from chalicelib.wiring import container

callbacks = ApiBlueprint(__name__, tag="agencies")
CALLBACK_ID = path(
    "callback_id", "The callback request's id (from the agency's callback queue).", "8Q9FQ5PXS4-K3M9QD", maxLength=40
)


@callbacks.operation(
    "POST",
    "/applications/{id}/callbacks",
    operation_id="requestCallback",
    summary="Ask the agency holding the application to phone the holder (owner)",
    description=(
        "The request goes into the agency's callback queue with its own deadline: "
        f"{CALLBACK_BUSINESS_DAYS} business days on the agency's calendar. The phone is the one given (a Mexican "
        "number) or, absent, the one on the holder's record. Audited as `callback.requested` (the phone masked) and "
        "shown in the timeline. One open request per application: a second is refused with "
        "`callback_already_requested` until the agency records the call's outcome. A draft (`callback_not_filed`) "
        "or an application that has ended (`application_ended`) is refused."
    ),
    roles=FOR_THE_HOLDER,
    note="owner, or its assistant",
    params=APPLICATION_ID,
    body=CallbackAsk,
    body_example={"phone": "55 1234 5678", "note": "No entiendo qué documento me falta."},
    answers=Answer(201, "The request, in the agency's queue.", views.Callback),
    problems=(
        problems.APPLICATION_NOT_FOUND,
        Problem(
            409,
            "A call is already requested and not yet answered, the application is a draft or has ended, or it "
            "changed meanwhile.",
            ("callback_already_requested", "callback_not_filed", "application_ended", "concurrent_change"),
            error_body(
                "callback_already_requested", "a call is already requested for this application; the agency will call"
            ),
        ),
        problems.invalid(
            "The phone is not a Mexican number, none is given and the record has none, or the note is too long.",
            ("invalid_phone", "invalid_note", "phone_country_not_allowed"),
            field_error_body("invalid_phone", "phone", "a Mexican number has 10 digits (area code and number); got 7"),
        ),
        problems.UNAVAILABLE,
    ),
)
def request_callback(id: str, body: CallbackAsk) -> Response:
    principal = principal_of(callbacks.current_request)
    return answer(views.callback(container().callbacks.ask(principal, id, body)), status=201)


@callbacks.operation(
    "GET",
    "/agencies/{agency}/callbacks",
    operation_id="listAgencyCallbacks",
    summary="List the agency's open call-me-back requests, earliest deadline first (its officials)",
    description="Each with the number to call, the language, what the person wants to talk about and the deadline.",
    roles=OFFICIALS,
    note="only one's own agency",
    params=AGENCY,
    query=Paging,
    answers=Answer(200, "A page of the callback queue.", views.CallbackQueue),
    problems=(
        problems.other_agency(
            "Not an official (or supervisor) of this agency.", "only officials of OTHER see its callbacks"
        ),
        problems.PAGING,
    ),
)
def callback_queue(agency: str, query: Paging) -> Response:
    request = callbacks.current_request
    found = container().callbacks.queue(principal_of(request), agency, page_of(request, query))
    return answer(views.queue(agency, found.items, next_cursor(request, found.after)))


@callbacks.operation(
    "POST",
    "/callbacks/{callback_id}/outcome",
    operation_id="recordCallbackOutcome",
    summary="Record what came of a requested call (an official of the request's agency)",
    description=(
        "The request leaves the queue and keeps the phone masked only; the holder's timeline shows "
        "`callback.completed` with the outcome and the note. Only one outcome per request."
    ),
    roles=OFFICIALS,
    note="officials of the request's agency",
    params=CALLBACK_ID,
    body=CallbackOutcome,
    body_example={"outcome": "reached", "note": "Se explicó que falta el comprobante de domicilio."},
    answers=Answer(200, "The request, answered.", views.Callback),
    problems=(
        problems.other_agency(
            "The request belongs to another agency.", "this callback belongs to SEMOVI; you cannot close it"
        ),
        problems.no_such("callback"),
        Problem(
            409,
            "The request was already answered, or the application changed meanwhile.",
            ("callback_closed", "concurrent_change"),
            error_body("callback_closed", "this callback was already answered (reached)"),
        ),
        problems.invalid(
            "`outcome` is not one of the three, or the note is missing or too long.",
            ("invalid_call_outcome", "call_note_required"),
            field_error_body("invalid_call_outcome", "outcome", "must be one of " + ", ".join(OUTCOMES)),
        ),
        problems.UNAVAILABLE,
    ),
)
def record_callback_outcome(callback_id: str, body: CallbackOutcome) -> Response:
    principal = principal_of(callbacks.current_request)
    return answer(views.callback(container().callbacks.complete(principal, callback_id, body)))
