"""The rules of ``strongroom sox`` options: each error names the option and the rule."""

from __future__ import annotations

from datetime import date

import pytest

from strongroom.cli.sox_options import (
    SoxOptionError,
    cutoff_option,
    exit_code,
    ipe_ids,
    run_event,
    timeout_option,
)

TODAY = date(2026, 12, 3)


def test_a_cutoff_is_a_calendar_date_up_to_today() -> None:
    assert cutoff_option("2026-11-30", TODAY) == date(2026, 11, 30)
    assert cutoff_option(" 2026-12-03 ", TODAY) == TODAY
    assert cutoff_option(None, TODAY) is None


@pytest.mark.parametrize(
    ("value", "rule"),
    [
        ("2026-12-04", "is in the future"),
        ("2026-02-30", "must be a date written YYYY-MM-DD"),
        ("30/11/2026", "must be a date written YYYY-MM-DD"),
        ("", "must be a date written YYYY-MM-DD"),
    ],
)
def test_a_bad_cutoff_is_refused_naming_the_option(value: str, rule: str) -> None:
    with pytest.raises(SoxOptionError, match=rf"^--cutoff: .*{rule}"):
        cutoff_option(value, TODAY)


def test_ipes_are_catalog_ids_in_the_order_given_each_once() -> None:
    assert ipe_ids(["ipe_07", "CR_05", "IPE_07"]) == ("IPE_07", "CR_05")
    assert ipe_ids(None) == ()


def test_an_unknown_ipe_is_refused_naming_the_catalog() -> None:
    with pytest.raises(SoxOptionError, match=r"--ipe: 'IPE_99' is not an IPE .*IPE_07"):
        ipe_ids(["IPE_99"])


def test_the_event_is_the_seeds_payload_with_the_cli_as_trigger() -> None:
    assert run_event(date(2026, 11, 30), ("IPE_07",), "ana@host") == {
        "trigger": "cli",
        "requester": "ana@host",
        "cutoff_date": "2026-11-30",
        "ipe_ids": ["IPE_07"],
    }
    assert run_event(None, (), "ana@host") == {"trigger": "cli", "requester": "ana@host"}


@pytest.mark.parametrize(("status", "code"), [(200, 0), (207, 1), (500, 1), (400, 2), (None, 2)])
def test_exit_codes_follow_the_functions_answer(status: int | None, code: int) -> None:
    assert exit_code(status) == code


def test_a_timeout_must_be_positive() -> None:
    assert timeout_option(2.5) == 2.5
    with pytest.raises(SoxOptionError, match="--timeout: 0"):
        timeout_option(0)
