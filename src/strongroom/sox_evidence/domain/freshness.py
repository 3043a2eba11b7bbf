"""Whether every IPE has a successful run, and a verified evidence package, for the month due.

PG-01 runs on the 1st for the previous month's cutoff; a month is due once its deadline, the 2nd
of the next month at 08:00 UTC, has passed. Until a month is due, the one before stays the one
checked, so an unfixed month keeps being reported rather than forgotten when the calendar turns.
Evidence has its own, later deadline day (``EvidenceDeadlineDay``, default the 5th), so reruns
after the 2nd still have time to leave a package.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import UTC, date, datetime, time, timedelta

from pydantic import BaseModel, ConfigDict

from strongroom.sox_evidence.domain.cutoff import last_day_of_previous_month

DEADLINE_DAY = 2
DEADLINE_TIME = time(8, 0, tzinfo=UTC)
EVIDENCE_DEADLINE_DAY = 5
"""The default day of the next month by which every IPE's package must verify."""
LAST_DEADLINE_DAY = 28
"""Every month has this day."""


def deadline_for(cutoff: date, day: int = DEADLINE_DAY) -> datetime:
    """When ``cutoff``'s month must have a successful run of every IPE (``day``: of the next
    month, at 08:00 UTC)."""
    if not 1 <= day <= LAST_DEADLINE_DAY:
        raise ValueError(f"deadline day {day} must be from 1 to {LAST_DEADLINE_DAY}")
    first_of_next_month = cutoff + timedelta(days=1)
    return datetime.combine(first_of_next_month.replace(day=day), DEADLINE_TIME)


def due_cutoff(now: datetime, day: int = DEADLINE_DAY) -> date:
    """The latest month-end cutoff whose deadline has passed at ``now``."""
    cutoff = last_day_of_previous_month(now.astimezone(UTC).date())
    if now < deadline_for(cutoff, day):
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


class EvidenceFreshnessReport(BaseModel):
    model_config = ConfigDict(frozen=True)

    cutoff_date: date
    deadline: datetime
    checked: tuple[str, ...]
    """Every IPE of the catalog, in catalog order."""
    without_verified_package: tuple[str, ...]
    """Those with no succeeded run whose evidence package verifies."""
    reasons: dict[str, str]
    """Why, for each of them: no succeeded run, or the newest run's first failing check."""

    @property
    def fresh(self) -> bool:
        return not self.without_verified_package


def evidence_report(
    cutoff: date, deadline_day: int, ipe_ids: Iterable[str], problems: Mapping[str, str | None]
) -> EvidenceFreshnessReport:
    """``problems``: per IPE, None when a succeeded run's package verified, else why not (an
    IPE missing from it had no succeeded run)."""
    checked = tuple(ipe_ids)
    reasons = {
        ipe_id: problems.get(ipe_id, "no succeeded run")
        for ipe_id in checked
        if ipe_id not in problems or problems[ipe_id] is not None
    }
    return EvidenceFreshnessReport(
        cutoff_date=cutoff,
        deadline=deadline_for(cutoff, deadline_day),
        checked=checked,
        without_verified_package=tuple(reasons),
        reasons={ipe_id: str(reason) for ipe_id, reason in reasons.items()},
    )
