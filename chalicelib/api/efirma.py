"""e.firma: prove an account is yours; open or take over the account of your CURP with it."""

from __future__ import annotations

from chalice import Response

from chalicelib.api import problems
from chalicelib.api.errors import field_error_body
from chalicelib.api.http import principal_of
from chalicelib.api.policy import EVERYONE, SIGNED_IN
from chalicelib.api.routes import Answer, ApiBlueprint, Problem, answer
from chalicelib.api.views import efirma as views
from chalicelib.identity.efirma import ACCOUNT, CHALLENGE_SECONDS, LINK
from chalicelib.identity.requests import EfirmaAccount, EfirmaProof
from chalicelib.wiring import container

efirma = ApiBlueprint(__name__, tag="efirma")

SIGNED_CHALLENGE = {
    "certificate": "MIIF3zCCA8egAwIBAgIUMzAwMDEwMDAwMDA1MDAwMDM0MTYwDQYJKoZIhvcNAQELBQAw...",
    "challenge": "k3P0q7bJm2x9c1VZ8oWQy4sTfH6nDe5LrA0uGiKjXwM",
    "signature": "hX1mYl0c...==",
}
# every way a signed challenge is refused for what it is (422), each with its own code
REFUSED_PROOF = ("challenge_unknown", "curp_mismatch", "certificate_not_personal", *problems.CERTIFICATE_REFUSALS)
STALE_CHALLENGE = ("challenge_used", "challenge_expired", "concurrent_change")
CHALLENGE_ANSWER = Answer(
    201,
    f"The challenge: sign its UTF-8 bytes within {CHALLENGE_SECONDS // 60} minutes; it is accepted once.",
    views.EfirmaChallenge,
)


@efirma.operation(
    "POST",
    "/me/efirma/challenge",
    operation_id="myEfirmaChallenge",
    summary="A challenge to sign with your e.firma, to prove your account is yours",
    description=("A random text bound to the signed-in account, for `POST /me/efirma`. It takes no body."),
    roles=SIGNED_IN,
    note="anyone signed in, for their own account",
    tags=("citizens",),
    answers=CHALLENGE_ANSWER,
    problems=(problems.NO_BODY, problems.UNAVAILABLE),
)
def my_challenge() -> Response:
    principal = principal_of(efirma.current_request)
    return answer(views.challenge(container().challenges.issue(LINK, principal.username)), status=201)


@efirma.operation(
    "POST",
    "/me/efirma",
    operation_id="linkMyEfirma",
    summary="Prove your account is yours: the challenge signed with your e.firma",
    description=(
        "The signature must hold (an authority this deployment trusts issued the certificate, it is valid now, allows "
        "digital signatures and its authority's OCSP responder says it is not revoked) and the certificate must name "
        "the account: a citizen's CURP (a company account: its RFC). A citizen's record is then bound to the "
        "e.firma (`GET /me` shows it). Staff (officials, supervisors, assistants, admins) bind the e.firma they "
        "will sign with: the first link binds its CURP, a later one (a renewed certificate) must carry the same "
        "CURP. The challenge is spent only when the link is written."
    ),
    roles=SIGNED_IN,
    note="anyone signed in: their own account (a citizen's record, or the e.firma a staff member signs with)",
    tags=("citizens", "agencies"),
    body=EfirmaProof,
    body_example=SIGNED_CHALLENGE,
    answers=Answer(200, "The e.firma now bound to the account.", views.EfirmaLinked),
    problems=(
        Problem(
            409,
            "The challenge was used or expired (ask for a new one), or the account changed meanwhile.",
            STALE_CHALLENGE,
            field_error_body("challenge_used", "challenge", "was used already: ask for a new one"),
        ),
        problems.invalid(
            "The challenge is not one given to this account, the certificate names another CURP (or RFC), or the "
            "certificate or signature is refused: each reason has its own code and names the field.",
            REFUSED_PROOF,
            field_error_body(
                "curp_mismatch", "certificate", "names CURP HERJ751120HOCRMN07, not this account's (GOMC800101MDFMRR00)"
            ),
        ),
        problems.EFIRMA_UNAVAILABLE,
    ),
)
def link_my_efirma(body: EfirmaProof) -> Response:
    linked = container().efirma_links.link(principal_of(efirma.current_request), body)
    return answer(views.linked(linked))


@efirma.operation(
    "POST",
    "/efirma/challenge",
    operation_id="efirmaAccountChallenge",
    summary="A challenge to sign with your e.firma, to open (or take over) the account of your CURP",
    description="For `POST /efirma/account`; no sign-in needed. It takes no body.",
    roles=EVERYONE,
    note="anyone: for claiming an account with an e.firma",
    answers=CHALLENGE_ANSWER,
    problems=(problems.NO_BODY, problems.UNAVAILABLE),
)
def account_challenge() -> Response:
    return answer(views.challenge(container().challenges.issue(ACCOUNT, None)), status=201)


@efirma.operation(
    "POST",
    "/efirma/account",
    operation_id="claimAccountWithEfirma",
    summary="Open the account of your CURP with your e.firma, or take over one nobody proved",
    description=(
        "For a person whose CURP (a company: its RFC) has no account, this opens it with the password and phone "
        "given (201). If someone opened an account with that CURP and no e.firma has proven it, the holder of the "
        "e.firma takes it over (200): the password and phone are replaced, every earlier sign-in ends (refresh "
        "tokens are revoked and ID tokens issued before are refused), and each application of the record gets an "
        "`account.taken_over` event in its audit trail and shows `filed_before_efirma` in `GET /me`. An account an "
        "e.firma proved is refused (409 `curp_already_verified`). Then sign in with the CURP and the new password."
    ),
    roles=EVERYONE,
    note="anyone holding the e.firma of the CURP (or RFC)",
    body=EfirmaAccount,
    body_example={**SIGNED_CHALLENGE, "password": "Nueva-Clave-2026", "phone": "+525512345678", "language": "es"},
    answers=(
        Answer(200, "An account nobody had proven is now the e.firma holder's.", views.EfirmaAccount),
        Answer(201, "A new account, proven by the e.firma.", views.EfirmaAccount),
    ),
    problems=(
        Problem(
            409,
            "An e.firma proved the account already, the challenge was used or expired, or the account changed "
            "meanwhile.",
            ("curp_already_verified", *STALE_CHALLENGE),
            field_error_body(
                "curp_already_verified",
                "certificate",
                "the account GOMC800101MDFMRR00 was proven by its e.firma already: sign in with its password",
            ),
        ),
        problems.invalid(
            "The password does not meet the policy, the phone is not one the platform texts, the challenge is not one "
            "given for claiming an account, or the certificate or signature is refused.",
            ("invalid_password", "invalid_phone", "phone_country_not_allowed", *REFUSED_PROOF),
            field_error_body(
                "invalid_password",
                "password",
                "must have at least 10 characters, with a capital letter, a small letter and a digit: it has no digit",
            ),
        ),
        problems.EFIRMA_UNAVAILABLE,
    ),
)
def claim_account(body: EfirmaAccount) -> Response:
    claimed = container().efirma_accounts.claim(body)
    return answer(views.account(claimed), status=201 if claimed.outcome == "created" else 200)
