"""The day a run archives: from the event, the schedule's own time, or today, read once."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from strongroom.trigger_archive.domain import (
    InvalidArchiveRequest,
    date_range,
    parse_archive_request,
    resolve_trigger_date,
)

UTC_ZONE = ZoneInfo("UTC")
LONDON = ZoneInfo("Europe/London")
NEW_YORK = ZoneInfo("America/New_York")
SYDNEY = ZoneInfo("Australia/Sydney")
NOW = datetime(2026, 12, 3, 20, 30, tzinfo=UTC)


def _day(event: dict[str, Any], zone: ZoneInfo = UTC_ZONE, now: datetime = NOW) -> date:
    return resolve_trigger_date(parse_archive_request(event), timezone=zone, now=now)


def test_an_empty_event_archives_today_in_the_configured_zone() -> None:
    assert _day({}) == date(2026, 12, 3)
    # 20:30 UTC on 3 December is already 4 December in Sydney.
    assert _day({}, SYDNEY) == date(2026, 12, 4)


def test_none_is_read_as_an_empty_event() -> None:
    assert resolve_trigger_date(parse_archive_request(None), timezone=UTC_ZONE, now=NOW) == date(
        2026, 12, 3
    )


def test_an_explicit_date_wins_over_the_clock() -> None:
    assert _day({"trigger_date": "2024-11-27"}, SYDNEY) == date(2024, 11, 27)


def test_client_ids_come_with_the_date_for_a_rerun() -> None:
    request = parse_archive_request({"trigger_date": "2024-11-27", "client_ids": [5, 7]})

    assert request.client_ids == (5, 7)


def test_a_scheduled_event_archives_the_day_it_was_scheduled_for() -> None:
    late = datetime(2026, 12, 4, 9, 0, tzinfo=UTC)  # delivered or retried the next morning

    assert _day({"scheduled_time": "2026-12-03T20:30:00Z"}, now=late) == date(2026, 12, 3)


def test_the_scheduled_time_is_read_in_the_configured_zone() -> None:
    # 23:30 in New York on 3 December is 04:30 UTC on the 4th.
    event = {"scheduled_time": "2026-12-04T04:30:00Z"}

    assert _day(event, NEW_YORK) == date(2026, 12, 3)
    assert _day(event, UTC_ZONE) == date(2026, 12, 4)


@pytest.mark.parametrize(
    ("instant", "expected"),
    [
        # London's clocks go forward at 01:00 UTC on 29 March 2026 (GMT -> BST).
        ("2026-03-28T23:30:00Z", date(2026, 3, 28)),  # 23:30 GMT
        ("2026-03-29T23:30:00Z", date(2026, 3, 30)),  # 00:30 BST the next day
        # ...and back at 01:00 UTC on 25 October 2026.
        ("2026-10-24T23:30:00Z", date(2026, 10, 25)),  # 00:30 BST
        ("2026-10-25T23:30:00Z", date(2026, 10, 25)),  # 23:30 GMT
    ],
)
def test_dates_follow_daylight_saving_time(instant: str, expected: date) -> None:
    assert _day({"scheduled_time": instant}, LONDON) == expected


def test_the_clock_must_be_aware() -> None:
    with pytest.raises(ValueError, match="naive"):
        resolve_trigger_date(
            parse_archive_request({}), timezone=UTC_ZONE, now=datetime(2026, 12, 3, 20, 30)
        )


@pytest.mark.parametrize(
    ("event", "field", "rule"),
    [
        ({"trigger_date": "2026-02-30"}, "trigger_date", "calendar date"),
        ({"trigger_date": "03/12/2026"}, "trigger_date", "YYYY-MM-DD"),
        ({"trigger_date": 20261203}, "trigger_date", "YYYY-MM-DD"),
        ({"trigger_date": "2026-12-03T00:00:00Z"}, "trigger_date", "YYYY-MM-DD"),
        ({"scheduled_time": "2026-12-03T20:30:00"}, "scheduled_time", "timezone"),
        ({"client_ids": []}, "client_ids", "at least 1"),
        ({"client_ids": ["5"]}, "client_ids.0", "integer"),
        ({"client_ids": [-3]}, "client_ids.0", "greater than or equal to 0"),
        ({"clientIds": [5]}, "clientIds", "Extra inputs"),
        (
            {"trigger_date": "2026-12-03", "scheduled_time": "2026-12-03T20:30:00Z"},
            "event",
            "not both",
        ),
    ],
)
def test_a_bad_event_is_refused_naming_the_field_and_the_rule(
    event: dict[str, Any], field: str, rule: str
) -> None:
    with pytest.raises(InvalidArchiveRequest) as refused:
        parse_archive_request(event)

    assert any(
        problem_field == field and rule in problem_rule
        for problem_field, problem_rule in refused.value.problems
    ), refused.value.problems


def test_an_event_that_is_not_an_object_is_refused() -> None:
    with pytest.raises(InvalidArchiveRequest, match="JSON object"):
        parse_archive_request([1, 2])  # type: ignore[arg-type]


def test_a_date_range_includes_both_ends() -> None:
    assert date_range(date(2026, 2, 27), date(2026, 3, 2)) == [
        date(2026, 2, 27),
        date(2026, 2, 28),
        date(2026, 3, 1),
        date(2026, 3, 2),
    ]


def test_a_one_day_range_is_that_day() -> None:
    assert date_range(date(2026, 3, 2), date(2026, 3, 2)) == [date(2026, 3, 2)]


def test_a_backwards_range_is_refused() -> None:
    with pytest.raises(ValueError, match="before it starts"):
        date_range(date(2026, 3, 2), date(2026, 3, 1))


def test_a_range_longer_than_the_bound_is_refused() -> None:
    with pytest.raises(ValueError, match="at most 10"):
        date_range(date(2026, 3, 1), date(2026, 3, 11), max_days=10)
