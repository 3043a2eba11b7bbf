"""What a Parquet query is, whichever engine answers it."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    import pyarrow as pa

Parameter = str | int | Decimal | date
"""A value bound to a ``?`` in the SQL (never formatted into it by the caller)."""


class QueryFailed(Exception):
    """The engine refused or failed the query; the message is the engine's reason."""


class QueryTimedOut(QueryFailed):
    """The query ran past its time limit and was cancelled."""


@dataclass(frozen=True)
class ParquetTable:
    """A table the SQL names, over the Parquet objects under ``s3://bucket/prefix``.

    Hive partition folders below the prefix (``cutoff_date=2025-05-31/``) become string columns,
    as they are declared in Glue, so a filter on them is written the same for both engines.
    ``schema`` answers for a prefix with no objects yet (DuckDB cannot infer one from nothing).
    """

    name: str
    bucket: str
    prefix: str
    schema: pa.Schema | None = None

    @property
    def location(self) -> str:
        return f"s3://{self.bucket}/{self.prefix}"


@dataclass
class QueryAnswer:
    """Column names and the rows, streamed: iterate ``rows`` once."""

    columns: tuple[str, ...]
    rows: Iterator[tuple[Any, ...]]
    query_id: str | None = None
    _scanned: Callable[[], int | None] = field(default=lambda: None, repr=False)

    def bytes_scanned(self) -> int | None:
        """What the engine read to answer (Athena bills by it); None when it does not say."""
        return self._scanned()


class ParquetQuery(Protocol):
    def run(
        self,
        sql: str,
        tables: Sequence[ParquetTable],
        parameters: Sequence[Parameter] = (),
        timeout_s: float = 300.0,
    ) -> QueryAnswer: ...
