"""Cutoff rules: event > CUTOFF_DATE > last day of the previous month; no future, only dates."""

from __future__ import annotations

from datetime import date

import pytest

from strongroom.sox_evidence.domain.cutoff import InvalidCutoff, resolve_cutoff

TODAY = date(2024, 3, 1)


def test_the_event_wins_over_the_setting() -> None:
    assert resolve_cutoff("2024-01-31", "2023-12-31", TODAY) == (date(2024, 1, 31), "event")


def test_the_setting_is_used_when_the_event_names_no_cutoff() -> None:
    assert resolve_cutoff(None, "2023-12-31", TODAY) == (date(2023, 12, 31), "setting")


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (date(2024, 3, 1), date(2024, 2, 29)),  # leap year
        (date(2024, 1, 15), date(2023, 12, 31)),  # across the year
        (date(2023, 3, 31), date(2023, 2, 28)),
    ],
)
def test_without_either_it_is_the_last_day_of_the_previous_month(
    today: date, expected: date
) -> None:
    assert resolve_cutoff(None, None, today) == (expected, "default")
    assert resolve_cutoff(None, "", today) == (expected, "default")


def test_today_is_allowed_and_tomorrow_is_refused_naming_the_source() -> None:
    assert resolve_cutoff("2024-03-01", None, TODAY)[0] == TODAY
    with pytest.raises(InvalidCutoff) as raised:
        resolve_cutoff("2024-03-02", None, TODAY)
    assert raised.value.field == "cutoff_date"
    assert "in the future" in raised.value.rule
    with pytest.raises(InvalidCutoff) as from_setting:
        resolve_cutoff(None, "2030-01-01", TODAY)
    assert from_setting.value.field == "CUTOFF_DATE"


@pytest.mark.parametrize("value", ["2024-02-30", "20240131", "31/01/2024", "", 20240131, ["x"]])
def test_a_value_that_is_not_a_date_is_refused_naming_the_field_and_rule(value: object) -> None:
    with pytest.raises(InvalidCutoff) as raised:
        resolve_cutoff(value, None, TODAY)
    assert raised.value.field == "cutoff_date"
    assert "YYYY-MM-DD" in str(raised.value)


def test_a_bad_setting_is_refused_naming_the_variable() -> None:
    with pytest.raises(InvalidCutoff, match=r"^CUTOFF_DATE: must be a date"):
        resolve_cutoff(None, "last month", TODAY)
