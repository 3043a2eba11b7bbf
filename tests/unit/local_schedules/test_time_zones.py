"""Cron in a Scheduler schedule's time zone: weekdays and hours are the zone's, DST included."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from strongroom.local.schedules.expressions import InvalidScheduleExpression, parse_schedule

WEEKDAYS_AT_2030 = "cron(30 20 ? * MON-FRI *)"
LONDON = "Europe/London"


def _utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def _fires(expression: str, timezone: str, start: str, count: int) -> list[str]:
    schedule = parse_schedule(expression, timezone)
    moment, found = _utc(start), []
    for _ in range(count):
        following = schedule.next_after(moment)
        assert following is not None
        found.append(following.strftime("%a %Y-%m-%dT%H:%MZ"))
        moment = following
    return found


def test_weekdays_at_half_past_eight_in_london_winter_skip_the_weekend() -> None:
    assert _fires(WEEKDAYS_AT_2030, LONDON, "2026-12-03T12:00:00", 3) == [
        "Thu 2026-12-03T20:30Z",
        "Fri 2026-12-04T20:30Z",
        "Mon 2026-12-07T20:30Z",
    ]


def test_london_summer_time_fires_an_hour_earlier_in_utc_from_the_first_weekday_after() -> None:
    # clocks go forward on Sunday 2026-03-29
    assert _fires(WEEKDAYS_AT_2030, LONDON, "2026-03-27T12:00:00", 2) == [
        "Fri 2026-03-27T20:30Z",
        "Mon 2026-03-30T19:30Z",
    ]


def test_a_time_in_the_spring_gap_is_skipped() -> None:
    # 01:30 does not exist in London on 2026-03-29 (01:00 GMT becomes 02:00 BST)
    assert _fires("cron(30 1 * * ? *)", LONDON, "2026-03-28T02:00:00", 2) == [
        "Mon 2026-03-30T00:30Z",
        "Tue 2026-03-31T00:30Z",
    ]


def test_a_time_the_autumn_clock_shows_twice_fires_once() -> None:
    # 01:30 happens at 00:30 UTC (BST) and again at 01:30 UTC (GMT) on 2026-10-25
    assert _fires("cron(30 1 * * ? *)", LONDON, "2026-10-25T00:00:00", 2) == [
        "Sun 2026-10-25T00:30Z",
        "Mon 2026-10-26T01:30Z",
    ]


def test_the_day_of_week_is_the_zones_not_utcs() -> None:
    # Monday 08:00 in Auckland (UTC+13 in December) is Sunday evening in UTC
    assert _fires("cron(0 8 ? * MON *)", "Pacific/Auckland", "2026-12-03T00:00:00", 1) == [
        "Sun 2026-12-06T19:00Z"
    ]


def test_without_a_time_zone_cron_runs_in_utc() -> None:
    assert _fires(WEEKDAYS_AT_2030, "UTC", "2026-07-01T00:00:00", 1) == ["Wed 2026-07-01T20:30Z"]


def test_a_rate_has_no_calendar_so_no_time_zone() -> None:
    schedule = parse_schedule("rate(1 day)", LONDON)

    assert schedule.next_after(_utc("2026-03-28T12:00:00")) == _utc("2026-03-29T12:00:00")


def test_an_unknown_time_zone_is_refused_by_name() -> None:
    with pytest.raises(InvalidScheduleExpression, match="ScheduleExpressionTimezone: 'Mars/Base'"):
        parse_schedule(WEEKDAYS_AT_2030, "Mars/Base")


ZONES = ["Europe/London", "America/New_York", "Australia/Sydney", "Asia/Kolkata", "UTC"]


@given(
    zone=st.sampled_from(ZONES),
    moment=st.datetimes(min_value=datetime(2020, 1, 1), max_value=datetime(2035, 12, 31)),
)
def test_every_fire_is_a_weekday_at_2030_on_the_zones_clock_and_none_is_missed(
    zone: str, moment: datetime
) -> None:
    start = moment.replace(tzinfo=UTC)
    schedule = parse_schedule(WEEKDAYS_AT_2030, zone)

    fire = schedule.next_after(start)

    assert fire is not None
    assert fire > start
    local = fire.astimezone(ZoneInfo(zone))
    assert (local.hour, local.minute, local.weekday() < 5) == (20, 30, True)
    # no weekday 20:30 lies strictly between the start and the fire
    day = start.astimezone(ZoneInfo(zone)).date()
    while day <= local.date():
        wall = datetime(day.year, day.month, day.day, 20, 30, tzinfo=ZoneInfo(zone))
        if day.weekday() < 5 and start < wall.astimezone(UTC) < fire:
            pytest.fail(f"{wall} was skipped")
        day += timedelta(days=1)
