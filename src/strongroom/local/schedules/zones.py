"""Wall-clock times in a schedule's time zone, with EventBridge Scheduler's DST rules.

EventBridge Scheduler evaluates a cron expression in its ``ScheduleExpressionTimezone``. When
clocks go forward, a time that does not exist that day is skipped; when they go back, a time
that happens twice fires once (its first occurrence).
"""

from __future__ import annotations

from datetime import UTC, datetime, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError


class UnknownTimeZone(ValueError):
    """The name is not an IANA time zone (such as ``Europe/London``)."""


def time_zone(name: str) -> tzinfo:
    """The IANA zone ``name``; ``UTC`` (the default of both EventBridge services) included."""
    if name == "UTC":
        return UTC
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise UnknownTimeZone(f"{name!r} is not an IANA time zone name") from None


def wall_time_in_utc(
    year: int, month: int, day: int, hour: int, minute: int, zone: tzinfo
) -> datetime | None:
    """The UTC instant a clock in ``zone`` shows this time: its first one if the clock shows
    it twice, None if the clock skips it."""
    local = datetime(year, month, day, hour, minute, tzinfo=zone, fold=0)
    instant = local.astimezone(UTC)
    if instant.astimezone(zone).replace(tzinfo=None) != local.replace(tzinfo=None):
        return None  # in the gap when clocks go forward
    return instant
