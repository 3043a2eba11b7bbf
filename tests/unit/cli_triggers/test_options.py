"""The rules of ``strongroom triggers`` options: which days, which clients, which event, which
exit code."""

from __future__ import annotations

from datetime import date

import pytest

from strongroom.cli.triggers_options import (
    EXIT_CLIENTS_FAILED,
    EXIT_FUNCTION_FAILED,
    EXIT_OK,
    TriggerOptionError,
    client_ids,
    exit_code,
    invocation_event,
    parse_day,
    run_days,
)


def test_one_date_is_one_day() -> None:
    assert run_days("2026-12-03", None, None) == [date(2026, 12, 3)]


def test_no_date_is_one_invocation_for_the_functions_today() -> None:
    assert run_days(None, None, None) is None


def test_a_range_is_every_day_both_ends_included() -> None:
    assert run_days(None, "2026-11-30", "2026-12-02") == [
        date(2026, 11, 30),
        date(2026, 12, 1),
        date(2026, 12, 2),
    ]


def test_a_range_of_one_day() -> None:
    assert run_days(None, "2026-12-03", "2026-12-03") == [date(2026, 12, 3)]


@pytest.mark.parametrize(
    ("day", "first", "last", "message"),
    [
        ("2026-12-03", "2026-12-01", None, "give --date or --from/--to, not both"),
        ("2026-12-03", None, "2026-12-04", "give --date or --from/--to, not both"),
        (None, "2026-12-01", None, "--from needs --to"),
        (None, None, "2026-12-01", "--to needs --from"),
        (None, "2026-12-03", "2026-12-01", "--to (2026-12-01) is before --from (2026-12-03)"),
        ("03/12/2026", None, None, "--date: '03/12/2026' is not a date written YYYY-MM-DD"),
        ("2026-02-30", None, None, "--date: '2026-02-30' is not a calendar date"),
        (None, "2026-1-1", "2026-01-02", "--from: '2026-1-1' is not a date written YYYY-MM-DD"),
        (None, "2026-01-01", "tomorrow", "--to: 'tomorrow' is not a date written YYYY-MM-DD"),
    ],
)
def test_broken_rules_name_the_option(
    day: str | None, first: str | None, last: str | None, message: str
) -> None:
    with pytest.raises(TriggerOptionError) as raised:
        run_days(day, first, last)

    assert message in str(raised.value)


def test_a_range_holds_at_most_366_days() -> None:
    assert len(run_days(None, "2024-01-01", "2024-12-31") or []) == 366
    with pytest.raises(TriggerOptionError) as raised:
        run_days(None, "2024-01-01", "2025-01-01")

    assert "--from/--to: 367 days from 2024-01-01 to 2025-01-01" in str(raised.value)
    assert "at most 366" in str(raised.value)


def test_parse_day_names_the_option_it_reads() -> None:
    assert parse_day("DATE", " 2026-12-03 ") == date(2026, 12, 3)
    with pytest.raises(TriggerOptionError, match=r"^DATE: '20261203'"):
        parse_day("DATE", "20261203")


def test_client_ids_keep_their_order_once_each() -> None:
    assert client_ids([7, 5, 7, 0]) == (7, 5, 0)
    assert client_ids(None) == ()


def test_a_negative_client_id_is_refused() -> None:
    with pytest.raises(TriggerOptionError, match=r"^--client: -3 is not a client id"):
        client_ids([5, -3])


def test_the_event_is_the_functions_own_shape() -> None:
    assert invocation_event(date(2026, 12, 3)) == {"trigger_date": "2026-12-03"}
    assert invocation_event(date(2026, 12, 3), (5, 7)) == {
        "trigger_date": "2026-12-03",
        "client_ids": [5, 7],
    }
    assert invocation_event(None) == {}
    assert invocation_event(None, (2,)) == {"client_ids": [2]}


@pytest.mark.parametrize(
    ("codes", "expected"),
    [
        ([200], EXIT_OK),
        ([200, 200, 200], EXIT_OK),
        ([200, 207, 200], EXIT_CLIENTS_FAILED),
        ([207, None], EXIT_FUNCTION_FAILED),
        ([None], EXIT_FUNCTION_FAILED),
        ([400], EXIT_FUNCTION_FAILED),
        ([], EXIT_OK),
    ],
)
def test_exit_code_is_the_worst_day(codes: list[int | None], expected: int) -> None:
    assert exit_code(codes) == expected
