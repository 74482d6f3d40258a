"""Assisted filing: assistants ask for a citizen's consent; citizens give, limit or revoke it."""

from __future__ import annotations

from chalice import Response

from chalicelib.api import problems
from chalicelib.api.errors import error_body, field_error_body
from chalicelib.api.http import principal_of
from chalicelib.api.paging import Paging, next_cursor, page_of
from chalicelib.api.params import path
from chalicelib.api.policy import ASSISTANTS, CITIZENS
from chalicelib.api.routes import Answer, ApiBlueprint, Problem, answer
from chalicelib.api.views import assistance as views
from chalicelib.assistance.requests import ConfirmDelegation, CreateDelegation, DelegationFlags
from chalicelib.wiring import container

assistance = ApiBlueprint(__name__, tag="assistance")
DELEGATION_ID = path("id", "Delegation id (12 characters).", "7K2M9QZ4XW1P", maxLength=40)
UNKNOWN_DELEGATION = problems.no_such("delegation", description="No such delegation, or not the caller's.")


@assistance.operation(
    "POST",
    "/delegations",
    operation_id="requestDelegation",
    summary="An assistant asks for a citizen's consent to file for them",
    description=(
        "Without `code`: a six-digit code (15 minutes) is texted to the phone on the citizen's record; the assistant "
        "confirms with `POST /delegations/{id}/confirm`. With `code`: the code the citizen generated in their account "
        "(`POST /me/delegation-code`); the delegation holds at once. A CURP without an account and one without a "
        "phone get the same 409. A call-centre agent (`callcentre-<centre>`) gets the texted code only, and a "
        "delegation that ends with the call's day (midnight, Mexico City)."
    ),
    roles=ASSISTANTS,
    note="assistant: ask a citizen (CURP) for consent; code texted to the phone on record, or the citizen's own code",
    body=CreateDelegation,
    body_example={"curp": "GOMC800101MDFMRR00"},
    answers=(
        Answer(200, "The assistant already holds an active delegation of this citizen.", views.Delegation),
        Answer(201, "Pending (code texted) or active (citizen's code).", views.Delegation),
    ),
    problems=(
        Problem(
            409,
            "No phone on record, or the citizen's code expired or was used, or tried too often (by this assistant, "
            "or by all together).",
            ("no_phone_on_record", "code_expired", "code_replaced", "too_many_attempts"),
            error_body(
                "no_phone_on_record",
                "no phone on record for this CURP: ask the citizen to generate a code in their account and send it "
                "as code",
            ),
        ),
        problems.invalid(
            "The body is not JSON or breaks its schema, or a bad CURP, code or centre, or a call-centre agent sent "
            "a code the citizen showed (only the texted code holds by phone).",
            ("invalid_curp", "invalid_code", "wrong_code", "unknown_centre", "code_not_for_phone"),
            field_error_body("invalid_curp", "curp", "must be a text of 18 characters"),
        ),
        problems.TOO_MANY_REQUESTS,
    ),
)
def request_delegation(body: CreateDelegation) -> Response:
    requested = container().assistance.request(principal_of(assistance.current_request), body)
    shown = views.delegation(requested.delegation, texted_to=requested.texted_to)
    return answer(shown, status=201 if requested.created else 200)


@assistance.operation(
    "GET",
    "/delegations",
    operation_id="myDelegations",
    summary="The assistant's delegations and the applications started under each",
    roles=ASSISTANTS,
    note="assistant: their delegations and the applications started under each",
    description=(
        "A page at a time, by citizen (CURP) and then oldest first. Each delegation lists the applications started "
        "under it, so a page is one read."
    ),
    query=Paging,
    answers=Answer(200, "A page of the delegations.", views.Delegations),
    problems=(problems.PAGING,),
)
def my_delegations(query: Paging) -> Response:
    request = assistance.current_request
    page = container().assistance.delegations(principal_of(request), page_of(request, query))
    return answer(views.delegations(page.items, next_cursor(request, page.after)))


@assistance.operation(
    "POST",
    "/delegations/{id}/confirm",
    operation_id="confirmDelegation",
    summary="The assistant enters the code the citizen received by SMS",
    roles=ASSISTANTS,
    note="the assistant who asked; the code the citizen received",
    params=DELEGATION_ID,
    body=ConfirmDelegation,
    body_example={"code": "123456"},
    answers=Answer(200, "Active.", views.Delegation),
    problems=(
        UNKNOWN_DELEGATION,
        *problems.code_refused(
            "Not waiting for a code, expired, replaced or too many attempts.",
            expired="the code has expired; ask for access again for a new one",
            wrong="does not match the code sent to the citizen (4 attempts left)",
        ),
    ),
)
def confirm_delegation(id: str, body: ConfirmDelegation) -> Response:
    delegation = container().assistance.confirm(principal_of(assistance.current_request), id, body)
    return answer(views.delegation(delegation))


@assistance.operation(
    "PATCH",
    "/delegations/{id}",
    operation_id="limitDelegation",
    summary="The citizen allows (or not) the assistant to receive issued documents",
    roles=CITIZENS,
    note="the citizen it belongs to: let the assistant receive issued documents (or not)",
    tags=("citizens",),
    params=DELEGATION_ID,
    body=DelegationFlags,
    body_example={"documents_allowed": True},
    answers=Answer(200, "Changed; each application filed under it records it in its timeline.", views.Delegation),
    problems=(
        UNKNOWN_DELEGATION,
        Problem(
            409,
            "The delegation was revoked.",
            ("delegation_revoked",),
            error_body("delegation_revoked", "this delegation was revoked"),
        ),
        problems.invalid(
            "The body is not JSON, or `documents_allowed` is not true or false.",
            ("invalid_flag",),
            field_error_body("invalid_flag", "documents_allowed", "must be true or false"),
        ),
    ),
)
def limit_delegation(id: str, body: DelegationFlags) -> Response:
    delegation = container().assistance.allow_documents(principal_of(assistance.current_request), id, body)
    return answer(views.delegation(delegation, for_citizen=True))


@assistance.operation(
    "DELETE",
    "/delegations/{id}",
    operation_id="revokeDelegation",
    summary="The citizen revokes an assistant's access (at once)",
    roles=CITIZENS,
    note="the citizen it belongs to: revoke; the assistant's next request is refused",
    tags=("citizens",),
    params=DELEGATION_ID,
    answers=Answer(
        200,
        "Revoked (also when it already was); each open application filed under it records it.",
        views.Delegation,
    ),
    problems=(UNKNOWN_DELEGATION,),
)
def revoke_delegation(id: str) -> Response:
    delegation = container().assistance.revoke(principal_of(assistance.current_request), id)
    return answer(views.delegation(delegation, for_citizen=True))


@assistance.operation(
    "POST",
    "/me/delegation-code",
    operation_id="delegationCode",
    summary="The citizen generates a one-time code to show an assistant",
    description="Valid 15 minutes, once; a new code replaces the previous one.",
    roles=CITIZENS,
    note="one's own one-time code (15 min) to show an assistant",
    tags=("citizens",),
    answers=Answer(201, "The code, to show the assistant.", views.DelegationCode),
)
def delegation_code() -> Response:
    return answer(views.code(container().assistance.citizen_code(principal_of(assistance.current_request))), status=201)
