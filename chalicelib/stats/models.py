"""The statistics' and ratings' entities, sharing the one table (see ``store.keys``)."""

from __future__ import annotations

from pynamodb.attributes import NumberAttribute, UnicodeAttribute

from chalicelib.store.models import Entity


class StatsRow(Entity, discriminator="stats"):
    """One procedure's (or agency's) figures for one month.

    Only the identifying attributes are declared: the counters (``started``,
    ``days_3``, ``step_days_revision``...) are written with atomic ``ADD`` under names
    that depend on the data (a histogram bucket, a step id) and read back raw
    (``chalicelib.stats.opendata``).
    """

    scope = UnicodeAttribute()  # "procedure" or "agency"
    code = UnicodeAttribute()
    month = UnicodeAttribute()
    agency = UnicodeAttribute(null=True)  # a procedure's owning agency


class CountedEvent(Entity, discriminator="stats_counted"):
    """Marks an application's audit event as counted: counting it again is refused."""

    application_id = UnicodeAttribute()
    seq = NumberAttribute()
    at = UnicodeAttribute()


class Rating(Entity, discriminator="rating"):
    """A citizen's 1-5 rating of an application that ended, once per application."""

    application_id = UnicodeAttribute()
    procedure_code = UnicodeAttribute()
    agency = UnicodeAttribute()
    score = NumberAttribute()
    comment = UnicodeAttribute(null=True)
    rated_at = UnicodeAttribute()
