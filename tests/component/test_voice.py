"""The telephone status line: Connect's functions with events shaped as Connect sends them,
and whole calls through the contact flow (the local interpreter, ``POST /sandbox/voice/call``)."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import app as application
from chalicelib.core.ids import FOLIO_LENGTH, phone_folio
from chalicelib.notifications import segments
from chalicelib.store.models import bind_models
from chalicelib.voice import speech
from chalicelib.wiring import container
from infra.local.moto.lambda_adapter import LambdaContext
from infra.local.voice import spoken
from tests.component.test_notifications import in_review, reply, subscribe_relative
from tests.support.flows import ready_licence
from tests.support.inprocess import Aws
from tests.support.people import new_phone

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "connect"


def event(name: str, caller: str, language: str = "es", **parameters: str) -> dict[str, Any]:
    shaped: dict[str, Any] = copy.deepcopy(json.loads((FIXTURES / f"{name}.json").read_text("utf-8")))
    shaped["Details"]["ContactData"]["CustomerEndpoint"]["Address"] = caller
    shaped["Details"]["ContactData"]["Attributes"] = {"language": language}
    shaped["Details"]["Parameters"] = parameters
    return shaped


def invoke(name: str, shaped: dict[str, Any]) -> dict[str, str]:
    context = LambdaContext(name, 256, f"arn:aws:lambda:us-east-1:123456789012:function:{name}", 8)
    answer: dict[str, str] = getattr(application, name)(shaped, context)
    assert all(isinstance(key, str) and isinstance(value, str) for key, value in answer.items())  # flat, for Connect
    return answer


def call(aws: Aws, caller: str, keys: list[str], lang: str | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {"caller": caller, "keys": keys} | ({"lang": lang} if lang else {})
    answer = aws.anonymous().post("/sandbox/voice/call", body)
    assert answer.status_code == 200, answer.body
    result: dict[str, Any] = answer.body
    return result


def tail(application_id: str) -> str:
    return " ".join(phone_folio(application_id)[-4:])


def test_every_application_shows_its_folio(aws: Aws) -> None:
    citizen = aws.user()
    application_id = ready_licence(citizen)
    shown = citizen.get(f"/applications/{application_id}").body["phone_folio"]
    assert shown == phone_folio(application_id) and len(shown) == FOLIO_LENGTH and shown.isdigit()
    record = citizen.get("/me").body["applications"]
    assert [item["phone_folio"] for item in record if item["id"] == application_id] == [shown]


def test_a_linked_caller_hears_their_applications_newest_first(aws: Aws) -> None:
    citizen = aws.user()
    older = in_review(aws, citizen)
    newer = ready_licence(citizen)
    answer = invoke("voice_status", event("voice_status", citizen.phone or ""))
    assert answer["result"] == "found" and answer["count"] == "2"
    said = spoken(answer["say"])
    assert said.startswith("Tiene 2 trámites ligados a este teléfono.")
    assert said.index(f"folio terminación {tail(newer)}: borrador") < said.index(f"folio terminación {tail(older)}")
    assert f"folio terminación {tail(older)}: en revisión. Paso actual: Revisión de documentos y examen." in said
    assert "Qué hacer: nada, espere la resolución." in said
    assert citizen.username not in said and older not in said


def test_a_caller_with_more_applications_hears_the_newest_and_the_count(aws: Aws) -> None:
    citizen = aws.user()
    made = [ready_licence(citizen) for _ in range(speech.MAX_SPOKEN + 1)]
    said = spoken(invoke("voice_status", event("voice_status", citizen.phone or ""))["say"])
    assert said.startswith(f"Tiene {len(made)} trámites ligados a este teléfono; le digo los {speech.MAX_SPOKEN}")
    assert tail(made[0]) not in said and all(tail(item) in said for item in made[1:])


def test_a_confirmed_relative_hears_the_application_in_english_when_they_chose_it(aws: Aws) -> None:
    citizen = aws.user()
    application_id = ready_licence(citizen)
    relative = new_phone()
    subscribe_relative(aws, citizen, application_id, relative, "es")
    answer = invoke("voice_status", event("voice_status", relative, "en"))
    assert answer["count"] == "1"
    assert spoken(answer["say"]) == (
        "You have one application linked to this phone. Driver's licence, type A (car), folio ending in "
        f"{tail(application_id)}: draft. Current step: -. Deadline: none. What to do: complete and submit it in "
        "Ventanilla."
    )
    # a subscriber still waiting for their code is not linked
    pending = new_phone()
    another = aws.user()
    assert (
        another.post("/subscriptions", {"application_id": ready_licence(another), "phone": pending}).status_code == 201
    )
    assert invoke("voice_status", event("voice_status", pending))["result"] == "none"


def test_an_unlinked_caller_hears_estados_neutral_answer_word_for_word(aws: Aws) -> None:
    citizen = aws.user()
    ready_licence(citizen)
    stranger = new_phone()
    answer = invoke("voice_status", event("voice_status", stranger))
    assert answer["result"] == "none" and answer["count"] == "0"
    assert reply(aws, stranger, "ESTADO") == {"action": "status_unknown"}
    assert segments.to_gsm(spoken(answer["say"])) == aws.sms(stranger)[-1]
    # a withheld number hears the same
    assert invoke("voice_status", event("voice_status", "anonymous"))["say"] == answer["say"]


def test_a_folio_typed_by_a_linked_caller_names_its_application_and_nobody_else_learns_anything(aws: Aws) -> None:
    citizen = aws.user()
    application_id = in_review(aws, citizen)
    folio = citizen.get(f"/applications/{application_id}").body["phone_folio"]
    mine = invoke("voice_folio", event("voice_folio", citizen.phone or "", folio=folio))
    assert mine["result"] == "found" and f"folio terminación {tail(application_id)}: en revisión" in spoken(mine["say"])
    stranger = invoke("voice_folio", event("voice_folio", new_phone(), folio=folio))
    unknown = phone_folio("ZZZZZZZZZZ")
    nobody = invoke("voice_folio", event("voice_folio", citizen.phone or "", folio=unknown))
    assert stranger["result"] == nobody["result"] == "none"
    assert spoken(stranger["say"]) == (
        f"Ventanilla: no hay un trámite {folio} ligado a este teléfono. Revise la referencia o envíe AYUDA."
    )
    assert spoken(nobody["say"]) == spoken(stranger["say"]).replace(folio, unknown)


def test_a_folio_with_a_wrong_check_digit_is_refused_before_any_read(aws: Aws) -> None:
    folio = phone_folio("8Q9FQ5PXS4")
    wrong = folio[:-1] + str((int(folio[-1]) + 1) % 10)
    swapped = folio[:5] + folio[6] + folio[5] + folio[7:]
    for typed in (wrong, swapped, folio[:-1], "1234"):
        answer = invoke("voice_folio", event("voice_folio", new_phone(), folio=typed))
        assert answer == {"result": "invalid", "say": speech.said("invalid_folio", "es")}
    assert "no es un folio válido" in speech.said("invalid_folio", "es")


def test_a_store_that_refuses_gets_the_polite_fallback(aws: Aws) -> None:
    citizen = aws.user()
    ready_licence(citizen)
    aws.settle()
    settings = container().settings
    bind_models("a-table-that-does-not-exist", settings.region, settings.endpoint_url)  # moto refuses every call
    try:
        status = invoke("voice_status", event("voice_status", citizen.phone or ""))
        folio = invoke("voice_folio", event("voice_folio", citizen.phone or "", "en", folio=phone_folio("8Q9FQ5PXS4")))
    finally:
        bind_models(settings.table_name, settings.region, settings.endpoint_url)
    assert status == {"result": "fallback", "say": speech.said("fallback", "es")}
    assert folio == {"result": "fallback", "say": speech.said("fallback", "en")}


# --- whole calls through the contact flow ---------------------------------------------------------
def test_a_call_pressing_1_hears_the_menu_then_the_applications_then_goodbye(aws: Aws) -> None:
    citizen = aws.user()
    application_id = ready_licence(citizen)
    heard = call(aws, citizen.phone or "", ["1"])
    assert heard["ended"] is True
    menu, answer, goodbye = heard["prompts"]
    assert menu.startswith("Bienvenido a la línea de Ventanilla.") and "For English, press 9." in menu
    assert f"folio terminación {tail(application_id)}: borrador" in answer
    assert goodbye == "Gracias por llamar a Ventanilla. Hasta luego."


def test_a_call_typing_a_folio_and_one_typing_a_wrong_one(aws: Aws) -> None:
    citizen = aws.user()
    application_id = ready_licence(citizen)
    right = call(aws, citizen.phone or "", ["2", phone_folio(application_id)])["prompts"]
    assert right[1].startswith("Escriba los 17 dígitos") and f"terminación {tail(application_id)}" in right[2]
    typo = phone_folio(application_id)[:-1] + str((int(phone_folio(application_id)[-1]) + 3) % 10)
    assert call(aws, citizen.phone or "", ["2", typo])["prompts"][2] == spoken(speech.said("invalid_folio", "es"))


def test_english_on_9(aws: Aws) -> None:
    citizen = aws.user()
    application_id = ready_licence(citizen)
    heard = call(aws, citizen.phone or "", ["9", "1"])
    assert heard["prompts"][1].startswith("Welcome to the Ventanilla line.")
    assert f"folio ending in {tail(application_id)}: draft" in heard["prompts"][2]
    assert heard["prompts"][-1] == "Thank you for calling Ventanilla. Goodbye."
    assert call(aws, citizen.phone or "", ["1"], lang="en")["prompts"] == heard["prompts"]


def test_an_unlinked_call_and_a_key_the_menu_does_not_have(aws: Aws) -> None:
    stranger = new_phone()
    heard = call(aws, stranger, ["1"])["prompts"]
    assert heard[1] == spoken(speech.neutral("", "es"))
    silent = call(aws, stranger, [])
    assert silent["ended"] is True and silent["prompts"][-1].startswith("Gracias")  # no key: the menu times out
    assert call(aws, stranger, ["7"])["prompts"][1] == "No reconocimos esa opción."


def test_a_linked_caller_asks_for_a_callback_with_a_folio_and_the_agency_queue_has_it(aws: Aws) -> None:
    from chalicelib.legal.calendar import local_date
    from tests.component.test_callbacks import events, queued
    from tests.support.flows import submitted_licence, wait_status

    citizen, official = aws.user(), aws.official("oficial.linea.voz")
    application_id = submitted_licence(citizen)
    wait_status(citizen, application_id, "in_review")
    folio = citizen.get(f"/applications/{application_id}").body["phone_folio"]
    stranger = call(aws, new_phone(), ["3", folio])["prompts"]
    assert stranger[2] == spoken(speech.neutral(folio, "es"))  # nothing asked, nothing learnt

    heard = call(aws, citizen.phone or "", ["3", folio])
    assert heard["prompts"][1].startswith("Para que la dependencia le llame, escriba los 17 dígitos")
    assert heard["prompts"][2].startswith("Listo. La dependencia le llamará a este teléfono a más tardar el ")
    (item,) = [item for item in queued(official) if item["application_id"] == application_id]
    assert (item["channel"], item["phone"]) == ("phone", citizen.phone)
    assert heard["prompts"][2].endswith(f"a más tardar el {local_date(item['deadline'])}.") and heard["ended"] is True
    (requested,) = events(citizen, application_id, "callback.requested")
    assert requested["actor"]["kind"] == "caller"

    again = call(aws, citizen.phone or "", ["9", "3", folio])["prompts"]
    assert again[3] == spoken(speech.said("callback_already_requested", "en"))
    draft_folio = phone_folio(ready_licence(citizen))
    assert call(aws, citizen.phone or "", ["3", draft_folio])["prompts"][2] == spoken(
        speech.said("callback_not_filed", "es")
    )
    typo = folio[:-1] + str((int(folio[-1]) + 1) % 10)
    assert call(aws, citizen.phone or "", ["3", typo])["prompts"][2] == spoken(speech.said("invalid_folio", "es"))


def test_after_an_efirma_takeover_the_line_follows_the_new_phone(aws: Aws) -> None:
    from tests.component.test_efirma_link import claim, issue
    from tests.support.people import new_curp

    curp = new_curp()
    squatter = aws.user(curp, name="Alguien Más")
    application_id = ready_licence(squatter)
    assert invoke("voice_status", event("voice_status", squatter.phone or ""))["count"] == "1"
    phone = new_phone()
    assert claim(aws, issue(curp), phone=phone).status_code == 200
    now = invoke("voice_status", event("voice_status", phone))
    assert now["count"] == "1" and tail(application_id) in spoken(now["say"])
    assert invoke("voice_status", event("voice_status", squatter.phone or ""))["result"] == "none"


def test_an_account_opened_by_an_efirma_is_found_by_its_phone(aws: Aws) -> None:
    from tests.component.test_efirma_link import NEW_PASSWORD, as_signed_in, claim, issue
    from tests.support.people import new_curp

    curp, phone = new_curp(), new_phone()
    assert claim(aws, issue(curp), phone=phone).status_code == 201  # opened
    citizen = as_signed_in(aws, curp, NEW_PASSWORD)
    citizen.accept_privacy_notice()  # as the sign-in page asks before the first draft
    application_id = ready_licence(citizen)
    heard = invoke("voice_status", event("voice_status", phone))
    assert heard["count"] == "1" and tail(application_id) in spoken(heard["say"])


def test_profiles_and_subscriptions_written_before_the_line_are_filed_by_the_operator_command(aws: Aws) -> None:
    import boto3

    from chalicelib.store import keys
    from infra.aws import ops

    citizen = aws.user()
    application_id = ready_licence(citizen)
    relative = new_phone()
    subscribe_relative(aws, citizen, application_id, relative, "es")
    aws.settle()
    settings = container().settings
    table = boto3.client("dynamodb", region_name=settings.region, endpoint_url=settings.endpoint_url)
    subscriptions = table.query(
        TableName=settings.table_name,
        KeyConditionExpression="pk = :pk AND begins_with(sk, :sub)",
        ExpressionAttributeValues={
            ":pk": {"S": keys.application(application_id)},
            ":sub": {"S": keys.SUBSCRIPTION_PREFIX},
        },
    )["Items"]
    assert relative in {item["phone"]["S"] for item in subscriptions}
    older = [(keys.citizen(citizen.username), keys.PROFILE_SK)]
    older += [(item["pk"]["S"], item["sk"]["S"]) for item in subscriptions]
    for pk, sk in older:  # as written before the status line: no caller key
        table.update_item(
            TableName=settings.table_name,
            Key={"pk": {"S": pk}, "sk": {"S": sk}},
            UpdateExpression="REMOVE gsi2pk, gsi2sk",
        )
    for phone in (citizen.phone or "", relative):
        assert invoke("voice_status", event("voice_status", phone))["result"] == "none"

    assert ops.main(["voice-file", citizen.username]) == 0
    for phone in (citizen.phone or "", relative):
        heard = invoke("voice_status", event("voice_status", phone))
        assert heard["count"] == "1" and tail(application_id) in spoken(heard["say"])
    assert container().voice.file_holder(citizen.username) == {"profiles": 0, "subscriptions": 0}  # once is enough
