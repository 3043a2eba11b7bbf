"""The SQL a run sends for an IPE, composed from its definition as text (pure string work).

Completeness and control totals wrap the population query itself, so they count exactly the
population the extraction reads; the extraction and the key queries get an ORDER BY, so a rerun
reads rows in the same order. The adapter (``adapters/sql_statements.py``) binds
``:cutoff_date`` and types the result columns with SQLAlchemy, and renders each for the dialect:
what :class:`RenderedStatement` keeps.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict

from strongroom.sox_evidence.domain.catalog import IpeDefinition, KeyQuery

Purpose = Literal["extraction", "completeness", "control_totals", "witness", "exclusion"]
POPULATION_COUNT = "population_count"


def _population(ipe: IpeDefinition) -> str:
    return ipe.population.rstrip().rstrip(";")


def extraction_sql(ipe: IpeDefinition) -> str:
    return f"{_population(ipe)}\nORDER BY {', '.join(ipe.order_by)}"


def completeness_sql(ipe: IpeDefinition) -> str:
    return f"SELECT COUNT(*) AS {POPULATION_COUNT}\nFROM (\n{_population(ipe)}\n) AS population"


def control_totals_sql(ipe: IpeDefinition) -> str:
    sums = ", ".join(f"SUM({name}) AS {name}" for name in ipe.control_totals)
    return f"SELECT {sums}\nFROM (\n{_population(ipe)}\n) AS population"


def keys_sql(query: KeyQuery) -> str:
    return f"{query.sql.rstrip().rstrip(';')}\nORDER BY {', '.join(query.key)}"


class RenderedStatement(BaseModel):
    """A statement as sent: the dialect's SQL text, its SHA-256 and the bound values."""

    model_config = ConfigDict(frozen=True)

    purpose: Purpose
    dialect: str
    sql: str
    sha256: str
    parameters: dict[str, str]
