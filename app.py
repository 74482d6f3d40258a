"""Ventanilla's Chalice app: wiring only.

Routes live in Blueprints under ``chalicelib/api``; the Step Functions step handlers are
built below, one per role of the compiler's ``HANDLERS``, onto ``chalicelib.workflow.steps``;
the SMS handlers (replies from the SMS topic, the quiet-hours sender) onto
``chalicelib.notifications``; the table's stream onto ``chalicelib.events``.
Every handler is traced (X-Ray, on Lambda) and logs JSON with the application id as
correlation id.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import msgspec
from chalice import Chalice, ConvertToMiddleware, Rate

from chalicelib.api.agencies import agencies
from chalicelib.api.appeals import appeals
from chalicelib.api.assistance import assistance
from chalicelib.api.calendars import calendars
from chalicelib.api.callbacks import callbacks
from chalicelib.api.citizens import citizens
from chalicelib.api.efirma import efirma
from chalicelib.api.gate import authenticate
from chalicelib.api.lifecycle import lifecycle
from chalicelib.api.notifications import notifications
from chalicelib.api.privacy import privacy
from chalicelib.api.procedures import procedures
from chalicelib.api.public import bank, public
from chalicelib.api.transparency import transparency
from chalicelib.core.names import step_function_name
from chalicelib.core.observability import logger, tracer
from chalicelib.procedures.compiler import HANDLERS
from chalicelib.wiring import container

# The app logs through the masking Powertools logger of the same name ("ventanilla"): Chalice must not
# give that logger a plain handler of its own, which would print personal data unmasked
app = Chalice(app_name="ventanilla", configure_logs=False)
app.register_middleware(ConvertToMiddleware(tracer.capture_lambda_handler))
app.register_middleware(
    ConvertToMiddleware(logger.inject_lambda_context(correlation_id_path="pathParameters.id", clear_state=True)), "http"
)
app.register_middleware(authenticate, "http")
# API Gateway hands these over as bytes (to a request whose Accept names them), not as base64 text
app.api.binary_types.append("application/pdf")
for blueprint in (
    procedures,
    citizens,
    agencies,
    public,
    bank,
    notifications,
    transparency,
    assistance,
    efirma,
    calendars,
    lifecycle,
):
    app.register_blueprint(blueprint)
app.register_blueprint(appeals)
app.register_blueprint(privacy)
app.register_blueprint(callbacks)

Event = dict[str, Any]


def _step_handler(role: str) -> Callable[[Event, Any], dict[str, Any]]:
    """The Lambda handler of one role the state machines call (``compiler.HANDLERS``)."""

    def handler(event: Event, context: Any) -> dict[str, Any]:
        return container().steps.run(role, event)

    handler.__name__ = handler.__qualname__ = step_function_name(role)  # Chalice packages ``app.<name>``
    traced = logger.inject_lambda_context(correlation_id_path="application_id")(handler)
    return app.lambda_function(name=step_function_name(role))(traced)  # type: ignore[no-any-return]


for _role in HANDLERS:
    globals()[step_function_name(_role)] = _step_handler(_role)


@app.lambda_function(name="table_events")
@logger.inject_lambda_context(clear_state=True)
def table_events(event: Event, context: Any) -> dict[str, Any]:
    """Batches of the table's stream (its event source mapping): what follows each change."""
    container().idempotency.register_lambda_context(context)
    return container().table_events.handle(event, context)


@app.schedule(Rate(1, unit=Rate.DAYS), name="retention")
def retention(event: Any) -> dict[str, Any]:
    """Daily: purge what the retention schedule says is due (``legal.retention_schedule``)."""
    return msgspec.structs.asdict(container().retention.run())


@app.schedule(Rate(1, unit=Rate.HOURS), name="deadline_watch")
def deadline_watch(event: Any) -> dict[str, int]:
    """Hourly: how many reviews are about to miss their legal deadline (the alarm's metric)."""
    return container().deadline_watch.report()


@app.lambda_function(name="sms_inbound")
@logger.inject_lambda_context
def sms_inbound(event: Event, context: Any) -> dict[str, Any]:
    """Two-way SMS replies (STOP/BAJA/ALTO), delivered by the SMS topic's subscription."""
    return {"results": container().notifier.inbound_records(event)}


@app.schedule(Rate(15, unit=Rate.MINUTES), name="sms_send_queued")
def sms_send_queued(event: Any) -> dict[str, int]:
    """Every 15 minutes: send what quiet hours held and is now due."""
    return container().notifier.send_due()


@app.lambda_function(name="voice_status")
@logger.inject_lambda_context
def voice_status(event: Event, context: Any) -> dict[str, str]:
    """Amazon Connect's status line: the calling phone's applications (``chalicelib.voice``)."""
    return container().voice.status_event(event)


@app.lambda_function(name="voice_folio")
@logger.inject_lambda_context
def voice_folio(event: Event, context: Any) -> dict[str, str]:
    """Amazon Connect's status line: one application by the folio typed on the keypad."""
    return container().voice.folio_event(event)


@app.lambda_function(name="voice_callback")
@logger.inject_lambda_context
def voice_callback(event: Event, context: Any) -> dict[str, str]:
    """Amazon Connect's status line: ask the agency to call back about the folio typed."""
    return container().voice.callback_event(event)
