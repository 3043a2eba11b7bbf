"""Which cutoff a run extracts as of: the event's ``cutoff_date``, else the ``CUTOFF_DATE``
setting, else the last day of the month before today (the seed documents all three; its public
code ignored the setting). A cutoff that is not a date or lies in the future is refused naming
its source and the rule: nothing is extracted for it.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Literal

CutoffSource = Literal["event", "setting", "default"]
_SOURCE_NAMES: dict[CutoffSource, str] = {
    "event": "cutoff_date",
    "setting": "CUTOFF_DATE",
    "default": "the last day of the previous month",
}


class InvalidCutoff(ValueError):
    """The requested cutoff breaks a rule; ``field`` names where it came from."""

    def __init__(self, field: str, rule: str) -> None:
        super().__init__(f"{field}: {rule}")
        self.field = field
        self.rule = rule


def last_day_of_previous_month(today: date) -> date:
    return today.replace(day=1) - timedelta(days=1)


def parse_cutoff(value: object, field: str) -> date:
    """A calendar date written ``YYYY-MM-DD`` (a ``date`` is taken as it is)."""
    if isinstance(value, date):
        return value
    if not isinstance(value, str) or len(value) != len("YYYY-MM-DD"):
        raise InvalidCutoff(field, f"must be a date written YYYY-MM-DD, got {value!r}")
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise InvalidCutoff(field, f"must be a date written YYYY-MM-DD, got {value!r}") from None


def resolve_cutoff(
    requested: object | None, setting: str | None, today: date
) -> tuple[date, CutoffSource]:
    """The cutoff and where it came from; ``today`` is the UTC date the run started."""
    source: CutoffSource
    if requested is not None:
        source, cutoff = "event", parse_cutoff(requested, _SOURCE_NAMES["event"])
    elif setting:
        source, cutoff = "setting", parse_cutoff(setting.strip(), _SOURCE_NAMES["setting"])
    else:
        source, cutoff = "default", last_day_of_previous_month(today)
    if cutoff > today:
        raise InvalidCutoff(
            _SOURCE_NAMES[source],
            f"{cutoff.isoformat()} is in the future (today is {today.isoformat()} UTC): "
            "an IPE is extracted as of a day that has ended or is ending",
        )
    return cutoff, source
