"""Athena: start the query in its workgroup, wait for it, read every page of the answer.

The tables are Glue tables of the same names in the database; the workgroup enforces where
results go and how many bytes one query may scan. A query still running at its time limit is
stopped, so nothing keeps scanning (and billing) after the caller gave up.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable, Iterator, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from strongroom.core.parquet_query.port import (
    Parameter,
    ParquetTable,
    QueryAnswer,
    QueryFailed,
    QueryTimedOut,
)

RUNNING_STATES = frozenset({"QUEUED", "RUNNING"})


def athena_literal(value: Parameter) -> str:
    """An execution parameter as Athena wants it: a SQL literal (strings quoted, dates typed)."""
    if isinstance(value, bool):
        raise QueryFailed("parameters: booleans are not supported")
    if isinstance(value, int | Decimal):
        return str(value)
    if isinstance(value, datetime):
        raise QueryFailed("parameters: timestamps are not supported, pass a date or a string")
    if isinstance(value, date):
        return f"DATE '{value.isoformat()}'"
    return "'" + value.replace("'", "''") + "'"


def _timestamp(text: str) -> datetime:
    return datetime.fromisoformat(text)


CONVERTERS: dict[str, Callable[[str], Any]] = {
    **dict.fromkeys(("tinyint", "smallint", "integer", "int", "bigint"), int),
    **dict.fromkeys(("double", "real", "float"), float),
    "decimal": Decimal,
    "boolean": lambda text: text == "true",
    "date": date.fromisoformat,
    "timestamp": _timestamp,
    "timestamp with time zone": _timestamp,
}


def typed_value(athena_type: str, text: str | None) -> Any:
    """A result cell (always text in Athena's answer) as the Python value of its column type;
    types without a converter (varchar, char, json, arrays...) stay text."""
    if text is None:
        return None
    return CONVERTERS.get(athena_type.lower(), str)(text)


class AthenaParquetQuery:
    def __init__(
        self,
        athena: Any,
        database: str,
        workgroup: str,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self._athena = athena
        self._database = database
        self._workgroup = workgroup
        self._clock = clock
        self._sleep = sleep

    def run(
        self,
        sql: str,
        tables: Sequence[ParquetTable],  # noqa: ARG002 - Glue holds them, by the same names
        parameters: Sequence[Parameter] = (),
        timeout_s: float = 300.0,
    ) -> QueryAnswer:
        request: dict[str, Any] = {
            "QueryString": sql,
            "QueryExecutionContext": {"Database": self._database},
            "WorkGroup": self._workgroup,
        }
        if parameters:
            request["ExecutionParameters"] = [athena_literal(value) for value in parameters]
        query_id: str = self._athena.start_query_execution(**request)["QueryExecutionId"]
        execution = self._finished(query_id, timeout_s)
        pages = self._athena.get_paginator("get_query_results").paginate(QueryExecutionId=query_id)
        page_iterator = iter(pages)
        first = next(page_iterator, None)
        if first is None:
            return QueryAnswer(columns=(), rows=iter(()), query_id=query_id)
        column_info = first["ResultSet"]["ResultSetMetadata"]["ColumnInfo"]
        columns = tuple(column["Name"] for column in column_info)
        types = [column["Type"] for column in column_info]
        scanned = execution.get("Statistics", {}).get("DataScannedInBytes")
        return QueryAnswer(
            columns=columns,
            rows=self._rows(first, page_iterator, columns, types),
            query_id=query_id,
            _scanned=lambda: scanned,
        )

    def _finished(self, query_id: str, timeout_s: float) -> dict[str, Any]:
        deadline = self._clock() + timeout_s
        pause = 0.2
        while True:
            execution: dict[str, Any] = self._athena.get_query_execution(QueryExecutionId=query_id)[
                "QueryExecution"
            ]
            state = execution["Status"]["State"]
            if state == "SUCCEEDED":
                return execution
            if state not in RUNNING_STATES:
                reason = execution["Status"].get("StateChangeReason", state)
                raise QueryFailed(f"Athena query {query_id} {state.lower()}: {reason}")
            if self._clock() >= deadline:
                self._athena.stop_query_execution(QueryExecutionId=query_id)
                raise QueryTimedOut(f"Athena query {query_id} stopped after {timeout_s:g} s")
            self._sleep(pause)
            pause = min(pause * 2, 2.0)

    @staticmethod
    def _rows(
        first: dict[str, Any],
        rest: Iterator[dict[str, Any]],
        columns: tuple[str, ...],
        types: list[str],
    ) -> Iterator[tuple[Any, ...]]:
        def cells(row: dict[str, Any]) -> tuple[str | None, ...]:
            return tuple(datum.get("VarCharValue") for datum in row["Data"])

        first_rows = first["ResultSet"]["Rows"]
        # A SELECT's first page starts with the column names as a row.
        if first_rows and cells(first_rows[0]) == columns:
            first_rows = first_rows[1:]
        pages = itertools.chain([first_rows], (page["ResultSet"]["Rows"] for page in rest))
        for rows in pages:
            for row in rows:
                yield tuple(map(typed_value, types, cells(row)))
