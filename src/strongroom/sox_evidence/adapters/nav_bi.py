"""The NAV BI database through SQLAlchemy: one read-consistent transaction per IPE.

On SQL Server the transaction runs at SNAPSHOT isolation (the database must allow it:
``ALTER DATABASE ... SET ALLOW_SNAPSHOT_ISOLATION ON``), so the counts, totals, key queries and
the extraction all see the data as it was when the transaction first read. On the SQLite
stand-in the driver is made to send a real ``BEGIN`` (pysqlite would otherwise run each SELECT
in its own transaction), and one deferred transaction reads one snapshot.

Rows are streamed from the cursor (``yield_per``), a batch at a time, as SQLAlchemy's ``Row``s
(typed: ``Decimal``, ``date``); the whole result is never held.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any, Protocol

from sqlalchemy import URL, Connection, Engine, create_engine, event, text
from sqlalchemy.engine import Dialect

from strongroom.sox_evidence.adapters.sql_statements import Statement, parameters
from strongroom.sox_evidence.domain.runs import ServerIdentity

LOGIN_TIMEOUT_S = 15
QUERY_TIMEOUT_S = 600

Row = tuple[Any, ...]


class Snapshot(Protocol):
    """One read-consistent view of the source, open for the life of the ``with`` block."""

    def identity(self) -> ServerIdentity: ...

    def one(self, statement: Statement, cutoff: date) -> dict[str, Any]: ...

    def keys(self, statement: Statement, cutoff: date, limit: int) -> list[Row]: ...

    def stream(
        self, statement: Statement, cutoff: date, batch_rows: int
    ) -> Iterator[Sequence[Sequence[Any]]]: ...


class SourceDatabase(Protocol):
    @property
    def dialect(self) -> Dialect: ...

    def snapshot(self) -> AbstractContextManager[Snapshot]: ...


def nav_bi_engine(url: URL) -> Engine:
    if url.get_backend_name() == "sqlite":
        engine = create_engine(url)
        event.listen(engine, "connect", _sqlite_manual_transactions)
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    # One connection is all a run uses; pre-ping drops one a warm Lambda kept.
    return create_engine(
        url,
        pool_size=1,
        max_overflow=0,
        pool_pre_ping=True,
        connect_args={"login_timeout": LOGIN_TIMEOUT_S, "timeout": QUERY_TIMEOUT_S},
    )


def _sqlite_manual_transactions(dbapi_connection: Any, _record: Any) -> None:
    dbapi_connection.isolation_level = None  # SQLAlchemy's documented pysqlite recipe


def _sqlite_begin(connection: Connection) -> None:
    connection.exec_driver_sql("BEGIN DEFERRED")


class SqlSnapshot:
    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    def identity(self) -> ServerIdentity:
        dialect = self._connection.dialect.name
        if dialect == "sqlite":
            version = self._connection.exec_driver_sql("SELECT sqlite_version()").scalar_one()
            database = self._connection.engine.url.database or ":memory:"
            return ServerIdentity(
                server_name="sqlite (local stand-in)",
                database=Path(database).name,
                version=f"SQLite {version}",
                login="none",
                dialect=dialect,
            )
        row = self._connection.execute(
            text("SELECT @@SERVERNAME, DB_NAME(), @@VERSION, SUSER_SNAME()")
        ).one()
        return ServerIdentity(
            server_name=str(row[0]),
            database=str(row[1]),
            version=str(row[2]).splitlines()[0],
            login=str(row[3]),
            dialect=dialect,
        )

    def one(self, statement: Statement, cutoff: date) -> dict[str, Any]:
        row = self._connection.execute(statement.clause, parameters(cutoff)).mappings().one()
        return dict(row)

    def keys(self, statement: Statement, cutoff: date, limit: int) -> list[Row]:
        result = self._connection.execute(statement.clause, parameters(cutoff))
        try:
            return [tuple(row) for row in result.fetchmany(limit)]
        finally:
            result.close()  # SQL Server takes no other statement while rows are pending

    def stream(
        self, statement: Statement, cutoff: date, batch_rows: int
    ) -> Iterator[Sequence[Sequence[Any]]]:
        result = self._connection.execution_options(yield_per=batch_rows).execute(
            statement.clause, parameters(cutoff)
        )
        # SQLAlchemy's rows go on as they are: a tuple copy of each cost about 3 % of the CPU.
        yield from result.partitions()


class SqlSourceDatabase:
    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    @property
    def dialect(self) -> Dialect:
        return self._engine.dialect

    @contextmanager
    def snapshot(self) -> Iterator[SqlSnapshot]:
        options: dict[str, Any] = {}
        if self._engine.dialect.name == "mssql":
            options["isolation_level"] = "SNAPSHOT"
        with (
            self._engine.connect().execution_options(**options) as connection,
            connection.begin(),
        ):
            yield SqlSnapshot(connection)


def as_decimal(value: object) -> Decimal:
    """A SUM over no rows is NULL: a total of nothing is zero."""
    if value is None:
        return Decimal(0)
    return value if isinstance(value, Decimal) else Decimal(str(value))
