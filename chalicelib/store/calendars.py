"""Agencies' calendars: the non-working days each published, one item per day in the
agency's partition, created once (a conditional put) and never changed."""

from __future__ import annotations

from datetime import date

from pynamodb.exceptions import PutError

from chalicelib.store import keys
from chalicelib.store.models import NonWorkingDay


class CalendarStore:
    def between(self, agency: str, first: date, last: date | None = None) -> list[NonWorkingDay]:
        """The agency's published days from ``first`` (to ``last``, both included), in date order."""
        since = keys.non_working_day(first.isoformat())
        condition = (
            NonWorkingDay.sk.between(since, keys.non_working_day(last.isoformat()))
            if last
            else NonWorkingDay.sk >= since
        )
        return list(NonWorkingDay.query(keys.calendar(agency), condition))

    def days_off(self, agency: str, since: date) -> frozenset[date]:
        """The agency's own non-working days from ``since`` on: what a clock started that day skips."""
        return frozenset(date.fromisoformat(item.day) for item in self.between(agency, since))

    def new(
        self,
        agency: str,
        day: date,
        reference: dict[str, str],
        gazette_url: str | None,
        published_at: str,
        published_by: str,
    ) -> NonWorkingDay:
        return NonWorkingDay(
            keys.calendar(agency),
            keys.non_working_day(day.isoformat()),
            agency=agency,
            day=day.isoformat(),
            reference=reference,
            gazette_url=gazette_url,
            published_at=published_at,
            published_by=published_by,
        )

    def add(self, item: NonWorkingDay) -> bool:
        """Publish a day; False when the agency had already published it (the first publication stays)."""
        try:
            item.save(condition=NonWorkingDay.pk.does_not_exist())
        except PutError as error:
            if error.cause_response_code != "ConditionalCheckFailedException":
                raise
            return False
        return True
