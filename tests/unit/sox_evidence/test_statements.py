"""The SQL as sent, per dialect: bound parameters only, hashed, over the same population."""

from __future__ import annotations

import hashlib
from datetime import date

import pytest
from sqlalchemy import create_engine
from sqlalchemy.engine import Dialect

from strongroom.sox_evidence.adapters import sql_statements as statements
from strongroom.sox_evidence.domain import catalog

CUTOFF = date(2024, 1, 31)


def dialect(url: str) -> Dialect:
    return create_engine(url).dialect  # no connection is made


MSSQL = dialect("mssql+pymssql://user:secret@nav-bi.example/NAV_BI")
SQLITE = dialect("sqlite://")
BUILDERS = [
    statements.extraction,
    statements.completeness,
    statements.control_totals,
    statements.witness,
    statements.exclusion,
]


@pytest.mark.parametrize("ipe_id", ["IPE_07", "CR_05", "IPE_08"])
@pytest.mark.parametrize("build", BUILDERS)
def test_sql_server_gets_named_pyformat_parameters_and_no_literal_date(
    ipe_id: str, build: object
) -> None:
    ipe = catalog.catalog()[ipe_id].definition
    rendered = statements.render(build(ipe), MSSQL, CUTOFF)  # type: ignore[operator]

    assert "%(cutoff_date)s" in rendered.sql
    assert ":cutoff_date" not in rendered.sql
    assert "2024-01-31" not in rendered.sql
    assert rendered.parameters == {"cutoff_date": "2024-01-31"}
    assert rendered.dialect == "mssql"
    assert rendered.sha256 == hashlib.sha256(rendered.sql.encode()).hexdigest()


@pytest.mark.parametrize("build", BUILDERS)
def test_sqlite_gets_positional_parameters(build: object) -> None:
    ipe = catalog.catalog()["IPE_07"].definition
    rendered = statements.render(build(ipe), SQLITE, CUTOFF)  # type: ignore[operator]

    assert "?" in rendered.sql
    assert "cutoff_date" not in rendered.sql
    assert rendered.dialect == "sqlite"


def test_completeness_and_totals_wrap_the_population_and_extraction_orders_it() -> None:
    ipe = catalog.catalog()["IPE_08"].definition
    population = ipe.population.strip()

    extraction = statements.render(statements.extraction(ipe), SQLITE, CUTOFF).sql
    count = statements.render(statements.completeness(ipe), SQLITE, CUTOFF).sql
    totals = statements.render(statements.control_totals(ipe), SQLITE, CUTOFF).sql

    assert extraction.endswith("ORDER BY voucher_no")
    assert count.startswith("SELECT COUNT(*) AS population_count\nFROM (\n")
    assert totals.startswith(
        "SELECT SUM(outstanding_amount) AS outstanding_amount, SUM(face_value) AS face_value"
    )
    first_line = population.splitlines()[0]
    assert all(first_line in sql for sql in (extraction, count, totals))


def test_the_same_cutoff_renders_the_same_text_every_time() -> None:
    ipe = catalog.catalog()["CR_05"].definition
    first = statements.render(statements.extraction(ipe), MSSQL, CUTOFF)
    again = statements.render(statements.extraction(ipe), MSSQL, date(2023, 12, 31))

    assert first.sha256 == again.sha256  # the date is bound, not part of the text
    assert again.parameters == {"cutoff_date": "2023-12-31"}
