"""The statements a run sends for an IPE, built from its definition with SQLAlchemy ``text()``.

Every statement binds ``:cutoff_date`` as a typed DATE parameter (never formatted into the SQL)
and types its result columns, so SQL Server and the SQLite stand-in hand back the same Python
values. Completeness and control totals wrap the population query itself, so they count exactly
the population the extraction reads. :func:`render` gives the SQL as the driver receives it for
a dialect, with its SHA-256: what the run record and the evidence keep.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict
from sqlalchemy import Date, Integer, TextClause, TextualSelect, bindparam, text
from sqlalchemy.engine import Dialect

from strongroom.sox_evidence.domain.catalog import IpeDefinition, KeyQuery
from strongroom.sox_evidence.domain.schema import sql_type, total_type

Purpose = Literal["extraction", "completeness", "control_totals", "witness", "exclusion"]
POPULATION_COUNT = "population_count"
_CUTOFF = re.compile(r"(?<![:\w]):cutoff_date\b")


@dataclass(frozen=True)
class Statement:
    purpose: Purpose
    clause: TextualSelect


def _bound(sql: str) -> TextClause:
    clause = text(sql)
    if _CUTOFF.search(sql):
        clause = clause.bindparams(bindparam("cutoff_date", type_=Date()))
    return clause


def _population(ipe: IpeDefinition) -> str:
    return ipe.population.rstrip().rstrip(";")


def extraction(ipe: IpeDefinition) -> Statement:
    sql = f"{_population(ipe)}\nORDER BY {', '.join(ipe.order_by)}"
    columns = {column.name: sql_type(column) for column in ipe.columns}
    return Statement("extraction", _bound(sql).columns(**columns))


def completeness(ipe: IpeDefinition) -> Statement:
    sql = f"SELECT COUNT(*) AS {POPULATION_COUNT}\nFROM (\n{_population(ipe)}\n) AS population"
    return Statement("completeness", _bound(sql).columns(**{POPULATION_COUNT: Integer()}))


def control_totals(ipe: IpeDefinition) -> Statement:
    sums = ", ".join(f"SUM({name}) AS {name}" for name in ipe.control_totals)
    sql = f"SELECT {sums}\nFROM (\n{_population(ipe)}\n) AS population"
    columns = {name: total_type(ipe.column(name)) for name in ipe.control_totals}
    return Statement("control_totals", _bound(sql).columns(**columns))


def _keys(ipe: IpeDefinition, purpose: Purpose, query: KeyQuery) -> Statement:
    sql = f"{query.sql.rstrip().rstrip(';')}\nORDER BY {', '.join(query.key)}"
    columns = {name: sql_type(ipe.column(name)) for name in query.key}
    return Statement(purpose, _bound(sql).columns(**columns))


def witness(ipe: IpeDefinition) -> Statement:
    return _keys(ipe, "witness", ipe.witness)


def exclusion(ipe: IpeDefinition) -> Statement:
    return _keys(ipe, "exclusion", ipe.exclusion)


def parameters(cutoff: date) -> dict[str, date]:
    return {"cutoff_date": cutoff}


class RenderedStatement(BaseModel):
    """A statement as sent: the dialect's SQL text, its SHA-256 and the bound values."""

    model_config = ConfigDict(frozen=True)

    purpose: Purpose
    dialect: str
    sql: str
    sha256: str
    parameters: dict[str, str]


def render(statement: Statement, dialect: Dialect, cutoff: date) -> RenderedStatement:
    compiled = statement.clause.compile(dialect=dialect)
    sql = str(compiled)
    bound = {name: cutoff.isoformat() for name in compiled.params}
    return RenderedStatement(
        purpose=statement.purpose,
        dialect=dialect.name,
        sql=sql,
        sha256=hashlib.sha256(sql.encode()).hexdigest(),
        parameters=bound,
    )
