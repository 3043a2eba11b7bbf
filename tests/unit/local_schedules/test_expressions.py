from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from strongroom.local.schedules.expressions import (
    InvalidScheduleExpression,
    RateExpression,
    parse_schedule,
)


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def next_fire(expression: str, after: str) -> datetime | None:
    return parse_schedule(expression).next_after(utc(after))


# Each expected time was checked against a calendar by hand.
@pytest.mark.parametrize(
    ("expression", "after", "expected"),
    [
        ("cron(0 3 10 * ? *)", "2024-01-15T00:00", "2024-02-10T03:00"),
        ("cron(0 3 10 * ? *)", "2024-02-09T23:59", "2024-02-10T03:00"),
        ("cron(0 3 10 * ? *)", "2024-02-10T03:00", "2024-03-10T03:00"),  # strictly after
        ("cron(30 20 ? * MON-FRI *)", "2024-03-08T21:00", "2024-03-11T20:30"),  # Fri -> Mon
        ("cron(30 20 ? * MON-FRI *)", "2024-03-11T20:29:59", "2024-03-11T20:30"),
        ("cron(30 20 ? * 2-6 *)", "2024-03-09T00:00", "2024-03-11T20:30"),  # 2-6 = MON-FRI
        ("cron(0 0 L * ? *)", "2024-02-01T00:00", "2024-02-29T00:00"),  # leap year
        ("cron(0 0 L * ? *)", "2023-02-01T00:00", "2023-02-28T00:00"),
        ("cron(0 9 ? * 2#1 *)", "2024-04-01T10:00", "2024-05-06T09:00"),  # first Monday
        ("cron(0 9 ? * MON#5 *)", "2024-01-01T00:00", "2024-01-29T09:00"),
        ("cron(0 9 ? * MON#5 *)", "2024-02-01T00:00", "2024-04-29T09:00"),  # no 5th in Feb/Mar
        ("cron(0 9 ? * 6L *)", "2024-03-01T10:00", "2024-03-29T09:00"),  # last Friday
        ("cron(0 12 15W * ? *)", "2024-06-01T00:00", "2024-06-14T12:00"),  # Sat 15 -> Fri 14
        ("cron(0 12 15W * ? *)", "2024-09-01T00:00", "2024-09-16T12:00"),  # Sun 15 -> Mon 16
        ("cron(0 12 1W * ? *)", "2024-09-01T00:00", "2024-09-02T12:00"),  # Sun 1 -> Mon 2
        ("cron(0 12 1W * ? *)", "2024-06-01T00:00", "2024-06-03T12:00"),  # Sat 1 -> Mon 3
        ("cron(0 12 30W * ? *)", "2024-06-01T00:00", "2024-06-28T12:00"),  # Sun 30 -> Fri 28
        ("cron(0 0 ? * L *)", "2024-03-04T00:00", "2024-03-09T00:00"),  # L: Saturday
        ("cron(0 0 31 * ? *)", "2024-04-01T00:00", "2024-05-31T00:00"),  # skips 30-day April
        ("cron(0/20 8-9 * JAN,JUL ? 2025)", "2024-12-31T23:00", "2025-01-01T08:00"),
        ("cron(0/20 8-9 * JAN,JUL ? 2025)", "2025-01-31T09:40", "2025-07-01T08:00"),
        ("cron(*/5 * * * ? *)", "2024-01-01T00:02:30", "2024-01-01T00:05"),
        ("cron(15 10 ? * 1 *)", "2024-03-12T00:00", "2024-03-17T10:15"),  # 1 = Sunday
    ],
)
def test_next_fire_times(expression: str, after: str, expected: str) -> None:
    assert next_fire(expression, after) == utc(expected)


def test_no_fire_after_the_last_year() -> None:
    assert next_fire("cron(0 0 1 1 ? 2199)", "2199-06-01T00:00") is None
    assert next_fire("cron(0 0 30 2 ? *)", "2024-01-01T00:00") is None  # never a Feb 30


def test_rate_fires_one_period_after_the_previous_fire() -> None:
    rate = parse_schedule("rate(90 minutes)")

    assert rate == RateExpression(90, "minute")
    assert rate.next_after(utc("2024-01-01T23:00")) == utc("2024-01-02T00:30")
    assert parse_schedule("rate(1 day)").next_after(utc("2024-02-28T06:00")) == utc(
        "2024-02-29T06:00"
    )


def test_naive_datetimes_are_refused() -> None:
    with pytest.raises(ValueError, match="naive"):
        parse_schedule("rate(1 hour)").next_after(datetime(2024, 1, 1))


@pytest.mark.parametrize(
    ("expression", "message"),
    [
        ("cron(0 3 10 * ?)", "cron needs 6 fields"),
        ("cron(0 3 * * * *)", "exactly one of the two must be '?'"),
        ("cron(0 3 ? * ? *)", "exactly one of the two must be '?'"),
        ("cron(60 3 10 * ? *)", "minutes field '60': 60 is out of range 0-59"),
        ("cron(0 24 10 * ? *)", "hours field '24': 24 is out of range 0-23"),
        ("cron(0 3 0 * ? *)", "day-of-month field '0': 0 is out of range 1-31"),
        ("cron(0 3 10 13 ? *)", "month field '13': 13 is out of range 1-12"),
        ("cron(0 3 ? * 8 *)", "day-of-week field '8': 8 is out of range 1-7"),
        ("cron(0 3 ? * 0 *)", "day-of-week field '0': 0 is out of range 1-7"),
        ("cron(0 3 10 * ? 1969)", "year field '1969': 1969 is out of range 1970-2199"),
        ("cron(0 3 10 * ? 2200)", "year field '2200'"),
        ("cron(0 3 10 FOO ? *)", "'FOO' is not a number or JAN-DEC"),
        ("cron(0 3 ? * FUN *)", "'FUN' is not a number or SUN-SAT"),
        ("cron(MON 3 10 * ? *)", "minutes field 'MON': 'MON' is not a number"),
        ("cron(0 3 ? * MON/2 *)", "day-of-week field 'MON/2': '/' is not allowed"),
        ("cron(0 3 10 * ? * 5)", "cron needs 6 fields"),
        ("cron(0 L 10 * ? *)", "hours field 'L': 'L' is not a number"),
        ("cron(0 3 10# * ? *)", "day-of-month field '10#': '#' is not allowed"),
        ("cron(0 3 ? * 2#6 *)", "the number after '#' is the week of the month, 1-5"),
        ("cron(0 3 ? * 2#0 *)", "the number after '#' is the week of the month, 1-5"),
        ("cron(0 3 ? * 2#1,3 *)", "the number after '#'"),
        ("cron(0 3 LW * ? *)", "L and W stand alone"),
        ("cron(0 3 1,L * ? *)", "L and W stand alone"),
        ("cron(0 3 32W * ? *)", "32 is out of range 1-31"),
        ("cron(0 3 ? * 1,2L *)", "L and # stand alone"),
        ("cron(0 3 ?,1 * ? *)", "'?' stands alone"),
        ("cron(5-1 3 10 * ? *)", "range '5-1' runs backwards"),
        ("cron(0 3 ? * FRI-MON *)", "range 'FRI-MON' runs backwards"),
        ("cron(*/0 3 10 * ? *)", "the step after '/' must be a positive integer"),
        ("cron(0/ 3 10 * ? *)", "the step after '/' must be a positive integer"),
        ("cron(1,,2 3 10 * ? *)", "empty item"),
        ("cron(0 3 10 * ? */x)", "the step after '/'"),
        ("rate(1 minutes)", "must be 'minute' (singular for 1, plural otherwise)"),
        ("rate(5 minute)", "must be 'minutes'"),
        ("rate(1 hours)", "must be 'hour'"),
        ("rate(0 minutes)", "positive integer"),
        ("rate(-5 minutes)", "positive integer"),
        ("rate(1.5 hours)", "positive integer"),
        ("rate(2 weeks)", "minute(s), hour(s) or day(s)"),
        ("rate(5)", "a value and a unit"),
        ("rate(5 Minutes)", "minute(s), hour(s) or day(s)"),
        ("at(2024-01-01T00:00:00)", "cron(minutes hours day-of-month month day-of-week year)"),
        ("0 3 * * *", "is cron("),
    ],
)
def test_invalid_expressions_name_the_field_and_the_rule(expression: str, message: str) -> None:
    with pytest.raises(InvalidScheduleExpression) as raised:
        parse_schedule(expression)

    assert message in str(raised.value)


@pytest.mark.parametrize(
    "expression",
    [
        "cron(0 3 10 * ? *)",
        "cron(0/15 * ? * MON-FRI *)",
        "cron(0 0 L * ? *)",
        "cron(0 0 ? * 6L 2024-2030)",
        "cron(0 0 ? * sun#2 *)",
        "cron(5,10,15-20/2 0-23/3 1-31/2 jan-dec/2 ? 1970/5)",
        "  rate(1 minute)  ",
        "rate(10 days)",
    ],
)
def test_valid_expressions_parse(expression: str) -> None:
    assert parse_schedule(expression).next_after(utc("2024-01-01T00:00")) is not None


# Property tests: the oracle is a brute-force minute-by-minute scan of plain field sets.

minute_sets = st.sets(st.integers(0, 59), min_size=1, max_size=4)
hour_sets = st.sets(st.integers(0, 23), min_size=1, max_size=4)
weekday_sets = st.sets(st.integers(1, 7), min_size=1, max_size=7)
moments = st.datetimes(
    min_value=datetime(2000, 1, 1), max_value=datetime(2150, 12, 31), timezones=st.just(UTC)
)


UNIT_LENGTHS = {
    "minute": timedelta(minutes=1),
    "hour": timedelta(hours=1),
    "day": timedelta(days=1),
}


def listed(values: set[int]) -> str:
    return ",".join(str(v) for v in sorted(values))


def aws_weekday(moment: datetime) -> int:
    return (moment.weekday() + 1) % 7 + 1


@settings(max_examples=60, deadline=None)
@given(minutes=minute_sets, hours=hour_sets, weekdays=weekday_sets, moment=moments)
def test_next_fire_is_the_first_matching_minute_after(
    minutes: set[int], hours: set[int], weekdays: set[int], moment: datetime
) -> None:
    expression = parse_schedule(f"cron({listed(minutes)} {listed(hours)} ? * {listed(weekdays)} *)")

    fired = expression.next_after(moment)

    assert fired is not None
    assert fired > moment
    assert (fired.second, fired.microsecond) == (0, 0)
    assert fired.minute in minutes
    assert fired.hour in hours
    assert aws_weekday(fired) in weekdays
    candidate = moment.replace(second=0, microsecond=0) + timedelta(minutes=1)
    while candidate < fired:  # nothing earlier matches
        matches = (
            candidate.minute in minutes
            and candidate.hour in hours
            and aws_weekday(candidate) in weekdays
        )
        assert not matches, candidate
        candidate += timedelta(minutes=1)


@settings(max_examples=60, deadline=None)
@given(
    minutes=minute_sets,
    days=st.sets(st.integers(1, 31), min_size=1, max_size=3),
    months=st.sets(st.integers(1, 12), min_size=1, max_size=3),
    moment=moments,
)
def test_successive_fires_strictly_increase_and_match(
    minutes: set[int], days: set[int], months: set[int], moment: datetime
) -> None:
    expression = parse_schedule(f"cron({listed(minutes)} 6 {listed(days)} {listed(months)} ? *)")

    fires: list[datetime] = []
    current: datetime | None = moment
    for _ in range(5):
        current = expression.next_after(current) if current is not None else None
        if current is None:
            break
        fires.append(current)

    assert fires == sorted(set(fires))
    assert all(f > moment for f in fires)
    for fired in fires:
        assert (fired.minute, fired.hour) in {(m, 6) for m in minutes}
        assert fired.day in days
        assert fired.month in months


@given(
    value=st.integers(1, 10_000),
    unit=st.sampled_from(["minute", "hour", "day"]),
    moment=moments,
)
def test_rate_units_are_singular_for_one_and_plural_otherwise(
    value: int, unit: str, moment: datetime
) -> None:
    right = unit if value == 1 else f"{unit}s"
    wrong = f"{unit}s" if value == 1 else unit

    rate = parse_schedule(f"rate({value} {right})")

    assert rate.next_after(moment) == moment + value * UNIT_LENGTHS[unit]
    with pytest.raises(InvalidScheduleExpression):
        parse_schedule(f"rate({value} {wrong})")
