"""Every repository, built together by the composition root and handed to the domain."""

from __future__ import annotations

from dataclasses import dataclass, field

from chalicelib.store.applications import ApplicationStore
from chalicelib.store.catalogue import CatalogueStore
from chalicelib.store.credentials import CredentialStore
from chalicelib.store.payments import PaymentStore
from chalicelib.store.profiles import ProfileStore
from chalicelib.store.ratings import RatingStore
from chalicelib.store.reviews import ReviewStore
from chalicelib.store.statistics import StatisticsStore


@dataclass(frozen=True)
class Repositories:
    applications: ApplicationStore = field(default_factory=ApplicationStore)
    catalogue: CatalogueStore = field(default_factory=CatalogueStore)
    credentials: CredentialStore = field(default_factory=CredentialStore)
    payments: PaymentStore = field(default_factory=PaymentStore)
    profiles: ProfileStore = field(default_factory=ProfileStore)
    ratings: RatingStore = field(default_factory=RatingStore)
    reviews: ReviewStore = field(default_factory=ReviewStore)
    statistics: StatisticsStore = field(default_factory=StatisticsStore)
