"""Bare file names through the Parquet manifests (decision 0013): one query of the project's
partition of the ``_catalog/`` table, by the shared Parquet query port (Athena on AWS, DuckDB
over the same objects on the local stack).

A query reads only the ``file_name``, ``source_bucket`` and ``key`` columns of one project's
manifests and answers the distinct files so named; the caller then reads each one's newest
entry by its full key. Nothing here imports pyarrow: the Lambda bundle has none (Athena path).
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from typing import TYPE_CHECKING, Final, Protocol

from strongroom.core.parquet_query import ParquetQuery, ParquetTable
from strongroom.deep_archive.adapters.job_files import CATALOG_PREFIX
from strongroom.deep_archive.domain.catalog import CatalogEntry

if TYPE_CHECKING:
    import pyarrow as pa

MANIFEST_TABLE: Final = "archive_manifests"
"""The Glue table over ``_catalog/`` (template ``ManifestsTable``), partitioned by project."""
NAME_QUERY_TIMEOUT_S: Final = 20.0
"""Under the API function's 25 s: a query still running then is stopped, not left to scan."""

NAMED_FILES_SQL: Final = (
    f"SELECT DISTINCT source_bucket, key FROM {MANIFEST_TABLE} "  # noqa: S608 - a constant name
    "WHERE project = ? AND file_name = ? ORDER BY source_bucket, key"
)

Address = tuple[str, str]
"""(source bucket, key) of one archived file."""


class NamedFiles(Protocol):
    def addresses(self, project: str, file_name: str) -> list[Address]:
        """Every archived file of ``project`` whose bare name is ``file_name``, by bucket, key."""
        ...


class ParquetNamedFiles:
    def __init__(
        self,
        query: ParquetQuery,
        bucket: str,
        *,
        schema: pa.Schema | None = None,
        timeout_s: float = NAME_QUERY_TIMEOUT_S,
    ) -> None:
        """``schema`` answers for a bucket with no manifests yet (DuckDB cannot infer one)."""
        self._query = query
        self._table = ParquetTable(MANIFEST_TABLE, bucket, f"{CATALOG_PREFIX}/", schema)
        self._timeout_s = timeout_s

    def addresses(self, project: str, file_name: str) -> list[Address]:
        answer = self._query.run(
            NAMED_FILES_SQL, [self._table], [project, file_name], timeout_s=self._timeout_s
        )
        return [(str(bucket), str(key)) for bucket, key in answer.rows]


class InMemoryNamedFiles:
    """The twin of ``ParquetNamedFiles``: the entries the manifests hold, kept in memory."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._addresses: set[tuple[str, str, str, str]] = set()

    def add(self, entries: Iterable[CatalogEntry]) -> None:
        rows = {
            (entry.project, entry.file_name, entry.source_bucket, entry.key) for entry in entries
        }
        with self._lock:
            self._addresses |= rows

    def addresses(self, project: str, file_name: str) -> list[Address]:
        with self._lock:
            rows = set(self._addresses)
        return sorted(
            (bucket, key)
            for owner, name, bucket, key in rows
            if (owner, name) == (project, file_name)
        )
