"""A query's answer as a rich table, CSV or JSON: decimals exact, dates and times ISO 8601.

CSV and JSON are written as the rows stream in (Athena's pages, DuckDB's batches), so an
answer of any size goes out in bounded memory; the table needs every row before it prints.
Decimals are written as their exact digits (JSON: as strings, as the run records hold them:
a JSON number would be read back as a float).
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any, TextIO

from rich.table import Table
from rich.text import Text


def plain(value: Any) -> str:
    """A value as text: decimals with their scale, dates ISO, NULL as nothing."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value, "f")
    return str(value)


def json_value(value: Any) -> Any:
    """A value JSON keeps exactly: decimals as strings, dates and times ISO."""
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, bytes):
        return value.hex()
    return value


def write_csv(columns: Sequence[str], rows: Iterable[Sequence[Any]], out: TextIO) -> int:
    """The header and every row; the number of rows written."""
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    count = 0
    for row in rows:
        writer.writerow([plain(value) for value in row])
        count += 1
    return count


def write_json(columns: Sequence[str], rows: Iterable[Sequence[Any]], out: TextIO) -> int:
    """A JSON array of objects, one per row, written row by row; the number of rows."""
    out.write("[")
    count = 0
    for row in rows:
        item = {name: json_value(value) for name, value in zip(columns, row, strict=True)}
        out.write(("," if count else "") + "\n  " + json.dumps(item, ensure_ascii=False))
        count += 1
    out.write("\n]\n" if count else "]\n")
    return count


def answer_table(columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> Table:
    """Every row in a table; numbers right-aligned, NULL shown dim. A narrow terminal wraps
    values, never cuts them short (a digit lost would be a wrong number)."""
    table = Table(*columns)
    for column in table.columns:
        column.overflow = "fold"
    numeric = [False] * len(columns)
    for row in rows:
        cells = []
        for index, value in enumerate(row):
            if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
                numeric[index] = True
            cells.append(Text("NULL", style="dim") if value is None else Text(plain(value)))
        table.add_row(*cells)
    for index, column in enumerate(table.columns):
        if numeric[index]:
            column.justify = "right"
    return table
