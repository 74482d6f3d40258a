"""Spanish first, English on request: the dictionaries match, and the switch changes the page."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import BrowserContext, expect

from chalicelib.notifications import templates
from chalicelib.notifications.states import DELIVERY_STATUSES
from tests.browser.scenario import Scene
from tests.browser.support import WEB, assert_clean, open_page

ES = json.loads((WEB / "i18n" / "es.json").read_text("utf-8"))
EN = json.loads((WEB / "i18n" / "en.json").read_text("utf-8"))
SOURCES = [path for path in [WEB / "app.js", *sorted((WEB / "js").rglob("*.js"))] if "vendor" not in path.parts]
# Keys built at run time from API values: every value the API can send must have one.
DYNAMIC = {
    "status": (
        "draft",
        "submitted",
        "in_review",
        "changes_requested",
        "awaiting_payment",
        "issued",
        "rejected",
        "deemed_approved",
        "withdrawn",
        "error",
        "unknown",
    ),
    "silence": (
        "afirmativa_ficta",
        "negativa_ficta",
        "afirmativa_ficta_detail",
        "negativa_ficta_detail",
        "escalate_detail",
        "mixed",
        "none",
    ),
    "filetype": ("application/pdf", "image/jpeg", "image/png"),
    "decision": ("approve", "request_changes", "reject"),
    "consultation.status": ("draft", "consultation", "scheduled", "published"),
    "consultation.kind": ("added", "removed", "changed"),
    "stats.figure": (
        "started",
        "submitted",
        "issued",
        "rejected",
        "deemed_approved",
        "deemed_denied",
        "withdrawn",
        "resolution_days_median",
        "resolution_days_p90",
        "within_deadline_share",
        "corrections_share",
        "out_of_order_share",
        "decisions",
        "rating_average",
        "ratings",
        "sms_sent",
        "sms_segments",
    ),
    "curp.error": ("empty", "short", "long", "format", "state", "date", "check"),
    "documents.error": ("empty", "type", "size", "missing", "mismatch", "upload"),
    "documents.phase": ("hashing", "declaring", "uploading", "uploadingPercent"),
    "actor": ("you", "citizen", "system", "public", "official", "supervisor", "staff"),
    "apply.step": ("data", "documents", "send"),
    "rating.scale": ("1", "2", "3", "4", "5"),
    "catalogue.level": ("federal", "state", "municipal"),
    "language": ("es", "en"),
    "how": (
        "choose.title",
        "choose.body",
        "apply.title",
        "apply.body",
        "pay.title",
        "pay.body",
        "receive.title",
        "receive.body",
    ),
    "signUp.rule": ("length", "lower", "upper", "digit", "met"),
    "sms.state": ("implicit", "confirmed", "pending", "opted_out", "cancelled"),
    "sms.status": ("queued", "sending", "sent", "failed", "opted_out_skipped", "rate_limited", "unknown"),
    "sms.phoneError": ("empty", "chars", "length", "zero", "invalid"),
    "verify.what": ("acuse", "resolution"),
    "verify.signer": ("holder", "platform"),
    "verify.problem": (
        "signature_invalid",
        "certificate_untrusted",
        "certificate_expired",
        "certificate_revoked",
        "ocsp_invalid",
        "seal_invalid",
    ),
    "efirma.label": ("certificate", "key"),
    "efirma.hint": ("certificate", "key"),
    "efirma.error": (
        "certificate_missing",
        "certificate_unreadable",
        "certificate_not_efirma",
        "certificate_expired",
        "certificate_not_yet_valid",
        "key_missing",
        "key_unreadable",
        "key_not_encrypted",
        "key_scheme_unsupported",
        "key_not_rsa",
        "key_not_certificate",
        "password_missing",
        "key_password_wrong",
    ),
    "appealDecision": ("confirm", "revoke", "new_review"),
    "appealDecision.recorded": ("confirm", "revoke", "new_review"),
    "appealReview.state": ("confirmed", "revoked", "new_review"),
    "preview.screen": ("phone", "desktop"),
    "preview.language": ("es", "en"),
    "diagram.kind": (
        "check",
        "choice",
        "review",
        "parallel",
        "payment",
        "issue",
        "evidence",
        "registration",
        "end",
        "other",
    ),
    "diagram.outcome": ("afirmativa_ficta", "negativa_ficta", "escalate"),
}


def literal_keys(source: str) -> set[str]:
    """Key-shaped string literals in the first argument of each t()/tn() call, ternaries included."""
    keys: set[str] = set()
    for call in re.finditer(r"\btn?\(", source):
        depth, index = 1, call.end()
        while index < len(source):
            char = source[index]
            depth += {"(": 1, "[": 1, "{": 1, ")": -1, "]": -1, "}": -1}.get(char, 0)
            if depth == 0 or (depth == 1 and char == ","):
                break
            index += 1
        keys.update(re.findall(r'"([A-Za-z]\w*\.[\w./-]+)"', source[call.end() : index]))
    return keys


def test_both_languages_have_the_same_keys_and_placeholders() -> None:
    assert set(ES) == set(EN), {"only in es": sorted(set(ES) - set(EN)), "only in en": sorted(set(EN) - set(ES))}
    for key, text in ES.items():
        assert set(re.findall(r"\{(\w+)\}", text)) == set(re.findall(r"\{(\w+)\}", EN[key])), key
        assert text.strip() and EN[key].strip(), key


def test_every_key_the_pages_ask_for_exists() -> None:
    used = set().union(*(literal_keys(path.read_text("utf-8")) for path in SOURCES))
    assert used, "no t() calls found: the extraction is broken"
    plural = {key.rsplit(".", 1)[0] for key in ES if key.endswith((".one", ".other"))}
    missing = sorted(key for key in used if key not in ES and key not in plural)
    assert not missing, f"keys used in web/ but not in the dictionaries: {missing}"
    dynamic = [f"{prefix}.{value}" for prefix, values in DYNAMIC.items() for value in values]
    assert not [key for key in dynamic if key not in ES], "dynamic keys missing"


def test_api_error_codes_raised_by_the_domain_are_translated() -> None:
    domain = "\n".join(path.read_text("utf-8") for path in Path(WEB.parent, "chalicelib").rglob("*.py"))
    # code="…" where an error is raised, and code: str = "…" where a helper defaults it.
    codes = set(re.findall(r'code="([a-z_]+)"', domain)) | set(re.findall(r'code: str = "([a-z_]+)"', domain))
    assert codes, "no error codes found in chalicelib"
    untranslated = sorted(code for code in codes if f"apiError.{code}" not in ES)
    assert not untranslated, f"error codes a citizen or official can meet, without a sentence: {untranslated}"


def test_every_audit_action_has_a_title_in_the_timeline() -> None:
    domain = "\n".join(path.read_text("utf-8") for path in Path(WEB.parent, "chalicelib").rglob("*.py"))
    actions = set(re.findall(r'Change\(\s*"([a-z_]+\.[a-z_]+)"', domain)) | set(
        re.findall(r'"(review\.(?:resumed|opened))"', domain)
    )
    assert "application.created" in actions, "no audit actions found in chalicelib"
    untitled = sorted(action for action in actions if f"event.{action}" not in ES)
    assert not untitled, f"audit actions the timeline would show as a generic update: {untitled}"


def test_every_sms_event_and_delivery_status_has_a_label() -> None:
    events = sorted({*templates.EVENTS, *templates.SYSTEM})
    assert not [event for event in events if f"sms.event.{event}" not in ES], (
        "SMS events the delivery log would show as a generic alert"
    )
    assert not [status for status in DELIVERY_STATUSES if f"sms.status.{status}" not in ES], (
        "delivery statuses without a label"
    )
    # the SMS panel says in plain words what each event it lists or offers tells
    assert not [event for event in templates.EVENTS if f"sms.about.{event}" not in ES], (
        "SMS events the panel could not describe"
    )


@pytest.mark.browser
def test_switching_to_english_changes_the_page_and_sticks(
    contexts: Callable[..., BrowserContext], scene: Scene
) -> None:
    context = contexts(token=scene.citizen.token)
    page = open_page(context, f"/solicitudes/{scene.draft.application_id}/editar")
    expect(page.locator("html")).to_have_attribute("lang", "es")
    expect(page.get_by_label("Domicilio")).to_have_value("Calle Morelos 45, Centro, Oaxaca de Juárez")
    page.get_by_label("Código postal").fill("031")

    page.get_by_role("button", name="English", exact=True).click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("navigation", name="Main menu")).to_contain_text("My record")
    # The form's labels come from the schema's x-i18n; what was typed survives the switch.
    expect(page.get_by_label("Address")).to_have_value("Calle Morelos 45, Centro, Oaxaca de Juárez")
    expect(page.get_by_label("Postcode")).to_have_value("031")
    page.get_by_role("button", name="Save and continue").click()
    expect(page.locator("[data-field=codigo_postal] .field-error")).to_have_text(
        "Error: It is not in the format the help text describes."
    )
    expect(page.locator("[data-field=tipo_sangre] .field-error")).to_have_text("Error: This answer is required.")
    expect(page.locator("[data-field=primera_vez] .field-error")).to_have_text("Error: Choose an option.")
    assert_clean(page)

    page.goto("/#/tramites/licencia-conducir")
    expect(page.get_by_role("heading", level=1)).to_have_text("Driver's licence, type A (car)")
    expect(page.locator("section[aria-labelledby=before-heading]")).to_contain_text(
        "Negativa ficta: it counts as refused"
    )
    expect(page.locator("section[aria-labelledby=before-heading]")).to_contain_text("5 working days")
    assert_clean(page)

    page.reload()
    expect(page.get_by_role("heading", level=1)).to_have_text("Driver's licence, type A (car)")
    page.get_by_role("button", name="Español", exact=True).click()
    expect(page.locator("html")).to_have_attribute("lang", "es")
    expect(page.locator("section[aria-labelledby=before-heading]")).to_contain_text("5 días hábiles")
