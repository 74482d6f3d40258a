"""The export keeps the holder's data whole and leaves out secrets and other people."""

from __future__ import annotations

from chalicelib.privacy import export, notice
from chalicelib.store.models import AuditEvent, Payment, Profile, Subscription

HOLDER = "GOMC800101MDFMRR00"
OWN, RELATIVE = "+525512345678", "+525587654321"


def items() -> list[object]:
    return [
        Profile(f"CITIZEN#{HOLDER}", "PROFILE", holder=HOLDER, name="Carla", phone=OWN, created_at="2026-12-01"),
        Subscription(
            "APP#A1",
            f"SUB#{RELATIVE}",
            id="S1",
            application_id="A1",
            owner=HOLDER,
            agency="SEMOVI",
            phone=RELATIVE,
            status="confirmed",
            code_hash="secret",
            created_at="2026-12-01",
            updated_at="2026-12-01",
        ),
        Payment(
            "PAY#1",
            "PAYMENT",
            reference="1",
            application_id="A1",
            amount="100.00",
            expires_at="2026-12-09",
            status="paid",
            task_token="token",
            created_at="2026-12-01",
        ),
        AuditEvent(
            "APP#A1",
            "EV#000002",
            application_id="A1",
            seq=2,
            at="2026-12-02",
            actor={"kind": "official", "id": "oficial.semovi", "agency": "SEMOVI"},
            action="review.decided",
            prev_hash="a",
            hash="b",
        ),
    ]


def test_each_item_is_in_its_section_with_where_it_is_kept() -> None:
    document = export.build(HOLDER, items(), "2026-12-04T00:00:00.000Z")  # type: ignore[arg-type]
    assert [entry["key"] for entry in document["profile"]] == [f"CITIZEN#{HOLDER}/PROFILE"]
    assert document["payments"][0]["amount"] == "100.00"
    assert document["privacy_notice"]["version"] == notice.VERSION
    assert document["sha256"] == export.digest(document)


def test_secrets_staff_accounts_and_other_phones_are_left_out() -> None:
    document = export.build(HOLDER, items(), "2026-12-04T00:00:00.000Z")  # type: ignore[arg-type]
    [payment] = document["payments"]
    [subscription] = document["subscriptions"]
    [event] = document["timeline"]
    assert "task_token" not in payment and "code_hash" not in subscription
    assert subscription["phone"] == "+52 55 **** **21"  # as the SMS panel shows it
    assert subscription["key"] == "APP#A1/SUB#+52 55 **** **21"
    assert event["actor"] == {"kind": "official", "agency": "SEMOVI"}
    assert document["profile"][0]["phone"] == OWN  # the holder's own phone stays


def test_the_holder_is_shown_as_they_are_and_anyone_else_by_role() -> None:
    assert export.person_or_role({"kind": "citizen", "id": HOLDER}, HOLDER) == {"kind": "citizen", "id": HOLDER}
    assert export.person_or_role({"kind": "citizen", "id": "OTRO800101HDFRRR01"}, HOLDER) == {"kind": "citizen"}
    assert export.person_or_role({"kind": "assistant", "id": "u", "name": "Elena", "centre": "C1"}, HOLDER) == {
        "kind": "assistant",
        "centre": "C1",
    }


def test_the_printed_export_flattens_each_entry_into_rows() -> None:
    document = export.build(HOLDER, items(), "2026-12-04T00:00:00.000Z")  # type: ignore[arg-type]
    printed = dict(export.rows(document))
    assert ("actor.agency", "SEMOVI") in printed["Bitácora de cada solicitud"]
    assert printed["Calificaciones"] == [("", "Ninguno")]
    assert printed["Huella del contenido"] == [("SHA-256", document["sha256"])]


def test_the_notices_text_matches_the_version_it_was_published_under() -> None:
    assert notice.digest() == notice.TEXT_SHA256, "the notice's text changed: bump VERSION and TEXT_SHA256"
