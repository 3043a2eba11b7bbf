"""Athena's side of the Parquet query port: literals, typed cells, waiting, stopping, paging.

The fake below keeps Athena's observable contract (states a query passes through, the header
row on a SELECT's first page, paging by NextToken) so the cases moto cannot produce (a query
that fails or never finishes) are tested too.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import pytest

from strongroom.core.parquet_query import (
    QueryFailed,
    QueryTimedOut,
    parquet_query_from_environment,
)
from strongroom.core.parquet_query.athena import (
    AthenaParquetQuery,
    athena_literal,
    typed_value,
)

COLUMNS = [
    {"Name": "ipe_id", "Type": "varchar"},
    {"Name": "rows", "Type": "bigint"},
    {"Name": "total", "Type": "decimal"},
    {"Name": "cutoff", "Type": "date"},
]


def row(*cells: str | None) -> dict[str, Any]:
    return {"Data": [{} if cell is None else {"VarCharValue": cell} for cell in cells]}


class FakeAthena:
    def __init__(self, states: list[str], pages: list[list[dict[str, Any]]]) -> None:
        self.states = states
        self.pages = pages
        self.started: list[dict[str, Any]] = []
        self.stopped: list[str] = []

    def start_query_execution(self, **request: Any) -> dict[str, Any]:
        self.started.append(request)
        return {"QueryExecutionId": "q-1"}

    def get_query_execution(self, QueryExecutionId: str) -> dict[str, Any]:
        state = self.states.pop(0) if len(self.states) > 1 else self.states[0]
        status: dict[str, Any] = {"State": state}
        if state == "FAILED":
            status["StateChangeReason"] = "TABLE_NOT_FOUND: line 1:15: Table 'x' does not exist"
        return {
            "QueryExecution": {
                "QueryExecutionId": QueryExecutionId,
                "Status": status,
                "Statistics": {"DataScannedInBytes": 12_345},
            }
        }

    def stop_query_execution(self, QueryExecutionId: str) -> None:
        self.stopped.append(QueryExecutionId)

    def get_paginator(self, name: str) -> FakeAthena:
        assert name == "get_query_results"
        return self

    def paginate(self, QueryExecutionId: str) -> Iterator[dict[str, Any]]:
        for rows in self.pages:
            yield {"ResultSet": {"Rows": rows, "ResultSetMetadata": {"ColumnInfo": COLUMNS}}}


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += seconds


def query(athena: FakeAthena, clock: Clock | None = None) -> AthenaParquetQuery:
    clock = clock or Clock()
    return AthenaParquetQuery(athena, "sox", "sox-wg", clock=clock, sleep=clock.sleep)


def test_literals_are_quoted_and_typed_for_execution_parameters() -> None:
    assert athena_literal("O'Brien") == "'O''Brien'"
    assert athena_literal(42) == "42"
    assert athena_literal(Decimal("10.50")) == "10.50"
    assert athena_literal(date(2025, 5, 31)) == "DATE '2025-05-31'"
    with pytest.raises(QueryFailed, match="booleans"):
        athena_literal(True)
    with pytest.raises(QueryFailed, match="timestamps"):
        athena_literal(datetime(2025, 5, 31, 12))


def test_cells_become_the_values_of_their_column_types() -> None:
    assert typed_value("bigint", "5000000") == 5_000_000
    assert typed_value("decimal", "1234567890123.45") == Decimal("1234567890123.45")
    assert typed_value("date", "2025-05-31") == date(2025, 5, 31)
    assert typed_value("timestamp", "2025-05-31 08:00:00.000") == datetime(2025, 5, 31, 8)
    assert typed_value("boolean", "false") is False
    assert typed_value("varchar", "IPE_07") == "IPE_07"
    assert typed_value("decimal", None) is None


def test_every_page_is_read_and_the_header_row_skipped() -> None:
    athena = FakeAthena(
        ["QUEUED", "RUNNING", "SUCCEEDED"],
        [
            [row("ipe_id", "rows", "total", "cutoff"), row("IPE_07", "3", "10.25", "2025-05-31")],
            [row("CR_05", "1", None, "2025-05-31")],
        ],
    )
    answer = query(athena).run(
        "SELECT * FROM runs WHERE cutoff = ?", [], parameters=[date(2025, 5, 31)]
    )

    assert answer.columns == ("ipe_id", "rows", "total", "cutoff")
    assert list(answer.rows) == [
        ("IPE_07", 3, Decimal("10.25"), date(2025, 5, 31)),
        ("CR_05", 1, None, date(2025, 5, 31)),
    ]
    assert answer.bytes_scanned() == 12_345
    assert athena.started == [
        {
            "QueryString": "SELECT * FROM runs WHERE cutoff = ?",
            "QueryExecutionContext": {"Database": "sox"},
            "WorkGroup": "sox-wg",
            "ExecutionParameters": ["DATE '2025-05-31'"],
        }
    ]


def test_a_failed_query_raises_with_athenas_reason() -> None:
    athena = FakeAthena(["RUNNING", "FAILED"], [])
    with pytest.raises(QueryFailed, match="TABLE_NOT_FOUND"):
        query(athena).run("SELECT * FROM x", [])


def test_a_query_past_its_time_limit_is_stopped() -> None:
    athena = FakeAthena(["RUNNING"], [])
    clock = Clock()
    with pytest.raises(QueryTimedOut, match="after 30 s"):
        query(athena, clock).run("SELECT 1", [], timeout_s=30)
    assert athena.stopped == ["q-1"]
    assert 30 <= clock.now < 33


def test_the_engine_comes_from_the_environment() -> None:
    from strongroom.core.parquet_query.duckdb_engine import DuckDbParquetQuery  # noqa: PLC0415

    assert isinstance(
        parquet_query_from_environment({"PARQUET_QUERY_ENGINE": "duckdb"}), DuckDbParquetQuery
    )
    with pytest.raises(QueryFailed, match="must be athena or duckdb"):
        parquet_query_from_environment({"PARQUET_QUERY_ENGINE": "presto"})
    with pytest.raises(QueryFailed, match="ATHENA_DATABASE"):
        parquet_query_from_environment({})
