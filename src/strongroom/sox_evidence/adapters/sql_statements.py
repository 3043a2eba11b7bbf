"""The domain's SQL as SQLAlchemy ``text()`` statements, and each rendered as its dialect sends it.

Every statement binds ``:cutoff_date`` as a typed DATE parameter (never formatted into the SQL)
and types its result columns, so SQL Server and the SQLite stand-in hand back the same Python
values: money as ``Decimal`` with the column's scale (on SQLite, which stores binary floats,
rounded to it; on SQL Server the exact DECIMAL), dates as ``date``. :func:`render` gives the SQL
as the driver receives it for a dialect, with its SHA-256: what the run record keeps.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import (
    BigInteger,
    Date,
    DateTime,
    Integer,
    Numeric,
    String,
    TextualSelect,
    bindparam,
    text,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeEngine

from strongroom.sox_evidence.domain import statements
from strongroom.sox_evidence.domain.catalog import IpeDefinition, KeyQuery
from strongroom.sox_evidence.domain.schema import MAX_DECIMAL_PRECISION, Column
from strongroom.sox_evidence.domain.statements import Purpose, RenderedStatement

_CUTOFF = re.compile(r"(?<![:\w]):cutoff_date\b")


def sql_type(column: Column) -> TypeEngine[Any]:
    """The type a result column is read as, so each dialect hands Python the same values."""
    match column.type:
        case "string":
            return String()
        case "integer":
            return BigInteger()
        case "decimal":
            return Numeric(precision=column.precision, scale=column.scale, asdecimal=True)
        case "date":
            return Date()
        case "timestamp":
            return DateTime()
    raise AssertionError(column.type)  # pragma: no cover - Literal is exhaustive


def total_type(column: Column) -> TypeEngine[Any]:
    """A control total's type: the column's scale, the widest precision (sums grow)."""
    return Numeric(precision=MAX_DECIMAL_PRECISION, scale=column.scale, asdecimal=True)


@dataclass(frozen=True)
class Statement:
    purpose: Purpose
    clause: TextualSelect


def _bound(sql: str, columns: dict[str, TypeEngine[Any]]) -> TextualSelect:
    clause = text(sql)
    if _CUTOFF.search(sql):
        clause = clause.bindparams(bindparam("cutoff_date", type_=Date()))
    return clause.columns(**columns)


def extraction(ipe: IpeDefinition) -> Statement:
    columns = {column.name: sql_type(column) for column in ipe.columns}
    return Statement("extraction", _bound(statements.extraction_sql(ipe), columns))


def completeness(ipe: IpeDefinition) -> Statement:
    columns: dict[str, TypeEngine[Any]] = {statements.POPULATION_COUNT: Integer()}
    return Statement("completeness", _bound(statements.completeness_sql(ipe), columns))


def control_totals(ipe: IpeDefinition) -> Statement:
    columns = {name: total_type(ipe.column(name)) for name in ipe.control_totals}
    return Statement("control_totals", _bound(statements.control_totals_sql(ipe), columns))


def _keys(ipe: IpeDefinition, purpose: Purpose, query: KeyQuery) -> Statement:
    columns = {name: sql_type(ipe.column(name)) for name in query.key}
    return Statement(purpose, _bound(statements.keys_sql(query), columns))


def witness(ipe: IpeDefinition) -> Statement:
    return _keys(ipe, "witness", ipe.witness)


def exclusion(ipe: IpeDefinition) -> Statement:
    return _keys(ipe, "exclusion", ipe.exclusion)


def parameters(cutoff: date) -> dict[str, date]:
    return {"cutoff_date": cutoff}


def render(statement: Statement, dialect: Dialect, cutoff: date) -> RenderedStatement:
    compiled = statement.clause.compile(dialect=dialect)
    sql = str(compiled)
    return RenderedStatement(
        purpose=statement.purpose,
        dialect=dialect.name,
        sql=sql,
        sha256=hashlib.sha256(sql.encode()).hexdigest(),
        parameters={name: cutoff.isoformat() for name in compiled.params},
    )
