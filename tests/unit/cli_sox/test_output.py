"""A query's answer as CSV, JSON and a table: decimals exact, dates ISO, NULL kept apart."""

from __future__ import annotations

import io
import json
from datetime import date, datetime
from decimal import Decimal

from strongroom.cli.sox_output import answer_table, write_csv, write_json
from tests.unit.cli_triggers.support import rendered

COLUMNS = ("entry_no", "posting_date", "remaining", "closed_at", "customer")
ROWS = [
    (1, date(2026, 11, 30), Decimal("12345678901234.10"), datetime(2026, 12, 1, 8, 30), "Zoë"),
    (2, date(2026, 1, 2), Decimal("-0.01"), None, None),
]


def test_csv_keeps_every_digit_and_writes_dates_iso() -> None:
    out = io.StringIO()

    count = write_csv(COLUMNS, iter(ROWS), out)

    assert count == 2
    assert out.getvalue().splitlines() == [
        "entry_no,posting_date,remaining,closed_at,customer",
        "1,2026-11-30,12345678901234.10,2026-12-01T08:30:00,Zoë",
        "2,2026-01-02,-0.01,,",
    ]


def test_json_holds_decimals_as_exact_strings_and_nulls_as_null() -> None:
    out = io.StringIO()

    count = write_json(COLUMNS, iter(ROWS), out)

    assert count == 2
    assert json.loads(out.getvalue()) == [
        {
            "entry_no": 1,
            "posting_date": "2026-11-30",
            "remaining": "12345678901234.10",
            "closed_at": "2026-12-01T08:30:00",
            "customer": "Zoë",
        },
        {
            "entry_no": 2,
            "posting_date": "2026-01-02",
            "remaining": "-0.01",
            "closed_at": None,
            "customer": None,
        },
    ]


def test_an_empty_answer_is_an_empty_array_and_a_header() -> None:
    as_json, as_csv = io.StringIO(), io.StringIO()

    write_json(COLUMNS, iter([]), as_json)
    write_csv(("a", "b"), iter([]), as_csv)

    assert json.loads(as_json.getvalue()) == []
    assert as_csv.getvalue() == "a,b\n"


def test_the_table_shows_each_value_with_null_spelt_out() -> None:
    text = rendered(answer_table(COLUMNS, ROWS))

    assert "12345678901234.10" in text
    assert "2026-11-30" in text
    assert "NULL" in text
