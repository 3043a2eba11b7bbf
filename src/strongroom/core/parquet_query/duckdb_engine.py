"""DuckDB over the same Parquet objects, for the local stack where Athena is not emulated.

Objects are read through pyarrow's S3 filesystem pointed where boto3 points (``AWS_ENDPOINT_URL``
and the default credentials), so nothing is downloaded first and no DuckDB extension is fetched.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator, Sequence
from typing import Any
from urllib.parse import urlparse

import boto3
import duckdb
import pyarrow.dataset as ds
from pyarrow import fs

from strongroom.core.parquet_query.port import (
    Parameter,
    ParquetTable,
    QueryAnswer,
    QueryFailed,
    QueryTimedOut,
)

FETCH_ROWS = 10_000


def s3_filesystem_from_environment() -> fs.S3FileSystem:
    session = boto3.session.Session()
    credentials = session.get_credentials()
    options: dict[str, Any] = {"region": session.region_name or "us-east-1"}
    if credentials is not None:
        frozen = credentials.get_frozen_credentials()
        options |= {
            "access_key": frozen.access_key,
            "secret_key": frozen.secret_key,
            "session_token": frozen.token,
        }
    endpoint = session.client("s3").meta.endpoint_url
    parsed = urlparse(endpoint)
    if parsed.hostname and not parsed.hostname.endswith(".amazonaws.com"):
        options |= {"endpoint_override": parsed.netloc, "scheme": parsed.scheme}
    return fs.S3FileSystem(**options)


class DuckDbParquetQuery:
    def __init__(self, filesystem: fs.FileSystem | None = None) -> None:
        self._filesystem = filesystem

    def run(
        self,
        sql: str,
        tables: Sequence[ParquetTable],
        parameters: Sequence[Parameter] = (),
        timeout_s: float = 300.0,
    ) -> QueryAnswer:
        filesystem = self._filesystem or s3_filesystem_from_environment()
        connection = duckdb.connect()
        for table in tables:
            connection.register(table.name, self._dataset(table, filesystem))
        timer = threading.Timer(timeout_s, connection.interrupt)
        timer.start()
        try:
            result = connection.execute(sql, list(parameters))
        except duckdb.InterruptException:
            connection.close()
            raise QueryTimedOut(f"DuckDB query stopped after {timeout_s:g} s") from None
        except duckdb.Error as error:
            connection.close()
            raise QueryFailed(f"DuckDB: {error}") from None
        finally:
            timer.cancel()
        columns = tuple(column[0] for column in result.description or ())
        return QueryAnswer(columns=columns, rows=self._rows(connection))

    @staticmethod
    def _dataset(table: ParquetTable, filesystem: fs.FileSystem) -> Any:
        path = f"{table.bucket}/{table.prefix}".rstrip("/")
        try:
            return ds.dataset(path, filesystem=filesystem, format="parquet", partitioning="hive")
        except FileNotFoundError as error:
            bucket_missing = filesystem.get_file_info(table.bucket).type == fs.FileType.NotFound
            if table.schema is None or bucket_missing:
                raise QueryFailed(
                    f"table {table.name}: nothing to read at {table.location}"
                ) from error
            return table.schema.empty_table()
        except OSError as error:  # no such bucket, refused, unreachable: never "no rows"
            raise QueryFailed(
                f"table {table.name}: cannot read {table.location}: {error}"
            ) from error

    @staticmethod
    def _rows(connection: duckdb.DuckDBPyConnection) -> Iterator[tuple[Any, ...]]:
        try:
            while batch := connection.fetchmany(FETCH_ROWS):
                yield from batch
        finally:
            connection.close()
