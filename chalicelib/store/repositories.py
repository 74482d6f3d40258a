"""Every repository, built together by the composition root and handed to the domain."""

from __future__ import annotations

from msgspec import Struct, field

from chalicelib.store.applications import ApplicationStore
from chalicelib.store.calendars import CalendarStore
from chalicelib.store.callbacks import CallbackStore
from chalicelib.store.catalogue import CatalogueStore
from chalicelib.store.credentials import CredentialStore
from chalicelib.store.delegations import DelegationStore
from chalicelib.store.efirma import EfirmaStore
from chalicelib.store.exchanges import ExchangeStore
from chalicelib.store.payments import PaymentStore
from chalicelib.store.phones import CallerStore, PhoneStore
from chalicelib.store.privacy import PrivacyStore
from chalicelib.store.profiles import ProfileStore
from chalicelib.store.ratings import RatingStore
from chalicelib.store.retention import RetentionStore
from chalicelib.store.reviews import ReviewStore
from chalicelib.store.sms_log import SmsLogStore
from chalicelib.store.statistics import StatisticsStore
from chalicelib.store.subscriptions import SubscriptionStore


class Repositories(Struct, frozen=True):
    applications: ApplicationStore = field(default_factory=ApplicationStore)
    catalogue: CatalogueStore = field(default_factory=CatalogueStore)
    credentials: CredentialStore = field(default_factory=CredentialStore)
    delegations: DelegationStore = field(default_factory=DelegationStore)
    efirma: EfirmaStore = field(default_factory=EfirmaStore)
    exchanges: ExchangeStore = field(default_factory=ExchangeStore)
    payments: PaymentStore = field(default_factory=PaymentStore)
    phones: PhoneStore = field(default_factory=PhoneStore)
    privacy: PrivacyStore = field(default_factory=PrivacyStore)
    profiles: ProfileStore = field(default_factory=ProfileStore)
    ratings: RatingStore = field(default_factory=RatingStore)
    reviews: ReviewStore = field(default_factory=ReviewStore)
    sms_log: SmsLogStore = field(default_factory=SmsLogStore)
    statistics: StatisticsStore = field(default_factory=StatisticsStore)
    subscriptions: SubscriptionStore = field(default_factory=SubscriptionStore)
    calendars: CalendarStore = field(default_factory=CalendarStore)
    retention: RetentionStore = field(default_factory=RetentionStore)
    callers: CallerStore = field(default_factory=CallerStore)
    callbacks: CallbackStore = field(default_factory=CallbackStore)
