"""e.firma as the API shows it: a challenge to sign, an account proven by an e.firma, and
an account opened or taken over with one."""

from __future__ import annotations

from typing import Annotated, Literal

from msgspec import Meta

from chalicelib.api.views.common import NullableInstant, choices, shown
from chalicelib.core.fields import Instant, Struct
from chalicelib.identity.efirma import Binding, Challenge, Claimed, Linked

SERIAL = Meta(
    pattern="^[0-9]{1,40}$",
    description="The número de certificado (20 digits on the SAT's certificates).",
    examples=["30001000000500003416"],
)


class EfirmaChallenge(Struct, kw_only=True):
    challenge: Annotated[str, Meta(description="The text to sign: its UTF-8 bytes, RSA PKCS#1 v1.5 with SHA-256.")]
    expires_at: Annotated[Instant, Meta(description="Sign and send it before then; it is accepted once.")]


class ProvenEfirma(Struct, kw_only=True):
    """The e.firma that proved an account."""

    serial: Annotated[str, SERIAL]
    curp: Annotated[str | None, Meta(description="The person's CURP (null for a company's e.firma).")]
    rfc: str
    name: Annotated[str, Meta(description="As the certificate names its holder.")]
    valid_until: Annotated[Instant, Meta(description="When the certificate expires.")]
    verified_at: Annotated[Instant, Meta(description="When it was last proven.")]
    since: Annotated[
        Instant, Meta(description="When an e.firma first proved the account: what was filed before, was filed without.")
    ]
    taken_over_at: Annotated[
        NullableInstant,
        Meta(description="When the holder of the e.firma took the account over from an account nobody had proven."),
    ]


class EfirmaLinked(ProvenEfirma, kw_only=True):
    verified: Literal[True]
    account: Annotated[str, Meta(description="The username the e.firma is bound to.")]
    bound_as: Annotated[
        str,
        choices(
            "citizen",
            "staff",
            description=(
                "`citizen`: the record's profile; `staff`: the e.firma this official (supervisor, assistant, admin) "
                "signs with."
            ),
        ),
    ]


class EfirmaAccount(ProvenEfirma, kw_only=True):
    verified: Literal[True]
    account: Annotated[str, Meta(description="The username to sign in with: the CURP (a company: its RFC).")]
    outcome: Annotated[
        str,
        choices(
            "created",
            "taken_over",
            description=(
                "`created`: a new account; `taken_over`: an account nobody had proven is now yours, and its earlier "
                "sign-ins no longer work."
            ),
        ),
    ]
    applications_marked: Annotated[
        int, Meta(ge=0, description="Applications of the record filed before, each with an `account.taken_over` event.")
    ]


def challenge(issued: Challenge) -> EfirmaChallenge:
    return shown(EfirmaChallenge, issued)


def proven(binding: Binding | None) -> ProvenEfirma | None:
    return shown(ProvenEfirma, binding) if binding else None


def linked(result: Linked) -> EfirmaLinked:
    return shown(EfirmaLinked, result.binding, verified=True, account=result.account, bound_as=result.kind)


def account(result: Claimed) -> EfirmaAccount:
    return shown(
        EfirmaAccount,
        result.binding,
        verified=True,
        account=result.account,
        outcome=result.outcome,
        applications_marked=result.marked,
    )
