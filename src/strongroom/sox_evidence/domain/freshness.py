"""Whether every IPE has a successful run for the month that is due.

PG-01 runs on the 1st for the previous month's cutoff; a month is due once its deadline, the 2nd
of the next month at 08:00 UTC, has passed. Until a month is due, the one before stays the one
checked, so an unfixed month keeps being reported rather than forgotten when the calendar turns.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime, time, timedelta

from pydantic import BaseModel, ConfigDict

from strongroom.sox_evidence.domain.cutoff import last_day_of_previous_month

DEADLINE_DAY = 2
DEADLINE_TIME = time(8, 0, tzinfo=UTC)


def deadline_for(cutoff: date) -> datetime:
    """When ``cutoff``'s month must have a successful run of every IPE."""
    first_of_next_month = cutoff + timedelta(days=1)
    return datetime.combine(first_of_next_month.replace(day=DEADLINE_DAY), DEADLINE_TIME)


def due_cutoff(now: datetime) -> date:
    """The latest month-end cutoff whose deadline has passed at ``now``."""
    cutoff = last_day_of_previous_month(now.astimezone(UTC).date())
    if now < deadline_for(cutoff):
        cutoff = last_day_of_previous_month(cutoff)
    return cutoff


class FreshnessReport(BaseModel):
    model_config = ConfigDict(frozen=True)

    cutoff_date: date
    deadline: datetime
    checked: tuple[str, ...]
    """Every IPE of the catalog, in catalog order."""
    without_successful_run: tuple[str, ...]
    """Those with no succeeded run record for the cutoff (any trigger, any number of tries)."""

    @property
    def fresh(self) -> bool:
        return not self.without_successful_run


def report(cutoff: date, ipe_ids: Iterable[str], succeeded: Iterable[str]) -> FreshnessReport:
    """``succeeded``: the IPE ids of the cutoff's succeeded run records."""
    checked = tuple(ipe_ids)
    done = set(succeeded)
    return FreshnessReport(
        cutoff_date=cutoff,
        deadline=deadline_for(cutoff),
        checked=checked,
        without_successful_run=tuple(ipe_id for ipe_id in checked if ipe_id not in done),
    )
