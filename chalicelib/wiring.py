"""The composition root: builds adapters from settings and hands them to the domain.

Lazy (nothing is built until first use, so importing the app creates no client) and
resettable (tests call ``reset()`` after changing the environment).
"""

from __future__ import annotations

import json
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from chalicelib.adapters import aws
from chalicelib.adapters.idempotency import Idempotency
from chalicelib.adapters.ocsp import HttpOcsp
from chalicelib.adapters.registries import HttpTransport
from chalicelib.applications.appeals import Appeals
from chalicelib.applications.evidence import Evidence
from chalicelib.applications.service import Applications
from chalicelib.applications.transitions import Transitions
from chalicelib.applications.withdrawal import Withdrawal
from chalicelib.assistance.service import Assistance
from chalicelib.callbacks.service import Callbacks
from chalicelib.core import observability
from chalicelib.core.cursors import Cursors
from chalicelib.core.errors import TransientFailure
from chalicelib.core.settings import Settings, load_settings
from chalicelib.credentials import offline
from chalicelib.credentials.service import Credentials
from chalicelib.efirma.notary import Notary
from chalicelib.efirma.verification import UNAVAILABLE, Trust
from chalicelib.events import consumers
from chalicelib.events.replay import Replay
from chalicelib.events.stream import TableEvents
from chalicelib.identity.efirma import Challenges, EfirmaAccounts, EfirmaLinks, Signers
from chalicelib.identity.profiles import Profiles
from chalicelib.identity.tokens import TokenVerifier
from chalicelib.jobs.deadlines import DeadlineWatch
from chalicelib.jobs.recovery import Recovery
from chalicelib.jobs.retention import Retention
from chalicelib.legal.calendars import Calendars
from chalicelib.notifications.agency import AgencyAlerts
from chalicelib.notifications.consent import Consent
from chalicelib.notifications.phones import PhoneRules
from chalicelib.notifications.quiet_hours import QuietHours
from chalicelib.notifications.ratelimit import HOUR, RateLimiter
from chalicelib.notifications.service import Notifications
from chalicelib.notifications.subscriptions import Subscriptions
from chalicelib.payments.service import Payments
from chalicelib.privacy.service import Privacy
from chalicelib.procedures.catalogue import Catalogue
from chalicelib.procedures.lifecycle import Lifecycle
from chalicelib.registries.port import Registries
from chalicelib.reviews.intermediaries import Intermediaries
from chalicelib.reviews.service import Reviews
from chalicelib.stats import channels
from chalicelib.stats.opendata import OpenData
from chalicelib.stats.projector import Projector
from chalicelib.stats.ratings import Ratings
from chalicelib.store import catalogue as catalogue_store
from chalicelib.store.lifecycle import LifecycleStore
from chalicelib.store.models import bind_models
from chalicelib.store.repositories import Repositories
from chalicelib.voice.line import StatusLine
from chalicelib.workflow.steps import Steps

if TYPE_CHECKING:
    from chalicelib.printing.documents import SignedDocuments

CODES_PER_PHONE_PER_HOUR = 3
COMMANDS_PER_PHONE_PER_HOUR = 10  # ESTADO/AYUDA answers: enough for a person, useless to a guesser
SMS_IDEMPOTENCY_SECONDS = 30 * 86400  # longer than any retry or redelivery window


class Container:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        bind_models(settings.table_name, settings.region, settings.endpoint_url)
        self.store = Repositories()
        observability.configure(settings.stage)

    @cached_property
    def public_url(self) -> str:
        """Where people reach Ventanilla (web at ``/``, API at ``/api``): one SSM read per cold start."""
        return aws.read_parameter(self.settings, self.settings.public_url_parameter).rstrip("/")

    @property
    def public_api_url(self) -> str:
        return f"{self.public_url}/api"

    @property
    def public_web_url(self) -> str:
        return self.public_url

    @cached_property
    def webhook_secret(self) -> str:
        """The bank's HMAC key, read from Secrets Manager the first time a webhook arrives."""
        return aws.read_secret(self.settings, self.settings.bank_webhook_secret_arn)

    @cached_property
    def cursors(self) -> Cursors:
        """Seals the cursors of paged lists with a key read from Secrets Manager the first time one pages."""
        return Cursors(lambda: self._cursor_secret)

    @cached_property
    def _cursor_secret(self) -> bytes:
        return aws.read_secret(self.settings, self.settings.cursor_secret_arn).encode()

    @cached_property
    def engine(self) -> aws.StepFunctionsEngine:
        return aws.StepFunctionsEngine(self.settings)

    @cached_property
    def signer(self) -> aws.KmsSigner:
        """Signs issued licences and permits (only the issue step may sign with it)."""
        return aws.KmsSigner(self.settings, self.settings.signing_key_id)

    @cached_property
    def sealer(self) -> aws.KmsSigner:
        """Seals acuses de recibo and resolutions (the API's own key)."""
        return aws.KmsSigner(self.settings, self.settings.sealing_key_id)

    @cached_property
    def exchange_key(self) -> aws.KmsSigner:
        """Signs Ventanilla's requests to other registries (they trust its public half)."""
        return aws.KmsSigner(self.settings, self.settings.exchange_key_id)

    @cached_property
    def registries(self) -> Registries:
        """The registries this deployment is connected to (``REGISTRY_ENDPOINTS``, ``REGISTRY_KEYS``)."""
        return Registries(
            endpoints=self.settings.registry_endpoints,
            keys=self.settings.registry_keys,
            signer=lambda: self.exchange_key,
            log=self.store.exchanges,
            transport=HttpTransport(),
        )

    @cached_property
    def tokens(self) -> TokenVerifier:
        return TokenVerifier(self.settings.jwks_url, self.settings.token_issuer, self.settings.user_pool_client_id)

    @cached_property
    def catalogue(self) -> Catalogue:
        return Catalogue(
            self.engine, self.settings.stage, json.loads(self.settings.step_handler_arns), self.store.catalogue
        )

    @cached_property
    def lifecycle(self) -> Lifecycle:
        return Lifecycle(self.catalogue, LifecycleStore())

    @cached_property
    def profiles(self) -> Profiles:
        return Profiles(aws.CognitoDirectory(self.settings), self.store.profiles)

    @cached_property
    def notifier(self) -> Notifications:
        """The SMS service: the stream's messages consumer sends what each change asks for."""
        return Notifications(
            store=self.store,
            profiles=self.profiles,
            catalogue=self.catalogue,
            sms=aws.SnsSms(self.settings),
            web_url=self.public_web_url,
            phones=PhoneRules.from_setting(self.settings.sms_allowed_countries),
            quiet_hours=QuietHours.parse(self.settings.sms_quiet_hours),
            limiter=RateLimiter(
                {
                    "sms": (self.settings.sms_per_phone_per_hour, HOUR),
                    "code": (CODES_PER_PHONE_PER_HOUR, HOUR),
                    "command": (COMMANDS_PER_PHONE_PER_HOUR, HOUR),
                },
                self.store.phones,
            ),
            consent=Consent(self.store.phones),
            once=self.idempotency.decorator("sms-delivery", SMS_IDEMPOTENCY_SECONDS),
            count_sent=self.stats_projector.sms,
            count_query=channels.count_status_query,
        )

    @cached_property
    def voice(self) -> StatusLine:
        """The telephone status line (Amazon Connect's functions): ESTADO's rule, by voice."""
        return StatusLine(
            store=self.store,
            notifier=self.notifier,
            callbacks=self.callbacks,
            count_query=channels.count_status_query,
        )

    @cached_property
    def subscriptions(self) -> Subscriptions:
        return Subscriptions(self.applications, self.profiles, self.notifier, self.store.subscriptions)

    @cached_property
    def stats_projector(self) -> Projector:
        """Counts each audit event (from the stream) and each SMS sent in the statistics."""
        return Projector(self.store.statistics, self.store.applications)

    @cached_property
    def transitions(self) -> Transitions:
        return Transitions(self.store.applications)

    @cached_property
    def table_events(self) -> TableEvents:
        """What follows each change, from the table's stream: the statistics, the SMS, the
        agencies' deadline warnings."""
        return TableEvents(
            {
                "statistics": consumers.Statistics(self.stats_projector),
                "messages": consumers.Messages(self.store.applications, self.notifier, self.settings.sms_fold_progress),
                "agency_alerts": consumers.AgencyWarnings(
                    self.store,
                    AgencyAlerts(
                        aws.CognitoDirectory(self.settings),
                        aws.SnsSms(self.settings),
                        self.idempotency.decorator("agency-alert", SMS_IDEMPOTENCY_SECONDS),
                    ),
                ),
            }
        )

    @cached_property
    def replay(self) -> Replay:
        """The operator's replay of the batches the stream gave up on (``ops events-replay``)."""
        return Replay(
            aws.client("sqs", self.settings),
            aws.client("dynamodbstreams", self.settings),
            self.settings.failed_events_queue_url,
            self.table_events.handle,
        )

    @cached_property
    def open_data(self) -> OpenData:
        return OpenData(self.catalogue, self.store.statistics)

    @cached_property
    def ratings(self) -> Ratings:
        return Ratings(self.applications, self.transitions, self.store.ratings)

    @cached_property
    def applications(self) -> Applications:
        return Applications(
            self.store,
            self.catalogue,
            self.profiles,
            self.transitions,
            self.assistance,
            aws.S3Documents(self.settings),
            self.engine,
            self.notary,
            self.registries,
            lambda: self.evidence,
        )

    @cached_property
    def intermediaries(self) -> Intermediaries:
        return Intermediaries(self.store.reviews)

    @cached_property
    def assistance(self) -> Assistance:
        return Assistance(
            self.store, self.transitions, self.profiles, self.notifier, aws.CognitoDirectory(self.settings)
        )

    @cached_property
    def reviews(self) -> Reviews:
        return Reviews(
            self.store,
            self.transitions,
            self.catalogue,
            self.engine,
            self.settings.legal_day_seconds,
            self.notary,
            self.signers,
        )

    @cached_property
    def calendars(self) -> Calendars:
        return Calendars(self.store, self.reviews, self.catalogue)

    @cached_property
    def payments(self) -> Payments:
        return Payments(
            self.store,
            self.transitions,
            self.engine,
            self.settings.legal_day_seconds,
            lambda: self.webhook_secret,
            self.idempotency.run,
        )

    @cached_property
    def credentials(self) -> Credentials:
        from chalicelib.printing.archive import IssuedPdfs

        archive = IssuedPdfs(aws.S3LockedDocuments(self.settings), self.public_api_url)
        return Credentials(
            self.store,
            self.transitions,
            self.profiles,
            self.signer,
            self.sealer,
            self.public_api_url,
            self.registries,
            archive,
        )

    @cached_property
    def platform_keys(self) -> list[dict[str, str]]:
        """The platform's public signing keys as JWKs (documents, seals, requests to registries):
        one KMS GetPublicKey each per container."""
        return [offline.jwk(key.key_id, key.public_key_der()) for key in (self.signer, self.sealer, self.exchange_key)]

    @cached_property
    def signed_documents(self) -> SignedDocuments:
        """The PDFs people keep; loaded by the routes that draw one, not by every cold start (~5 ms)."""
        from chalicelib.printing.documents import SignedDocuments

        return SignedDocuments(self.applications, self.credentials, offline.keys_url(self.public_api_url))

    @cached_property
    def deadline_watch(self) -> DeadlineWatch:
        return DeadlineWatch(self.catalogue, self.store.reviews)

    @cached_property
    def retention(self) -> Retention:
        return Retention(
            aws.S3Documents(self.settings),
            self.transitions,
            self.store.applications,
            self.store.retention,
            self.store.exchanges,
        )

    @cached_property
    def appeals(self) -> Appeals:
        return Appeals(self.store, self.applications, self.transitions, self.notary)

    @cached_property
    def recovery(self) -> Recovery:
        return Recovery(self.store, self.applications, self.transitions, self.engine, self.settings.stage)

    @cached_property
    def idempotency(self) -> Idempotency:
        return Idempotency(self.settings)

    @cached_property
    def notary(self) -> Notary:
        return Notary(self.sealer, lambda: self.efirma)

    @cached_property
    def efirma(self) -> Trust:
        """The trusted authorities and their OCSP responder (503 ``efirma_unavailable`` when not configured)."""
        bundle, url = self.settings.efirma_ca_bundle, self.settings.efirma_ocsp_url
        if not bundle or not url:
            raise TransientFailure("this deployment accepts no e.firma (no CA bundle or OCSP URL)", code=UNAVAILABLE)
        path = Path(bundle) if Path(bundle).is_absolute() else Path(__file__).parent.parent / bundle
        return Trust.from_pem(path.read_bytes(), HttpOcsp(url))

    @cached_property
    def challenges(self) -> Challenges:
        return Challenges(self.store)

    @cached_property
    def efirma_links(self) -> EfirmaLinks:
        """A signed-in person proves their account with their e.firma."""
        return EfirmaLinks(lambda: self.efirma, self.challenges, self.store, self.profiles)

    @cached_property
    def efirma_accounts(self) -> EfirmaAccounts:
        """A signed-out person opens (or takes over) the account of their CURP with its e.firma."""
        return EfirmaAccounts(
            lambda: self.efirma,
            self.challenges,
            self.store,
            aws.CognitoDirectory(self.settings),
            self.transitions,
            PhoneRules.from_setting(self.settings.sms_allowed_countries),
        )

    @cached_property
    def signers(self) -> Signers:
        """Which e.firma each staff member signs with."""
        return Signers(self.store)

    @cached_property
    def steps(self) -> Steps:
        return Steps(self.applications, self.transitions, self.reviews, self.payments, self.credentials, self.evidence)

    @cached_property
    def evidence(self) -> Evidence:
        return Evidence(
            self.store,
            self.transitions,
            self.registries,
            self.credentials,
            self.engine,
            self.settings.legal_day_seconds,
        )

    @cached_property
    def privacy(self) -> Privacy:
        """The holders' ARCO requests, the privacy notice's acceptance and the export."""
        return Privacy(
            self.store,
            self.store.privacy,
            self.profiles,
            self.transitions,
            self.applications.definition,
            aws.S3Documents(self.settings).purge,
            lambda holder, request_id, event: self.notifier.tell_holder(
                holder, "privacy_request", {"request": request_id}, {"privacy_request": request_id, "event": event}
            ),
        )

    @cached_property
    def withdrawal(self) -> Withdrawal:
        return Withdrawal(self.applications, self.store, self.transitions, self.payments, self.engine)

    @cached_property
    def callbacks(self) -> Callbacks:
        return Callbacks(self.applications, self.store, self.transitions, self.notifier)


_container: Container | None = None


def container() -> Container:
    global _container
    if _container is None:
        _container = Container(load_settings())
    return _container


def reset() -> None:
    """Forget every client and cached read (tests, and the local stack after provisioning)."""
    global _container
    _container = None
    catalogue_store.clear_cache()
    aws.reset()
