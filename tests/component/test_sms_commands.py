"""Two-way SMS commands over the embedded stack: ESTADO/STATUS from a linked phone, the
neutral answer to everyone else, AYUDA/HELP, and the per-phone limit."""

from __future__ import annotations

from chalicelib.notifications import templates
from chalicelib.wiring import COMMANDS_PER_PHONE_PER_HOUR
from tests.component.test_notifications import in_review, log, reply, subscribe_relative
from tests.support.flows import ready_licence
from tests.support.inprocess import Aws
from tests.support.people import new_phone


def neutral(reference: str, language: str = "es") -> str:
    return templates.render(templates.PLATFORM["status_unknown"], language, {"ref": reference})


def test_estado_from_the_phone_on_record_answers_status_step_deadline_and_next_action(aws: Aws) -> None:
    citizen = aws.user()
    application_id = in_review(aws, citizen)
    before = len(aws.sms(citizen.phone or ""))
    assert reply(aws, citizen.phone or "", f"  Estádo: {application_id.lower()} ") == {"action": "status_reply"}
    answer = aws.sms(citizen.phone or "")[before:]
    assert len(answer) == 1
    text = answer[0]
    assert text.startswith(f"Ventanilla: tramite {application_id}: en revision.")
    assert "Paso: Revision de documentos y examen." in text
    deadline = citizen.get(f"/applications/{application_id}").body["deadline"]
    assert deadline and "Fecha limite: " in text and "sin plazo" not in text
    assert "Qué hacer: nada, espere la resolucion." in text
    assert citizen.username not in text
    logged = [message for message in log(citizen, application_id) if message["event"] == "status_reply"]
    assert [(message["status"], message["encoding"]) for message in logged] == [("sent", "GSM-7")]
    assert logged[0]["segments"] <= templates.MAX_SEGMENTS


def test_status_from_a_confirmed_relative_answers_in_their_language(aws: Aws) -> None:
    citizen = aws.user()
    application_id = ready_licence(citizen)
    relative = new_phone()
    subscribe_relative(aws, citizen, application_id, relative, "en")
    assert reply(aws, relative, f"status {application_id}")["action"] == "status_reply"
    text = aws.sms(relative)[-1]
    assert text == (
        f"Ventanilla: application {application_id}: draft. Step: -. Deadline: none. "
        "What to do: complete and submit it in Ventanilla."
    )


def test_another_phone_and_an_unknown_reference_get_the_same_neutral_answer(aws: Aws) -> None:
    citizen = aws.user()
    application_id = ready_licence(citizen)
    stranger = new_phone()
    assert reply(aws, stranger, f"ESTADO {application_id}") == {"action": "status_unknown"}
    assert aws.sms(stranger) == [neutral(application_id)]
    # the owner asking about a reference that does not exist reads the very same sentence
    unknown = "ZZZZZZZZZZ" if application_id != "ZZZZZZZZZZ" else "YYYYYYYYYY"
    assert reply(aws, citizen.phone or "", f"ESTADO {unknown}") == {"action": "status_unknown"}
    assert aws.sms(citizen.phone or "")[-1] == neutral(unknown)
    assert neutral(application_id).replace(application_id, unknown) == neutral(unknown)
    # a pending (unconfirmed) subscriber is not linked either
    pending = new_phone()
    assert (
        citizen.post("/subscriptions", {"application_id": application_id, "phone": pending}).body["status"] == "pending"
    )
    assert reply(aws, pending, f"STATUS {application_id}") == {"action": "status_unknown"}
    assert aws.sms(pending)[-1] == neutral(application_id, "en")


def test_ayuda_and_help_list_the_commands(aws: Aws) -> None:
    phone = new_phone()
    assert reply(aws, phone, "ayuda") == {"action": "help"}
    assert reply(aws, phone, "Help!") == {"action": "help"}
    spanish, english = aws.sms(phone)
    assert "ESTADO" in spanish and "BAJA" in spanish
    assert "STATUS" in english and "STOP" in english


def test_commands_are_rate_limited_per_phone(aws: Aws) -> None:
    phone, other = new_phone(), new_phone()
    for _ in range(COMMANDS_PER_PHONE_PER_HOUR):
        assert reply(aws, phone, "AYUDA") == {"action": "help"}
    assert reply(aws, phone, "ESTADO ABCDEFGHJK") == {"action": "rate_limited"}
    assert len(aws.sms(phone)) == COMMANDS_PER_PHONE_PER_HOUR
    assert reply(aws, other, "AYUDA") == {"action": "help"}  # per phone


def test_stop_after_a_command_answer_still_opts_out_of_the_agency_it_answers(aws: Aws) -> None:
    citizen = aws.user()
    in_review(aws, citizen)
    assert reply(aws, citizen.phone or "", "AYUDA") == {"action": "help"}
    assert reply(aws, citizen.phone or "", "BAJA") == {"action": "opted_out", "agency": "SEMOVI"}
