"""Calendars: the non-working days an agency or a jurisdiction published, one item per
day in the publisher's partition (an agency's code, or a state's or a municipality's INEGI
code: agency codes start with a letter, so the two never meet), created once (a
conditional put) and never changed."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from pynamodb.exceptions import PutError

from chalicelib.store import keys
from chalicelib.store.models import NonWorkingDay


class CalendarStore:
    def between(self, owners: Iterable[str], first: date, last: date | None = None) -> list[NonWorkingDay]:
        """The days the calendars' owners published from ``first`` (to ``last``, both
        included), in date order."""
        since = keys.non_working_day(first.isoformat())
        condition = (
            NonWorkingDay.sk.between(since, keys.non_working_day(last.isoformat()))
            if last
            else NonWorkingDay.sk >= since
        )
        found = [item for owner in owners for item in NonWorkingDay.query(keys.calendar(owner), condition)]
        return sorted(found, key=lambda item: (item.day, item.agency))

    def days_off(self, owners: Iterable[str], since: date) -> frozenset[date]:
        """The days the owners published from ``since`` on: what a clock started that day skips
        besides the federal ones."""
        return frozenset(date.fromisoformat(item.day) for item in self.between(owners, since))

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
        """Publish a day; False when its owner had already published it (the first publication stays)."""
        try:
            item.save(condition=NonWorkingDay.pk.does_not_exist())
        except PutError as error:
            if error.cause_response_code != "ConditionalCheckFailedException":
                raise
            return False
        return True
