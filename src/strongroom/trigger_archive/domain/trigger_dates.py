"""Which day a run archives, from its event, decided once at the start of the run.

* ``{"trigger_date": "YYYY-MM-DD"}`` (optionally with ``"client_ids": [...]``): that day.
* ``{"scheduled_time": "2026-12-03T20:30:00Z"}`` (EventBridge Scheduler's
  ``<aws.scheduler.scheduled-time>``): that instant's date in the configured time zone, so a late
  or repeated delivery archives the day it was scheduled for.
* ``{}`` (the seed's invocation): today in the configured time zone, from the clock read once.

Anything else is refused with the field and the rule.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date, datetime, timedelta
from typing import Annotated, Any, Self
from zoneinfo import ZoneInfo

from pydantic import (
    AwareDatetime,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StrictInt,
    ValidationError,
    model_validator,
)

MAX_BACKFILL_DAYS = 366
"""The longest date range one backfill may cover (inclusive)."""

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _calendar_date(value: object) -> object:
    """Only the text ``YYYY-MM-DD`` of a real day (no timestamps, no other formats)."""
    if value is None:
        return None
    if not isinstance(value, str) or not _ISO_DATE.fullmatch(value):
        raise ValueError("must be a date written YYYY-MM-DD")
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ValueError("must be a calendar date (YYYY-MM-DD)") from None


IsoDate = Annotated[date, BeforeValidator(_calendar_date)]
ClientId = Annotated[StrictInt, Field(ge=0)]


class ArchiveRequest(BaseModel):
    """The function's event. Every field is optional; unknown fields are refused."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    trigger_date: IsoDate | None = None
    scheduled_time: AwareDatetime | None = None
    client_ids: tuple[ClientId, ...] | None = Field(default=None, min_length=1, max_length=10_000)

    @model_validator(mode="after")
    def _one_source_of_date(self) -> Self:
        if self.trigger_date is not None and self.scheduled_time is not None:
            raise ValueError("give trigger_date or scheduled_time, not both")
        return self


class InvalidArchiveRequest(ValueError):
    """The event breaks a rule; ``problems`` holds (field, rule) pairs."""

    def __init__(self, problems: list[tuple[str, str]]) -> None:
        self.problems = problems
        super().__init__("; ".join(f"{field}: {rule}" for field, rule in problems))


def parse_archive_request(event: Mapping[str, Any] | None) -> ArchiveRequest:
    """The event as an :class:`ArchiveRequest`, or :class:`InvalidArchiveRequest` naming why."""
    if event is None:
        event = {}
    if not isinstance(event, Mapping):
        raise InvalidArchiveRequest([("event", "must be a JSON object")])
    try:
        return ArchiveRequest.model_validate(dict(event))
    except ValidationError as error:
        raise InvalidArchiveRequest(
            [
                (
                    ".".join(str(part) for part in problem["loc"]) or "event",
                    problem["msg"].removeprefix("Value error, "),
                )
                for problem in error.errors(include_url=False, include_input=False)
            ]
        ) from None


def resolve_trigger_date(request: ArchiveRequest, *, timezone: ZoneInfo, now: datetime) -> date:
    """The day to archive; ``now`` is the clock read once when the run started."""
    if now.tzinfo is None:
        raise ValueError("naive datetime: a time zone is required")
    if request.trigger_date is not None:
        return request.trigger_date
    if request.scheduled_time is not None:
        return request.scheduled_time.astimezone(timezone).date()
    return now.astimezone(timezone).date()


def date_range(first: date, last: date, *, max_days: int = MAX_BACKFILL_DAYS) -> list[date]:
    """Every day from ``first`` to ``last``, both included, for a backfill."""
    if last < first:
        raise ValueError(f"the range ends ({last}) before it starts ({first})")
    days = (last - first).days + 1
    if days > max_days:
        raise ValueError(f"{days} days from {first} to {last}: at most {max_days} per backfill")
    return [first + timedelta(days=offset) for offset in range(days)]
