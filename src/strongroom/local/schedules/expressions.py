"""EventBridge schedule expressions: ``cron(...)`` with AWS's six fields, and ``rate(...)``.

Validation follows the EventBridge reference rule by rule; iteration is our own (no
croniter): AWS numbers days of the week 1-7 from Sunday, has a year field, requires ``?`` in
exactly one of day-of-month / day-of-week, and gives ``L``, ``W`` and ``#`` meanings that
classic cron libraries spell differently. A cron expression runs in UTC unless it is given a
time zone (EventBridge Scheduler's ``ScheduleExpressionTimezone``); times in and out are UTC.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, tzinfo
from typing import Protocol

from strongroom.local.schedules.zones import UnknownTimeZone, time_zone, wall_time_in_utc

MIN_YEAR, MAX_YEAR = 1970, 2199
_CRON = re.compile(r"^cron\((?P<body>.*)\)$", re.DOTALL)
_RATE = re.compile(r"^rate\((?P<body>.*)\)$", re.DOTALL)
_RATE_BODY = re.compile(r"^(?P<value>\S+)\s+(?P<unit>\S+)$")
_ITEM = re.compile(r"^(?P<range>\*|[A-Za-z0-9]+(?:-[A-Za-z0-9]+)?)(?:/(?P<step>[^/]*))?$")
_NEAREST_WEEKDAY = re.compile(r"^(?P<day>\d+)W$")
_LAST_WEEKDAY = re.compile(r"^(?P<weekday>[A-Za-z0-9]+)L$")
_NTH_WEEKDAY = re.compile(r"^(?P<weekday>[A-Za-z0-9]+)#(?P<nth>[^#]*)$")
_FIELD_NAMES = ("minutes", "hours", "day-of-month", "month", "day-of-week", "year")
_MONTH_NAMES = {
    name: number
    for number, name in enumerate(
        ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"), 1
    )
}
_DAY_NAMES = {
    name: number for number, name in enumerate(("SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"), 1)
}
_SATURDAY = 7
_RATE_UNITS = {"minute": timedelta(minutes=1), "hour": timedelta(hours=1), "day": timedelta(days=1)}


class InvalidScheduleExpression(ValueError):
    """The expression breaks one of EventBridge's rules; the message names field and rule."""


class ScheduleExpression(Protocol):
    def next_after(self, moment: datetime) -> datetime | None:
        """The first fire time strictly after ``moment`` (UTC), or None if there is none."""
        ...


def parse_schedule(expression: str, timezone: str = "UTC") -> CronExpression | RateExpression:
    """``timezone`` is where a cron expression's fields are read; a rate has no calendar."""
    text = expression.strip()
    if _CRON.match(text):
        try:
            zone = time_zone(timezone)
        except UnknownTimeZone as error:
            raise InvalidScheduleExpression(f"ScheduleExpressionTimezone: {error}") from None
        return _parse_cron(text, zone)
    if _RATE.match(text):
        return _parse_rate(text)
    raise InvalidScheduleExpression(
        f"{expression!r}: a schedule expression is cron(minutes hours day-of-month month"
        " day-of-week year) or rate(value unit)"
    )


@dataclass(frozen=True)
class RateExpression:
    value: int
    unit: str  # "minute", "hour" or "day"

    @property
    def period(self) -> timedelta:
        return self.value * _RATE_UNITS[self.unit]

    def next_after(self, moment: datetime) -> datetime:
        """A rate has no calendar: the next fire is one period after the previous one."""
        return _as_utc(moment) + self.period


class _DayRule(Protocol):
    """What the day-of-month or day-of-week field selects in a given month."""

    def days_in(self, year: int, month: int) -> set[int]: ...


@dataclass(frozen=True)
class _DaySet:
    days: frozenset[int]

    def days_in(self, year: int, month: int) -> set[int]:
        return {day for day in self.days if day <= _month_length(year, month)}


@dataclass(frozen=True)
class _LastDayOfMonth:
    def days_in(self, year: int, month: int) -> set[int]:
        return {_month_length(year, month)}


@dataclass(frozen=True)
class _NearestWeekday:
    """``15W``: the weekday closest to the 15th, never crossing into another month."""

    day: int

    def days_in(self, year: int, month: int) -> set[int]:
        length = _month_length(year, month)
        if self.day > length:
            return set()
        weekday = date(year, month, self.day).weekday()  # Monday 0 ... Sunday 6
        if weekday == 5:  # Saturday: Friday before, or Monday after on the 1st
            return {self.day - 1 if self.day > 1 else self.day + 2}
        if weekday == 6:  # Sunday: Monday after, or Friday before on the last day
            return {self.day + 1 if self.day < length else self.day - 2}
        return {self.day}


@dataclass(frozen=True)
class _Weekdays:
    weekdays: frozenset[int]  # AWS numbering: 1 = Sunday ... 7 = Saturday

    def days_in(self, year: int, month: int) -> set[int]:
        return {
            day
            for day in range(1, _month_length(year, month) + 1)
            if _aws_weekday(date(year, month, day)) in self.weekdays
        }


@dataclass(frozen=True)
class _LastWeekdayOfMonth:
    """``6L``: the last Friday of the month."""

    weekday: int

    def days_in(self, year: int, month: int) -> set[int]:
        matching = _Weekdays(frozenset({self.weekday})).days_in(year, month)
        return {max(matching)}


@dataclass(frozen=True)
class _NthWeekdayOfMonth:
    """``2#1``: the first Monday of the month (none when the month has no such day)."""

    weekday: int
    nth: int

    def days_in(self, year: int, month: int) -> set[int]:
        matching = sorted(_Weekdays(frozenset({self.weekday})).days_in(year, month))
        return {matching[self.nth - 1]} if self.nth <= len(matching) else set()


@dataclass(frozen=True)
class CronExpression:
    minutes: tuple[int, ...]
    hours: tuple[int, ...]
    days: _DayRule  # from whichever of day-of-month / day-of-week is not "?"
    months: tuple[int, ...]
    years: tuple[int, ...]
    zone: tzinfo = UTC  # where the fields are read

    def next_after(self, moment: datetime) -> datetime | None:
        start = _as_utc(moment).replace(second=0, microsecond=0) + timedelta(minutes=1)
        local_start = start.astimezone(self.zone)
        for year in (y for y in self.years if y >= local_start.year):
            for month in self.months:
                if (year, month) < (local_start.year, local_start.month):
                    continue
                for day in sorted(self.days.days_in(year, month)):
                    if date(year, month, day) < local_start.date():
                        continue
                    found = self._first_time_on(year, month, day, start)
                    if found is not None:
                        return found
        return None

    def _first_time_on(self, year: int, month: int, day: int, start: datetime) -> datetime | None:
        for hour in self.hours:
            for minute in self.minutes:
                candidate = wall_time_in_utc(year, month, day, hour, minute, self.zone)
                if candidate is not None and candidate >= start:
                    return candidate
        return None


@dataclass(frozen=True)
class _Field:
    name: str
    low: int
    high: int
    specials: str  # the characters AWS allows in this field besides digits
    names: Mapping[str, int]

    def error(self, text: str, rule: str) -> InvalidScheduleExpression:
        return InvalidScheduleExpression(f"{self.name} field {text!r}: {rule}")


_MINUTES = _Field("minutes", 0, 59, ",-*/", {})
_HOURS = _Field("hours", 0, 23, ",-*/", {})
_DAY_OF_MONTH = _Field("day-of-month", 1, 31, ",-*?/LW", {})
_MONTH = _Field("month", 1, 12, ",-*/", _MONTH_NAMES)
_DAY_OF_WEEK = _Field("day-of-week", 1, 7, ",-*?L#", _DAY_NAMES)
_YEAR = _Field("year", MIN_YEAR, MAX_YEAR, ",-*/", {})


def _parse_cron(text: str, zone: tzinfo) -> CronExpression:
    body = text[len("cron(") : -1]
    fields = body.split()
    if len(fields) != len(_FIELD_NAMES):
        raise InvalidScheduleExpression(
            f"{text!r}: cron needs {len(_FIELD_NAMES)} fields ({' '.join(_FIELD_NAMES)}),"
            f" got {len(fields)}"
        )
    minutes, hours, day_of_month, month, day_of_week, year = fields
    try:
        for field, value in zip(
            (_MINUTES, _HOURS, _DAY_OF_MONTH, _MONTH, _DAY_OF_WEEK, _YEAR), fields, strict=True
        ):
            _check_characters(field, value)
        return CronExpression(
            minutes=_sorted(_parse_list(_MINUTES, minutes)),
            hours=_sorted(_parse_list(_HOURS, hours)),
            days=_parse_days(day_of_month, day_of_week),
            months=_sorted(_parse_list(_MONTH, month)),
            years=_sorted(_parse_list(_YEAR, year)),
            zone=zone,
        )
    except InvalidScheduleExpression as error:
        raise InvalidScheduleExpression(f"{text!r}: {error}") from None


def _check_characters(field: _Field, text: str) -> None:
    for character in text:
        if character.isalnum() or character in field.specials:
            continue
        allowed = " ".join(field.specials)
        raise field.error(text, f"{character!r} is not allowed here (allowed: {allowed})")


def _parse_days(day_of_month: str, day_of_week: str) -> _DayRule:
    if (day_of_month == "?") == (day_of_week == "?"):
        raise InvalidScheduleExpression(
            f"day-of-month {day_of_month!r} and day-of-week {day_of_week!r}: exactly one of"
            " the two must be '?' (AWS does not allow both to be set, nor both to be '?')"
        )
    if day_of_week == "?":
        return _parse_day_of_month(day_of_month)
    return _parse_day_of_week(day_of_week)


def _parse_day_of_month(text: str) -> _DayRule:
    if text.upper() == "L":
        return _LastDayOfMonth()
    nearest = _NEAREST_WEEKDAY.match(text.upper())
    if nearest:
        return _NearestWeekday(_value(_DAY_OF_MONTH, nearest.group("day"), text))
    if any(special in text.upper() for special in "LW"):
        raise _DAY_OF_MONTH.error(text, "L and W stand alone, as 'L' or '<day>W' (e.g. 15W)")
    if "?" in text:
        raise _DAY_OF_MONTH.error(text, "'?' stands alone")
    return _DaySet(_parse_list(_DAY_OF_MONTH, text))


def _parse_day_of_week(text: str) -> _DayRule:
    if text.upper() == "L":
        return _Weekdays(frozenset({_SATURDAY}))  # the last day of the week
    last = _LAST_WEEKDAY.match(text.upper())
    if last:
        return _LastWeekdayOfMonth(_value(_DAY_OF_WEEK, last.group("weekday"), text))
    nth = _NTH_WEEKDAY.match(text.upper())
    if nth:
        weekday = _value(_DAY_OF_WEEK, nth.group("weekday"), text)
        occurrence = nth.group("nth")
        if not occurrence.isdigit() or not 1 <= int(occurrence) <= 5:
            raise _DAY_OF_WEEK.error(text, "the number after '#' is the week of the month, 1-5")
        return _NthWeekdayOfMonth(weekday, int(occurrence))
    if "L" in text.upper() or "#" in text:
        raise _DAY_OF_WEEK.error(text, "L and # stand alone, as 'L', '<day>L' or '<day>#<n>'")
    if "?" in text:
        raise _DAY_OF_WEEK.error(text, "'?' stands alone")
    return _Weekdays(_parse_list(_DAY_OF_WEEK, text))


def _parse_list(field: _Field, text: str) -> frozenset[int]:
    values: set[int] = set()
    for item in text.split(","):
        values.update(_parse_item(field, item, text))
    return frozenset(values)


def _parse_item(field: _Field, item: str, text: str) -> range:
    if not item:
        raise field.error(text, "empty item in a ',' list")
    found = _ITEM.match(item)
    if not found:
        raise field.error(text, f"{item!r} is not a value, a range a-b, '*', or one of those /step")
    span, step_text = found.group("range"), found.group("step")
    if span == "*":
        low, high = field.low, field.high
    elif "-" in span:
        first, last = span.split("-")
        low, high = _value(field, first, text), _value(field, last, text)
        if low > high:
            raise field.error(text, f"range {span!r} runs backwards")
    else:
        low = _value(field, span, text)
        high = field.high if step_text is not None else low
    step = 1
    if step_text is not None:
        if not step_text.isdigit() or int(step_text) < 1:
            raise field.error(text, f"the step after '/' must be a positive integer in {item!r}")
        step = int(step_text)
    return range(low, high + 1, step)


def _value(field: _Field, token: str, text: str) -> int:
    if token.isdigit():
        number = int(token)
    elif token.upper() in field.names:
        number = field.names[token.upper()]
    else:
        expected = f" or {next(iter(field.names))}-{list(field.names)[-1]}" if field.names else ""
        raise field.error(text, f"{token!r} is not a number{expected}")
    if not field.low <= number <= field.high:
        raise field.error(text, f"{number} is out of range {field.low}-{field.high}")
    return number


def _parse_rate(text: str) -> RateExpression:
    body = text[len("rate(") : -1].strip()
    found = _RATE_BODY.match(body)
    if not found:
        raise InvalidScheduleExpression(
            f"{text!r}: rate takes a value and a unit, e.g. rate(5 minutes)"
        )
    value_text, unit = found.group("value"), found.group("unit")
    if not value_text.isdigit() or int(value_text) < 1:
        raise InvalidScheduleExpression(f"{text!r}: the rate value must be a positive integer")
    value = int(value_text)
    singular = unit.removesuffix("s")
    if singular not in _RATE_UNITS:
        raise InvalidScheduleExpression(f"{text!r}: the unit is minute(s), hour(s) or day(s)")
    expected = singular if value == 1 else f"{singular}s"
    if unit != expected:
        raise InvalidScheduleExpression(
            f"{text!r}: the unit must be {expected!r} (singular for 1, plural otherwise)"
        )
    return RateExpression(value, singular)


def _sorted(values: frozenset[int]) -> tuple[int, ...]:
    return tuple(sorted(values))


def _month_length(year: int, month: int) -> int:
    return calendar.monthrange(year, month)[1]


def _aws_weekday(day: date) -> int:
    """1 = Sunday ... 7 = Saturday (Python's weekday() has Monday = 0)."""
    return (day.weekday() + 1) % 7 + 1


def _as_utc(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        raise ValueError("naive datetime: schedules run in UTC, pass an aware datetime")
    return moment.astimezone(UTC)
